"""Writes of review and thread vectors and of their neighbour lists.

A vector is (re)made when its text changes (tasks queued by community's events) or is
missing or made by another encoder (the backfill and the nightly pass). Each row keeps the
NEIGHBOURS_KEPT most similar rows of the same language and encoder that may be shown beside it;
when one vector changes, its own list is recomputed and it enters (or leaves) the lists of the
others, so a page never searches the corpus. The nightly pass recomputes every list, which also
drops rows deleted since. Who may see a neighbour (moderation, spoilers, deleted accounts) is
decided by the selectors at read time, since it changes without the text changing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from community.discussions.models import Thread
from community.reviews.language import detect_language
from community.reviews.models import Review
from recommender.llm import similarity
from recommender.similar.masking import film_masked
from recommender.similar.models import ReviewVector, TextVector, ThreadVector

log = logging.getLogger(__name__)

NEIGHBOURS_KEPT = 20  # pages show 3; the rest make up for reviews hidden or flagged later
_BLOCK = 1024  # query rows per matrix product in a full rebuild (1024 x 13k floats: 53 MB)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class _Kind:
    """What differs between reviews and threads."""

    name: str
    vector_model: type[TextVector]
    owner: str  # the vector's foreign key: "review" or "thread"
    # Columns of the owner that may not be shared by two neighbours (a review's film and
    # author); a row is never its own neighbour either way.
    keys: tuple[str, ...]

    def rows(self) -> Any:
        """The vector model's manager."""
        return self.vector_model._default_manager

    def owners(self) -> Any:
        model = Review if self.owner == "review" else Thread
        return model.objects.select_related("movie").defer("movie__plot")

    def text(self, owner: Any) -> str:
        """What is embedded: the review (the thread's title and opening post), with its film's
        title and people masked (recommender.similar.masking)."""
        raw = owner.body if self.owner == "review" else f"{owner.title}. {owner.body}".strip()
        movie = owner.movie
        return film_masked(raw, title=movie.title, directors=movie.director_names, cast=movie.cast_names)

    def language(self, owner: Any, text: str) -> str:
        return getattr(owner, "language", "") or detect_language(text)


REVIEWS = _Kind("reviews", ReviewVector, "review", ("review__movie_id", "review__user_id"))
THREADS = _Kind("threads", ThreadVector, "thread", ("thread_id",))
KINDS = {"reviews": REVIEWS, "threads": THREADS}


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --- one row, after its text was saved ---


def review_vector_refresh(*, review_id: int) -> ReviewVector | None:
    """Make the review's vector if its text or the encoder changed, and its neighbours.
    Safe to run twice: an up-to-date vector is left as it is."""
    row = _vector_refresh(REVIEWS, review_id)
    return row if isinstance(row, ReviewVector) else None


def thread_vector_refresh(*, thread_id: int) -> ThreadVector | None:
    """As review_vector_refresh, for a thread's title and opening post."""
    row = _vector_refresh(THREADS, thread_id)
    return row if isinstance(row, ThreadVector) else None


def _vector_refresh(kind: _Kind, owner_id: int) -> TextVector | None:
    owner = kind.owners().filter(pk=owner_id).first()
    if owner is None:
        return None  # deleted meanwhile: its vector went with it
    text = kind.text(owner)
    version = similarity.encoder_version()
    current = kind.rows().filter(**{f"{kind.owner}_id": owner_id}).first()
    if current is not None and current.text_hash == _hash(text) and current.model_version == version:
        return current
    if not text.strip():
        kind.rows().filter(**{f"{kind.owner}_id": owner_id}).delete()
        return None
    vector = similarity.embed([text])[0]  # outside any transaction: the model may take a while
    row, _ = kind.rows().update_or_create(
        **{f"{kind.owner}_id": owner_id},
        defaults={
            "vector": similarity.to_bytes(vector),
            "text_hash": _hash(text),
            "language": kind.language(owner, text),
            "model_version": version,
            "computed_at": timezone.now(),
        },
    )
    _neighbours_update_one(kind, row)
    return row


def _set_neighbours(row: TextVector, pairs: list[tuple[int, float]]) -> bool:
    """Store the pairs (owner id, score), best first; returns whether anything changed."""
    pairs = sorted(pairs, key=lambda pair: -pair[1])[:NEIGHBOURS_KEPT]
    ids, scores = [p[0] for p in pairs], [round(float(p[1]), 4) for p in pairs]
    floor = scores[-1] if len(scores) >= NEIGHBOURS_KEPT else -1.0
    if ids == row.neighbour_ids and scores == row.neighbour_scores and floor == row.floor:
        return False
    row.neighbour_ids, row.neighbour_scores, row.floor = ids, scores, floor
    return True


_LIST_FIELDS = ["neighbour_ids", "neighbour_scores", "floor"]


@dataclass
class _Group:
    """All vectors of one language and encoder, as arrays."""

    pks: np.ndarray  # vector row ids
    owner_ids: np.ndarray
    floors: np.ndarray
    keys: np.ndarray  # (n, len(kind.keys)) ints
    matrix: np.ndarray  # (n, 384)


def _load_group(kind: _Kind, *, language: str, version: str) -> _Group:
    rows = list(
        kind.rows()
        .filter(language=language, model_version=version)
        .order_by("pk")
        .values_list("pk", f"{kind.owner}_id", "floor", "vector", *kind.keys)
    )
    return _Group(
        pks=np.array([r[0] for r in rows], dtype=np.int64),
        owner_ids=np.array([r[1] for r in rows], dtype=np.int64),
        floors=np.array([r[2] for r in rows], dtype=np.float32),
        keys=np.array([r[4:] for r in rows], dtype=np.int64).reshape(len(rows), len(kind.keys)),
        matrix=similarity.from_bytes([r[3] for r in rows]),
    )


def _blocked(kind: _Kind, group: _Group, rows: np.ndarray) -> np.ndarray:
    """(len(rows), n) bool: pairs that may not be neighbours."""
    blocked = group.owner_ids[rows][:, None] == group.owner_ids[None, :]
    for column in range(len(kind.keys)):
        blocked |= group.keys[rows, column][:, None] == group.keys[None, :, column]
    return blocked


def _own_neighbours(kind: _Kind, group: _Group, rows: np.ndarray) -> Iterator[list[tuple[int, float]]]:
    """Each row's best pairs (owner id, score) among the group."""
    top, scores = similarity.nearest(
        group.matrix[rows], group.matrix, k=NEIGHBOURS_KEPT, blocked=_blocked(kind, group, rows)
    )
    for indexes, values in zip(top, scores, strict=True):
        keep = indexes >= 0
        yield list(zip(group.owner_ids[indexes[keep]].tolist(), values[keep].tolist(), strict=True))


def lists_holding(kind: _Kind, owner_id: int, *, language: str, version: str) -> Q:
    """A filter that keeps, among the rows of this language and encoder (the caller filters on
    them), those whose neighbour list holds owner_id."""
    if connection.features.supports_json_field_contains:
        return Q(neighbour_ids__contains=[owner_id])  # jsonb @> on PostgreSQL, served by the GIN index
    # SQLite has no JSON containment lookup (NotSupportedError): read the group's lists instead.
    rows = kind.rows().filter(language=language, model_version=version).values_list("pk", "neighbour_ids")
    return Q(pk__in=[pk for pk, ids in rows if owner_id in ids])


def _neighbours_update_one(kind: _Kind, row: TextVector) -> None:
    group = _load_group(kind, language=row.language, version=row.model_version)
    owner_id = getattr(row, f"{kind.owner}_id")
    at = np.flatnonzero(group.owner_ids == owner_id)
    if at.size == 0:
        return
    if _set_neighbours(row, next(_own_neighbours(kind, group, at))):
        row.save(update_fields=_LIST_FIELDS)

    # The others: this row enters the lists whose floor it beats, and leaves (or moves in)
    # those that held its old text.
    blocked = _blocked(kind, group, at)[0]
    sims = group.matrix @ group.matrix[at[0]]
    position = {int(pk): i for i, pk in enumerate(group.pks)}
    entering = {int(group.pks[i]) for i in np.flatnonzero(~blocked & (sims > group.floors))}
    with transaction.atomic():
        rows = (
            kind.rows()
            .select_for_update()
            .filter(
                Q(pk__in=entering)
                | lists_holding(kind, owner_id, language=row.language, version=row.model_version),
                language=row.language,
                model_version=row.model_version,
            )
        )
        changed = []
        for other in rows.order_by("pk"):
            pairs = [
                (i, s)
                for i, s in zip(other.neighbour_ids, other.neighbour_scores, strict=True)
                if i != owner_id
            ]
            index = position.get(other.pk)
            if index is not None and not blocked[index]:
                pairs.append((owner_id, float(sims[index])))
            if _set_neighbours(other, pairs):
                changed.append(other)
        kind.rows().bulk_update(changed, _LIST_FIELDS, batch_size=500)


# --- every row: the backfill command and the nightly pass ---


def vectors_backfill(*, kind: _Kind, batch_size: int = 64, progress: Progress | None = None) -> int:
    """Make the vectors that are missing, stale (text changed) or made by another encoder;
    returns how many were made. Neighbour lists are left to neighbours_rebuild."""
    version = similarity.encoder_version()
    known = dict(kind.rows().filter(model_version=version).values_list(f"{kind.owner}_id", "text_hash"))
    owners = kind.owners().order_by("pk")
    todo = [o for o in owners.iterator(chunk_size=2000) if known.get(o.pk) != _hash(kind.text(o))]
    todo = [o for o in todo if kind.text(o).strip()]
    done = 0
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        texts = [kind.text(o) for o in batch]
        vectors = similarity.embed(texts)
        now = timezone.now()
        for owner, text, vector in zip(batch, texts, vectors, strict=True):
            kind.rows().update_or_create(
                **{f"{kind.owner}_id": owner.pk},
                defaults={
                    "vector": similarity.to_bytes(vector),
                    "text_hash": _hash(text),
                    "language": kind.language(owner, text),
                    "model_version": version,
                    "computed_at": now,
                },
            )
        done += len(batch)
        if progress:
            progress(f"{kind.name}: vectors", done, len(todo))
    return done


def neighbours_rebuild(*, kind: _Kind, progress: Progress | None = None) -> int:
    """Recompute every neighbour list of the current encoder; returns how many changed."""
    version = similarity.encoder_version()
    languages = (
        kind.rows()
        .filter(model_version=version)
        .values_list("language", flat=True)
        .distinct()
        .order_by("language")
    )
    changed = 0
    for language in list(languages):
        group = _load_group(kind, language=language, version=version)
        total = len(group.pks)
        for start in range(0, total, _BLOCK):
            rows = np.arange(start, min(start + _BLOCK, total))
            by_pk = kind.rows().only("pk", *_LIST_FIELDS).in_bulk(group.pks[rows].tolist())
            dirty = []
            for index, pairs in zip(rows, _own_neighbours(kind, group, rows), strict=True):
                row = by_pk.get(int(group.pks[index]))
                if row is not None and _set_neighbours(row, pairs):
                    dirty.append(row)
            kind.rows().bulk_update(dirty, _LIST_FIELDS, batch_size=500)
            changed += len(dirty)
            if progress:
                progress(f"{kind.name} ({language}): neighbours", int(rows[-1]) + 1, total)
    return changed
