from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from community.accounts.models import User


class Studio(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    movies = models.ManyToManyField("movies.Movie", blank=True, related_name="studios")
    members: "models.ManyToManyField[User, StudioMembership]" = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="StudioMembership", related_name="studios"
    )
    # Quotes from reviews marked as spoilers appear on the console only if the studio opts in.
    show_spoiler_quotes = models.BooleanField(
        default=False,
        help_text="Show quotes from reviews their authors marked as containing spoilers.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StudioMembership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ANALYST = "analyst", "Analyst"

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="studio_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.ANALYST)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["studio", "user"], name="one_membership_per_user")]
