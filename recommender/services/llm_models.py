"""Preparing the language models on a fresh machine, and recording what is active.

`models_prepare` is what the site runs in the background on first start (task
`recommender.prepare_models`, command `prepare_models`): MiniLM files, the generator
(assembled and converted if missing), the sentiment model (trained if missing), then a
backfill of reviews not analysed by the current sentiment version. Progress goes to a
small JSON file that the pages read to say "warming up".
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from recommender.llm import config as llm_config
from recommender.llm import registry
from recommender.models import ModelArtifact

log = logging.getLogger(__name__)

# Reviews read per transaction by the quick sentiment version (TF-IDF: the database is the cost).
QUICK_BACKFILL_BATCH = 200


def status_path() -> Path:
    return registry.models_dir() / "prepare-status.json"


def status_write(**fields: Any) -> None:
    """Record what the preparation is doing. A new `stage` (or a new `part` of one, such as
    the fine-tuning inside the sentiment training) restarts its clock and its counts, so the
    pages can say how far it is and, from its pace, about how long is left."""
    path = status_path()
    current = status_read()
    now = time.time()
    if "stage" in fields and fields["stage"] != current.get("stage"):
        current.update(stage_started=now, part="", done=0, total=0)
        if fields["stage"] not in ("ready", "failed"):
            current.setdefault("started", now)
    if fields.get("part") and fields["part"] != current.get("part"):
        current.update(part_started=now)
    current.update(fields, updated=now)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(current))
    tmp.replace(path)


def status_read() -> dict[str, Any]:
    try:
        return json.loads(status_path().read_text())
    except (FileNotFoundError, ValueError):
        return {}


@contextlib.contextmanager
def _exclusive() -> Iterator[bool]:
    """One preparer per machine: a second one returns at once instead of training twice."""
    lock_file = (registry.models_dir() / "prepare.lock").open("w")
    try:
        fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock_file.close()
        yield False
        return
    try:
        yield True
    finally:
        fcntl.flock(lock_file, fcntl.LOCK_UN)
        lock_file.close()


def artifact_record(
    *, kind: str, version: str, path: Path | str, metrics: dict | None = None
) -> ModelArtifact:
    """Store (or refresh) the artefact row and make it the active one of its kind."""
    with transaction.atomic():
        others = ModelArtifact.objects.filter(kind=kind, is_active=True).exclude(version=version)
        others.update(is_active=False)
        artifact, _ = ModelArtifact.objects.update_or_create(
            kind=kind,
            version=version,
            defaults={
                "path": str(path),
                "metrics": metrics or {},
                "is_active": True,
                "created_at": timezone.now(),
            },
        )
    return artifact


def _judge_for_training(wanted: bool | None) -> Any:
    """The generator as a sentiment judge: always (True), never (False), or when it is
    prepared and SENTIMENT_JUDGE is not "off" (None)."""
    if wanted is False:
        return None
    judge_off = not llm_config.sentiment_judge_enabled()
    if wanted is None and (judge_off or registry.use_fake_models() or not registry.llm_ready()):
        return None
    from recommender.llm.judge import get_judge

    return get_judge()


def sentiment_train(
    *,
    config=None,
    second_network: bool = True,
    judge: bool | None = None,
    progress: Callable[[str, int, int], Any] | None = None,
) -> ModelArtifact:
    """Train a sentiment version into the cache, make it current and record it.

    With `second_network`, a second MiniLM is fine-tuned on the short snippets only (a
    different seed, two passes) and combined with the first: averaging two networks
    and the TF-IDF models reads short critic snippets better than one network. With a
    judge (see `_judge_for_training`), the generator's zero-shot reading of short texts
    joins the combination.
    """
    from recommender.llm import sentiment

    judge_model = _judge_for_training(judge)
    combine = second_network or judge_model is not None
    result = sentiment.train_sentiment(config=config, progress=progress, make_current=not combine)
    metrics: dict[str, Any] = {
        "validation": result.val,
        "seconds": result.seconds,
        "n_train_nn": result.n_train_nn,
    }
    version, path = result.version, result.path
    versions = [result.version]
    seconds = result.seconds
    if second_network:
        base = config or sentiment.TrainConfig()
        extra_config = sentiment.TrainConfig(
            short_only=True,
            short_epochs=2,
            seed=base.seed + 16,
            val_long_limit=100,
            sample=base.sample,
            short_max_length=base.short_max_length,
            eval_max_length=base.eval_max_length,
            use_extra_snippets=base.use_extra_snippets,
        )
        extra = sentiment.train_sentiment(
            config=extra_config,
            make_current=False,
            progress=(lambda stage, done, total: progress(f"{stage} (2nd network)", done, total))
            if progress
            else None,
        )
        versions.append(extra.version)
        seconds += extra.seconds
    if combine:
        started = time.monotonic()
        version = sentiment.combine_versions(versions, judge=judge_model, progress=progress)
        path = sentiment.sentiment_root() / version
        metrics = _combined_metrics(seconds + time.monotonic() - started)
    return artifact_record(kind=ModelArtifact.Kind.SENTIMENT, version=version, path=path, metrics=metrics)


def sentiment_recombine(
    *, judge: bool | None = True, progress: Callable[[str, int, int], Any] | None = None
) -> ModelArtifact:
    """Combine the current version's networks again (no training), e.g. to add the judge."""
    from recommender.llm import sentiment

    current = sentiment.current_version()
    if current is None:
        raise FileNotFoundError("no sentiment model trained yet: run `manage.py train_sentiment`")
    meta = json.loads((sentiment.sentiment_root() / current / "meta.json").read_text())
    started = time.monotonic()
    version = sentiment.combine_versions(
        meta.get("members") or [current], judge=_judge_for_training(judge), progress=progress
    )
    return artifact_record(
        kind=ModelArtifact.Kind.SENTIMENT,
        version=version,
        path=sentiment.sentiment_root() / version,
        metrics=_combined_metrics(time.monotonic() - started),
    )


def _combined_metrics(seconds: float) -> dict[str, Any]:
    from recommender.llm import sentiment

    version = sentiment.current_version()
    assert version is not None  # just combined
    meta = json.loads((sentiment.sentiment_root() / version / "meta.json").read_text())
    return {
        "validation": meta["val"],
        "members": meta["members"],
        "weights": meta["weights"],
        "judge": meta.get("judge"),
        "seconds": round(seconds, 1),
    }


def models_prepare(
    *,
    generator: str | None = None,
    train: bool = True,
    backfill: bool = True,
    parts: Iterable[str] = registry.PARTS,
    progress: Callable[[str, int, int], Any] | None = None,
) -> dict[str, str]:
    """Make every model the site uses ready (or only `parts`); skips what is already there
    and whole, makes again what is missing or corrupt. Returns versions."""
    from recommender.llm import sentiment

    parts = set(parts)

    versions: dict[str, str] = {}
    with _exclusive() as mine:
        if not mine:
            log.info("another process is preparing the models")
            return versions
        # What is already prepared is hashed first: a missing or corrupt file is moved aside
        # and made again below through the same pinned, hash-checked path as a first run.
        damaged = models_check(full=True, quarantine=True, parts=parts)
        if damaged:
            status_write(stage="repair", detail=", ".join(damaged), error="")
        if "sentiment" in parts and train and not sentiment.sentiment_ready():
            # Reviews are read within minutes of a first start: a TF-IDF version first, the
            # full one (half an hour and more of fine-tuning) once the generator is there.
            sentiment_quick(backfill=backfill, progress=progress)
        if "minilm" in parts:
            status_write(stage="embeddings", error="")
            versions["embeddings"] = registry.minilm_version()
            artifact_record(
                kind=ModelArtifact.Kind.EMBEDDINGS, version=versions["embeddings"], path=registry.minilm_dir()
            )

        # The generator first: the sentiment model asks it about short texts (judge.py).
        if "generator" in parts:
            status_write(stage="generator")
            choice = generator or registry.configured_llm()
            resolved = registry.resolve_llm(choice, quiet=True)
            versions["generator"] = resolved.version
            artifact_record(kind=ModelArtifact.Kind.GENERATOR, version=resolved.version, path=resolved.path)

        if "sentiment" in parts and not sentiment.sentiment_final() and train:
            status_write(stage="sentiment")

            def _progress(stage: str, done: int, total: int) -> None:
                status_write(
                    stage="sentiment", part=stage, done=done, total=total, detail=f"{stage} {done}/{total}"
                )
                if progress:
                    progress(stage, done, total)

            sentiment_train(progress=_progress)
        current = sentiment.current_version() if "sentiment" in parts else None
        if current:
            versions["sentiment"] = current
            if not ModelArtifact.objects.filter(kind=ModelArtifact.Kind.SENTIMENT, version=current).exists():
                artifact_record(
                    kind=ModelArtifact.Kind.SENTIMENT,
                    version=current,
                    path=sentiment.sentiment_root() / current,
                )

        if backfill and current:
            from recommender.tasks.analysis import queue_backfill

            versions["backfill_queued"] = str(queue_backfill(model_version=current))
        # Records the manifest of a newly trained sentiment model; checks what was repaired.
        still = models_check(full=True, parts=parts)
        for part in damaged:
            if part not in still:
                _drop_quarantined(part)
                log.warning("model %s repaired: its files match their hashes again", part)
        status_write(stage="ready", versions=versions, detail="")
    return versions


def models_prepare_quick() -> str | None:
    """On a fresh cache, the quick sentiment version and every review read with it, alone (a
    warm-up of its own, so the first analyses do not wait behind the other warm-ups and the
    generator); nothing when a version is there or another process is preparing. Returns the
    version made."""
    from recommender.llm import sentiment

    if registry.use_fake_models() or sentiment.sentiment_ready():
        return None
    with _exclusive() as mine:
        if not mine or sentiment.sentiment_ready():
            return None
        return sentiment_quick().version


def sentiment_quick(
    *, backfill: bool = True, progress: Callable[[str, int, int], Any] | None = None
) -> ModelArtifact:
    """Train the quick (TF-IDF) sentiment version, make it current and read every review with it.

    The reviews are read here rather than queued: the bulk worker running this goes on to the
    generator and the full training, and batches queued behind it would wait for both.
    """
    from recommender.llm import sentiment

    status_write(stage="sentiment-quick", error="")
    version = sentiment.train_quick()
    meta = json.loads((sentiment.sentiment_root() / version / "meta.json").read_text())
    artifact = artifact_record(
        kind=ModelArtifact.Kind.SENTIMENT,
        version=version,
        path=sentiment.sentiment_root() / version,
        metrics={"quick": True, "validation": meta["val"], "seconds": meta["total_seconds"]},
    )
    if backfill:
        from recommender.services import analysis

        ids = list(analysis.reviews_needing_analysis(model_version=version))
        status_write(stage="backfill-quick", part="reviews", done=0, total=len(ids))
        for start in range(0, len(ids), QUICK_BACKFILL_BATCH):
            analysis.reviews_analyse(review_ids=ids[start : start + QUICK_BACKFILL_BATCH], bulk=True)
            done = min(len(ids), start + QUICK_BACKFILL_BATCH)
            status_write(stage="backfill-quick", part="reviews", done=done, total=len(ids))
            if progress:
                progress("reviews read by the quick model", done, len(ids))
    return artifact


def models_check(
    *, full: bool, quarantine: bool = False, parts: Iterable[str] = registry.PARTS
) -> dict[str, list[str]]:
    """The prepared parts whose files are missing or corrupt, with what is wrong.

    Sizes only, or every sha256 with `full` (once per process and file version). With
    `quarantine`, each problem is logged and the part moved aside, so it reads as not
    prepared and `models_prepare` makes it again.
    """
    found: dict[str, list[str]] = {}
    if registry.use_fake_models():
        return found
    for part in registry.PARTS:
        if part not in parts:
            continue
        problems = registry.part_problems(part, full=full)
        if problems:
            found[part] = [p.describe() for p in problems]
            if quarantine:
                registry.part_quarantine(part, problems)
    return found


def _drop_quarantined(part: str) -> None:
    """Once a part is whole again, its moved-aside copy only takes room (up to 6 GB)."""
    import shutil

    for path in registry.quarantined(part):
        shutil.rmtree(path, ignore_errors=True)
