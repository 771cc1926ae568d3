"""The benchmark data sets, loaded as `recommender.hybrid.data.Ratings` for the evaluation
and bench commands (and the slow hybrid tests).

They read the pinned data files through community's dataset fetcher and join people with
community's Wikidata importer, so they live here, beside the commands, and not in
`recommender.hybrid`, which is plain maths on arrays and imports neither Django nor community
(an import contract in pyproject.toml checks that).
"""

from __future__ import annotations

from dataclasses import replace

from community.core.datasets import data_file
from community.movies.importers import wikidata_films
from recommender.hybrid.data import Ratings, from_triples


def load_ml100k() -> Ratings:
    """MovieLens 100k (943 users, 1,682 items, ratings 1..5) from the pinned RecBole files."""
    import pandas as pd

    inter = pd.read_csv(data_file("ml-100k.inter", quiet=True), sep="\t")
    items = pd.read_csv(data_file("ml-100k.item", quiet=True), sep="\t", dtype=str, keep_default_na=False)
    inter.columns = [c.split(":")[0] for c in inter.columns]
    items.columns = [c.split(":")[0] for c in items.columns]
    item_key = items["item_id"].astype(int)
    years = {
        k: (int(y) if y.isdigit() else None) for k, y in zip(item_key, items["release_year"], strict=True)
    }
    return from_triples(
        inter["user_id"].to_numpy(),
        inter["item_id"].to_numpy(),
        inter["rating"].to_numpy(),
        titles=dict(zip(item_key, items["movie_title"], strict=True)),
        genres={k: g.split() for k, g in zip(item_key, items["class"], strict=True)},
        years=years,
        name="ml-100k",
    )


def load_ml_latest_small() -> Ratings:
    """MovieLens latest-small (671 users, 9,066 items, half-star ratings)."""
    import pandas as pd

    df = pd.read_pickle(data_file("ml-latest-small.pkl.xz", quiet=True), compression="xz")
    movies = df.drop_duplicates("movieId").set_index("movieId")
    years = {k: (int(y) if y == y else None) for k, y in movies["year"].items()}
    return from_triples(
        df["userId"].to_numpy(),
        df["movieId"].to_numpy(),
        df["rating"].to_numpy(),
        titles=movies["title"].to_dict(),
        genres={
            k: [g for g in str(v).split("|") if g and g != "(no genres listed)"]
            for k, v in movies["genres"].items()
        },
        years=years,
        name="ml-latest-small",
    )


LOADERS = {"ml-100k": load_ml100k, "ml-latest-small": load_ml_latest_small}


def with_wikidata_people(ratings: Ratings) -> Ratings:
    """``ratings`` with each item's directors and cast from the Wikidata film table, joined
    by the site's own importer (normalised title + year), so the evaluation sees the
    people a site movie would have. Unmatched items get no people."""
    films = wikidata_films()
    people: list = []
    for title, year in zip(ratings.titles, ratings.years or [None] * ratings.n_items, strict=True):
        row = films.match(title, year) if year else None
        if row is None:
            people.append([])
        else:
            directors, _writers, actors = films.people(row)
            people.append(directors + actors)
    return replace(ratings, people=people)
