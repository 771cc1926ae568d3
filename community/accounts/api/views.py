"""Token auth, sign-up and the signed-in user's own account (`me`)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from community.accounts import lockout, selectors, services, tokens, verification
from community.accounts.api.serializers import (
    AccountDeleteInputSerializer,
    AccountExportSerializer,
    ApiTokenSerializer,
    EmailResendSerializer,
    NewApiTokenSerializer,
    PasswordChangeInputSerializer,
    ProfileSerializer,
    ProfileUpdateInputSerializer,
    PublicProfileSerializer,
    SignupInputSerializer,
    TokenObtainInputSerializer,
)
from community.accounts.models import ApiToken, User
from community.core.api.lookups import clean_lookup
from community.core.api.throttles import LoginRateThrottle, PasswordResetRateThrottle, SignupRateThrottle
from community.core.members import signed_in_member
from community.reviews import selectors as review_selectors
from community.reviews.api.serializers import RatingSerializer
from community.reviews.models import Rating
from community.social import selectors as social_selectors
from community.social.api.serializers import WatchlistItemSerializer
from community.social.models import WatchlistItem


def profile_of(user: User) -> User:
    """The user with the counts the profile shows (separate COUNTs: joins would multiply rows)."""
    profile = User.objects.prefetch_related("favourite_genres").get(pk=user.pk)
    # Extra attributes only ProfileSerializer reads; the model does not declare them.
    profile.rating_count = profile.ratings.count()  # type: ignore[attr-defined]
    profile.review_count = profile.reviews.visible().count()  # type: ignore[attr-defined]
    profile.follower_count = profile.followers.count()  # type: ignore[attr-defined]
    profile.following_count = profile.following.count()  # type: ignore[attr-defined]
    return profile


class TokenApi(generics.GenericAPIView):
    """Obtain a new token with username and password (POST), or revoke the token you send (DELETE)."""

    serializer_class = NewApiTokenSerializer

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self) -> list[BaseThrottle]:
        if self.request.method == "POST":
            return [LoginRateThrottle()]
        return super().get_throttles()

    @extend_schema(
        tags=["auth"],
        summary="Obtain a new API token",
        description=(
            "Each call makes a new named token; the key is shown only in this answer (the site "
            "stores its hash). Throttled per client address; wrong passwords count against the "
            "account's lockout, shared with the web login (429 while locked)."
        ),
        request=TokenObtainInputSerializer,
        responses={200: NewApiTokenSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = TokenObtainInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        lockout.check(username=username)
        user = authenticate(request._request, username=username, password=data.validated_data["password"])
        if user is None or not user.is_active:
            lockout.check(username=username)  # this very failure may have locked it
            raise ValidationError({"non_field_errors": ["Unable to log in with these credentials."]})
        token, key = tokens.token_create(user=user, name=data.validated_data.get("name", ""))
        return Response(NewApiTokenSerializer(token, context={"key": key}).data)

    @extend_schema(
        tags=["auth"],
        summary="Revoke the token this request is authenticated with",
        request=None,
        responses={204: None},
    )
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):
            raise ValidationError(
                {"detail": ["Send the token to revoke as Authorization, or use /api/v1/me/tokens/<id>/."]}
            )
        tokens.token_revoke(user=signed_in_member(request), token_id=request.auth.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeTokensApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()  # for the schema; the answer comes from tokens.tokens_of
    pagination_class = None

    @extend_schema(
        tags=["auth"],
        summary="Your API tokens (never their keys)",
        responses={200: ApiTokenSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(ApiTokenSerializer(tokens.tokens_of(user=signed_in_member(request)), many=True).data)


class MeTokenApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()

    @extend_schema(
        tags=["auth"], summary="Revoke one of your API tokens", request=None, responses={204: None}
    )
    def delete(self, request: Request, token_id: int) -> Response:
        if not tokens.token_revoke(user=signed_in_member(request), token_id=token_id):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


class SignupApi(generics.GenericAPIView):
    permission_classes = [AllowAny]
    throttle_classes = [SignupRateThrottle]
    serializer_class = ProfileSerializer

    @extend_schema(
        tags=["auth"],
        summary="Create a member account",
        request=SignupInputSerializer,
        responses={201: ProfileSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = SignupInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_signup(**data.validated_data, site_url=request.build_absolute_uri("/"))
        return Response(ProfileSerializer(profile_of(user)).data, status=status.HTTP_201_CREATED)


class MeApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ProfileSerializer

    @extend_schema(tags=["me"], summary="Your profile", responses={200: ProfileSerializer})
    def get(self, request: Request) -> Response:
        return Response(ProfileSerializer(profile_of(signed_in_member(request))).data)

    @extend_schema(
        tags=["me"],
        summary="Change your profile (only the fields sent)",
        request=ProfileUpdateInputSerializer,
        responses={200: ProfileSerializer},
    )
    def patch(self, request: Request) -> Response:
        data = ProfileUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = signed_in_member(request)
        current = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "bio": user.bio,
            "email": user.email,
            "favourite_genres": list(user.favourite_genres.all()),
        }
        changes = dict(data.validated_data)
        privacy = changes.pop("privacy", {})
        with transaction.atomic():
            services.profile_update(
                user=user, **{**current, **changes}, site_url=request.build_absolute_uri("/")
            )
            services.profile_privacy_update(user=user, **privacy)
        return Response(ProfileSerializer(profile_of(user)).data)


class MeEmailResendApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [PasswordResetRateThrottle]
    serializer_class = EmailResendSerializer

    @extend_schema(
        tags=["me"],
        summary="Mail a new verification link",
        description=(
            "To `pending_email` if you asked to change your address, else to `email` if it is not "
            "verified yet; `sent_to` is null when there is nothing to verify. Until your address is "
            "verified you may post only a few reviews, threads and replies a day."
        ),
        request=None,
        responses={200: EmailResendSerializer},
    )
    def post(self, request: Request) -> Response:
        address = verification.email_verification_send(
            user=signed_in_member(request), site_url=request.build_absolute_uri("/")
        )
        return Response(EmailResendSerializer({"sent_to": address}).data)


class MeExportApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = AccountExportSerializer

    @extend_schema(
        tags=["me"], summary="Download all your data as JSON", responses={200: AccountExportSerializer}
    )
    def get(self, request: Request) -> Response:
        return Response(AccountExportSerializer(services.account_export(user=signed_in_member(request))).data)


class MeDeleteApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = AccountDeleteInputSerializer

    @extend_schema(
        tags=["me"],
        summary="Delete your account and everything you wrote",
        request=AccountDeleteInputSerializer,
        responses={204: None},
    )
    def post(self, request: Request) -> Response:
        data = AccountDeleteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.account_delete_confirmed(
            user=signed_in_member(request), password=data.validated_data["password"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [LoginRateThrottle]
    serializer_class = PasswordChangeInputSerializer

    @extend_schema(
        tags=["me"],
        summary="Change your password (revokes every API token, this one included)",
        request=PasswordChangeInputSerializer,
        responses={204: None},
    )
    def post(self, request: Request) -> Response:
        data = PasswordChangeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.user_password_change(user=signed_in_member(request), **data.validated_data)
        except DjangoValidationError as exc:
            errors = exc.message_dict
            if "new_password1" in errors:  # the service speaks the web form's field names
                errors["new_password"] = errors.pop("new_password1")
            raise ValidationError(errors) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class OnboardingCompleteApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ProfileSerializer

    @extend_schema(
        tags=["me"],
        summary=f"Finish onboarding (needs {services.ONBOARDING_MIN_RATINGS} ratings)",
        request=None,
        responses={200: ProfileSerializer},
    )
    def post(self, request: Request) -> Response:
        user = services.onboarding_complete(user=signed_in_member(request))
        return Response(ProfileSerializer(profile_of(user)).data)


class PublicProfileApi(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = PublicProfileSerializer

    @extend_schema(
        tags=["people"], summary="A member's public profile", responses={200: PublicProfileSerializer}
    )
    def get(self, request: Request, username: str) -> Response:
        user = selectors.user_get_public(username=clean_lookup(username))
        visible = selectors.profile_visibility(viewer=request.user, owner=user)
        # Extra attributes only PublicProfileSerializer reads; the model does not declare them.
        user.stats = selectors.user_stats(user=user, with_average=visible.ratings)  # type: ignore[attr-defined]
        user.can_see = visible  # type: ignore[attr-defined]
        user.followed_by_me = (  # type: ignore[attr-defined]
            request.user.is_authenticated and user.followers.filter(follower=request.user).exists()
        )
        return Response(PublicProfileSerializer(user).data)


class UserRatingListApi(generics.GenericAPIView):
    """A member's ratings, when they share them with you (the profile page asks the same rule)."""

    permission_classes = [AllowAny]
    serializer_class = RatingSerializer
    filter_backends: list = []  # the list is already one member's

    def get_queryset(self) -> QuerySet[Rating]:
        if getattr(self, "swagger_fake_view", False):
            return Rating.objects.none()
        owner = selectors.user_get_visible_part(
            viewer=self.request.user, username=self.kwargs["username"], part="ratings"
        )
        return review_selectors.user_ratings(user=owner)

    @extend_schema(
        tags=["people"],
        summary="A member's ratings, newest first (403 unless they share them with you)",
        responses={200: RatingSerializer(many=True)},
    )
    def get(self, request: Request, username: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(RatingSerializer(page, many=True).data)


class UserWatchlistApi(generics.GenericAPIView):
    """A member's watchlist, when they share it with you."""

    permission_classes = [AllowAny]
    serializer_class = WatchlistItemSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[WatchlistItem]:
        if getattr(self, "swagger_fake_view", False):
            return WatchlistItem.objects.none()
        owner = selectors.user_get_visible_part(
            viewer=self.request.user, username=self.kwargs["username"], part="watchlist"
        )
        return social_selectors.watchlist_items(user=owner)

    @extend_schema(
        tags=["people"],
        summary="A member's watchlist, newest first (403 unless they share it with you)",
        responses={200: WatchlistItemSerializer(many=True)},
    )
    def get(self, request: Request, username: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(WatchlistItemSerializer(page, many=True).data)
