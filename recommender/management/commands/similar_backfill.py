"""Backfill: a vector for every review and thread (current encoder), then every neighbour list."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from recommender.llm.similarity import encoder_version
from recommender.similar import services

from ._progress import StageBars


class Command(BaseCommand):
    help = (
        "Make the text vectors of reviews and threads that are missing or stale (with the current "
        "encoder), then recompute every neighbour list (similar reviews, related threads)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", choices=sorted(services.KINDS), help="reviews or threads only")
        parser.add_argument("--batch", type=int, default=64, help="texts per MiniLM batch")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **o):
        bars = StageBars(disable=o["no_progress"])
        names = [o["only"]] if o["only"] else list(services.KINDS)
        self.stdout.write(f"encoder: {encoder_version()}")
        try:
            for name in names:
                kind = services.KINDS[name]
                started = time.monotonic()
                made = services.vectors_backfill(kind=kind, batch_size=o["batch"], progress=bars)
                embedded = time.monotonic() - started
                changed = services.neighbours_rebuild(kind=kind, progress=bars)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{name}: {made} vectors made in {embedded:.0f} s, {changed} neighbour lists "
                        f"changed in {time.monotonic() - started - embedded:.0f} s"
                    )
                )
        finally:
            bars.close()
