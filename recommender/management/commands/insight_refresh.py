"""Recompute the studio console's aggregates: every film with ratings or reviews, or one studio's."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from tqdm import tqdm

from community.movies.models import Movie
from community.studios.models import Studio
from recommender.insight import services


class Command(BaseCommand):
    help = "Recompute the per-film aggregates of the studio console (and the comparable-film medians)."

    def add_arguments(self, parser):
        parser.add_argument("--studio", help="only this studio's films (its slug)")

    def handle(self, *args, **o):
        if o["studio"]:
            studio = Studio.objects.filter(slug=o["studio"]).first()
            if studio is None:
                raise CommandError(f"no studio with the slug {o['studio']!r}")
            movies = studio.movies.all()
        else:
            movies = Movie.objects.filter(Q(rating_count__gt=0) | Q(review_count__gt=0))
        ids = list(movies.order_by("pk").values_list("pk", flat=True))
        now = services.data_now()
        groups: set[tuple[str, int]] = set()
        for movie_id in tqdm(ids, desc="film insight", unit="film", file=sys.stderr):
            insight = services.film_insight_refresh(movie_id=movie_id, benchmark=False, now=now)
            if insight and insight.main_genre and insight.decade is not None:
                groups.add((insight.main_genre, insight.decade))
        for main_genre, decade in tqdm(sorted(groups), desc="benchmarks", unit="group", file=sys.stderr):
            services.insight_benchmark_refresh(main_genre=main_genre, decade=decade)
        done = f"refreshed {len(ids)} films and {len(groups)} benchmark groups"
        self.stdout.write(self.style.SUCCESS(done))
