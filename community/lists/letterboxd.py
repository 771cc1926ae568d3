"""The Letterboxd list export format (a CSV file per list), read and written in one place.

A file looks like this (Letterboxd's "list export v7")::

    Letterboxd list export v7
    Date,Name,Tags,URL,Description
    2024-05-01,Heists,,https://letterboxd.com/someone/list/heists/,Films about a job
    <blank line>
    Position,Name,Year,URL,Description
    1,Heat,1995,https://letterboxd.com/film/heat-1995/,The best one

Columns are found by their header name, never by position (exports differ in order and in
extra columns). Films are matched to the catalog by normalised title and year (the URL carries
no external id), with a year one off accepted when only one film fits (``films_match``).
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags

from community.movies.importers import normalise_title
from community.movies.models import Movie

SIGNATURE = "Letterboxd list export"
VERSION_LINE = "Letterboxd list export v7"
META_HEADER = ["Date", "Name", "Tags", "URL", "Description"]
FILM_HEADER = ["Position", "Name", "Year", "URL", "Description"]
MAX_FILMS = 10_000
MAX_FIELD = 100_000  # characters in one cell; more is not a list a person wrote
NOT_A_LIST = "This is not a Letterboxd list export (its first line should read “Letterboxd list export”)."


@dataclass
class FilmRow:
    position: int | None
    name: str
    year: int | None
    url: str
    note: str


@dataclass
class ListFile:
    name: str
    description: str
    url: str
    date: str
    films: list[FilmRow] = field(default_factory=list)

    @property
    def ranked(self) -> bool:
        """A ranked list numbers its films; an unranked one leaves Position empty."""
        return any(f.position is not None for f in self.films)


def plain_text(value: str) -> str:
    """Letterboxd writes descriptions and notes as HTML (``<br/>``, ``<i>``): keep the words,
    one line per break or paragraph, with entities read (``&amp;`` becomes ``&``)."""
    text = re.sub(r"(?i)<br\s*/?>|</p>\s*<p[^>]*>", "\n", value or "")
    text = html.unescape(strip_tags(text))
    return text.replace("\x00", "").replace("\r\n", "\n").strip()


def as_html(text: str) -> str:
    """Plain text as Letterboxd writes descriptions and notes: HTML, a ``<br/>`` per line break."""
    return html.escape(text or "", quote=False).replace("\n", "<br/>")


def _year(raw: str) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and 1800 <= int(raw) <= 2200 else None


def _position(raw: str) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 7 else None


def _rows(text: str) -> list[list[str]]:
    previous = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD)
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise ValidationError({"file": f"The list file could not be read as CSV ({exc})."}) from None
    finally:
        csv.field_size_limit(previous)


def _columns(header: Sequence[str], required: Iterable[str], what: str) -> dict[str, int]:
    index = {name.strip().lower(): i for i, name in enumerate(header)}
    missing = [name for name in required if name.lower() not in index]
    if missing:
        raise ValidationError({"file": f"The {what} row lacks the column(s) {', '.join(missing)}."})
    return index


def _cell(row: Sequence[str], index: dict[str, int], name: str) -> str:
    i = index.get(name.lower())
    return row[i].strip() if i is not None and i < len(row) else ""


def list_file_read(text: str) -> ListFile:
    """Parse one list export; ValidationError({"file": ...}) says what is wrong with a bad one."""
    text = (text or "").lstrip("\ufeff")
    rows = _rows(text)
    nonblank = [(i, row) for i, row in enumerate(rows) if any(cell.strip() for cell in row)]
    if not nonblank or not nonblank[0][1][0].strip().startswith(SIGNATURE):
        raise ValidationError({"file": NOT_A_LIST})
    if len(nonblank) < 3:
        raise ValidationError({"file": "The list export has no list name row."})
    meta_index = _columns(nonblank[1][1], ["Name"], "list header")
    meta = nonblank[2][1]
    film_rows = nonblank[3:]
    films: list[FilmRow] = []
    if film_rows:
        film_index = _columns(film_rows[0][1], ["Name"], "films header")
        if len(film_rows) - 1 > MAX_FILMS:
            raise ValidationError({"file": f"A list holds at most {MAX_FILMS:,} films here."})
        for _, row in film_rows[1:]:
            name = _cell(row, film_index, "Name")
            if not name:
                continue
            films.append(
                FilmRow(
                    position=_position(_cell(row, film_index, "Position")),
                    name=name,
                    year=_year(_cell(row, film_index, "Year")),
                    url=_cell(row, film_index, "URL") or _cell(row, film_index, "Letterboxd URI"),
                    note=plain_text(_cell(row, film_index, "Description")),
                )
            )
    if any(f.position is not None for f in films):
        # Ranked: in the file's numbers; rows without one keep their place after the numbered.
        films.sort(key=lambda f: (f.position is None, f.position or 0))
    name = _cell(meta, meta_index, "Name").replace("\x00", "")
    if not name:
        raise ValidationError({"file": "The list export gives the list no name."})
    return ListFile(
        name=name,
        description=plain_text(_cell(meta, meta_index, "Description")),
        url=_cell(meta, meta_index, "URL"),
        date=_cell(meta, meta_index, "Date"),
        films=films,
    )


def list_file_write(
    *, name: str, description: str, url: str, date: str, ranked: bool, films: Iterable[FilmRow]
) -> str:
    """The same format, as Letterboxd writes it: an unranked list leaves Position empty, and
    descriptions and notes are HTML (so text that looks like a tag survives the round trip)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([VERSION_LINE])
    writer.writerow(META_HEADER)
    writer.writerow([date, name, "", url, as_html(description)])
    writer.writerow([])
    writer.writerow(FILM_HEADER)
    for film in films:
        position = str(film.position) if ranked and film.position is not None else ""
        writer.writerow([position, film.name, film.year or "", film.url, as_html(film.note)])
    return out.getvalue()


def films_match(rows: Sequence[tuple[str, int | None]]) -> list[int | None]:
    """The catalog's movie id for each (title, year), or None when no film, or more than one,
    fits. The same normalised title in the same year wins; else a film one year off, when it is
    the only one; a row without a year matches a title only one film has. One query."""
    years: set[int] = set()
    for _, year in rows:
        if year is None:
            years = set()
            break
        years |= {year - 1, year, year + 1}
    movies = Movie.objects.order_by("-rating_count", "pk")
    if years:
        movies = movies.filter(year__in=years)
    by_title: dict[str, list[tuple[int | None, int]]] = defaultdict(list)
    wanted = {normalise_title(title) for title, _ in rows}
    for pk, title, year in movies.values_list("pk", "title", "year").iterator(chunk_size=5000):
        key = normalise_title(title)
        if key in wanted:
            by_title[key].append((year, pk))
    found: list[int | None] = []
    for title, year in rows:
        candidates = by_title.get(normalise_title(title), [])
        if year is None:
            found.append(candidates[0][1] if len(candidates) == 1 else None)
            continue
        exact = [pk for y, pk in candidates if y == year]
        near = [pk for y, pk in candidates if y is not None and abs(y - year) == 1]
        if len(exact) == 1:
            found.append(exact[0])
        elif not exact and len(near) == 1:
            found.append(near[0])
        else:
            found.append(None)
    return found
