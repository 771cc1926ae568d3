from __future__ import annotations

from django_filters import rest_framework as filters

from community.core.api.filters import OrderingFilter
from community.reviews.models import Rating, Review


class ReviewFilter(filters.FilterSet):
    source = filters.ChoiceFilter(choices=Review.Source.choices)
    has_spoilers = filters.BooleanFilter()
    ordering = OrderingFilter(
        fields=(("created_at", "created_at"), ("like_count", "likes")),
        help_text="Default: newest first.",
    )

    class Meta:
        model = Review
        fields: list[str] = []


class RatingFilter(filters.FilterSet):
    ordering = OrderingFilter(
        fields=(("updated_at", "updated_at"), ("score", "score")),
        help_text="Default: most recently rated first.",
    )

    class Meta:
        model = Rating
        fields: list[str] = []
