from django.conf import settings
from django.db import models
from django.urls import reverse

from community.moderation.hiding import Hideable, HideableQuerySet

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 5_000
DELETED_AUTHOR = "deleted member"


class ThreadQuerySet(HideableQuerySet["Thread"]):
    author_field = "author"


class ReplyQuerySet(HideableQuerySet["Reply"]):
    author_field = "author"


class Thread(Hideable, models.Model):
    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="threads")
    # Null once the author deleted their account: the thread stays for the replies in it,
    # shown as by "deleted member" (DELETED_AUTHOR).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="threads"
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    body = models.TextField(max_length=BODY_MAX_LENGTH)
    reply_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    last_activity_at = models.DateTimeField(db_index=True)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-last_activity_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("discussions:thread", kwargs={"pk": self.pk})


class Reply(Hideable, models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(max_length=BODY_MAX_LENGTH)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = ReplyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"Reply by {self.author} in {self.thread}"
