from __future__ import annotations

from rest_framework import serializers

from community.moderation.models import NOTE_MAX_LENGTH, Kind, Report


class ReportInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, help_text="What is reported.")
    id = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The review, thread, reply or list comment id."
    )
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="Only staff read it.",
    )


class ReportSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Kind.choices, read_only=True)
    id = serializers.IntegerField(read_only=True)
    target_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Report
        fields = ["id", "kind", "target_id", "reason", "note", "status", "created_at"]
        read_only_fields = fields
