"""A member's film diary: watches with a date, tags, liked films, and Letterboxd import jobs."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from community.accounts.models import Visibility

TAG_MAX_LENGTH = 50


def today() -> object:
    return timezone.localdate()


class Tag(models.Model):
    """A free tag, stored once in its normalised form (lowercase slug, see services.tag_normalise)."""

    slug = models.SlugField(max_length=TAG_MAX_LENGTH, unique=True, allow_unicode=True)
    # Tags on reviews live here, with the tags: community.reviews knows nothing of them (it is
    # the floor the diary stands on), and reads a review's tags only as `review.tags`.
    reviews = models.ManyToManyField("reviews.Review", blank=True, related_name="tags")

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class DiaryEntry(models.Model):
    """One watch of a film. A film can be logged many times, once per day (the day is the key
    that makes imports idempotent: the same film and date is the same watch)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_entries")
    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="diary_entries")
    watched_on = models.DateField(default=today)
    rewatch = models.BooleanField(default=False)
    rating = models.DecimalField(
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("5.0"))],
    )
    # The review written from this entry (one review per film on CineCircle, so several watches
    # may point at the same review). Deleting the review leaves the watch.
    review = models.ForeignKey(
        "reviews.Review", on_delete=models.SET_NULL, null=True, blank=True, related_name="diary_entries"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="entries")
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-watched_on", "-created_at", "-pk"]
        verbose_name_plural = "diary entries"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "movie", "watched_on"], name="one_diary_entry_per_film_and_day"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True)
                | (Q(rating__gte=Decimal("0.5")) & Q(rating__lte=Decimal("5.0"))),
                name="diary_rating_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-watched_on"]),
            models.Index(fields=["user", "movie"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} watched {self.movie} on {self.watched_on}"


class LikedFilm(models.Model):
    """A film the member marked as liked (Letterboxd's heart); no such mark existed before."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="liked_films")
    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="liked_by")
    liked = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "movie"], name="one_like_per_user_and_film")]

    def __str__(self) -> str:
        return f"{self.user} likes {self.movie}"


class ImportJob(models.Model):
    """One Letterboxd upload: the rows read from it at upload time, then the task's progress and
    what it did. Rows that matched no film wait in `unmatched` for the member to pick or skip."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    filename = models.CharField(max_length=255)
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    rows = models.JSONField(default=list)  # parsed at upload (letterboxd.parse_upload)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict)  # counts per kind and outcome
    unmatched = models.JSONField(default=list)  # rows with candidate films and their resolution
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import {self.pk} by {self.user} ({self.status})"

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else (100 if self.status == "done" else 0)


class StatsSharing(models.Model):
    """Whether the member lets others see their year in review and stats pages. Off until they
    choose; when on, others still see figures from only the entries they may see."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="stats_sharing"
    )
    shared = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "stats sharing"

    def __str__(self) -> str:
        return f"{self.user}'s stats {'shared' if self.shared else 'not shared'}"
