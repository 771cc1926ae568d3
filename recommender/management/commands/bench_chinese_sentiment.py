"""Chinese review sentiment: accuracy of the generator reading against the English models.

No labelled Chinese movie-review set reaches this machine, so the set is made from the held-out
(test) split of the labelled English reviews: Rotten Tomatoes sentences, balanced, translated
into Chinese by the generator (cached, so a second run reads the same texts), with their
labels. A sample is printed to be checked by reading. The first `--calibrate` texts fit the
judge's scale for Chinese (saved with --save); the rest are held out and scored.
"""

from __future__ import annotations

import json
import random
import sys
import time

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings
from tqdm import tqdm

from community.core.wheels import cache_dir
from community.reviews.language import detect_language
from recommender.llm import labels, sentiment
from recommender.llm.sentiment import multilingual
from recommender.llm.sentiment.text import ASPECT_PATTERNS


def _chosen(n: int, seed: int) -> list[tuple[str, int]]:
    _train, _val, test = sentiment.split_labelled(sentiment.load_labelled())
    rt = test[test.source == "rotten_tomatoes"]
    rows = []
    for value in (1, 0):
        part = rt[rt.label == value]
        picked = part.sample(n // 2, random_state=seed)
        rows += [(str(t), int(value)) for t in picked.text]
    random.Random(seed).shuffle(rows)
    return rows


class Command(BaseCommand):
    help = (
        "Translate held-out labelled English review sentences into Chinese with the generator, "
        "fit the judge's scale on a part and report, on the rest, the accuracy of the Chinese reading "
        "beside the English models on the same texts (and on the English originals)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=260, help="sentences (half positive)")
        parser.add_argument("--calibrate", type=int, default=60, help="of which used to fit the scale")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--threads", type=int, default=2)
        parser.add_argument("--show", type=int, default=20, help="translations printed for reading")
        parser.add_argument("--save", action="store_true", help="store the fitted scale for the generator")

    def handle(self, *args, **o):
        with override_settings(TORCH_THREADS=o["threads"]):
            self._run(**o)

    def _translations(self, rows, seed: int) -> list[str]:
        from recommender.llm.generation import get_backend
        from recommender.llm.translation import translate

        backend = get_backend()
        path = cache_dir() / "data" / f"zh-sentiment-{seed}-{len(rows)}-{backend.version}.json"
        if path.exists():
            return json.loads(path.read_text())
        started = time.monotonic()
        with tqdm(total=len(rows), desc="translating", file=sys.stderr) as bar:
            out = translate([t for t, _ in rows], backend=backend, progress=bar.update)
        self.stderr.write(f"translated {len(rows)} sentences in {time.monotonic() - started:.0f} s")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(out, ensure_ascii=False))
        return out

    def _run(self, **o):
        try:
            model = sentiment.load_sentiment()
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        rows = _chosen(o["n"], o["seed"])
        chinese = self._translations(rows, o["seed"])
        keep = [i for i, zh in enumerate(chinese) if detect_language(zh) == "zh"]
        self.stdout.write(
            f"{len(keep)} of {len(rows)} translations came out in Chinese (the others are left out)"
        )
        for i in keep[: o["show"]]:
            self.stdout.write(f"  [{'+' if rows[i][1] else '-'}] {rows[i][0][:110]}\n      {chinese[i]}")
        truth = np.array([rows[i][1] for i in keep])
        english = [rows[i][0] for i in keep]
        texts = [chinese[i] for i in keep]
        cal, held = slice(0, o["calibrate"]), slice(o["calibrate"], None)

        reader = model._generator_reader()
        judge_margins = reader._margins(texts)
        fitted = multilingual.fit_scale(judge_margins[cal], truth[cal])
        before = dict(reader.scale)
        # The label rule's "mixed" band was fitted on the English ensemble's scores: the scale
        # kept is the one whose labels are right more often on the calibration part (the
        # log-loss slope, or the judge's own log-odds), never chosen on the held-out part.
        cal_names = np.where(truth[cal] == 1, "positive", "negative")

        def cal_label_acc(scale: dict) -> float:
            reader.scale = scale
            read = reader.read(texts[cal], ["zh"] * len(texts[cal]), labels.MAX_SENTENCES)
            got = [model.label_rule.label(2 * p - 1, ss or [2 * p - 1]) for p, ss, _ in read]
            return float(np.mean(np.array(got) == cal_names))

        own = {"a": 1.0, "b": 0.0}
        scores_by_scale = {"fitted slope": cal_label_acc(fitted), "judge's own log-odds": cal_label_acc(own)}
        fit = fitted if scores_by_scale["fitted slope"] > scores_by_scale["judge's own log-odds"] else own
        self.stdout.write(
            "label accuracy on the calibration part: "
            + ", ".join(f"{k} {v:.3f}" for k, v in scores_by_scale.items())
            + f"; kept a={fit['a']}"
        )
        reader.scale = fit
        held_texts, held_truth = texts[held], truth[held]
        read = reader.read(held_texts, ["zh"] * len(held_texts), labels.MAX_SENTENCES)
        zh_scores = np.array([2 * p - 1 for p, _, _ in read])
        zh_labels = [
            model.label_rule.label(s, ss or [s]) for s, (_, ss, _) in zip(zh_scores, read, strict=True)
        ]
        en_on_zh = 2 * model.predict_proba(held_texts) - 1
        en_on_en = 2 * model.predict_proba(english[held]) - 1
        raw = 2 * (1 / (1 + np.exp(-judge_margins[held]))) - 1
        names = np.where(held_truth == 1, "positive", "negative")

        def sign_acc(scores):
            return float(np.mean((np.asarray(scores) > 0) == (held_truth == 1)))

        label_acc = float(np.mean(np.array(zh_labels) == names))
        mixed = float(np.mean(np.array(zh_labels) == "mixed"))
        # aspects: of the aspects the English lexicon finds in an original, how many the Chinese
        # lexicon finds in its translation
        found = total = 0
        for en, zh in zip(english[held], held_texts, strict=True):
            want = {a for a, p in ASPECT_PATTERNS.items() if p.search(en)}
            got = {a for a, _ in multilingual.aspect_clauses_zh(zh)}
            total += len(want)
            found += len(want & got)
        self.stdout.write(
            f"\nscale for Chinese: slope fitted on {o['calibrate']} a={fitted['a']}; kept a={fit['a']} "
            f"b={fit['b']} (before: {before})"
        )
        self.stdout.write(f"\n{'reader':42} {'texts':>6} {'sign acc':>9} {'label acc':>10}")
        self.stdout.write(
            f"{'generator reading, Chinese (fitted scale)':42} {len(held_texts):6d} "
            f"{sign_acc(zh_scores):9.3f} {label_acc:10.3f}"
        )
        self.stdout.write(
            f"{'generator raw log-odds, Chinese':42} {len(held_texts):6d} {sign_acc(raw):9.3f} {'':>10}"
        )
        self.stdout.write(
            f"{'English ensemble on the Chinese texts':42} {len(held_texts):6d} {sign_acc(en_on_zh):9.3f}"
        )
        self.stdout.write(
            f"{'English ensemble on the English originals':42} {len(held_texts):6d} {sign_acc(en_on_en):9.3f}"
        )
        self.stdout.write(f"mixed labels on clear Chinese verdicts: {mixed:.3f}")
        self.stdout.write(f"aspects of the originals found in the translations: {found}/{total}")
        if o["save"]:
            note = f"{o['calibrate']} translated RT test sentences, seed {o['seed']}"
            path = multilingual.save_calibration(reader_version(), {**fit, "fitted_on": note})
            self.stdout.write(f"saved the scale to {path}")
        self.stdout.write(
            f"BENCH zh_sentiment n={len(held_texts)} seed={o['seed']} zh_sign_acc={sign_acc(zh_scores):.3f} "
            f"zh_label_acc={label_acc:.3f} en_model_on_zh={sign_acc(en_on_zh):.3f} "
            f"en_model_on_en={sign_acc(en_on_en):.3f} aspects_found={found}/{total}"
        )


def reader_version() -> str:
    from recommender.llm.judge import get_judge

    return get_judge().version
