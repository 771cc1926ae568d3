"""Whether a recommender training is running now, and since when: a small file beside the
model files, written when a training starts and removed when it ends, so the homepage can
say what is happening to a member who has no picks yet ("the first model is training,
started 20 s ago") without asking the workers.

A file, not a row: the web processes already read the model folder, and a worker killed
mid-training leaves a file that goes stale after the task time limit instead of a row that
says "training" for ever.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from recommender.services.recommendations import model_dir

MARKER = "training.json"


@dataclass(frozen=True)
class Training:
    started_at: datetime
    content: str  # the content vectors asked for: auto, tfidf or minilm


@contextlib.contextmanager
def training_marked(*, content: str) -> Iterator[None]:
    """Mark a training as running for the duration of the block."""
    folder = model_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MARKER
    tmp = folder / f".{MARKER}.{os.getpid()}"
    tmp.write_text(json.dumps({"started_at": timezone.now().isoformat(), "content": content}))
    os.replace(tmp, path)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def training_running() -> Training | None:
    """The training running now, or None (none started, finished, or its worker died more than
    the task time limit ago)."""
    try:
        data = json.loads((model_dir() / MARKER).read_text())
        started = datetime.fromisoformat(data["started_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if timezone.now() - started > timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT):
        return None
    return Training(started_at=started, content=str(data.get("content", "")))
