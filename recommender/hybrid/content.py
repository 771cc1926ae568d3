"""Content vectors for items, and a content-based scorer that needs no ratings of the item.

An item's vector joins three parts, each L2-normalised before weighting: a text vector
(MiniLM sentence embedding when ``embed`` is given, else TF-IDF of the title reduced by
SVD), its genres (one-hot) and its decade. A brand-new movie gets a vector from its
text alone, so it can be ranked and can find similar movies before anyone rates it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp

EmbedFn = Callable[[list[str]], np.ndarray]


def _normalise_rows(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return (m / np.maximum(norms, 1e-9)).astype(np.float32)


def tfidf_text_vectors(texts: Sequence[str], *, dims: int = 128, seed: int = 0) -> np.ndarray:
    """TF-IDF (words and character 3-5 grams) of each text, reduced to ``dims`` by SVD."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    words = TfidfVectorizer(min_df=2, sublinear_tf=True, stop_words="english").fit_transform(texts)
    if words.shape[1] < 2:
        return np.zeros((len(texts), 1), dtype=np.float32)
    dims = min(dims, words.shape[1] - 1)
    return _normalise_rows(TruncatedSVD(dims, random_state=seed).fit_transform(words))


def embeddings_cache_path(texts: Sequence[str], *, cache_dir: Path, version: str) -> Path:
    """Where ``cached_embeddings`` keeps the vectors of exactly these texts by this model
    version (whether it exists says if they are ready without computing anything)."""
    digest = hashlib.sha256(version.encode())
    for t in texts:
        digest.update(t.encode("utf-8", "replace") + b"\0")
    return Path(cache_dir) / f"item-embeddings-{digest.hexdigest()[:24]}.npy"


def cached_embeddings(texts: Sequence[str], embed: EmbedFn, *, cache_dir: Path, version: str) -> np.ndarray:
    """``embed(texts)``, cached as .npy under a key of the model version and the exact texts."""
    path = embeddings_cache_path(texts, cache_dir=cache_dir, version=version)
    if path.exists():
        return np.load(path)
    vectors = np.asarray(embed(list(texts)), dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, vectors)
    tmp.replace(path)
    return vectors


def item_vectors(
    *,
    genres: Sequence[Sequence[str]],
    years: Sequence[int | None],
    text_vectors: np.ndarray,
    genre_weight: float = 1.0,
    year_weight: float = 0.3,
    text_weight: float = 1.0,
) -> tuple[np.ndarray, list[str]]:
    """Join text, genre and decade parts into unit-length item vectors.

    Returns (vectors, genre_vocabulary); the vocabulary lets serving name a genre.
    """
    vocab = sorted({g for gs in genres for g in gs})
    col = {g: i for i, g in enumerate(vocab)}
    g = np.zeros((len(genres), max(1, len(vocab))), dtype=np.float32)
    for i, gs in enumerate(genres):
        for name in gs:
            g[i, col[name]] = 1.0
    decades = np.arange(1900, 2030, 10)
    y = np.zeros((len(years), len(decades)), dtype=np.float32)
    for i, year in enumerate(years):
        if year:
            # soft decade: neighbours share some weight, so 1989 is close to 1991
            y[i] = np.exp(-(((year - 5 - decades) / 10.0) ** 2))
    parts = [
        text_weight * _normalise_rows(text_vectors),
        genre_weight * _normalise_rows(g),
        year_weight * _normalise_rows(y),
    ]
    return _normalise_rows(np.hstack(parts)), vocab


class ContentScorer:
    """Score items by cosine to a user's taste vector built from the items they rated.

    Each rated item pulls the taste vector towards itself with weight
    ``rating - user's mean + offset``: loved movies pull, disliked ones push away,
    and merely watching something still says a little (``offset``).
    """

    name = "Content"

    def __init__(self, vectors: np.ndarray, *, offset: float = 0.5):
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.offset = offset

    def fit(self, train: sp.csr_matrix) -> ContentScorer:
        return self

    def profiles(self, rows: sp.csr_matrix) -> np.ndarray:
        rows = sp.csr_matrix(rows, dtype=np.float32)
        if rows.shape[0] == 1:  # serving: plain numpy, no sparse overhead
            w = rows.data - (rows.data.mean() if rows.nnz else 0.0) + self.offset
            return _normalise_rows((w @ self.vectors[rows.indices])[None, :])
        weights = rows.copy()
        counts = np.diff(rows.indptr)
        sums = np.asarray(rows.sum(axis=1)).ravel()
        means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
        weights.data = weights.data - np.repeat(means, counts) + self.offset
        return _normalise_rows(np.asarray(weights @ self.vectors))

    def score(self, rows: sp.csr_matrix) -> np.ndarray:
        return self.profiles(rows) @ self.vectors.T
