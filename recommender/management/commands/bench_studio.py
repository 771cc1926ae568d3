"""Studio console latency on a throwaway PostgreSQL database: p50/p95 of its pages and API.

`manage.py bench_studio` creates the database `cc_bench_studio` (or --database) next to the
configured one, migrates it and runs itself there (--inner): one film with 5,000 analysed
reviews and 50,000 ratings, a studio of 400 films, the aggregates refreshed once (timed),
then each page and endpoint requested through Django's test client (after warm-up). The
database is dropped at the end unless --keep. The configured database is never written.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.utils import timezone
from tqdm import tqdm

FILMS = 400
RATINGS = 50_000
REVIEWS = 5_000
OTHER_RATINGS_PER_FILM = 40
UNUSABLE = "!"  # Django's marker of an unusable password: nobody can sign in as these accounts
SENTENCES = {
    "story": ("The story grips from the first scene.", "The plot falls apart in the last act."),
    "acting": ("The acting is superb throughout.", "The acting feels wooden and flat."),
    "characters": ("The characters feel real and alive.", "The characters are thin sketches."),
    "visuals": ("The cinematography is gorgeous.", "The visuals look cheap."),
    "music": ("The score is haunting.", "The music is intrusive."),
    "pacing": ("The pacing never lets up.", "The pacing drags badly in the middle."),
    "humour": ("The jokes land every time.", "The humour falls flat."),
    "emotional impact": ("The ending moved me to tears.", "It left me cold."),
}
# The big film has a plot and a cast, and its reviews talk about its characters and scenes,
# so the refresh times the characters and moments analysis on realistic text.
STAR_PLOT = (
    "Harbour Lights follows Mara Quinn (Ellen Hart), a lighthouse keeper on a remote island. "
    "When the smuggler Tom Reyes (Daniel Ortiz) washes ashore after a storm, Mara hides him from "
    "the harbour master Elias Crane (Peter Lowe). Crane suspects Mara and searches the lighthouse. "
    "Tom and Mara plan an escape by boat while Crane closes in."
)
STAR_CAST = "Ellen Hart, Daniel Ortiz, Peter Lowe, Ruth Adams"
STAR_SENTENCES = (
    "Mara is the best heroine I have seen in years.",
    "Ellen Hart gives Mara a quiet, stubborn strength.",
    "Tom Reyes never feels like a real person.",
    "Crane is a chilling villain and Peter Lowe relishes every line.",
    "The ending left me breathless.",
    "The storm sequence is stunning on a big screen.",
    "The final twenty minutes drag on forever.",
    "The twist in the third act is obvious from the start.",
    "Hart and Ortiz have real chemistry in the boat scene.",
    "I kept thinking about the lighthouse long after the credits.",
)


def _url_for(database: str) -> str:
    """DATABASE_URL for a child process: the configured server, another database."""
    db = settings.DATABASES["default"]
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{quote(db.get('USER') or 'postgres', safe='')}{password}@{host}:{port}/{database}"


class Command(BaseCommand):
    help = "p50/p95 of the studio console's pages and API on a seeded throwaway database."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="cc_bench_studio")
        parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
        parser.add_argument("--keep", action="store_true", help="keep the database for another run")
        parser.add_argument("--inner", action="store_true", help=VERBOSE_INNER)

    def handle(self, *args, **o):
        if o["inner"]:
            return self._inner(o)
        if connection.vendor != "postgresql":
            raise CommandError("bench_studio needs DATABASE_URL pointing at PostgreSQL")
        name = o["database"]
        if name == settings.DATABASES["default"]["NAME"]:
            raise CommandError("--database must not be the configured database")
        admin = dict(settings.DATABASES["default"])
        conninfo: dict[str, Any] = {
            "host": admin.get("HOST") or "127.0.0.1",
            "port": admin.get("PORT") or 5432,
            "user": admin.get("USER") or "postgres",
            "dbname": "postgres",
        }
        if admin.get("PASSWORD"):
            conninfo["password"] = admin["PASSWORD"]
        with psycopg.connect(**conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        env = {**os.environ, "DATABASE_URL": _url_for(name), "CELERY_TASK_ALWAYS_EAGER": "0"}
        manage = [sys.executable, sys.argv[0]]
        try:
            subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
            inner = [*manage, "bench_studio", "--inner", "--requests", str(o["requests"])]
            subprocess.run(inner, env=env, check=True)
        finally:
            if not o["keep"]:
                with psycopg.connect(**conninfo, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    # ------------------------------------------------------------------ seeded run

    def _inner(self, o):
        from community.accounts.models import User
        from community.accounts.tokens import token_create
        from community.movies.models import Genre, Movie
        from community.reviews.models import Rating, Review
        from community.studios.models import Studio, StudioMembership
        from recommender.insight import services
        from recommender.models import ReviewAnalysis, TasteProfile

        rng = random.Random(42)
        now = timezone.now()
        start = now - timedelta(days=16 * 365)
        genres = [
            Genre.objects.get_or_create(name=n, defaults={"slug": n.lower()})[0] for n in ("Drama", "Comedy")
        ]

        def when() -> datetime:
            return start + timedelta(seconds=rng.randrange(16 * 365 * 86400))

        self.stderr.write("seeding...")
        films = Movie.objects.bulk_create(
            [Movie(title=f"Bench film {i}", slug=f"bench-film-{i}", year=1980 + i % 37) for i in range(FILMS)]
        )
        Movie.genres.through.objects.bulk_create(
            [Movie.genres.through(movie_id=f.pk, genre_id=genres[i % 2].pk) for i, f in enumerate(films)]
        )
        studio = Studio.objects.create(name="Bench Studio", slug="bench-studio")
        studio.movies.add(*films)
        star = films[0]
        Movie.objects.filter(pk=star.pk).update(title="Harbour Lights", plot=STAR_PLOT, cast_names=STAR_CAST)
        users = []
        for batch in tqdm(range(0, RATINGS, 5000), desc="users", file=sys.stderr):
            users += User.objects.bulk_create(
                [
                    User(username=f"bench_{i}", password=UNUSABLE, date_joined=when())
                    for i in range(batch, min(RATINGS, batch + 5000))
                ]
            )
        scores = [Decimal(s) / 2 for s in range(1, 11)]
        weights = [1, 1, 2, 3, 5, 8, 12, 14, 10, 6]
        ratings = [
            Rating(
                user=u,
                movie=star,
                score=rng.choices(scores, weights)[0],
                created_at=(t := when()),
                updated_at=t,
            )
            for u in users
        ]
        for film in films[1:]:
            for u in rng.sample(users, OTHER_RATINGS_PER_FILM):
                t = when()
                ratings.append(
                    Rating(user=u, movie=film, score=rng.choice(scores), created_at=t, updated_at=t)
                )
        for batch in tqdm(range(0, len(ratings), 10000), desc="ratings", file=sys.stderr):
            Rating.objects.bulk_create(ratings[batch : batch + 10000], ignore_conflicts=True)
        written = []
        for _ in range(REVIEWS):
            aspects = []
            for aspect in rng.sample(list(SENTENCES), 3):
                positive = rng.random() < 0.65
                aspects.append(
                    {
                        "aspect": aspect,
                        "sentiment": "positive" if positive else "negative",
                        "score": round(rng.uniform(0.3, 1.0) * (1 if positive else -1), 3),
                        "sentence": SENTENCES[aspect][0 if positive else 1],
                    }
                )
            extra = rng.sample(STAR_SENTENCES, rng.randint(1, 3))
            written.append((aspects, " ".join([*(str(a["sentence"]) for a in aspects), *extra])))
        reviews = Review.objects.bulk_create(
            [
                Review(
                    user=u,
                    movie=star,
                    body=body,
                    has_spoilers=rng.random() < 0.1,
                    created_at=(t := when()),
                    updated_at=t,
                )
                for u, (_aspects, body) in zip(users[:REVIEWS], written, strict=True)
            ]
        )
        analyses = []
        for review, (aspects, _body) in zip(reviews, written, strict=True):
            label = rng.choices(["positive", "negative", "mixed"], [6, 3, 1])[0]
            analyses.append(
                ReviewAnalysis(
                    review=review,
                    label=label,
                    score={"positive": 0.7, "negative": -0.6, "mixed": 0.0}[label],
                    confidence=0.5,
                    aspects=aspects,
                    text_hash="bench",
                    model_name="bench",
                    model_version="bench",
                    analysed_at=now,
                )
            )
        ReviewAnalysis.objects.bulk_create(analyses, batch_size=2000)
        TasteProfile.objects.bulk_create(
            [
                TasteProfile(
                    user=u,
                    preferences={"genres": {rng.choice(["Drama", "Comedy", "Horror"]): 0.5}},
                    updated_at=now,
                )
                for u in users[:20000]
            ],
            batch_size=5000,
        )
        Movie.objects.filter(pk=star.pk).update(rating_count=RATINGS, review_count=REVIEWS)

        started = time.perf_counter()
        services.film_insight_refresh(movie_id=star.pk)
        star_seconds = time.perf_counter() - started
        started = time.perf_counter()
        for film in tqdm(films[1:], desc="insight refresh", file=sys.stderr):
            services.film_insight_refresh(movie_id=film.pk, benchmark=False)
        rest_seconds = time.perf_counter() - started

        analyst = User.objects.create(username="bench_analyst", password=UNUSABLE)
        StudioMembership.objects.create(studio=studio, user=analyst)
        token = token_create(user=analyst, name="bench")[1]
        web = Client()
        web.force_login(analyst)
        api = Client(HTTP_AUTHORIZATION=f"Token {token}")
        targets = [
            ("portfolio page", web, "/studio/bench-studio/"),
            ("portfolio page, sorted by sentiment", web, "/studio/bench-studio/?sort=-sentiment&page=3"),
            ("film insight page", web, f"/studio/bench-studio/films/{star.pk}/"),
            (
                "compare page (4 films)",
                web,
                f"/studio/bench-studio/compare/?films={','.join(str(f.pk) for f in films[:4])}",
            ),
            ("API portfolio", api, "/api/v1/studios/bench-studio/portfolio/"),
            ("API film insight", api, f"/api/v1/studios/bench-studio/films/{star.pk}/insight/"),
        ]
        self.stdout.write(
            f"seeded: {FILMS} films, {len(ratings)} ratings ({RATINGS} on one film), "
            f"{REVIEWS} analysed reviews"
        )
        self.stdout.write(
            f"refresh: the big film {star_seconds * 1000:.0f} ms; "
            f"the other {FILMS - 1} films {rest_seconds:.1f} s"
        )
        for label, client, url in targets:
            for _ in range(3):
                assert client.get(url).status_code == 200, url
            times = []
            for _ in range(o["requests"]):
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            times.sort()
            p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
            self.stdout.write(f"{label:40s} p50 {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms")


VERBOSE_INNER = "internal: run the seeded benchmark in the current database (the outer run sets it)"
