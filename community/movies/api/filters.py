from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from community.core.api.filters import OrderingFilter
from community.movies.models import Movie
from community.movies.selectors import movie_search_filter, movie_search_order, search_query_clean


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class MovieFilter(filters.FilterSet):
    search = filters.CharFilter(
        method="filter_search", max_length=200, help_text="Words in the title, director or cast names."
    )
    slug = filters.CharFilter(
        field_name="slug", max_length=320, help_text="The movie's slug, as in site URLs."
    )
    genre = filters.CharFilter(
        field_name="genres__slug", max_length=40, help_text="A genre slug, e.g. `crime`."
    )
    year = IntegerFilter(field_name="year", min_value=1800, max_value=2200)
    year_min = IntegerFilter(field_name="year", lookup_expr="gte", min_value=1800, max_value=2200)
    year_max = IntegerFilter(field_name="year", lookup_expr="lte", min_value=1800, max_value=2200)
    ordering = OrderingFilter(
        fields=(
            ("title", "title"),
            ("year", "year"),
            ("rating_average", "rating"),
            ("rating_count", "popularity"),
            ("review_count", "reviews"),
        ),
        help_text="Sort key; prefix with `-` for descending. Default: most rated first.",
    )

    class Meta:
        model = Movie
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Movie]) -> QuerySet[Movie]:
        queryset = super().filter_queryset(queryset)
        query = self.form.cleaned_data.get("search", "")
        if search_query_clean(query) and not self.form.cleaned_data.get("ordering"):
            queryset = movie_search_order(queryset, query=query)  # the catalog page's order
        return queryset

    def filter_search(self, queryset: QuerySet[Movie], name: str, value: str) -> QuerySet[Movie]:
        return movie_search_filter(queryset, query=value)
