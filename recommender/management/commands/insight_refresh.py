"""Recompute the studio console's aggregates: every film with ratings or reviews, or one studio's."""

from __future__ import annotations

import sys
from functools import partial

from django.core.management.base import BaseCommand
from tqdm import tqdm

from recommender.insight import services
from recommender.management.commands._studio_option import studio_id_option


class Command(BaseCommand):
    help = "Recompute the per-film aggregates of the studio console (and the comparable-film medians)."

    def add_arguments(self, parser):
        parser.add_argument("--studio", help="only this studio's films (its slug)")

    def handle(self, *args, **o):
        studio_id = studio_id_option(o["studio"])
        ids = services.films_to_refresh(studio_id=studio_id)
        bar = partial(tqdm, desc="film insight", unit="film", file=sys.stderr)
        groups = services.film_insights_refresh(movie_ids=ids, progress=bar)
        self.stdout.write(self.style.SUCCESS(f"refreshed {len(ids)} films and {groups} benchmark groups"))
