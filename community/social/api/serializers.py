from __future__ import annotations

from rest_framework import serializers

from community.accounts.api.serializers import UserPublicSerializer
from community.movies.api.serializers import MovieBriefSerializer, MovieListSerializer
from community.reviews.api.serializers import AuthorSerializer
from community.social.models import Follow, WatchlistItem

# --- input ---


class WatchlistAddInputSerializer(serializers.Serializer):
    movie_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class FollowInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)


# --- output ---


class WatchlistItemSerializer(serializers.ModelSerializer):
    movie = MovieListSerializer(read_only=True)

    class Meta:
        model = WatchlistItem
        fields = ["movie", "added_at"]


class FollowingSerializer(serializers.ModelSerializer):
    user = UserPublicSerializer(source="followee", read_only=True)

    class Meta:
        model = Follow
        fields = ["user", "created_at"]


class FollowerSerializer(serializers.ModelSerializer):
    user = UserPublicSerializer(source="follower", read_only=True)

    class Meta:
        model = Follow
        fields = ["user", "created_at"]


class FeedReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()
    has_spoilers = serializers.BooleanField()
    like_count = serializers.IntegerField()


class FeedItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["rating", "review"])
    user = AuthorSerializer()
    movie = MovieBriefSerializer()
    at = serializers.DateTimeField()
    score = serializers.FloatField(allow_null=True)
    review = FeedReviewSerializer(allow_null=True)
