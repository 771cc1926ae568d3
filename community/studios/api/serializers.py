from __future__ import annotations

from rest_framework import serializers

from community.studios.models import Studio, StudioMembership


class StudioSerializer(serializers.ModelSerializer):
    my_role = serializers.ChoiceField(choices=StudioMembership.Role.choices, read_only=True)
    movie_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Studio
        fields = ["id", "slug", "name", "my_role", "movie_count"]


class StudioMemberSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(source="user.pk", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = StudioMembership
        fields = ["user_id", "username", "role"]


class StudioMemberInviteSerializer(serializers.Serializer):
    identifier = serializers.CharField(max_length=254, help_text="Username or email address (any case).")
    role = serializers.ChoiceField(
        choices=StudioMembership.Role.choices, default=StudioMembership.Role.ANALYST
    )


class StudioSettingsSerializer(serializers.ModelSerializer):
    show_spoiler_quotes = serializers.BooleanField(
        help_text="Whether the console quotes reviews marked as containing spoilers (labelled spoiler)."
    )

    class Meta:
        model = Studio
        fields = ["show_spoiler_quotes"]
