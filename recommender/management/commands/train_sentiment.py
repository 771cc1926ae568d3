"""Train the review sentiment model (fine-tuned MiniLMs + TF-IDF + the generator as judge) into the cache."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django.test import override_settings

from recommender.llm.sentiment import TrainConfig
from recommender.services.llm_models import sentiment_recombine, sentiment_train

from ._progress import StageBars


class Command(BaseCommand):
    help = "Fine-tune MiniLM on the labelled reviews (train split only) and make it the current model."

    def add_arguments(self, parser):
        d = TrainConfig()
        parser.add_argument(
            "--imdb-train", type=int, default=d.imdb_train, help="long reviews to fine-tune on"
        )
        parser.add_argument(
            "--short-epochs", type=int, default=d.short_epochs, help="passes over short snippets"
        )
        parser.add_argument("--long-max-length", type=int, default=d.long_max_length)
        parser.add_argument("--sample", type=int, default=0, help="tiny run: N rows per source (smoke tests)")
        parser.add_argument("--no-extra", action="store_true", help="skip the extra critic snippets")
        parser.add_argument(
            "--threads",
            type=int,
            default=1,
            help="torch threads (1 is fastest on a busy 2-core machine; TORCH_THREADS is for workers)",
        )
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--single",
            action="store_true",
            help="one network only (skip the second, short-snippet network: half the training time)",
        )

        parser.add_argument(
            "--no-judge",
            action="store_true",
            help="leave the generator's zero-shot reading of short texts out of the combination "
            "(by default it joins when the generator is prepared and SENTIMENT_JUDGE is not off)",
        )
        parser.add_argument(
            "--recombine",
            action="store_true",
            help="no training: combine the current version's networks again (with the judge)",
        )

    def handle(self, *args, **o):
        # Settings are read once at start: the option overrides TORCH_THREADS for this run only.
        with override_settings(TORCH_THREADS=o["threads"]):
            self._run(**o)

    def _run(self, **o):
        judge = False if o["no_judge"] else None
        bars = StageBars(disable=o["no_progress"])
        if o["recombine"]:
            artifact = sentiment_recombine(judge=judge if judge is False else True, progress=bars)
            bars.close()
            self.stdout.write(json.dumps(artifact.metrics, indent=2))
            self.stdout.write(self.style.SUCCESS(f"sentiment model {artifact.version} is current"))
            return
        config = TrainConfig(
            imdb_train=o["imdb_train"],
            short_epochs=o["short_epochs"],
            long_max_length=o["long_max_length"],
            sample=o["sample"],
            use_extra_snippets=not o["no_extra"],
        )
        artifact = sentiment_train(config=config, second_network=not o["single"], judge=judge, progress=bars)
        bars.close()
        self.stdout.write(json.dumps(artifact.metrics, indent=2))
        self.stdout.write(self.style.SUCCESS(f"sentiment model {artifact.version} saved to {artifact.path}"))
