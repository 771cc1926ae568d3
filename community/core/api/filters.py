from __future__ import annotations

from django.db.models import F, QuerySet
from django_filters import rest_framework as filters


class OrderingFilter(filters.OrderingFilter):
    """django-filter's OrderingFilter, ignoring empty keys (``?ordering=,``), with empty values last
    either way and the id as a tie-breaker, so pages never repeat or skip a row."""

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        fields = [self.get_ordering_value(param) for param in value or [] if param]
        if not fields:
            return qs
        exprs = [
            F(name[1:]).desc(nulls_last=True) if name.startswith("-") else F(name).asc(nulls_last=True)
            for name in fields
        ]
        return qs.order_by(*exprs, "-pk")
