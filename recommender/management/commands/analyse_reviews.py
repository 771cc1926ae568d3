"""Backfill: analyse every review not yet analysed by the current sentiment model version."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from recommender.llm import sentiment
from recommender.services import analysis


class Command(BaseCommand):
    help = "Analyse every review that has no analysis from the current sentiment model version."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=32)
        parser.add_argument("--limit", type=int, default=None, help="stop after N reviews")
        parser.add_argument("--queue", action="store_true", help="send batches to the Celery workers instead")

    def handle(self, *args, **o):
        try:
            model = sentiment.get_analyser()
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        if o["queue"]:
            from recommender.tasks.analysis import queue_backfill

            count = queue_backfill(model_version=model.version, batch=o["batch"], limit=o["limit"])
            self.stdout.write(self.style.SUCCESS(f"queued {count} reviews for {model.version}"))
            return
        ids = list(analysis.reviews_needing_analysis(model_version=model.version))
        if o["limit"] is not None:
            ids = ids[: o["limit"]]
        started = time.monotonic()
        with tqdm(total=len(ids), desc=f"analyse ({model.version})", unit="review") as bar:
            for start in range(0, len(ids), o["batch"]):
                chunk = ids[start : start + o["batch"]]
                analysis.reviews_analyse(review_ids=chunk, analyser=model)
                bar.update(len(chunk))
        seconds = time.monotonic() - started
        rate = len(ids) / seconds if seconds else 0.0
        self.stdout.write(
            self.style.SUCCESS(f"analysed {len(ids)} reviews in {seconds:.0f} s ({rate:.1f}/s)")
        )
