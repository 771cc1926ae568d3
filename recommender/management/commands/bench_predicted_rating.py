"""How far the movie page's predicted rating is from the rating a member then gives.

manage.py bench_predicted_rating [--dataset ml-100k|ml-latest-small] [--folds 5] [--seed 0]

The served path, on held-out ratings: per fold, the rating model a retrain fits
(``recommender_model.rating_model``) is trained on the other folds' ratings; each user is
then folded in from their training ratings alone, as a member's refresh does
(``ServingModel.rating_fold_in``), and their held-out ratings are predicted, clipped to
0.5-5 and rounded to half a star as the page shows them. Prints RMSE and MAE of the
estimate and of the half-star figure, and ends with a ``predicted_rating ...`` line.
"""

from __future__ import annotations

import time

import numpy as np
from django.core.management.base import BaseCommand

from recommender import benchmarks
from recommender.hybrid.data import kfold_triples
from recommender.services.recommender_model import rating_model

LOADERS = {"ml-100k": benchmarks.load_ml100k, "ml-latest-small": benchmarks.load_ml_latest_small}


def served_predictions(train, test, *, seed: int = 0) -> np.ndarray:
    """The estimates the site would show for ``test``'s cells (before rounding)."""
    model = rating_model(seed=seed).fit(train)
    factors, bias = model.fold_in(train)  # every user from their training ratings only
    coo = test.tocoo()
    dots = np.einsum("ij,ij->i", factors[coo.row], model.q[coo.col])
    return model.mu + model.bi[coo.col] + bias[coo.row] + dots


class Command(BaseCommand):
    help = "RMSE/MAE of the predicted rating on held-out MovieLens ratings (the served path)."

    def add_arguments(self, parser):
        parser.add_argument("--dataset", choices=sorted(LOADERS), default="ml-100k")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **opts):
        ratings = LOADERS[opts["dataset"]]()
        errors, half_errors = [], []
        started = time.perf_counter()
        for fold, (train, test) in enumerate(
            kfold_triples(ratings.matrix, folds=opts["folds"], seed=opts["seed"])
        ):
            estimate = served_predictions(train, test, seed=opts["seed"])
            truth = test.tocoo().data
            shown = np.clip(np.floor(estimate * 2 + 0.5) / 2, 0.5, 5.0)
            errors.append(np.clip(estimate, 0.5, 5.0) - truth)
            half_errors.append(shown - truth)
            self.stdout.write(
                f"fold {fold}: RMSE {np.sqrt(np.mean(errors[-1] ** 2)):.4f}  "
                f"MAE {np.mean(np.abs(errors[-1])):.4f}  ({len(truth)} held-out ratings)"
            )
        err, half = np.concatenate(errors), np.concatenate(half_errors)
        rmse, mae = float(np.sqrt(np.mean(err**2))), float(np.mean(np.abs(err)))
        half_rmse, half_mae = float(np.sqrt(np.mean(half**2))), float(np.mean(np.abs(half)))
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{opts['dataset']}, {opts['folds']} folds: estimate RMSE {rmse:.4f} MAE {mae:.4f}; "
            f"as shown (half stars) RMSE {half_rmse:.4f} MAE {half_mae:.4f}; {seconds:.1f}s"
        )
        key = opts["dataset"].replace("-", "").replace("mllatestsmall", "mlsmall")
        self.stdout.write(
            f"predicted_rating rmse_{key}={rmse:.4f} mae_{key}={mae:.4f} "
            f"rmse_half_star_{key}={half_rmse:.4f} mae_half_star_{key}={half_mae:.4f}"
        )
