"""Members' film lists: ranked or not, with notes per film, shared with collaborators, liked and
commented on. Who may see a list is decided in one place: community.lists.selectors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from community.accounts.models import Visibility
from community.moderation.hiding import Hideable, HideableQuerySet

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 10_000
NOTE_MAX_LENGTH = 2_000
COMMENT_MAX_LENGTH = 2_000
LETTERBOXD_URL_MAX_LENGTH = 500
DELETED_OWNER = "deleted member"


class FilmList(models.Model):
    # Visibility.ONLY_ME is a private list: its owner and its collaborators see it.
    # The owner is null once they deleted their account and the list stayed for the comments
    # other members wrote on it (community.lists.services.lists_owner_leaving).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="film_lists",
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH, blank=True, default="")
    ranked = models.BooleanField(default=False)
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC)
    collaborative = models.BooleanField(default=False)
    # The list's address on Letterboxd when it was imported from there: importing it again
    # updates this list instead of making another.
    letterboxd_url = models.CharField(max_length=LETTERBOXD_URL_MAX_LENGTH, blank=True, default="")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["visibility", "-updated_at"]),
            models.Index(fields=["owner", "-updated_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "letterboxd_url"],
                condition=~Q(letterboxd_url=""),
                name="one_list_per_owner_and_letterboxd_url",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lists:detail", kwargs={"pk": self.pk})


class ListEntry(models.Model):
    film_list = models.ForeignKey(FilmList, on_delete=models.CASCADE, related_name="entries")
    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="list_entries")
    # 1, 2, 3 ... without gaps (the services keep them so); the order of an unranked list too.
    position = models.PositiveIntegerField()
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True, default="")
    # Who put the film there (the owner or a collaborator); null once their account is gone.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="list_entries_added",
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "list entries"
        constraints = [
            models.UniqueConstraint(fields=["film_list", "movie"], name="one_entry_per_list_and_movie"),
        ]
        indexes = [models.Index(fields=["film_list", "position"])]

    def __str__(self) -> str:
        return f"{self.position}. {self.movie_id} in list {self.film_list_id}"


class ListCollaborator(models.Model):
    """A member the owner invited to add, remove and reorder films; they accept or decline."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted"

    film_list = models.ForeignKey(FilmList, on_delete=models.CASCADE, related_name="collaborators")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_collaborations"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    invited_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["film_list", "member"], name="one_collaborator_row_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} on list {self.film_list_id} ({self.status})"


class ListLike(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_likes")
    film_list = models.ForeignKey(FilmList, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "film_list"], name="one_like_per_user_and_list"),
        ]


class ListCommentQuerySet(HideableQuerySet["ListComment"]):
    author_field = "author"


class ListComment(Hideable, models.Model):
    film_list = models.ForeignKey(FilmList, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_comments"
    )
    body = models.TextField(max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = ListCommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["film_list", "created_at"])]

    def __str__(self) -> str:
        return f"Comment by {self.author_id} on list {self.film_list_id}"
