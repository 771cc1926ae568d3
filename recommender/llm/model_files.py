"""Where prepared model files live, and how their integrity is kept.

Each prepared folder keeps a manifest of its files (size, sha256), written when the folder
is made. Pages compare sizes only (a few stat calls); a worker hashes every file once per
process before it loads a model: sha256 runs at about 1.6 GB/s here (the 2.5 GB converted
0.5B generator: 1.5 s with the file in the page cache, 11 s from disk), little beside the
model load itself, which reads the same bytes. A folder made before manifests existed is
checked structurally (safetensors header against size, JSON parses) before one is recorded.

Which folders make up which model, and what happens to a corrupt one, is
``registry``'s part; this module knows files and folders only.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from community.core.wheels import cache_dir, sha256_file

# The registry's logger: operators and the corruption drill filter on its name.
log = logging.getLogger("recommender.llm.registry")


def models_dir() -> Path:
    path = cache_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


MANIFEST = ".manifest.json"


# Folder (or file) -> the signature of its files when they last passed a full check here.
verified_signatures: dict[str, Any] = {}


@dataclass(frozen=True)
class Problem:
    path: Path
    detail: str  # "missing", or what differs: "sha256 ..., expected ..."

    def describe(self) -> str:
        if self.detail == "missing":
            return f"model file {self.path} is missing"
        return f"model file {self.path} is corrupt ({self.detail})"


def log_problem(problem: Problem, action: str) -> None:
    log.error("%s; %s", problem.describe(), action)


@contextlib.contextmanager
def file_lock(target: Path) -> Iterator[None]:
    """One process makes a given artefact at a time; the others wait, then find it made."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.with_name(f".{target.name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def folder_files(folder: Path) -> list[Path]:
    """The files a loader may read: everything but markers, manifests and half-written files."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and not path.name.startswith(".") and not path.name.endswith((".tmp", ".part"))
    )


def file_signature(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


def _folder_signature(folder: Path, names: list[str]) -> tuple | None:
    try:
        return tuple((name, *file_signature(folder / name)) for name in names)
    except FileNotFoundError:
        return None


def manifest_read(folder: Path) -> dict[str, dict[str, Any]] | None:
    try:
        files: dict[str, dict[str, Any]] = json.loads((folder / MANIFEST).read_text())["files"]
    except (FileNotFoundError, NotADirectoryError, ValueError, KeyError, TypeError):
        return None
    return files


def manifest_write(folder: Path, files: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """Record the size and sha256 of every file in `folder` (or the given expected ones)."""
    if files is None:
        files = {
            path.relative_to(folder).as_posix(): {"size": path.stat().st_size, "sha256": sha256_file(path)}
            for path in folder_files(folder)
        }
    tmp = folder / f"{MANIFEST}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"files": files, "written": time.time()}, indent=1))
    tmp.replace(folder / MANIFEST)
    return files


def verified_forget() -> None:
    """Forget which files passed a full check in this process (the next check hashes them)."""
    verified_signatures.clear()


def remember_verified(folder: Path) -> None:
    files = manifest_read(folder)
    if files is not None:
        verified_signatures[str(folder)] = _folder_signature(folder, sorted(files))


def folder_problems(folder: Path, *, full: bool, force: bool = False) -> list[Problem]:
    """The files of `folder` that differ from its manifest: sizes always, sha256 when `full`.

    A full pass is remembered per process, so the files are hashed again only when they
    change on disk (or with `force`). A folder without a manifest has no problems here.
    """
    files = manifest_read(folder)
    if files is None:
        return []
    problems = []
    for name, entry in files.items():
        path = folder / name
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            problems.append(Problem(path, "missing"))
            continue
        if size != entry["size"]:
            problems.append(Problem(path, f"size {size}, expected {entry['size']}"))
    if problems or not full:
        return problems
    signature = _folder_signature(folder, sorted(files))
    if not force and signature is not None and verified_signatures.get(str(folder)) == signature:
        return []
    for name, entry in files.items():
        actual = sha256_file(folder / name)
        if actual != entry["sha256"]:
            problems.append(Problem(folder / name, f"sha256 {actual[:16]}, expected {entry['sha256'][:16]}"))
    if not problems:
        verified_signatures[str(folder)] = signature
    return problems


def _safetensors_problem(path: Path) -> Problem | None:
    """A truncated or padded safetensors file, told from its header (no hashing)."""
    size = path.stat().st_size
    try:
        with path.open("rb") as fh:
            (length,) = struct.unpack("<Q", fh.read(8))
            if length > size:
                return Problem(path, f"header of {length} bytes in a file of {size}")
            header = json.loads(fh.read(length))
    except (struct.error, ValueError, UnicodeDecodeError):
        return Problem(path, "unreadable safetensors header")
    end = max((t["data_offsets"][1] for k, t in header.items() if k != "__metadata__"), default=0)
    if size != 8 + length + end:
        return Problem(path, f"size {size}, expected {8 + length + end}")
    return None


def structural_problems(folder: Path) -> list[Problem]:
    problems = []
    for path in folder_files(folder):
        if path.suffix == ".safetensors":
            found = _safetensors_problem(path)
            if found:
                problems.append(found)
        elif path.suffix == ".json":
            try:
                json.loads(path.read_text())
            except (ValueError, UnicodeDecodeError):
                problems.append(Problem(path, "not valid JSON"))
    return problems


def manifest_extend(folder: Path) -> list[str]:
    """Add files a successful load wrote beside the weights (the int8 calibration) to the manifest."""
    files = manifest_read(folder)
    if files is None:
        return []
    new = [p for p in folder_files(folder) if p.relative_to(folder).as_posix() not in files]
    if not new:
        return []
    for path in new:
        files[path.relative_to(folder).as_posix()] = {
            "size": path.stat().st_size,
            "sha256": sha256_file(path),
        }
    manifest_write(folder, files)
    remember_verified(folder)
    return [p.name for p in new]


def unrecorded_files(folder: Path) -> list[Path]:
    files = manifest_read(folder)
    if files is None:
        return []
    return [p for p in folder_files(folder) if p.relative_to(folder).as_posix() not in files]
