from __future__ import annotations

from rest_framework import serializers

from community.accounts.api.serializers import UserPublicSerializer
from community.notifications.models import Notification
from community.notifications.selectors import Item

# --- input ---


class MarkReadInputSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=100,
        help_text="Your notifications to mark read (at most 100).",
    )
    all = serializers.BooleanField(
        required=False, default=False, help_text="Mark every unread notification read."
    )

    def validate(self, attrs: dict) -> dict:
        ids, everything = attrs.get("ids"), attrs.get("all", False)
        if everything and ids:
            raise serializers.ValidationError({"all": ['Give either "ids" or "all": true, not both.']})
        if not everything and not ids:
            raise serializers.ValidationError({"ids": ['Give the ids to mark read, or "all": true.']})
        return attrs


class NotificationSettingsInputSerializer(serializers.Serializer):
    email_digest = serializers.BooleanField(
        help_text="A daily email of unread notifications (off by default)."
    )


# --- output ---


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="notification.pk")
    verb = serializers.ChoiceField(choices=Notification.Verb.choices, source="notification.verb")
    text = serializers.SerializerMethodField(
        help_text='What happened, as the page says it ("liked your review").'
    )
    actor = UserPublicSerializer(source="notification.actor")
    about = serializers.CharField(
        source="title", help_text="The film, discussion or list it is about, if any."
    )
    url = serializers.CharField(help_text="The page of what it is about, on this site.")
    created_at = serializers.DateTimeField(source="notification.created_at")
    read_at = serializers.DateTimeField(source="notification.read_at", allow_null=True)
    unread = serializers.SerializerMethodField()

    def get_text(self, item: Item) -> str:
        return str(item.notification.get_verb_display())

    def get_unread(self, item: Item) -> bool:
        return item.notification.read_at is None


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many changed from unread to read.")
    unread = serializers.IntegerField(help_text="How many are unread now.")


class NotificationSettingsSerializer(serializers.Serializer):
    email_digest = serializers.BooleanField()
