"""A loaded sentiment version (``SentimentModel``): P(positive) from its ensemble, and the
label, score, confidence and aspects of a review (``Analysis``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from .. import labels
from ..config import sentiment_judge_enabled, torch_threads
from .network import Member, sigmoid
from .text import ASPECT_PATTERNS, bucket_of, clean_text, flat_index, label_for, split_sentences


@dataclass
class AspectSentiment:
    aspect: str
    score: float  # -1 (negative) .. 1 (positive)
    label: str
    sentence: str


@dataclass
class Analysis:
    label: str  # positive / negative / mixed
    score: float  # -1 .. 1
    confidence: float  # 0 .. 1
    aspects: list[AspectSentiment]
    model_version: str
    # "ensemble" (the English models) or "generator:<language>" (multilingual.py)
    reading: str = "ensemble"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Components(NamedTuple):
    nn: np.ndarray
    tfidf: np.ndarray
    judge: np.ndarray
    ensemble: np.ndarray


def judge_usable(model_version: str) -> bool:
    """The generator this process would load is the one a version's judge was fitted with,
    and SENTIMENT_JUDGE is not "off" (the same setting turns the judge off in training)."""
    from ..generation import configured_version

    if not sentiment_judge_enabled():
        return False
    return configured_version() == model_version


def _aspects(by_aspect: dict[str, list[tuple[float, str]]]) -> list[AspectSentiment]:
    """One entry per aspect: the mean of its sentences' scores, and as evidence the sentence
    that says it most clearly in the direction of the mean."""
    aspects = []
    for aspect, scored in by_aspect.items():
        mean = sum(s for s, _ in scored) / len(scored)
        evidence = max(scored, key=lambda x: x[0] * (1 if mean >= 0 else -1))[1]
        aspects.append(AspectSentiment(aspect, round(mean, 3), label_for(mean), evidence[:300]))
    return aspects


class SentimentModel:
    """A loaded sentiment version: `predict_proba` and `analyse`.

    A version is either one trained folder (one MiniLM + its TF-IDF model) or a
    combination (`meta["members"]`) of several trained folders plus a TF-IDF model for
    short texts, with weights per length bucket picked on the validation split.
    """

    def __init__(self, path: Path) -> None:
        import joblib
        import torch

        torch.set_num_threads(torch_threads())
        self.path = path
        self.meta = json.loads((path / "meta.json").read_text())
        self.version: str = self.meta["version"]
        if "members" in self.meta:
            folders = [path.parent / m for m in self.meta["members"]]
            self.weights = self.meta["weights"]
        else:
            folders = [path]
            self.weights = {
                b: {"nn": [c["w"]], "tfidf": 1 - c["w"], "tfidf_short": 0.0}
                for b, c in self.meta["calibration"].items()
            }
        self.members = [Member(folder) for folder in folders]
        # A quick version (quick.py) has no networks: its TF-IDF models are its own.
        self.tfidf = joblib.load((folders[0] if folders else path) / "tfidf.joblib")
        short = path / "tfidf_short.joblib"
        self.tfidf_short = joblib.load(short) if short.exists() else None
        # The generator's zero-shot vote on short texts, when the version was combined with
        # one and this process may load that same generator; otherwise the weights fitted
        # without it (the version says so, so analyses tell which reading they got).
        self.judge_meta: dict[str, Any] | None = self.meta.get("judge")
        self._judge: Any = None
        if self.judge_meta is not None and not judge_usable(self.judge_meta["model_version"]):
            self.weights = self.meta["weights_without_judge"]
            self.judge_meta = None
            self.version += "+nojudge"
        # When a review is mixed (calibrate_labels); a fitted rule joins the version, so the
        # reviews labelled by the rule before it are analysed again.
        self.label_rule = labels.rule_load(path)
        if self.label_rule.tag:
            self.version += "+" + self.label_rule.tag

    def judge_proba(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """The generator's calibrated P(positive) (loads the generator on first use)."""
        assert self.judge_meta is not None
        if self._judge is None:
            from ..judge import get_judge

            self._judge = get_judge()
        margins = self._judge.margins(texts, progress=progress)
        return sigmoid(self.judge_meta["a"] * margins + self.judge_meta["b"])

    def predict_components(
        self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None
    ) -> Components:
        """P(positive) from the fine-tuned MiniLM(s), from TF-IDF, from the judge (short texts
        only; NaN elsewhere) and the weighted ensemble."""
        texts = [clean_text(t) or "." for t in texts]
        n = len(texts)
        p_nn, p_tf, p_judge, out = np.zeros(n), np.zeros(n), np.full(n, np.nan), np.zeros(n)
        if not texts:
            return Components(p_nn, p_tf, p_judge, out)
        p_tf[:] = self.tfidf.predict_proba(texts)[:, 1]
        buckets = bucket_of(texts)
        for bucket in ("short", "long"):
            idx = np.flatnonzero(buckets == bucket)
            if not len(idx):
                continue
            w = self.weights[bucket]
            part = [texts[i] for i in idx]
            nn_sum, nn_weight = np.zeros(len(idx)), 0.0
            reported = False
            for member, weight in zip(self.members, w["nn"], strict=False):
                if weight <= 0:
                    continue
                # progress counts each text once, whatever the number of networks
                p = member.proba(part, bucket, progress=None if reported else progress)
                reported = True
                nn_sum += weight * p
                nn_weight += weight
            p_nn[idx] = nn_sum / nn_weight if nn_weight else 0.5
            out[idx] = nn_sum + w["tfidf"] * p_tf[idx]
            if self.tfidf_short is not None and w.get("tfidf_short", 0) > 0:
                out[idx] += w["tfidf_short"] * self.tfidf_short.predict_proba(part)[:, 1]
            if self.judge_meta is not None and w.get("judge", 0) > 0:
                p_judge[idx] = self.judge_proba(part)
                out[idx] += w["judge"] * p_judge[idx]
        return Components(p_nn, p_tf, p_judge, out)

    def predict_proba(
        self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """P(positive) for each text, from the weighted ensemble."""
        return self.predict_components(texts, progress=progress).ensemble

    def _generator_reader(self):
        from ..judge import get_judge
        from ..registry import llm_ready, use_fake_models
        from . import multilingual

        if not (use_fake_models() or llm_ready()):
            # Not prepared yet (the quick version of a first start reads reviews before the
            # generator is there): never convert it here, in whichever worker asked.
            raise RuntimeError("the generator is not prepared yet")

        judge = get_judge()
        scale = multilingual.load_calibration(judge.version) or (
            {"a": self.judge_meta["a"], "b": self.judge_meta["b"]} if self.judge_meta else None
        )
        return multilingual.GeneratorReader(judge.margins, scale)

    def analyse_many(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> list[Analysis]:
        """Label, score, confidence and aspects for each text. Texts in English (or of no
        clear language) are read by the ensemble; the others by the generator, when this
        process can load one that reads (multilingual.py), else by the ensemble."""
        from . import multilingual

        languages = list(languages) if languages is not None else [""] * len(texts)
        routed = [i for i, lang in enumerate(languages) if multilingual.reading_for(lang) != "ensemble"]
        reader = None
        if routed:
            try:
                reader = self._generator_reader()
            except RuntimeError:
                reader = None  # no generator that reads: the English models are all there is
        if reader is None:
            return self._analyse_english(texts)
        results: list[Analysis | None] = [None] * len(texts)
        english = [i for i in range(len(texts)) if i not in set(routed)]
        for i, result in zip(english, self._analyse_english([texts[i] for i in english]), strict=True):
            results[i] = result
        read = reader.read([texts[i] for i in routed], [languages[i] for i in routed], labels.MAX_SENTENCES)
        for i, (doc_p, sentence_scores, aspect_scores) in zip(routed, read, strict=True):
            score = 2 * doc_p - 1
            by_aspect: dict[str, list[tuple[float, str]]] = {}
            for aspect, s, clause in aspect_scores:
                by_aspect.setdefault(aspect, []).append((s, clause))
            results[i] = Analysis(
                label=self.label_rule.label(score, sentence_scores or [score]),
                score=round(score, 4),
                confidence=round(abs(score), 4),
                aspects=_aspects(by_aspect),
                model_version=self.version,
                reading=multilingual.reading_for(languages[i]),
            )
        return [r for r in results if r is not None]

    def _analyse_english(self, texts: Sequence[str]) -> list[Analysis]:
        """Label, score, confidence and aspects for each text (one model pass for all sentences)."""
        sentence_lists = [split_sentences(t) for t in texts]
        aspect_hits: list[list[tuple[str, int]]] = []
        verdict_sentences: list[list[int]] = []  # the sentences the label's "both verdicts" test reads
        flat: list[str] = []
        for sentences in sentence_lists:
            at: dict[str, int] = {}  # each sentence of this text is scored once
            hits = []
            for aspect, pattern in ASPECT_PATTERNS.items():
                for sentence in sentences:
                    if pattern.search(sentence):
                        hits.append((aspect, flat_index(flat, at, sentence)))
            aspect_hits.append(hits)
            first = sentences[: labels.MAX_SENTENCES]
            verdict_sentences.append([flat_index(flat, at, s) for s in first] if len(first) > 1 else [])
        probs = self.predict_proba(list(texts) + flat)
        doc_p, sent_p = probs[: len(texts)], probs[len(texts) :]
        results = []
        for i, _text in enumerate(texts):
            score = float(2 * doc_p[i] - 1)
            by_aspect: dict[str, list[tuple[float, str]]] = {}
            for aspect, j in aspect_hits[i]:
                by_aspect.setdefault(aspect, []).append((float(2 * sent_p[j] - 1), flat[j]))
            aspects = _aspects(by_aspect)
            sentence_scores = [float(2 * sent_p[j] - 1) for j in verdict_sentences[i]] or [score]
            results.append(
                Analysis(
                    label=self.label_rule.label(score, sentence_scores),
                    score=round(score, 4),
                    confidence=round(abs(score), 4),
                    aspects=aspects,
                    model_version=self.version,
                )
            )
        return results

    def analyse(self, text: str, language: str = "") -> Analysis:
        return self.analyse_many([text], [language])[0]
