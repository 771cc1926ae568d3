from __future__ import annotations

from rest_framework import serializers

from community.discussions.models import BODY_MAX_LENGTH, DELETED_AUTHOR, TITLE_MAX_LENGTH, Reply, Thread
from community.movies.api.serializers import MovieBriefSerializer
from community.reviews.api.serializers import AuthorSerializer

# --- input ---


class ThreadInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    body = serializers.CharField(max_length=BODY_MAX_LENGTH)


class ThreadUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH, required=False)
    body = serializers.CharField(max_length=BODY_MAX_LENGTH, required=False)


class ReplyInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=BODY_MAX_LENGTH)


# --- output ---


class ThreadAuthorSerializer(serializers.Serializer):
    """A thread's author; after they deleted their account, id and username are null and the
    display name is "deleted member" (the thread stays for the replies in it), or "deleted" when
    the author deleted the opening post of a thread others replied in."""

    id = serializers.IntegerField(allow_null=True, read_only=True)
    username = serializers.CharField(allow_null=True, read_only=True)
    display_name = serializers.CharField(read_only=True)

    def to_representation(self, instance: Thread) -> dict:
        author = instance.author
        if author is None:
            # An empty body: the author deleted the opening post, not (necessarily) the account.
            shown = DELETED_AUTHOR if instance.body else "deleted"
            return {"id": None, "username": None, "display_name": shown}
        return {"id": author.pk, "username": author.username, "display_name": author.display_name}


class ThreadSerializer(serializers.ModelSerializer):
    movie = MovieBriefSerializer(read_only=True)
    author = ThreadAuthorSerializer(source="*", read_only=True)
    hidden = serializers.BooleanField(
        source="is_hidden", read_only=True, help_text="Hidden by moderators (only its author sees it)."
    )
    hidden_reason = serializers.CharField(read_only=True, help_text="Why moderators hid it; empty if not.")

    class Meta:
        model = Thread
        fields = [
            "id",
            "movie",
            "author",
            "title",
            "body",
            "reply_count",
            "created_at",
            "updated_at",
            "last_activity_at",
            "hidden",
            "hidden_reason",
        ]


class ReplySerializer(serializers.ModelSerializer):
    author = AuthorSerializer(read_only=True)
    thread_id = serializers.IntegerField(read_only=True)
    hidden = serializers.BooleanField(
        source="is_hidden", read_only=True, help_text="Hidden by moderators (only its author sees it)."
    )
    hidden_reason = serializers.CharField(read_only=True, help_text="Why moderators hid it; empty if not.")

    class Meta:
        model = Reply
        fields = ["id", "thread_id", "author", "body", "created_at", "updated_at", "hidden", "hidden_reason"]
        read_only_fields = fields


class RelatedThreadSerializer(serializers.Serializer):
    similarity = serializers.FloatField(help_text="Cosine of the two threads' vectors (MiniLM), 0 to 1.")
    thread = ThreadSerializer()
