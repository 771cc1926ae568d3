from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from community.moderation.hiding import Hideable, HideableQuerySet
from community.reviews.language import LANGUAGE_CHOICES

REVIEW_MAX_LENGTH = 10_000


class Rating(models.Model):
    """A half-star rating from 0.5 to 5."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings")
    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="ratings")
    score = models.DecimalField(
        max_digits=2,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("5.0"))],
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "movie"], name="one_rating_per_user_and_movie"),
            models.CheckConstraint(
                condition=Q(score__gte=Decimal("0.5")) & Q(score__lte=Decimal("5.0")),
                name="rating_score_in_range",
            ),
        ]
        indexes = [models.Index(fields=["movie", "score"])]

    def __str__(self) -> str:
        return f"{self.user} rated {self.movie}: {self.score}"


class ReviewQuerySet(HideableQuerySet["Review"]):
    author_field = "user"


class Review(Hideable, models.Model):
    class Source(models.TextChoices):
        MEMBER = "member", "Member"
        CRITIC = "critic", "Critic snippet (Rotten Tomatoes corpus)"

    class Verdict(models.TextChoices):
        NONE = "", "None"
        FRESH = "fresh", "Fresh"
        ROTTEN = "rotten", "Rotten"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="reviews")
    body = models.TextField(max_length=REVIEW_MAX_LENGTH)
    has_spoilers = models.BooleanField(default=False)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MEMBER)
    critic_verdict = models.CharField(max_length=6, choices=Verdict.choices, blank=True, default="")
    # Detected from the text whenever it is saved (community.reviews.language); "und" when
    # undecidable, "" only for rows written around the services and not yet backfilled.
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, blank=True, default="")
    like_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "movie"], name="one_review_per_user_and_movie"),
        ]
        indexes = [
            models.Index(fields=["movie", "-created_at"]),
            models.Index(fields=["user", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"Review of {self.movie} by {self.user}"


class ReviewLike(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_likes")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "review"], name="one_like_per_user_and_review")
        ]
