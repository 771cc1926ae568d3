"""Reads on the diary. Who may see a member's entries is decided here only (pages and API)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from community.accounts.models import User, Visibility
from community.diary.models import DiaryEntry, ImportJob, Tag
from community.movies.models import Movie
from community.reviews.models import Review

# The films-by-tag page lists every watch (paginated) and, below them, this many reviews.
TAGGED_REVIEWS_SHOWN = 50


def visible_levels(*, viewer: User | AnonymousUser, owner: User) -> list[str]:
    """The entry visibilities the viewer may see of the owner's diary: all for the owner,
    followers-only ones for a signed-in follower, public ones for everyone else."""
    if viewer.is_authenticated and viewer.pk == owner.pk:
        return list(Visibility.values)
    if viewer.is_authenticated:
        from community.social.models import Follow

        if Follow.objects.filter(follower_id=viewer.pk, followee_id=owner.pk).exists():
            return [Visibility.PUBLIC, Visibility.FOLLOWERS]
    return [Visibility.PUBLIC]


def diary_entries(*, owner: User, viewer: User | AnonymousUser) -> QuerySet[DiaryEntry]:
    """The owner's entries the viewer may see, newest watch first, ready to list."""
    return (
        DiaryEntry.objects.filter(user=owner, visibility__in=visible_levels(viewer=viewer, owner=owner))
        .select_related("movie", "review")
        .prefetch_related("tags")
        .order_by("-watched_on", "-created_at", "-pk")
    )


def entries_visible_to(*, viewer: User | AnonymousUser) -> QuerySet[DiaryEntry]:
    """Every entry the viewer may see, of anyone (the API's read of others' diaries)."""
    from community.social.models import Follow

    allowed = Q(visibility=Visibility.PUBLIC)
    if viewer.is_authenticated:
        followed = Follow.objects.filter(follower_id=viewer.pk).values("followee_id")
        allowed |= Q(user_id=viewer.pk) | Q(visibility=Visibility.FOLLOWERS, user_id__in=followed)
    return (
        DiaryEntry.objects.filter(allowed)
        .select_related("movie", "review", "user")
        .prefetch_related("tags")
        .order_by("-watched_on", "-created_at", "-pk")
    )


def previous_watches(*, user: User | AnonymousUser, movie: Movie) -> list[DiaryEntry]:
    """The member's own watches of the film, newest first (empty for a visitor)."""
    if not user.is_authenticated:
        return []
    return list(
        DiaryEntry.objects.filter(user_id=user.pk, movie=movie)
        .prefetch_related("tags")
        .order_by("-watched_on", "-created_at")[:20]
    )


def tag_cloud(*, owner: User, viewer: User | AnonymousUser) -> list[Tag]:
    """The owner's tags on entries and reviews the viewer may see, each with `uses` (entries
    plus reviews carrying it), most used first."""
    levels = visible_levels(viewer=viewer, owner=owner)
    on_entries = DiaryEntry.tags.through.objects.filter(
        diaryentry__user=owner, diaryentry__visibility__in=levels
    )
    on_reviews = Tag.reviews.through.objects.filter(review__user=owner)
    if not (viewer.is_authenticated and viewer.pk == owner.pk):
        on_reviews = on_reviews.filter(review__hidden_at__isnull=True)

    def uses(rows: QuerySet) -> Coalesce:
        counted = rows.filter(tag_id=OuterRef("pk")).order_by().values("tag_id").annotate(n=Count("pk"))
        return Coalesce(Subquery(counted.values("n")[:1]), 0)

    ids = on_entries.values("tag_id").union(on_reviews.values("tag_id"))
    return list(
        Tag.objects.filter(pk__in=Subquery(ids))
        .annotate(uses=uses(on_entries) + uses(on_reviews))
        .order_by("-uses", "slug")
    )


def films_by_tag(*, owner: User, viewer: User | AnonymousUser, slug: str) -> QuerySet[DiaryEntry]:
    """The owner's visible entries carrying the tag (each a film and when it was watched)."""
    return diary_entries(owner=owner, viewer=viewer).filter(tags__slug=slug)


def tagged_reviews(*, owner: User, viewer: User | AnonymousUser, slug: str) -> QuerySet[Review]:
    """The owner's reviews carrying the tag that the viewer may see (hidden ones only to their
    author), newest first."""
    return (
        Review.objects.visible_to(viewer)
        .filter(user=owner, tags__slug=slug)
        .select_related("movie", "user")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class TaggedFilms:
    """One tag of the owner's, as one viewer may see it: every watch with it (to paginate) and
    the newest TAGGED_REVIEWS_SHOWN reviews with it."""

    slug: str
    entries: QuerySet[DiaryEntry]
    reviews: list[Review]


def tagged_films(*, owner: User, viewer: User | AnonymousUser, slug: str) -> TaggedFilms:
    """The films-by-tag page and API: the owner's watches and reviews with the tag that the
    viewer may see. Http404 when there are none, exactly when tag_cloud would not list the tag
    for this viewer, so a tag used only where the viewer may not look answers like one never used."""
    entries = films_by_tag(owner=owner, viewer=viewer, slug=slug)
    reviews = list(tagged_reviews(owner=owner, viewer=viewer, slug=slug)[:TAGGED_REVIEWS_SHOWN])
    if not reviews and not entries.exists():
        raise Http404("No such tag.")
    return TaggedFilms(slug=slug, entries=entries, reviews=reviews)


def import_job_for(*, user: User, job_id: int) -> ImportJob | None:
    """One of the member's own import jobs, or None."""
    return ImportJob.objects.filter(user=user, pk=job_id).first()
