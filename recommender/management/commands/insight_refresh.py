"""Recompute the studio console's aggregates: every film with ratings or reviews, or one studio's."""

from __future__ import annotations

import sys
from functools import partial

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from community.studios.models import Studio
from recommender.insight import services


class Command(BaseCommand):
    help = "Recompute the per-film aggregates of the studio console (and the comparable-film medians)."

    def add_arguments(self, parser):
        parser.add_argument("--studio", help="only this studio's films (its slug)")

    def handle(self, *args, **o):
        studio_id = None
        if o["studio"]:
            studio = Studio.objects.filter(slug=o["studio"]).first()
            if studio is None:
                raise CommandError(f"no studio with the slug {o['studio']!r}")
            studio_id = studio.pk
        ids = services.films_to_refresh(studio_id=studio_id)
        bar = partial(tqdm, desc="film insight", unit="film", file=sys.stderr)
        groups = services.film_insights_refresh(movie_ids=ids, progress=bar)
        self.stdout.write(self.style.SUCCESS(f"refreshed {len(ids)} films and {groups} benchmark groups"))
