"""A benchmark member: the same setup for every benchmark that needs one."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from community.movies.models import Movie
from community.reviews.models import Rating


def bench_member(username: str, score: Callable[[int], Decimal]):
    """A member (created once) who rated the 20 most rated movies, the i-th with score(i)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"onboarded_at": timezone.now()})
    if created:
        user.set_unusable_password()
        user.save()
        now = timezone.now()
        Rating.objects.bulk_create(
            [
                Rating(user=user, movie=m, score=score(i), created_at=now, updated_at=now)
                for i, m in enumerate(Movie.objects.order_by("-rating_count")[:20])
            ],
            ignore_conflicts=True,
        )
    return user
