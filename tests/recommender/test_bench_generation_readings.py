"""bench_generation --score-readings: usable by reading and the checks' agreement with the reader."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command


def _item(kind: str, status: str, usable: bool, attempt_usable: bool | None = None) -> dict:
    return {
        "kind": kind,
        "status": status,
        "text": "...",
        "read": {"usable": usable, "attempt_usable": attempt_usable},
    }


def test_agreement_counts_shown_texts_read_usable_and_turned_down_attempts_read_unusable(tmp_path) -> None:
    items = [
        _item("explanation", "ok after 1", True),  # agree
        _item("explanation", "ok after 2", False),  # the checks let an unusable text through
        _item("explanation", "FALLBACK", True, attempt_usable=False),  # agree: the attempt was bad
        _item("explanation", "FALLBACK", True, attempt_usable=True),  # a usable text turned down
        {"kind": "explanation", "status": "ok after 1", "text": "not read"},
    ]
    path = tmp_path / "read.jsonl"
    path.write_text("\n".join(json.dumps(i) for i in items))
    out = StringIO()
    call_command("bench_generation", score_readings=str(path), stdout=out)
    assert (
        "reading explanation usable=0.7500 checks_agree=0.5000 generated_shown=0.5000 "
        "generated_usable=1/2 n=4" in out.getvalue()
    )
