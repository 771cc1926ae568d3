"""The active model for this process: loaded once from the folder's ``current`` file, and
loaded again only when ``current`` points at a different file (after a retrain or a
rewrite without deleted members)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from .artifact import CURRENT, load_artifact
from .serving import ServingModel

_lock = threading.Lock()
_loaded: dict[str, tuple[str, ServingModel]] = {}


def load_current(folder: Path) -> ServingModel | None:
    """The active model for this process: loaded once, reloaded only after a swap."""
    folder = Path(folder)
    link = folder / CURRENT
    try:
        target = os.readlink(link)
    except (FileNotFoundError, OSError):
        return None
    key = str(folder.resolve())
    cached = _loaded.get(key)
    if cached and cached[0] == target:
        return cached[1]
    with _lock:
        cached = _loaded.get(key)
        if cached and cached[0] == target:
            return cached[1]
        model = load_artifact(folder / target)
        _loaded[key] = (target, model)
        return model


def forget_loaded() -> None:
    """Drop the per-process cache (tests, and after deleting artefacts)."""
    _loaded.clear()
