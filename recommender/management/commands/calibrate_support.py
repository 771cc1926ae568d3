"""Build the support check's labelled set from the films the site holds, score it, pick the
threshold on the training films and report precision and recall on the held-out ones.

The set is made at run time from the database (plot texts: Wikipedia leads and critic-corpus
synopses; directors and cast lists), never stored in the repository; the same films and
--seed give the same set (recommender.llm.support_set). `--write` keeps the threshold for the
generator's version in recommender/llm/support_thresholds.json.
"""

from __future__ import annotations

import json
import random
import re
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test import override_settings
from tqdm import tqdm

from recommender.llm import support
from recommender.llm.grounding.claims import factual_core
from recommender.llm.prompts import Facts, MovieFacts, UserFacts
from recommender.llm.support_set import Film, Pair, best_threshold, build_pairs, flagging, split_by_film


def _plausible(plot: str, cast: list[str], directors: list[str]) -> bool:
    """The plot is this film's: it names a director or an actor (a few Wikipedia matches are
    another page: "A casino is a facility for certain types of gambling", Rosetta the city)."""
    head = plot[:1500]
    surnames = {n.split()[-1] for n in cast[:8] + directors if n.split()}
    return any(re.search(rf"\b{re.escape(s)}\b", head) for s in surnames)


def films_from_db(limit: int, *, seed: int) -> list[Film]:
    """Up to `limit` films with a plot text and a cast list, drawn with `seed`."""
    from community.movies.models import Movie

    movies = list(
        Movie.objects.exclude(plot="")
        .exclude(cast_names="")
        .order_by("pk")
        .prefetch_related("credits__person")
    )
    films = []
    for movie in movies:
        credits = sorted(movie.credits.all(), key=lambda c: c.order)
        cast = [c.person.name for c in credits if c.role == "cast"] or [
            n.strip() for n in movie.cast_names.split(",") if n.strip()
        ]
        directors = [c.person.name for c in credits if c.role == "director"] or [
            n.strip() for n in movie.director_names.split(",") if n.strip()
        ]
        if _plausible(movie.plot, cast, directors):
            films.append(Film(str(movie.pk), movie.title, movie.plot, cast[:8], directors[:2]))
    random.Random(f"films-{seed}").shuffle(films)
    return sorted(films[:limit], key=lambda f: f.key)


def _auc(scores: list[float], supported: list[bool]) -> float:
    pos = [s for s, ok in zip(scores, supported, strict=True) if ok]
    neg = [s for s, ok in zip(scores, supported, strict=True) if not ok]
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg)) if pos and neg else float("nan")


class Command(BaseCommand):
    help = "Calibrate the support check on real film texts and report held-out precision and recall."

    def add_arguments(self, parser):
        parser.add_argument("--films", type=int, default=80)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--model", default=None, help="LLM_MODEL override: qwen-1.5b, qwen-0.5b, ...")
        parser.add_argument("--threads", type=int, default=settings.TORCH_THREADS)
        parser.add_argument("--write", action="store_true", help="keep the threshold for this version")
        parser.add_argument(
            "--raw",
            action="store_true",
            help="judge the sentences as made, not their factual cores (what the site's check asks)",
        )
        parser.add_argument("--dump", default="", help="write every pair with its score as JSON lines")

    def handle(self, *args, **o):
        # Settings are read once at start: the option overrides TORCH_THREADS for this run only.
        with override_settings(TORCH_THREADS=o["threads"]):
            self._run(**o)

    def _run(self, **o):
        from recommender.llm.generation import get_backend

        films = films_from_db(o["films"], seed=o["seed"])
        pairs = build_pairs(films, seed=o["seed"])
        train, held = split_by_film(pairs, seed=o["seed"])
        backend = get_backend(o["model"])
        judge = support.get_support_judge(backend)
        self.stdout.write(
            f"{len(films)} films, {len(pairs)} pairs ({sum(p.supported for p in pairs)} supported); "
            f"train {len(train)}, held-out {len(held)}; judge {judge.version}"
        )
        scores: dict[Pair, float] = {}
        seconds: list[float] = []
        by_film: dict[str, list[Pair]] = {}
        for p in pairs:
            by_film.setdefault(p.film, []).append(p)
        facts_of = {
            f.key: Facts(
                movie=MovieFacts(title=f.title, cast=f.cast, directors=f.directors, plot=f.plot),
                user=UserFacts(),
            )
            for f in films
        }
        for film_pairs in tqdm(by_film.values(), desc="films"):
            started = time.monotonic()
            # as the site asks: each sentence without a member's frame and grading words
            asked = [
                p.sentence if o["raw"] else factual_core(p.sentence, facts_of[p.film]) for p in film_pairs
            ]
            values = judge.scores(film_pairs[0].source, asked)
            seconds.append((time.monotonic() - started) / len(film_pairs))
            scores.update(zip(film_pairs, values, strict=True))
        threshold = best_threshold([scores[p] for p in train], [p.supported for p in train])
        rows = {}
        for name, part in (("train", train), ("held-out", held)):
            values, labels = [scores[p] for p in part], [p.supported for p in part]
            rows[name] = (flagging(values, labels, threshold), _auc(values, labels))
        self.stdout.write(f"threshold (best balanced accuracy on train): {threshold:+.3f}")
        self.stdout.write(
            f"{'split':9} {'supp':>5} {'unsup':>5} {'precision':>9} {'recall':>7} {'false+':>7} {'AUC':>6}"
        )
        for name, (f, auc) in rows.items():
            self.stdout.write(
                f"{name:9} {f.n_supported:5d} {f.n_unsupported:5d} {f.precision:9.3f} {f.recall:7.3f} "
                f"{f.false_alarms:7.3f} {auc:6.3f}"
            )
        self.stdout.write("held-out, by how the sentence was made (share flagged unsupported):")
        for how in sorted({p.how for p in held}):
            part = [p for p in held if p.how == how]
            flagged = sum(scores[p] < threshold for p in part)
            kind = "supported" if part[0].supported else "unsupported"
            self.stdout.write(f"  {how:11} {kind:11} {flagged:3d}/{len(part):<3d}")
        per_sentence = sorted(seconds)[len(seconds) // 2] if seconds else 0.0
        self.stdout.write(f"seconds per sentence (median over films, source included): {per_sentence:.2f}")
        held_f, held_auc = rows["held-out"]
        self.stdout.write(
            f"support judge={judge.version} threshold={threshold:.4f} "
            f"heldout_precision={held_f.precision:.4f} heldout_recall={held_f.recall:.4f} "
            f"heldout_false_alarms={held_f.false_alarms:.4f} "
            f"heldout_auc={held_auc:.4f} n_heldout={len(held)} n_train={len(train)} films={len(films)} "
            f"seed={o['seed']} s_per_sentence={per_sentence:.2f}"
        )
        if o["dump"]:
            with open(o["dump"], "w") as fh:
                for p in pairs:
                    side = "held-out" if p in held else "train"
                    item = {"film": p.film, "split": side, "how": p.how, "supported": p.supported}
                    fh.write(json.dumps(item | {"sentence": p.sentence, "score": round(scores[p], 3)}) + "\n")
        if o["write"]:
            support.store_threshold(
                judge.version,
                {
                    "threshold": round(threshold, 4),
                    "heldout_precision": round(held_f.precision, 4),
                    "heldout_recall": round(held_f.recall, 4),
                    "heldout_false_alarms": round(held_f.false_alarms, 4),
                    "n_train": len(train),
                    "n_heldout": len(held),
                    "films": len(films),
                    "seed": o["seed"],
                },
            )
            self.stdout.write(f"threshold kept for {judge.version} in {support.THRESHOLDS_FILE.name}")
