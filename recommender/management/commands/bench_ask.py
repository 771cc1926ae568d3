"""Ask CineCircle's parse accuracy: exact match per field of the structured query on a fixed set
of requests (recommender/ask/bench_requests.jsonl, English and Chinese, expected queries written
by hand), with the rules alone or (--generator) with the generator filling what they left."""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

from django.core.management.base import BaseCommand

from recommender.ask.parsing import Query, is_chinese, parse_rules

DATASET = Path(__file__).resolve().parents[2] / "ask" / "bench_requests.jsonl"
FIELDS = ("genres", "avoid_genres", "years", "runtime", "references", "people", "moods")


def _fields(q: Query) -> dict:
    return {
        "genres": sorted(q.genres),
        "avoid_genres": sorted(q.avoid_genres),
        "years": [q.year_min, q.year_max],
        "runtime": q.max_runtime,
        "references": sorted(r.text.lower() for r in q.like),
        "people": sorted(r.text.lower() for r in q.people)
        + sorted("-" + r.text.lower() for r in q.avoid_people),
        "moods": sorted(q.moods),
    }


def _expected(row: dict) -> dict:
    return {
        "genres": sorted(row["genres"]),
        "avoid_genres": sorted(row["avoid_genres"]),
        "years": [row["year_min"], row["year_max"]],
        "runtime": row["max_runtime"],
        "references": sorted(t.lower() for t in row["like"]),
        "people": sorted(t.lower() for t in row["people"])
        + sorted("-" + t.lower() for t in row["avoid_people"]),
        "moods": sorted(row["moods"]),
    }


class Command(BaseCommand):
    help = "Parse accuracy of Ask CineCircle's request reading, per field, English and Chinese."

    def add_arguments(self, parser):
        parser.add_argument("--dataset", default=str(DATASET))
        parser.add_argument(
            "--generator", action="store_true", help="let the generator fill what the rules left (slow)"
        )
        parser.add_argument("--show", action="store_true", help="print every request that missed a field")

    def handle(self, *args, **o):
        rows = [json.loads(line) for line in Path(o["dataset"]).read_text().splitlines() if line.strip()]
        backend = None
        if o["generator"]:
            from recommender.llm.generation import get_backend

            backend = get_backend()
        hits = {lang: dict.fromkeys((*FIELDS, "all"), 0) for lang in ("en", "zh")}
        counts = {"en": 0, "zh": 0}
        started = time.monotonic()
        for row in rows:
            lang = "zh" if is_chinese(row["text"]) else "en"
            counts[lang] += 1
            q = parse_rules(row["text"])
            if backend is not None and q.text:
                from recommender.ask.generated import merge_generated
                from recommender.llm.ask_generation import parse_request

                merge_generated(q, parse_request(row["text"], backend=backend), row["text"])
            got, want = _fields(q), _expected(row)
            missed = [f for f in FIELDS if got[f] != want[f]]
            for f in FIELDS:
                hits[lang][f] += f not in missed
            hits[lang]["all"] += not missed
            if missed and o["show"]:
                self.stdout.write(
                    f"{row['text']!r}: " + "; ".join(f"{f} {got[f]} != {want[f]}" for f in missed)
                )
        seconds = time.monotonic() - started
        self.stdout.write(f"{'field':>13} {'en':>6} {'zh':>6} {'all':>6}")
        for f in (*FIELDS, "all"):
            both = (hits["en"][f] + hits["zh"][f]) / max(1, len(rows))
            en, zh = hits["en"][f] / max(1, counts["en"]), hits["zh"][f] / max(1, counts["zh"])
            self.stdout.write(f"{f:>13} {en:>6.3f} {zh:>6.3f} {both:>6.3f}")
        self.stdout.write(
            f"machine: {platform.machine()} {os.cpu_count()} cpus, python {platform.python_version()}, "
            f"load average {os.getloadavg()[0]:.1f}; {seconds:.2f} s for {len(rows)} requests"
        )
        mode = "rules+generator" if backend is not None else "rules"
        for lang in ("en", "zh", "all"):
            n = len(rows) if lang == "all" else counts[lang]
            values = {
                f: (hits["en"][f] + hits["zh"][f] if lang == "all" else hits[lang][f]) / max(1, n)
                for f in (*FIELDS, "all")
            }
            line = " ".join(f"{f}={v:.3f}" for f, v in values.items())
            self.stdout.write(f"ask_parse lang={lang} mode={mode} n={n} {line}")
