"""Importing a Letterboxd export: the upload, the task's run, and the member's picks afterwards.

``import_job_create`` reads the whole upload at once (a bad file is refused with a message and
nothing is written), stores its rows on an ImportJob and queues the task. ``import_job_run``
(the task) matches each row to a film and writes through the services, in chunks so the page
can show progress. Everything is keyed so a second import of the same file changes nothing: a
watch is (film, date), a rating is per film and written only when it differs, a review is kept
when the member already has one for the film, the watchlist and likes are sets.

Which file wins: ratings.csv holds each film's current rating on Letterboxd, so it decides the
rating; films with no row there take their latest rated diary watch (as logging does). Rows of
watched.csv carry no watch date: a film with no diary entry yet gets one dated on the day it
was marked as watched (the row's Date); a film already in the diary is left alone.
"""

from __future__ import annotations

import datetime
import importlib
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from community.accounts.models import User, Visibility
from community.diary import letterboxd
from community.diary.matching import FilmIndex
from community.diary.models import DiaryEntry, ImportJob, LikedFilm
from community.diary.services import liked_film_set, tags_get_or_create
from community.diary.tagging import review_tags_add
from community.movies.models import Movie
from community.reviews.models import Rating, Review
from community.reviews.services import ratings_set_many, review_post
from community.social.models import WatchlistItem
from community.social.services import watchlist_add

log = logging.getLogger(__name__)

CHUNK = 250  # rows per transaction; progress is saved between chunks
STALE_AFTER = datetime.timedelta(hours=2)  # a "running" job older than this was lost by its worker
ORDER = {"diary": 0, "reviews": 1, "watched": 2, "ratings": 3, "watchlist": 4, "likes": 5, "list": 6}


def import_job_create(
    *, user: User, data: bytes, filename: str, visibility: str = Visibility.PUBLIC, queue: bool = True
) -> ImportJob:
    """Read the upload and queue its import; ValidationError on `file` (nothing saved) when the
    file is not a Letterboxd export or is over a limit. With queue=False the caller runs
    import_job_run itself (the benchmark does, so no worker can take the job first)."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Log in to do that.")
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": "Choose who may see the imported diary."})
    try:
        rows, problems = letterboxd.parse_upload(data, filename=filename)
    except letterboxd.BadFile as exc:
        raise ValidationError({"file": str(exc)}) from None
    if not rows:
        raise ValidationError({"file": "There is no film in this file."})
    rows.sort(key=lambda r: ORDER[r["kind"]])
    from community.diary.tasks import letterboxd_import

    with transaction.atomic():
        job = ImportJob.objects.create(
            user=user,
            filename=filename[:255],
            visibility=visibility,
            rows=rows,
            total=len(rows),
            summary={"problems": problems[:200], "problem_count": len(problems)},
        )
        job_id = job.pk
        if queue:
            transaction.on_commit(lambda: letterboxd_import.delay(job_id))
    return job


def _claim(job_id: int) -> ImportJob | None:
    """Mark the job running, unless another worker has it (or it is done): a conditional UPDATE."""
    now = timezone.now()
    claimable = Q(status=ImportJob.Status.PENDING) | Q(
        status=ImportJob.Status.RUNNING, started_at__lt=now - STALE_AFTER
    )
    if not ImportJob.objects.filter(claimable, pk=job_id).update(
        status=ImportJob.Status.RUNNING, started_at=now
    ):
        return None
    return ImportJob.objects.select_related("user").get(pk=job_id)


Key = tuple[int, datetime.date]  # a watch: (film, day)


class _Run:
    """One pass over a job's rows (or over the rows of one picked film).

    Rows change watches in memory; flush() writes a chunk's new watches, changed watches and
    new tags in a few bulk statements, and settle_ratings() writes every touched film's rating
    through one call of the rating service's bulk form.
    """

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.user: User = job.user
        self.counts: Counter[str] = Counter()
        self.ratings: dict[int, str] = {}  # film -> ratings.csv's score
        self.rated_watches: set[int] = set()  # films whose diary rows carried a rating
        self.notes: list[str] = []
        self.entries: dict[Key, DiaryEntry] = {
            (e.movie_id, e.watched_on): e for e in DiaryEntry.objects.filter(user=self.user)
        }
        self.logged_films = {movie_id for movie_id, _ in self.entries}
        self.entry_tags: dict[Key, set[int]] = defaultdict(set)
        through = DiaryEntry.tags.through
        for movie_id, day, tag_id in through.objects.filter(diaryentry__user=self.user).values_list(
            "diaryentry__movie_id", "diaryentry__watched_on", "tag_id"
        ):
            self.entry_tags[(movie_id, day)].add(tag_id)
        self.reviews: dict[int, int] = dict(
            Review.objects.filter(user=self.user).values_list("movie_id", "pk")
        )
        self.watchlist = set(WatchlistItem.objects.filter(user=self.user).values_list("movie_id", flat=True))
        self.liked = set(
            LikedFilm.objects.filter(user=self.user, liked=True).values_list("movie_id", flat=True)
        )
        self.tags: dict[str, int] = {}
        # waiting for flush(): watches to insert, saved watches whose fields changed, new tags
        self.new_entries: dict[Key, DiaryEntry] = {}
        self.changed: set[Key] = set()
        self.new_tags: list[tuple[Key, int]] = []

    def count(self, kind: str, outcome: str) -> None:
        self.counts[f"{kind}:{outcome}"] += 1

    def tag_ids(self, names: Iterable[str]) -> list[int]:
        names = list(names)
        missing = [n for n in names if n not in self.tags]
        if missing:
            for tag in tags_get_or_create(names=missing):
                self.tags[tag.slug] = tag.pk
            from community.diary.services import tag_normalise

            for n in missing:
                slug = tag_normalise(n)
                if slug in self.tags:
                    self.tags[n] = self.tags[slug]
        return [self.tags[n] for n in names if n in self.tags]

    def apply(self, row: dict[str, Any], movie: Movie) -> None:
        handler: Callable[[dict[str, Any], Movie], str] = getattr(self, f"_{row['kind']}")
        self.count(row["kind"], handler(row, movie))

    def flush(self) -> None:
        """Write what the rows since the last flush changed: three to four statements."""
        if self.new_entries:
            created = DiaryEntry.objects.bulk_create(list(self.new_entries.values()), batch_size=1000)
            for entry in created:
                self.entries[(entry.movie_id, entry.watched_on)] = entry
            self.new_entries = {}
        if self.changed:
            DiaryEntry.objects.bulk_update(
                [self.entries[key] for key in self.changed], ["rewatch", "rating", "review"], batch_size=1000
            )
            self.changed = set()
        if self.new_tags:
            through = DiaryEntry.tags.through
            through.objects.bulk_create(
                [through(diaryentry_id=self.entries[key].pk, tag_id=tag) for key, tag in self.new_tags],
                ignore_conflicts=True,
                batch_size=1000,
            )
            self.new_tags = []

    def _entry(self, row: dict[str, Any], movie: Movie, day: datetime.date) -> tuple[DiaryEntry, str]:
        rating = Decimal(row["rating"]) if row.get("rating") else None
        key = (movie.pk, day)
        entry = self.new_entries.get(key) or self.entries.get(key)
        outcome = "unchanged"
        if entry is None:
            entry = DiaryEntry(
                user=self.user,
                movie=movie,
                watched_on=day,
                rewatch=row.get("rewatch", False),
                rating=rating,
                visibility=self.job.visibility,
            )
            self.new_entries[key] = entry
            self.logged_films.add(movie.pk)
            outcome = "created"
        else:
            changed = False
            if row.get("rewatch") and not entry.rewatch:
                entry.rewatch, changed = True, True
            if rating is not None and entry.rating != rating:
                entry.rating, changed = rating, True
            if changed:
                self._changed(key)
                outcome = "updated"
        wanted = set(self.tag_ids(row.get("tags", [])))
        new = wanted - self.entry_tags[key]
        if new:
            self.new_tags.extend((key, t) for t in sorted(new))
            self.entry_tags[key] |= new
            outcome = "updated" if outcome == "unchanged" else outcome
        if rating is not None:
            self.rated_watches.add(movie.pk)
        return entry, outcome

    def _changed(self, key: Key) -> None:
        if key not in self.new_entries:  # a watch not inserted yet is inserted as it stands
            self.changed.add(key)

    def _diary(self, row: dict[str, Any], movie: Movie) -> str:
        day = row.get("watched_on") or row.get("date")
        if not day:
            return "skipped"
        return self._entry(row, movie, datetime.date.fromisoformat(day))[1]

    def _reviews(self, row: dict[str, Any], movie: Movie) -> str:
        review_id = self.reviews.get(movie.pk)
        outcome = "unchanged"
        if review_id is None and row.get("review"):
            try:
                review_id = review_post(user=self.user, movie=movie, body=row["review"]).pk
            except ValidationError as exc:
                self.notes.append(
                    f"{row['file']} line {row['line']} ({row['name']}): {' '.join(exc.messages)}"
                )
                return "refused"
            self.reviews[movie.pk] = review_id
            outcome = "created"
        # reviews.csv's Tags go onto the review too (and onto its watch, below)
        tagged = review_id is not None and row.get("tags")
        if tagged and review_tags_add(review_id=review_id, tag_ids=self.tag_ids(row["tags"])):  # type: ignore[arg-type]
            outcome = "updated" if outcome == "unchanged" else outcome
        day = row.get("watched_on")
        if day:
            when = datetime.date.fromisoformat(day)
            entry, entry_outcome = self._entry(row, movie, when)
            if review_id is not None and entry.review_id != review_id:
                entry.review_id = review_id
                self._changed((movie.pk, when))
                entry_outcome = "updated" if entry_outcome == "unchanged" else entry_outcome
            if outcome == "unchanged":
                outcome = entry_outcome
        return outcome

    def _watched(self, row: dict[str, Any], movie: Movie) -> str:
        if movie.pk in self.logged_films:
            return "unchanged"
        day = datetime.date.fromisoformat(row["date"]) if row.get("date") else timezone.localdate()
        return self._entry({"tags": []}, movie, day)[1]

    def _ratings(self, row: dict[str, Any], movie: Movie) -> str:
        if not row.get("rating"):
            return "skipped"
        self.ratings[movie.pk] = row["rating"]
        return "read"

    def _watchlist(self, row: dict[str, Any], movie: Movie) -> str:
        if movie.pk in self.watchlist:
            return "unchanged"
        watchlist_add(user=self.user, movie=movie)
        self.watchlist.add(movie.pk)
        return "created"

    def _likes(self, row: dict[str, Any], movie: Movie) -> str:
        if movie.pk in self.liked:
            return "unchanged"
        liked_film_set(user=self.user, movie=movie)
        self.liked.add(movie.pk)
        return "created"

    def settle_ratings(self) -> None:
        """Write each touched film's rating once, and only when it differs: ratings.csv's, else
        the latest rated watch's (the order rating_follow_latest uses). Read in two queries and
        written by ratings_set_many (the rating rules, each film's counters recomputed once, one
        ratings_saved event for the import rather than one rating_saved per film)."""
        self.flush()
        films = set(self.ratings) | self.rated_watches
        current = dict(
            Rating.objects.filter(user=self.user, movie_id__in=films).values_list("movie_id", "score")
        )
        latest = dict(
            DiaryEntry.objects.filter(
                user=self.user, movie_id__in=self.rated_watches - set(self.ratings), rating__isnull=False
            )
            .order_by("movie_id", "-watched_on", "-created_at", "-pk")
            .distinct("movie_id")
            .values_list("movie_id", "rating")
        )
        wanted: dict[int, Decimal] = {}
        for movie_id in sorted(films):
            target = Decimal(self.ratings[movie_id]) if movie_id in self.ratings else latest.get(movie_id)
            if target is None:
                continue
            if current.get(movie_id) == target:
                self.count("ratings", "unchanged")
                continue
            wanted[movie_id] = target
            self.count("ratings", "updated" if movie_id in current else "created")
        if wanted:
            ratings_set_many(user=self.user, scores=wanted)
        self.counts.pop("ratings:read", None)


def _lists(user: User, rows: list[dict[str, Any]], counts: Counter[str], notes: list[str]) -> None:
    # The lists app (built alongside) may not be installed yet: its lists wait for a later import.
    try:
        lists_services = importlib.import_module("community.lists.services")
    except ImportError:
        lists_services = None
    import_letterboxd_list = getattr(lists_services, "import_letterboxd_list", None)
    if import_letterboxd_list is None:
        counts["list:not available yet"] += len(rows)
        return
    for row in rows:
        try:
            import_letterboxd_list(user, row["text"])
            counts["list:imported"] += 1
        except ValidationError as exc:
            counts["list:refused"] += 1
            notes.append(f"{row['file']}: {' '.join(exc.messages)}")


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Do the job's import (the task's one service). Safe to call twice: a job already running
    elsewhere or done is left alone, and every write is keyed so that repeating it is a no-op."""
    job = _claim(job_id)
    if job is None:
        return None
    try:
        index = FilmIndex()
        run = _Run(job)
        rows = [r for r in job.rows if r["kind"] != "list"]
        ids = {i: index.match(r["name"], r.get("year")) for i, r in enumerate(rows)}
        movies = Movie.objects.in_bulk({pk for pk in ids.values() if pk})
        unmatched: dict[tuple[str, int | None], dict[str, Any]] = {}
        for start in range(0, len(rows), CHUNK):
            with transaction.atomic():
                for i in range(start, min(start + CHUNK, len(rows))):
                    row, movie_id = rows[i], ids[i]
                    if movie_id is None:
                        group = unmatched.setdefault(
                            (row["name"], row.get("year")),
                            {"name": row["name"], "year": row.get("year"), "rows": [], "status": "open"},
                        )
                        group["rows"].append(row)
                        continue
                    run.apply(row, movies[movie_id])
                run.flush()
            ImportJob.objects.filter(pk=job.pk).update(processed=min(start + CHUNK, len(rows)))
        with transaction.atomic():
            run.settle_ratings()
        list_rows = [r for r in job.rows if r["kind"] == "list"]
        if list_rows:
            _lists(job.user, list_rows, run.counts, run.notes)
        groups = list(unmatched.values())
        for group in groups:
            group["candidates"] = index.candidates(group["name"], group["year"])
        job.unmatched = groups
        job.summary = {
            **job.summary,
            "counts": dict(run.counts),
            "notes": run.notes[:200],
            "unmatched_rows": sum(len(g["rows"]) for g in groups),
        }
        job.status, job.processed, job.finished_at, job.rows = (
            ImportJob.Status.DONE,
            job.total,
            timezone.now(),
            [],
        )
        job.save(update_fields=["unmatched", "summary", "status", "processed", "finished_at", "rows"])
    except Exception:
        log.exception("Letterboxd import %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            finished_at=timezone.now(),
            error="The import stopped on an unexpected error. What was imported stays; "
            "importing the file again finishes it.",
        )
        return None
    return job


def import_unmatched_resolve(*, user: User, job: ImportJob, index: int, movie_id: int | None) -> ImportJob:
    """The member's answer for one unmatched film: one of its candidates (its rows are imported
    as if they had matched) or None to skip it."""
    if job.user_id != user.pk:
        raise PermissionDenied("Only the member who imported can answer this.")
    if job.status != ImportJob.Status.DONE or not 0 <= index < len(job.unmatched):
        raise ValidationError({"choice": "There is no such film to answer for."})
    group = job.unmatched[index]
    if group["status"] != "open":
        raise ValidationError({"choice": "You have already answered for this film."})
    if movie_id is None:
        group["status"] = "skipped"
    else:
        if movie_id not in {c["id"] for c in group["candidates"]}:
            raise ValidationError({"choice": "Pick one of the films offered, or skip."})
        movie = Movie.objects.get(pk=movie_id)
        run = _Run(job)
        with transaction.atomic():
            for row in group["rows"]:
                run.apply(row, movie)
            run.settle_ratings()
        group["status"], group["movie_id"] = "imported", movie_id
        counts = Counter(job.summary.get("counts", {}))
        counts.update(run.counts)
        job.summary["counts"] = dict(counts)
    job.unmatched[index] = group
    job.save(update_fields=["unmatched", "summary"])
    return job


def summary_table(job: ImportJob) -> list[dict[str, Any]]:
    """Counts per kind of row, for the review screen: [{kind, created, updated, unchanged, other}]."""
    table: dict[str, dict[str, Any]] = {}
    for key, n in job.summary.get("counts", {}).items():
        kind, outcome = key.split(":", 1)
        row = table.setdefault(kind, {"kind": kind, "created": 0, "updated": 0, "unchanged": 0, "other": {}})
        if outcome in ("created", "updated", "unchanged"):
            row[outcome] += n
        else:
            row["other"][outcome] = n
    return [table[k] for k in sorted(table, key=lambda k: ORDER.get(k, 9))]
