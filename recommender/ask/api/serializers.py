from __future__ import annotations

from rest_framework import serializers

from recommender.ask.services import MAX_REQUEST_LENGTH


class AskInputSerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=MAX_REQUEST_LENGTH, help_text="The request, in English or Chinese."
    )
    conversation = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Continue this conversation of yours (a follow-up refines its last query).",
    )


class BroadenInputSerializer(serializers.Serializer):
    chip = serializers.CharField(max_length=120, help_text="The `key` of one of the turn's chips.")


class AskMovieSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    slug = serializers.CharField()
    runtime_minutes = serializers.IntegerField(allow_null=True)


class AskPickSerializer(serializers.Serializer):
    movie = AskMovieSerializer()
    score = serializers.FloatField()
    reason = serializers.CharField(help_text="A template reason from the catalogue's facts.")
    explanation = serializers.CharField(help_text="The AI-generated sentence once ready (status `ready`).")
    status = serializers.CharField(
        help_text="`pending` while the sentence is written, `ready`, or `none` (no budget)."
    )
    is_fallback = serializers.BooleanField()


class AskChipSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="What POST .../broaden/ takes to remove this chip.")
    text = serializers.CharField(source="label", help_text="How the chip reads.")


class AskTurnSerializer(serializers.Serializer):
    conversation = serializers.IntegerField(source="turn.conversation_id")
    turn = serializers.IntegerField(source="turn.pk")
    number = serializers.IntegerField(source="turn.number")
    text = serializers.CharField(source="turn.text")
    language = serializers.CharField(source="turn.language")
    status = serializers.SerializerMethodField()
    query = serializers.JSONField(source="turn.query", help_text="The structured request as understood.")
    chips = AskChipSerializer(many=True)
    notices = serializers.ListField(child=serializers.CharField(), source="turn.notices")
    popular_fallback = serializers.BooleanField(source="turn.popular_fallback")
    picks = AskPickSerializer(many=True)
    poll_url = serializers.SerializerMethodField()

    def get_status(self, view) -> str:
        return "pending" if view.turn.pending else "ready"

    def get_poll_url(self, view) -> str:
        request = self.context.get("request")
        path = f"/api/v1/ask/turns/{view.turn.pk}/"
        return request.build_absolute_uri(path) if request else path
