from __future__ import annotations

from datetime import datetime

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.accounts.models import ApiToken, User, Visibility
from community.accounts.selectors import privacy_choices
from community.accounts.services import BIO_MAX_LENGTH, NAME_MAX_LENGTH, USERNAME_MAX_LENGTH
from community.accounts.tokens import TOKEN_NAME_MAX_LENGTH, expires_at
from community.core.api.fields import SafeSlugRelatedField
from community.movies.api.serializers import GenreSerializer
from community.movies.models import Genre

# --- input ---


class TokenObtainInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=1000, trim_whitespace=False, write_only=True)
    name = serializers.CharField(
        max_length=TOKEN_NAME_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="What the token is for (shown in your token list).",
    )


class SignupInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=USERNAME_MAX_LENGTH)
    password = serializers.CharField(max_length=1000, trim_whitespace=False, write_only=True)
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class PrivacyInputSerializer(serializers.Serializer):
    taste_visibility = serializers.ChoiceField(
        choices=Visibility.choices, required=False, help_text="Who sees your taste profile."
    )
    ratings_visibility = serializers.ChoiceField(
        choices=Visibility.choices, required=False, help_text="Who sees your ratings and their average."
    )
    watchlist_visibility = serializers.ChoiceField(
        choices=Visibility.choices, required=False, help_text="Who sees your watchlist."
    )


class ProfileUpdateInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=NAME_MAX_LENGTH, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=NAME_MAX_LENGTH, required=False, allow_blank=True)
    bio = serializers.CharField(max_length=BIO_MAX_LENGTH, required=False, allow_blank=True)
    email = serializers.EmailField(
        required=False,
        allow_blank=True,
        help_text="A new address becomes `pending_email` until you follow the link mailed to it; "
        "an empty one removes your address.",
    )
    favourite_genres = SafeSlugRelatedField(
        slug_field="slug", queryset=Genre.objects.all(), many=True, required=False, help_text="Genre slugs."
    )
    privacy = PrivacyInputSerializer(required=False, help_text="Only the choices sent change.")


class PasswordChangeInputSerializer(serializers.Serializer):
    old_password = serializers.CharField(max_length=1000, trim_whitespace=False, write_only=True)
    new_password = serializers.CharField(max_length=1000, trim_whitespace=False, write_only=True)


class AccountDeleteInputSerializer(serializers.Serializer):
    password = serializers.CharField(
        max_length=1000, trim_whitespace=False, write_only=True, help_text="Your password, to confirm."
    )


# --- output ---


class ApiTokenSerializer(serializers.ModelSerializer):
    expires_at = serializers.SerializerMethodField(help_text="When it stops working unless used before.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "expires_at"]

    def get_expires_at(self, token: ApiToken) -> datetime:
        return expires_at(token)


class NewApiTokenSerializer(ApiTokenSerializer):
    """A token just made, with its key (given in the context: the row keeps only its hash)."""

    token = serializers.SerializerMethodField(
        help_text="Send as `Authorization: Token <token>`. Shown only once."
    )

    def get_token(self, token: ApiToken) -> str:
        return self.context["key"]

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]


class UserPublicSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "display_name", "bio"]


class UserStatsSerializer(serializers.Serializer):
    ratings = serializers.IntegerField()
    reviews = serializers.IntegerField()
    followers = serializers.IntegerField()
    following = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True, help_text="Their average rating.")


class CanSeeSerializer(serializers.Serializer):
    taste_profile = serializers.BooleanField(
        source="taste", help_text="`users/<name>/taste-profile/` answers."
    )
    ratings = serializers.BooleanField(help_text="`users/<name>/ratings/` answers; `stats.average` is shown.")
    watchlist = serializers.BooleanField(help_text="`users/<name>/watchlist/` answers.")


class PublicProfileSerializer(serializers.ModelSerializer):
    favourite_genres = GenreSerializer(many=True, read_only=True)
    stats = UserStatsSerializer(read_only=True)
    is_imported = serializers.BooleanField(read_only=True, help_text="A MovieLens rater or critic account.")
    followed_by_me = serializers.BooleanField(read_only=True)
    can_see = CanSeeSerializer(read_only=True, help_text="What the member lets you see (their choice).")

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "bio",
            "favourite_genres",
            "date_joined",
            "is_imported",
            "stats",
            "followed_by_me",
            "can_see",
        ]


class PrivacySerializer(serializers.Serializer):
    taste_visibility = serializers.ChoiceField(choices=Visibility.choices)
    ratings_visibility = serializers.ChoiceField(choices=Visibility.choices)
    watchlist_visibility = serializers.ChoiceField(choices=Visibility.choices)


class ProfileSerializer(serializers.ModelSerializer):
    favourite_genres = GenreSerializer(many=True, read_only=True)
    privacy = serializers.SerializerMethodField(help_text="Who sees each part of your profile.")
    rating_count = serializers.IntegerField(read_only=True)
    review_count = serializers.IntegerField(read_only=True)
    follower_count = serializers.IntegerField(read_only=True)
    following_count = serializers.IntegerField(read_only=True)
    email_verified = serializers.BooleanField(
        read_only=True, help_text="Whether you followed the link mailed to `email`."
    )
    pending_email = serializers.SerializerMethodField(
        help_text="A new address sent with PATCH, used once you follow the link mailed to it "
        "(null when none waits).",
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "first_name",
            "last_name",
            "email",
            "email_verified",
            "pending_email",
            "bio",
            "favourite_genres",
            "date_joined",
            "onboarded_at",
            "rating_count",
            "review_count",
            "follower_count",
            "following_count",
            "privacy",
        ]

    @extend_schema_field(PrivacySerializer)
    def get_privacy(self, user: User) -> dict[str, str]:
        return privacy_choices(user=user)

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_pending_email(self, user: User) -> str | None:
        return user.pending_email or None


class EmailResendSerializer(serializers.Serializer):
    sent_to = serializers.EmailField(allow_null=True, help_text="Where the link went; null if nothing waits.")


class AccountExportSerializer(serializers.Serializer):
    """The shape of community.accounts.services.account_export(): a header and one field per
    section registered with community.core.exports (community's and recommender's)."""

    format = serializers.CharField()
    exported_at = serializers.DateTimeField()

    def get_fields(self) -> dict[str, serializers.Field]:
        from community.core import exports

        fields = super().get_fields()
        for section in exports.sections():
            field: serializers.Field
            if section.shape is exports.Shape.OBJECT:
                field = serializers.DictField(allow_null=True, help_text=section.help_text)
            elif section.shape is exports.Shape.NAMES:
                field = serializers.ListField(child=serializers.CharField(), help_text=section.help_text)
            else:
                field = serializers.ListField(child=serializers.DictField(), help_text=section.help_text)
            fields[section.name] = field
        return fields
