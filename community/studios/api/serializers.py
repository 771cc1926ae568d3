from __future__ import annotations

from rest_framework import serializers

from community.studios.models import Studio, StudioMembership


class StudioSerializer(serializers.ModelSerializer):
    my_role = serializers.ChoiceField(choices=StudioMembership.Role.choices, read_only=True)
    movie_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Studio
        fields = ["id", "slug", "name", "my_role", "movie_count"]
