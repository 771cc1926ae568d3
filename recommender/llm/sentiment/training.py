"""Training one sentiment version: MiniLM fine-tuned on long reviews and short snippets, a
TF-IDF model, and the ensemble weights picked on the validation split, saved as a folder."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..config import torch_threads
from ..registry import minilm_dir, models_dir
from .data import (
    SPLIT_SEED,
    extra_snippets,
    load_labelled,
    split_labelled,
)
from .network import build_net, encode, fit_platt, nn_logits, sigmoid
from .store import load_sentiment
from .text import bucket_of


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


def counting(
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
    net = build_net(enc_dir)

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
        ids, mask = encode(tokenizer, texts, max_len)
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
    buckets = bucket_of(vt)
    vlog = nn_logits(
        net, tokenizer, vt, max_length=cfg.eval_max_length, progress=counting(progress, "validate", len(vt))
    )
    vtf = tfidf.predict_proba(vt)[:, 1]
    calibration: dict[str, dict[str, float]] = {}
    val_report: dict[str, Any] = {}
    for bucket in ("short", "long"):
        sel = buckets == bucket
        if not sel.any():
            calibration[bucket] = {"a": 1.0, "b": 0.0, "w": 0.5}
            continue
        a, b = fit_platt(vlog[sel], vy[sel])
        p_nn = sigmoid(a * vlog[sel] + b)
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
