"""Moving a list in and out in Letterboxd's list export format (community/lists/letterboxd.py).

``import_letterboxd_list`` is idempotent: the same file twice leaves one list with the same
films. The list is found again by its owner and its Letterboxd URL (or, for a file without a
URL, by its title among the owner's lists that came without one).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from community.accounts.models import User, Visibility
from community.lists import letterboxd
from community.lists.models import (
    DESCRIPTION_MAX_LENGTH,
    LETTERBOXD_URL_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    FilmList,
    ListEntry,
)


@dataclass(frozen=True)
class UnmatchedFilm:
    name: str
    year: int | None
    position: int | None = None


@dataclass
class ListImportResult:
    film_list: FilmList
    created: bool
    matched: int  # rows of the file found in the catalog (each film once)
    unmatched: list[UnmatchedFilm] = field(default_factory=list)


def _find_existing(member: User, parsed: letterboxd.ListFile, url: str) -> FilmList | None:
    lists = FilmList.objects.select_for_update().filter(owner=member)
    if url:
        return lists.filter(letterboxd_url=url).first()
    return lists.filter(letterboxd_url="", title=parsed.name[:TITLE_MAX_LENGTH]).order_by("pk").first()


def import_letterboxd_list(
    member: User, csv_text: str, *, visibility: str = Visibility.PUBLIC
) -> ListImportResult:
    """Import one Letterboxd list export into ``member``'s lists and say what matched.

    A new list gets ``visibility`` (public by default, as lists are on Letterboxd); a list
    imported before keeps the visibility and collaborators the member gave it, and takes the
    file's title, description, ranking and films: the file's films first, in its order, then any
    the member added here since (kept, never dropped). A note is replaced only by a non-empty
    one from the file. Films appear once whatever the file repeats.

    Raises ValidationError({"file": ...}) for a file that is not a list export (nothing changes
    then) and PermissionDenied for a visitor.
    """
    if not member.is_authenticated or not member.is_active:
        raise PermissionDenied("Log in to do that.")
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": "Not a visibility."})
    parsed = letterboxd.list_file_read(csv_text)
    ids = letterboxd.films_match([(f.name, f.year) for f in parsed.films])
    url = parsed.url[:LETTERBOXD_URL_MAX_LENGTH]
    wanted: dict[int, letterboxd.FilmRow] = {}
    unmatched: list[UnmatchedFilm] = []
    for row, movie_id in zip(parsed.films, ids, strict=True):
        if movie_id is None:
            unmatched.append(UnmatchedFilm(row.name, row.year, row.position))
        elif movie_id not in wanted:
            wanted[movie_id] = row
    now = timezone.now()
    with transaction.atomic():
        film_list = _find_existing(member, parsed, url)
        created = film_list is None
        if film_list is None:
            film_list = FilmList(owner=member, visibility=visibility, created_at=now)
        film_list.title = parsed.name[:TITLE_MAX_LENGTH]
        film_list.description = parsed.description[:DESCRIPTION_MAX_LENGTH]
        film_list.ranked = parsed.ranked
        film_list.letterboxd_url = url
        film_list.updated_at = now
        film_list.save()
        existing = {e.movie_id: e for e in ListEntry.objects.filter(film_list=film_list)}
        order = list(wanted) + [
            movie_id
            for movie_id, _ in sorted(existing.items(), key=lambda kv: (kv[1].position, kv[1].pk))
            if movie_id not in wanted
        ]
        to_create, to_update = [], []
        for position, movie_id in enumerate(order, start=1):
            from_file = wanted.get(movie_id)
            note = from_file.note[:NOTE_MAX_LENGTH] if from_file is not None else ""
            entry = existing.get(movie_id)
            if entry is None:
                to_create.append(
                    ListEntry(
                        film_list=film_list,
                        movie_id=movie_id,
                        position=position,
                        note=note,
                        added_by=member,
                        created_at=now,
                    )
                )
            else:
                entry.position = position
                entry.note = note or entry.note
                to_update.append(entry)
        ListEntry.objects.bulk_update(to_update, ["position", "note"], batch_size=1000)
        ListEntry.objects.bulk_create(to_create, batch_size=1000)
    return ListImportResult(film_list=film_list, created=created, matched=len(wanted), unmatched=unmatched)


def export_letterboxd_list(film_list: FilmList, *, site_url: str = "") -> str:
    """The list in Letterboxd's list export format (readable by ``import_letterboxd_list`` and by
    Letterboxd). Its URL is the Letterboxd one it came from, else its address here (absolute
    when ``site_url`` is given, e.g. "https://cinecircle.example")."""
    base = site_url.rstrip("/")
    entries = ListEntry.objects.filter(film_list=film_list).select_related("movie").order_by("position", "pk")
    films = [
        letterboxd.FilmRow(
            position=entry.position,
            name=entry.movie.title,
            year=entry.movie.year,
            url=f"{base}{entry.movie.get_absolute_url()}" if base else "",
            note=entry.note,
        )
        for entry in entries
    ]
    return letterboxd.list_file_write(
        name=film_list.title,
        description=film_list.description,
        url=film_list.letterboxd_url or (f"{base}{film_list.get_absolute_url()}" if base else ""),
        date=timezone.localdate(film_list.created_at).isoformat(),
        ranked=film_list.ranked,
        films=films,
    )
