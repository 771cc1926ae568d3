"""Fit when a review is "mixed" on the validation split and report label accuracy on the test split."""

from __future__ import annotations

import sys

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings

from recommender.llm import labels, registry, sentiment


def _sample(frame, n: int, seed: int) -> list[str]:
    return list(frame.sample(min(n, len(frame)), random_state=seed).text) if n else []


def labelled_texts(part, *, short: int, long: int, seed: int) -> tuple[list[str], list[str], list[str]]:
    """Clear short verdicts (Rotten Tomatoes sentences), long reviews (IMDB, which has no
    mixed ones), and mixed texts made of a positive and a negative sentence of this part."""
    rt, imdb = part[part.source == "rotten_tomatoes"], part[part.source == "imdb"]
    texts: list[str] = []
    truth: list[str] = []
    kinds: list[str] = []
    for frame, n, kind in ((rt, short, "short"), (imdb, long, "long")):
        for value, name in ((1, "positive"), (0, "negative")):
            chosen = _sample(frame[frame.label == value], n, seed)
            texts += chosen
            truth += [name] * len(chosen)
            kinds += [kind] * len(chosen)
    mixed = labels.mixed_texts(list(rt[rt.label == 1].text), list(rt[rt.label == 0].text), n=short, seed=seed)
    return texts + mixed, truth + ["mixed"] * len(mixed), kinds + ["short"] * len(mixed)


class Command(BaseCommand):
    help = (
        "Fit the rule that calls a review mixed on labelled validation texts (clear positives and "
        "negatives, and texts joining a positive and a negative sentence), and print label accuracy "
        "on the test split beside the rule used before; --save stores the rule with the model."
    )

    def add_arguments(self, parser):
        parser.add_argument("--short", type=int, default=400, help="short texts per label and split")
        parser.add_argument("--long", type=int, default=100, help="IMDB reviews per label and split")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--threads", type=int, default=2)
        parser.add_argument("--save", action="store_true", help="store the fitted rule beside the model")

    def handle(self, *args, **o):
        with override_settings(TORCH_THREADS=o["threads"]):
            self._run(**o)

    def _run(self, **o):
        try:
            model = sentiment.load_sentiment()
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        _train, val, test = sentiment.split_labelled(sentiment.load_labelled())
        scored = {}
        for name, part in (("validation", val), ("test", test)):
            texts, truth, kinds = labelled_texts(part, short=o["short"], long=o["long"], seed=o["seed"])
            self.stderr.write(f"scoring {len(texts)} {name} texts and their sentences ...")
            scores, sentence_scores = labels.score_texts(
                model.predict_proba, texts, sentiment.split_sentences
            )
            scored[name] = (scores, sentence_scores, truth, kinds)
        rule = labels.fit_rule(
            *scored["validation"][:3], fitted_on=f"{model.version} validation split, seed {o['seed']}"
        )
        before = labels.LabelRule()
        self.stdout.write(
            f"fitted: mixed when |score| < {rule.band:.2f}, or |score| < {rule.split_band:.2f} with one "
            f"sentence >= {rule.strength:.2f} and another <= -{rule.strength:.2f} "
            f"(before: {before.band}, {before.split_band}, {before.strength})"
        )
        header = f"{'split':10} {'texts':>6} {'rule':7} {'label acc':>9} {'balanced':>8} "
        header += f"{'pos':>6} {'neg':>6} {'mixed':>6} {'sign acc':>8} {'short':>6} {'long':>6}"
        self.stdout.write(header)
        for name, (scores, sentence_scores, truth, kinds) in scored.items():
            arrays = labels._arrays(scores, sentence_scores)
            t, k = np.array(truth), np.array(kinds)
            verdict = t != "mixed"
            sign = float(((np.array(scores) > 0) == (t == "positive"))[verdict].mean())
            for rule_name, r in (("before", before), ("fitted", rule)):
                predicted = r.labels(*arrays)
                acc = labels._accuracy(predicted, t)
                short_acc = float((predicted == t)[k == "short"].mean())
                long_acc = (
                    float((predicted == t)[k == "long"].mean()) if (k == "long").any() else float("nan")
                )
                self.stdout.write(
                    f"{name:10} {len(t):6d} {rule_name:7} {acc['accuracy']:9.3f} {acc['balanced']:8.3f} "
                    f"{acc['positive']:6.3f} {acc['negative']:6.3f} {acc['mixed']:6.3f} {sign:8.3f} "
                    f"{short_acc:6.3f} {long_acc:6.3f}"
                )
                if name == "test":
                    self.stdout.write(
                        f"MACHINE labels rule={rule_name} seed={o['seed']} accuracy={acc['accuracy']:.4f} "
                        f"balanced={acc['balanced']:.4f} mixed_recall={acc['mixed']:.4f} sign={sign:.4f}"
                    )
        if o["save"]:
            path = labels.rule_save(model.path, rule)
            registry.manifest_extend(model.path)
            self.stdout.write(f"saved {path}; new analyses carry '{rule.tag}' in their model version")
        sys.stdout.flush()
