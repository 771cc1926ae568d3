"""Studios from the production companies of the CC0 Wikidata film table (bokeh-sampledata).

Films are joined on the IMDb id that the `metadata` step of `import_data` stored, so this step
runs after it. Only companies with at least one catalog film become studios.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils.text import slugify
from tqdm import tqdm

from community.core.datasets import data_file
from community.movies.importers import BATCH, ImportResult
from community.movies.models import Movie
from community.studios.models import Studio
from community.studios.names import name_key, split_production


def production_rows() -> list[tuple[str, str]]:
    """(IMDb id, Production field) of every film of the table that names a production company."""
    con = sqlite3.connect(data_file("wikidata-movies.db"))
    try:
        return con.execute(
            "SELECT o.imdbID, t.Production FROM omdb o JOIN tomatoes t ON t.ID = o.ID "
            "WHERE o.imdbID IS NOT NULL AND t.Production IS NOT NULL AND t.Production != ''"
        ).fetchall()
    finally:
        con.close()


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:190] or "studio"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def load_studios(*, progress: bool = True, rows: Iterable[tuple[str, str]] | None = None) -> ImportResult:
    """Each production company with catalog films becomes a Studio linked to those films.

    Spellings of one company (see community.studios.names) become one studio. Idempotent: an
    existing studio (matched on its normalised name) is reused, links are only added, so a second
    run changes nothing. One transaction.
    """
    result = ImportResult()
    rows = production_rows() if rows is None else list(rows)
    movies_by_imdb: dict[str, list[int]] = defaultdict(list)
    for movie_id, imdb_id in Movie.objects.exclude(imdb_id="").values_list("id", "imdb_id"):
        movies_by_imdb[imdb_id].append(movie_id)

    films_of: dict[str, set[int]] = defaultdict(set)  # name key -> catalog movie ids
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for imdb_id, production in tqdm(rows, desc="studios", disable=not progress):
        movie_ids = movies_by_imdb.get(imdb_id or "")
        if not movie_ids:
            continue
        for name in split_production(production):
            key = name_key(name)
            films_of[key].update(movie_ids)
            spellings[key][name] += 1

    with transaction.atomic():
        studios = {name_key(s.name): s for s in Studio.objects.all()}
        taken = set(Studio.objects.values_list("slug", flat=True))
        new = []
        for key in sorted(films_of):
            if key not in studios:
                # The spelling most films use, e.g. "StudioCanal" over "Studiocanal".
                name = spellings[key].most_common(1)[0][0]
                new.append(Studio(name=name, slug=_unique_slug(name, taken)))
        Studio.objects.bulk_create(new, batch_size=BATCH)
        result.add("studios", len(new))
        studios = {name_key(s.name): s for s in Studio.objects.all()}

        through = Studio.movies.through
        links = [
            through(studio_id=studios[key].pk, movie_id=movie_id)
            for key, movie_ids in films_of.items()
            for movie_id in sorted(movie_ids)
        ]
        before = through.objects.count()
        through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
        result.add("studio links", through.objects.count() - before)
    return result
