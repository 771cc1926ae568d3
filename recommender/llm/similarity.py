"""Text vectors for "similar reviews" and "related threads", and the nearest-neighbour maths.

The real encoder is MiniLM (recommender.llm.embeddings); LLM_BACKEND=fake swaps in a hashed
bag of words, good enough for unit tests to find texts that share words. Neighbours are found
with numpy on plain arrays: no Django here.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

from .embeddings import DIMENSIONS
from .registry import use_fake_models

FAKE_VERSION = "fake-bag-of-words-1"
_WORD = re.compile(r"\w+")


def encoder_version() -> str:
    """The name and version of the encoder `embed` uses now (stored beside each vector)."""
    if use_fake_models():
        return FAKE_VERSION
    from .embeddings import embedding_version

    return embedding_version()


def _fake_embed(texts: Sequence[str]) -> np.ndarray:
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in _WORD.findall(text.lower()):
            if len(word) > 2:
                out[row, zlib.crc32(word.encode()) % DIMENSIONS] += 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-9)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length float32 vectors (n, 384), one per text: cosine similarity is a dot product."""
    if use_fake_models():
        return _fake_embed(texts)
    from .embeddings import embed_texts

    return embed_texts(texts)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(blobs: Sequence[bytes]) -> np.ndarray:
    """Stack stored vectors into one (n, 384) float32 matrix."""
    if not blobs:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.frombuffer(b"".join(bytes(b) for b in blobs), dtype=np.float32).reshape(len(blobs), -1)


def nearest(
    queries: np.ndarray,
    matrix: np.ndarray,
    *,
    k: int,
    blocked: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """For each query row, the indexes of its k most similar matrix rows and their cosines,
    best first. `blocked` (queries x matrix, bool) marks pairs that may not be neighbours
    (the same film, the same author, the text itself); their slots come back as -1."""
    scores = queries @ matrix.T
    if blocked is not None:
        scores = np.where(blocked, -np.inf, scores)
    k = min(k, matrix.shape[0])
    if k == 0:
        empty = np.zeros((queries.shape[0], 0))
        return empty.astype(np.int64), empty.astype(np.float32)
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    top_scores = np.take_along_axis(scores, top, axis=1)
    order = np.argsort(-top_scores, axis=1)
    top = np.take_along_axis(top, order, axis=1)
    top_scores = np.take_along_axis(top_scores, order, axis=1)
    top = np.where(np.isfinite(top_scores), top, -1)
    return top, np.where(np.isfinite(top_scores), top_scores, 0.0).astype(np.float32)
