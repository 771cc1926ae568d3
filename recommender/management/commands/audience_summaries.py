"""Write (or rewrite) the studio console's AI audience summaries in this process."""

from __future__ import annotations

import sys
from functools import partial

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from recommender.insight import summary
from recommender.management.commands._studio_option import studio_id_option


class Command(BaseCommand):
    help = (
        "Write the audience summary of a studio's films, or of the N most reviewed films, from their "
        "current figures (films with fewer than 5 analysed reviewers get none)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--studio", help="only this studio's films (its slug)")
        parser.add_argument("--films", type=int, default=None, help="at most N films, most analysed first")
        parser.add_argument(
            "--force", action="store_true", help="write again even if the figures did not change"
        )

    def handle(self, *args, **o):
        studio_id = studio_id_option(o["studio"])
        if studio_id is None and not o["films"]:
            raise CommandError("say which films: --studio SLUG and/or --films N")
        ids = summary.films_with_summary_facts(studio_id=studio_id, limit=o["films"])
        bar = partial(tqdm, desc="audience summary", unit="film", file=sys.stderr)
        counts = summary.audience_summaries_write(movie_ids=ids, force=o["force"], progress=bar)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(ids)} films: {counts['model']} written by the model, {counts['template']} template "
                f"texts, {counts['unchanged']} unchanged, {counts['none']} with too few reviewers"
            )
        )
