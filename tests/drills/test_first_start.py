"""The first-start drill's reading of the status file and its report, without any running site."""

import json

from drills.first_start import (
    STEPS,
    Milestone,
    environment,
    format_table,
    minutes,
    status_parse,
    status_read,
)


def test_the_quick_sentiment_version_is_not_final():
    status = status_parse(json.dumps({"stage": "ready", "versions": {"sentiment": "quick-tfidf-20261207"}}))
    assert status.stage == "ready"
    assert not status.final


def test_ready_with_the_full_sentiment_version_is_final():
    status = status_parse(
        json.dumps({"stage": "ready", "versions": {"sentiment": "ensemble-3", "generator": "qwen"}})
    )
    assert status.final
    assert status.sentiment_version == "ensemble-3"


def test_a_full_version_named_in_a_stage_before_ready_is_not_final():
    status = status_parse(json.dumps({"stage": "sentiment", "versions": {"sentiment": "ensemble-3"}}))
    assert not status.final


def test_a_missing_empty_or_half_written_status_file_says_nothing_yet(tmp_path):
    assert status_read(tmp_path).stage == ""
    for text in ("", '{"stage": "sentim', "[]", "null"):
        status = status_parse(text)
        assert status.stage == ""
        assert not status.final
        assert not status.failed


def test_counts_of_the_wrong_type_are_read_as_zero_and_described():
    status = status_parse(
        json.dumps({"stage": "backfill-quick", "part": "reviews", "done": "x", "total": 7136, "versions": 3})
    )
    assert (status.done, status.total, status.sentiment_version) == (0, 7136, "")
    assert status.describe() == "backfill-quick / reviews 0/7136"
    assert status_parse(json.dumps({"stage": "generator", "detail": "converting"})).describe() == (
        "generator (converting)"
    )


def test_a_failed_preparation_is_seen(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "prepare-status.json").write_text(json.dumps({"stage": "failed", "error": "boom"}))
    status = status_read(tmp_path)
    assert status.failed
    assert status.error == "boom"


def test_the_table_lists_every_step_in_order_and_says_which_were_not_reached():
    milestones = {
        "site_answering": Milestone("site_answering", 61.24, 0.0, 9.5),
        "first_picks": Milestone("first_picks", 95.0, 33.76, 10.25, note="10 picks in 2 rows"),
    }
    table = format_table(milestones, extra={"load average at the end": "9.1"})
    lines = table.splitlines()
    assert lines[0].startswith("Step")
    assert [label for _, label in STEPS][0] in lines[2]
    assert "1.0 min" in lines[2] and "0.0 s" in lines[2]
    assert "33.8 s" in lines[3] and "10 picks in 2 rows" in lines[3]
    assert lines[4].startswith("First review analysed") and "not reached" in lines[4]
    assert sum("not reached" in line for line in lines) == len(STEPS) - 2
    assert lines[-1] == "load average at the end: 9.1"


def test_machine_lines_carry_both_clocks_and_a_quoted_note():
    line = Milestone("first_draft_ready", 700.04, 640.0, 11.0, note='ready, "qwen"').machine_line()
    assert line == (
        "first_start step=first_draft_ready seconds_from_launch=700.0 seconds_from_answer=640.0 "
        'load1=11.00 note="ready, \\"qwen\\""'
    )
    assert "seconds_from_answer=na" in Milestone("site_answering", 5, None, 1).machine_line()


def test_minutes_are_shown_beside_long_durations():
    assert minutes(None) == "-"
    assert minutes(42.04) == "42.0 s"
    assert minutes(3000) == "3,000.0 s (50.0 min)"


def test_the_site_gets_a_new_users_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://x/y")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://x/5")
    monkeypatch.setenv("DRILL_CACHE_DIR", "/elsewhere")
    env = environment(tmp_path, None)
    assert env["CINECIRCLE_CACHE_DIR"] == str(tmp_path)
    assert "DATABASE_URL" not in env and "CELERY_BROKER_URL" not in env
    assert not any(name.startswith("DRILL_") for name in env)
    assert environment(tmp_path, "postgres://h/cc")["DATABASE_URL"] == "postgres://h/cc"
