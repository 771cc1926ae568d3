"""The diary in "download my data" (JSON sections) and the Letterboxd-format ZIP export."""

from __future__ import annotations

from typing import Any

from community.accounts.models import User
from community.core.exports import Shape, section_register, when
from community.diary import letterboxd

DIARY = 30  # after community's own sections (accounts/exports.py starts at 10)


def _diary_entries(user: User) -> list[dict[str, Any]]:
    from community.diary.models import DiaryEntry

    entries = (
        DiaryEntry.objects.filter(user=user)
        .select_related("movie")
        .prefetch_related("tags")
        .order_by("watched_on", "created_at", "pk")
    )
    return [
        {
            "movie": e.movie.title,
            "year": e.movie.year,
            "movie_slug": e.movie.slug,
            "watched_on": when(e.watched_on),
            "rewatch": e.rewatch,
            "rating": str(e.rating) if e.rating is not None else None,
            "review_id": e.review_id,
            "tags": [t.slug for t in e.tags.all()],
            "visibility": e.visibility,
            "created_at": when(e.created_at),
        }
        for e in entries
    ]


def _liked_films(user: User) -> list[dict[str, Any]]:
    from community.diary.models import LikedFilm

    likes = (
        LikedFilm.objects.filter(user=user, liked=True).select_related("movie").order_by("created_at", "pk")
    )
    return [
        {"movie": x.movie.title, "movie_slug": x.movie.slug, "created_at": when(x.created_at)} for x in likes
    ]


def _review_tags(user: User) -> list[dict[str, Any]]:
    from community.reviews.models import Review

    reviews = (
        Review.objects.filter(user=user, tags__isnull=False)
        .distinct()
        .select_related("movie")
        .prefetch_related("tags")
        .order_by("created_at", "pk")
    )
    return [
        {
            "review_id": r.pk,
            "movie": r.movie.title,
            "movie_slug": r.movie.slug,
            "tags": sorted(t.slug for t in r.tags.all()),
        }
        for r in reviews
    ]


def _diary_imports(user: User) -> list[dict[str, Any]]:
    from community.diary.models import ImportJob

    return [
        {
            "filename": job.filename,
            "status": job.status,
            "counts": job.summary.get("counts", {}),
            "created_at": when(job.created_at),
            "finished_at": when(job.finished_at),
        }
        for job in ImportJob.objects.filter(user=user).order_by("created_at", "pk")
    ]


def _stats_sharing(user: User) -> dict[str, Any]:
    from community.diary.models import StatsSharing

    choice = StatsSharing.objects.filter(user=user).first()
    return {
        "shared": bool(choice and choice.shared),
        "updated_at": when(choice.updated_at) if choice else None,
    }


def register() -> None:
    section_register(
        "diary_entries",
        _diary_entries,
        models=("diary.DiaryEntry",),
        shape=Shape.OBJECTS,
        help_text="Films logged in the diary, with date, rewatch, rating, tags and visibility.",
        order=DIARY,
    )
    section_register(
        "liked_films",
        _liked_films,
        models=("diary.LikedFilm",),
        shape=Shape.OBJECTS,
        help_text="Films marked as liked.",
        order=DIARY + 1,
    )
    section_register(
        "review_tags",
        _review_tags,
        models=("diary.Tag",),
        shape=Shape.OBJECTS,
        help_text="The free tags on your reviews (the reviews themselves are in `reviews`).",
        order=DIARY + 3,
    )
    section_register(
        "diary_imports",
        _diary_imports,
        models=("diary.ImportJob",),
        shape=Shape.OBJECTS,
        help_text="Letterboxd imports: file name, status and what each imported.",
        order=DIARY + 2,
    )
    section_register(
        "stats_sharing",
        _stats_sharing,
        models=("diary.StatsSharing",),
        shape=Shape.OBJECT,
        help_text="Whether others may see your year in review and stats pages.",
        order=DIARY + 4,
    )


def letterboxd_export(*, user: User) -> bytes:
    """The member's diary, ratings, reviews, watchlist, liked films and lists as the ZIP
    Letterboxd exports (and this site imports): diary.csv, ratings.csv, reviews.csv,
    watchlist.csv, likes/films.csv and one lists/<name>.csv per list they own."""
    from django.utils.text import slugify

    from community.diary.models import DiaryEntry, LikedFilm
    from community.lists.models import FilmList
    from community.lists.services import export_letterboxd_list
    from community.reviews.models import Rating, Review
    from community.social.models import WatchlistItem

    entries = list(
        DiaryEntry.objects.filter(user=user)
        .select_related("movie", "review")
        .prefetch_related("tags")
        .order_by("watched_on", "created_at", "pk")
    )

    def film(movie: Any) -> dict[str, Any]:
        return {"Name": movie.title, "Year": movie.year, "Letterboxd URI": ""}

    diary = [
        {
            **film(e.movie),
            "Date": e.created_at.date().isoformat(),
            "Rating": e.rating,
            "Rewatch": "Yes" if e.rewatch else "",
            "Tags": ", ".join(t.slug for t in e.tags.all()),
            "Watched Date": e.watched_on.isoformat(),
        }
        for e in entries
    ]
    ratings = [
        {**film(r.movie), "Date": r.updated_at.date().isoformat(), "Rating": r.score}
        for r in Rating.objects.filter(user=user).select_related("movie").order_by("updated_at", "pk")
    ]
    # A review goes out with the latest watch it was written from (or alone, with no watch date).
    watch_of: dict[int, Any] = {e.review_id: e for e in entries if e.review_id}
    reviews = []
    for review in (
        Review.objects.filter(user=user)
        .select_related("movie")
        .prefetch_related("tags")
        .order_by("created_at", "pk")
    ):
        entry = watch_of.get(review.pk)
        reviews.append(
            {
                **film(review.movie),
                "Date": review.created_at.date().isoformat(),
                "Rating": entry.rating if entry else "",
                "Rewatch": "Yes" if entry and entry.rewatch else "",
                "Review": letterboxd.review_html(review.body),
                # the review's own tags (an import puts them on the review and on its watch)
                "Tags": ", ".join(sorted(t.slug for t in review.tags.all())),
                "Watched Date": entry.watched_on.isoformat() if entry else "",
            }
        )
    watchlist = [
        {**film(w.movie), "Date": w.added_at.date().isoformat()}
        for w in WatchlistItem.objects.filter(user=user).select_related("movie").order_by("added_at", "pk")
    ]
    likes = [
        {**film(x.movie), "Date": x.created_at.date().isoformat()}
        for x in LikedFilm.objects.filter(user=user, liked=True)
        .select_related("movie")
        .order_by("created_at", "pk")
    ]
    files = {
        "diary.csv": letterboxd.csv_text("diary", diary),
        "ratings.csv": letterboxd.csv_text("ratings", ratings),
        "reviews.csv": letterboxd.csv_text("reviews", reviews),
        "watchlist.csv": letterboxd.csv_text("watchlist", watchlist),
        "likes/films.csv": letterboxd.csv_text("likes", likes),
    }
    # Every list the member owns, private ones too (it is their data), one file each, named as
    # Letterboxd names them (the title's slug; a number added where two titles share one).
    for film_list in FilmList.objects.filter(owner=user).order_by("created_at", "pk"):
        stem = slugify(film_list.title)[:80] or "list"
        name, n = f"lists/{stem}.csv", 1
        while name in files:
            n += 1
            name = f"lists/{stem}-{n}.csv"
        files[name] = export_letterboxd_list(film_list)
    return letterboxd.zip_bytes(files)
