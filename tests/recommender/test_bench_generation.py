"""bench_generation's report, run on the scripted fake backend (the real run is a command)."""

import json

import pytest
from django.core.management import call_command

from recommender.llm.generation import get_backend


@pytest.fixture
def fake_generator(monkeypatch, settings):
    settings.LLM_BACKEND = "fake"
    get_backend.cache_clear()
    yield
    get_backend.cache_clear()


def test_the_report_gives_both_pass_rates_and_a_line_per_item(fake_generator, tmp_path, capsys):
    dump = tmp_path / "items.jsonl"
    call_command("bench_generation", n=3, kinds="review_draft,explanation", dump=str(dump))
    out = capsys.readouterr().out

    lines = [line for line in out.splitlines() if line.startswith("generation ")]
    assert [line.split()[1] for line in lines] == ["review_draft", "explanation"]
    for line in lines:
        fields = dict(part.split("=", 1) for part in line.split()[2:])
        assert {"grounding_pass", "first_try", "p50_s", "p95_s", "tok_s", "n", "name_guard"} <= set(fields)
        assert 0 <= float(fields["first_try"]) <= float(fields["grounding_pass"]) <= 1
        assert fields["n"] == "3"
    items = [json.loads(line) for line in dump.read_text().splitlines()]
    assert [(item["kind"], item["i"]) for item in items][:3] == [("review_draft", i) for i in range(3)]
    assert all(item["text"] and item["status"] for item in items)
