"""Full retrain of the hybrid from the site's ratings, swapped in atomically.

manage.py train_recommender [--content minilm|tfidf|auto] [--refresh-users] [--force] [--first-start]

A model whose validation NDCG@10 is more than 3% below the served one's is kept under
``rejected/`` and not served, unless ``--force``.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from tqdm import tqdm

from recommender.services import recommendations, recommender_model

BASE = ["ease", "ease_loved", "als", "knn", "co_liked", "user_knn"]


def stages(folds: int) -> list[str]:
    """What the progress bar counts: the base scorers fitted once per validation fold, the
    blend, the final fit."""
    return ["data", "content", *(BASE * folds), "blend", *BASE, "rating model", "saved"]


class Command(BaseCommand):
    help = "Train the hybrid recommender on every rating in the database and make it the active model."

    def add_arguments(self, parser):
        parser.add_argument("--content", choices=["auto", "minilm", "tfidf"], default="minilm")
        parser.add_argument(
            "--refresh-users", action="store_true", help="then refresh every rating user's rows"
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--force", action="store_true", help="serve the new model even if its validation NDCG@10 dropped"
        )
        parser.add_argument(
            "--first-start",
            action="store_true",
            help="train as runsite's first model does: with TF-IDF content, the prior blend (no folds)",
        )

    def handle(self, *args, **opts):
        first_start = opts["first_start"] and opts["content"] != "minilm"
        folds = 0 if first_start else getattr(settings, "RECOMMENDER_TRAIN_OPTIONS", {}).get("folds", 3)
        with tqdm(total=len(stages(folds)), desc="train recommender", file=sys.stderr) as bar:

            def progress(stage: str) -> None:
                bar.set_postfix_str(stage)
                bar.update(1)

            artifact = recommender_model.recommender_train(
                content=opts["content"],
                progress=progress,
                seed=opts["seed"],
                force=opts["force"],
                first_start=first_start,
            )
        m = artifact.metrics
        self.stdout.write(
            f"recommender {artifact.version}: {m['ratings']} ratings, {m['users']} users, "
            f"{m['movies']} movies, "
            f"content={m['content']}, blend={m['blend']}, {m['train_seconds']}s, "
            f"validation NDCG@10 {m['validation'].get('ndcg10')} -> {artifact.path}"
        )
        if not artifact.is_active:
            self.stdout.write(f"NOT served: {m['rejected']}")
            return
        if opts["refresh_users"]:
            users = recommender_model.active_user_ids()
            for user_id in tqdm(users, desc="refresh rows", file=sys.stderr):
                recommendations.recommendations_refresh(user_id=user_id)
            self.stdout.write(f"refreshed rows of {len(users)} users")
