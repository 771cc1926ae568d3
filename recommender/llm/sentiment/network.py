"""The fine-tuned MiniLM: the network, head+tail token ids, batched logits, and its Platt
calibration per length bucket (``Member``: one trained network loaded from its folder)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np


def build_net(encoder_dir: Path):
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


def encode(tokenizer, texts: Sequence[str], max_length: int):
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


def nn_logits(
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
            ids, mask = encode(tokenizer, [texts[i] for i in idx], max_length)
            logits = net(ids, mask)
            out[idx] = (logits[:, 1] - logits[:, 0]).float().numpy()
            if progress:
                progress(len(idx))
    return out


def fit_platt(logits: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    if len(set(labels.tolist())) < 2:
        return 1.0, 0.0
    lr = LogisticRegression(C=100.0).fit(logits.reshape(-1, 1), labels)
    return float(lr.coef_[0][0]), float(lr.intercept_[0])


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))


class Member:
    """One fine-tuned MiniLM with its Platt calibration per length bucket."""

    def __init__(self, path: Path) -> None:
        import torch
        from transformers import AutoTokenizer

        meta = json.loads((path / "meta.json").read_text())
        self.version = meta["version"]
        self.calibration = meta["calibration"]
        self.eval_max_length = int(meta["config"].get("eval_max_length", 256))
        self.tokenizer = AutoTokenizer.from_pretrained(str(path / "encoder"))
        self.net = build_net(path / "encoder")
        self.net.head.load_state_dict(torch.load(path / "head.pt", map_location="cpu"))
        self.net.eval()

    def proba(
        self, texts: Sequence[str], bucket: str, progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        logits = nn_logits(
            self.net, self.tokenizer, texts, max_length=self.eval_max_length, progress=progress
        )
        c = self.calibration[bucket]
        return sigmoid(c["a"] * logits + c["b"])
