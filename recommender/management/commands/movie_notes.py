"""Write (or rewrite) the movie page's notes (synopsis, character guide) in this process."""

from __future__ import annotations

import sys
from functools import partial

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from recommender.notes import services


class Command(BaseCommand):
    help = (
        "Write the synopsis and character guide of the N most rated films with plot text (or of the "
        "films given by id); notes made from the same plot, cast and model are kept unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--films", type=int, default=None, help="at most N films, most rated first")
        parser.add_argument("--movie", type=int, action="append", default=[], help="this film (repeatable)")
        parser.add_argument("--due", action="store_true", help="every film whose notes are missing or stale")
        parser.add_argument("--force", action="store_true", help="write again even if nothing changed")

    def handle(self, *args, **o):
        if o["movie"]:
            ids = o["movie"]
        elif o["due"]:
            from recommender.llm.generation import configured_version

            ids = services.films_with_notes_due(generator_version=configured_version())
        elif o["films"]:
            ids = services.films_with_plot(limit=o["films"])
        else:
            raise CommandError("say which films: --films N, --movie ID or --due")
        bar = partial(tqdm, desc="movie notes", unit="film", file=sys.stderr)
        counts = services.movie_notes_write(movie_ids=ids, force=o["force"], progress=bar)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(ids)} films: {counts['synopsis shown']} synopses shown, {counts['synopsis failed']} "
                f"failed the checks (none shown), {counts['no synopsis']} without plot text to condense; "
                f"{counts['guides']} character guides"
            )
        )
