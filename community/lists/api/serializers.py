from __future__ import annotations

from typing import Any

from rest_framework import serializers

from community.accounts.models import Visibility
from community.lists.models import (
    COMMENT_MAX_LENGTH,
    DELETED_OWNER,
    DESCRIPTION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    FilmList,
    ListCollaborator,
    ListComment,
    ListEntry,
)
from community.movies.api.serializers import MovieBriefSerializer
from community.reviews.api.serializers import AuthorSerializer

# --- input ---


class FilmListInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    ranked = serializers.BooleanField(required=False, default=False)
    visibility = serializers.ChoiceField(
        choices=Visibility.choices,
        required=False,
        default=Visibility.PUBLIC,
        help_text='"only_me" is a private list: its owner and collaborators see it.',
    )
    collaborative = serializers.BooleanField(required=False, default=False)


class FilmListUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH, required=False)
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH, required=False, allow_blank=True)
    ranked = serializers.BooleanField(required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    collaborative = serializers.BooleanField(required=False)


class EntryInputSerializer(serializers.Serializer):
    movie_id = serializers.IntegerField(min_value=1)
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="")


class EntryUpdateInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, allow_blank=True)


class EntryMoveInputSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["up", "down"])


class ReorderInputSerializer(serializers.Serializer):
    entry_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        max_length=10_000,
        help_text="Every entry id of the list exactly once, in the new order.",
    )


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=COMMENT_MAX_LENGTH)


class InvitationAnswerInputSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=["accept", "decline"])


class InviteInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)


# --- output ---


class FilmListSerializer(serializers.ModelSerializer):
    owner = serializers.SerializerMethodField(help_text=f'Username, or null ("{DELETED_OWNER}").')
    entry_count = serializers.IntegerField(read_only=True)
    like_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = FilmList
        fields = [
            "id",
            "title",
            "description",
            "owner",
            "ranked",
            "visibility",
            "collaborative",
            "entry_count",
            "like_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_owner(self, obj: FilmList) -> str | None:
        return obj.owner.username if obj.owner_id and obj.owner else None


class EntrySerializer(serializers.ModelSerializer):
    movie = MovieBriefSerializer(read_only=True)
    added_by = serializers.SerializerMethodField(help_text="Username of who added it, or null.")

    class Meta:
        model = ListEntry
        fields = ["id", "position", "movie", "note", "added_by", "created_at"]
        read_only_fields = fields

    def get_added_by(self, obj: ListEntry) -> str | None:
        return obj.added_by.username if obj.added_by_id and obj.added_by else None


class ListCommentSerializer(serializers.ModelSerializer):
    author = AuthorSerializer(read_only=True)
    list_id = serializers.IntegerField(source="film_list_id", read_only=True)
    hidden = serializers.BooleanField(
        source="is_hidden", read_only=True, help_text="Hidden by moderators (only its author sees it)."
    )
    hidden_reason = serializers.CharField(read_only=True)

    class Meta:
        model = ListComment
        fields = ["id", "list_id", "author", "body", "created_at", "updated_at", "hidden", "hidden_reason"]
        read_only_fields = fields


class CollaboratorSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="member.username", read_only=True)

    class Meta:
        model = ListCollaborator
        fields = ["id", "username", "status", "invited_at", "accepted_at"]
        read_only_fields = fields


class InvitationSerializer(serializers.ModelSerializer):
    list = serializers.SerializerMethodField()

    class Meta:
        model = ListCollaborator
        fields = ["id", "list", "status", "invited_at"]
        read_only_fields = fields

    def get_list(self, obj: ListCollaborator) -> dict[str, Any]:
        film_list = obj.film_list
        owner = film_list.owner.username if film_list.owner else None
        return {"id": film_list.pk, "title": film_list.title, "owner": owner}


class LikeSerializer(serializers.Serializer):
    liked = serializers.BooleanField()
    like_count = serializers.IntegerField()
