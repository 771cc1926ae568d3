"""Drill: damage one model file in a copy of the model cache, then detect and repair it.

Never touches the cache the site uses: without --cache-dir, the part's folders are copied
into a temporary cache (wheels and GGUF files linked, never written: a corrupt one is
unlinked and downloaded anew), which is removed afterwards unless --keep.

For each part: the largest file is truncated to half (or one byte flipped, or deleted);
the full check runs and prints its log line; the part is moved aside and prepared again
through `models_prepare` (what the `recommender.prepare_models` task runs, its database
writes rolled back); finally every file is hashed against the manifest once more.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings

from recommender.llm import registry


@contextlib.contextmanager
def _cache_env(root: Path) -> Iterator[None]:
    """The registry works in `root` (CACHE_DIR) for the drill only."""
    registry.verified_forget()
    try:
        with override_settings(CACHE_DIR=root):
            yield
    finally:
        registry.verified_forget()


@contextlib.contextmanager
def _echo_logs(write) -> Iterator[None]:
    """Show the check's own log lines (the ones an operator sees in the worker's log)."""

    class Echo(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            write(f"  log {record.levelname}: {record.getMessage()}")

    handler = Echo(level=logging.WARNING)
    loggers = [logging.getLogger(n) for n in ("recommender.llm.registry", "community.core.wheels")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def _link_files(source: Path, target: Path) -> None:
    """Symlink each file (one level): reading is shared, unlinking or replacing one is not."""
    if not source.is_dir():
        return
    target.mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        if path.is_file():
            (target / path.name).symlink_to(path)
        elif path.is_dir():
            _link_files(path, target / path.name)


def copy_cache(source: Path, target: Path, parts: list[str]) -> None:
    """A drill cache: the parts' folders copied, wheels, GGUF files and data linked."""
    with _cache_env(source):
        folders = {part: registry.part_folders(part) for part in parts}
    (target / "models").mkdir(parents=True, exist_ok=True)
    _link_files(source / "wheels", target / "wheels")
    _link_files(source / "models" / "gguf", target / "models" / "gguf")
    if (source / "data").is_dir():
        (target / "data").symlink_to(source / "data")
    for part_folders in folders.values():
        for folder in part_folders:
            destination = target / folder.relative_to(source)
            if not destination.exists():
                shutil.copytree(folder, destination, symlinks=True)
    current = source / "models" / "sentiment" / "current"
    if "sentiment" in parts and current.exists():
        shutil.copy2(current, target / "models" / "sentiment" / "current")


def damage(path: Path, how: str) -> str:
    size = path.stat().st_size
    if how == "delete":
        path.unlink()
        return "deleted"
    if how == "truncate":
        with path.open("r+b") as fh:
            fh.truncate(size // 2)
        return f"truncated {size} -> {size // 2} bytes"
    with path.open("r+b") as fh:  # flip: same size, only a full hash sees it
        fh.seek(size // 2)
        byte = fh.read(1)
        fh.seek(size // 2)
        fh.write(bytes([byte[0] ^ 0xFF]))
    return f"flipped the byte at {size // 2}"


class Command(BaseCommand):
    help = "Corrupt a model file in a copy of the cache, and show it detected, repaired and re-hashed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--part", action="append", choices=registry.PARTS, help="default: every prepared part"
        )
        parser.add_argument(
            "--cache-dir", type=Path, help="a throw-away cache to damage in place (never the site's)"
        )
        parser.add_argument("--damage", choices=("truncate", "flip", "delete"), default="truncate")
        parser.add_argument("--keep", action="store_true", help="keep the temporary copy of the cache")

    def handle(self, *args, **o):
        source = registry.cache_dir()
        parts = o["part"] or list(registry.PARTS)
        protected = {Path(settings.CACHE_DIR).resolve(), (Path.home() / ".cache" / "cinecircle").resolve()}
        if o["cache_dir"]:
            root = o["cache_dir"].expanduser().resolve()
            if root in protected:
                raise CommandError(f"{root} is the site's model cache: drill on a copy (omit --cache-dir)")
            made = False
        else:
            root = Path(tempfile.mkdtemp(prefix="cinecircle-drill-"))
            self.stdout.write(f"copying {', '.join(parts)} from {source} to {root} ...")
            copy_cache(source, root, parts)
            made = True
        try:
            with _cache_env(root):
                rows = [self._drill(part, o["damage"]) for part in parts]
        finally:
            if made and not o["keep"]:
                shutil.rmtree(root, ignore_errors=True)
        self._report(rows, o["damage"])

    def _drill(self, part: str, how: str) -> dict[str, Any]:
        from recommender.selectors_llm import models_status
        from recommender.services import llm_models

        write = self.stdout.write
        folders = registry.part_folders(part)
        if not folders:
            raise CommandError(f"{part} is not prepared in {registry.cache_dir()}: nothing to drill")
        baseline = registry.part_problems(part, full=True)  # records a manifest if there is none
        if baseline:
            raise CommandError(f"{part} is already damaged: {baseline[0].describe()}")
        files = [p for folder in folders for p in registry.folder_files(folder)]
        victim = max(files, key=lambda p: p.stat().st_size)
        write(f"\n[{part}] {damage(victim, how)}: {victim}")
        status_key = "embeddings" if part == "minilm" else part
        pages_see_it = not models_status()[status_key]

        with _echo_logs(write):
            started = time.monotonic()
            problems = registry.part_problems(part, full=True)
            detect_seconds = time.monotonic() - started
            if problems:
                registry.part_quarantine(part, problems)
            write(f"  pages say {part} ready: {models_status()[status_key]}")
            started = time.monotonic()
            error = ""
            try:
                with transaction.atomic():  # the repair's ModelArtifact rows are the drill's only
                    llm_models.models_prepare(parts=[part], backfill=False)
                    transaction.set_rollback(True)
            except Exception as exc:  # the table says so; the drill still ends with its line
                error = f"{type(exc).__name__}: {exc}"
                write(f"  repair failed: {error}")
            repair_seconds = time.monotonic() - started
        registry.verified_forget()
        after = registry.part_problems(part, full=True, force=True) if registry.part_folders(part) else None
        hash_ok = after == [] and (victim.exists() or part == "sentiment")
        return {
            "part": part,
            "file": victim.name,
            "detected": bool(problems),
            "pages": pages_see_it,
            "detect_seconds": detect_seconds,
            "repaired": not error and after == [],
            "repair_seconds": repair_seconds,
            "hash_ok": hash_ok,
            "ready": models_status()[status_key],
        }

    def _report(self, rows: list[dict[str, Any]], how: str) -> None:
        def yn(value: bool) -> str:
            return "yes" if value else "no"

        self.stdout.write(
            f"\n{'part':<10} {'file':<22} {'detected':>8} {'pages':>6} "
            f"{'detect s':>9} {'repair s':>9} {'hash ok':>8}"
        )
        for r in rows:
            self.stdout.write(
                f"{r['part']:<10} {r['file'][:22]:<22} {yn(r['detected']):>8} {yn(r['pages']):>6} "
                f"{r['detect_seconds']:>9.2f} {r['repair_seconds']:>9.2f} {yn(r['hash_ok']):>8}"
            )
        detected = all(r["detected"] for r in rows)
        repaired = all(r["repaired"] and r["hash_ok"] and r["ready"] for r in rows)
        self.stdout.write(
            f"drill model_corruption parts={','.join(r['part'] for r in rows)} damage={how} "
            f"detected={int(detected)} repaired={int(repaired)} "
            f"detect_seconds={max(r['detect_seconds'] for r in rows):.2f} "
            f"repair_seconds={sum(r['repair_seconds'] for r in rows):.2f}"
        )
        sys.stdout.flush()
        if not (detected and repaired):
            raise CommandError("the drill failed: a damaged model file was not detected or not repaired")
