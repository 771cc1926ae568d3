"""Sentence embeddings with all-MiniLM-L6-v2: mean-pooled, L2-normalised, 384 floats."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from .registry import minilm_dir, minilm_version, part_loading

DIMENSIONS = 384


@functools.lru_cache(maxsize=1)
def _load():
    import torch
    from transformers import AutoModel, AutoTokenizer

    from .config import torch_threads

    torch.set_num_threads(torch_threads())
    path = str(minilm_dir())
    with part_loading("minilm"):  # a file that fails to load is checked, moved aside and fetched again
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModel.from_pretrained(path).eval()
    return tokenizer, model


def embedding_version() -> str:
    return minilm_version()


def embed_texts(texts: Sequence[str], *, batch_size: int = 32, max_length: int = 256) -> np.ndarray:
    """Embed each text; returns float32 (n, 384) with unit-length rows (cosine = dot)."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    import torch

    tokenizer, model = _load()
    texts = [t or "" for t in texts]
    order = np.argsort([len(t) for t in texts])  # similar lengths together: less padding
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            batch = tokenizer(
                [texts[i] for i in idx],
                padding=True,
                truncation=True,
                max_length=max_length,
                return_tensors="pt",
            )
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
            out[idx] = pooled.numpy()
    return out
