"""The generator as a zero-shot sentiment judge of short texts.

Critic snippets are one sentence long, and a MiniLM fine-tuned on ten thousand of them
still misreads irony and faint praise. The 1.5B instruction-tuned generator reads them
better with no training at all: asked "is this sentence positive or negative about the
movie?", the log-odds of its first answer token ("positive" against "negative") is a
score. Measured on 200 Rotten Tomatoes validation sentences: 0.89 accuracy at the best
threshold, against 0.84 for the fine-tuned ensemble. It costs one forward pass over the
sentence (the instructions before it are computed once and reused), so the sentiment
model only asks it about short texts and combines it with the rest (sentiment.py).

User text is data here too: sentences that read like instructions to a model are
dropped before the text is quoted (prompts.data_sentences).
"""

from __future__ import annotations

import copy
import functools
import inspect
import logging
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .prompts import data_sentences

log = logging.getLogger(__name__)

SYSTEM = "You classify the sentiment of sentences from movie reviews as positive or negative."
QUESTION = 'Is this review sentence positive or negative about the movie?\n\nSentence: "'
MAX_TOKENS = 96  # a short text's words fit; a pasted essay is cut here
ANSWERS = {"positive": ("positive", "Positive"), "negative": ("negative", "Negative")}


def _quoted(text: str) -> str:
    """The text as one line for the prompt: instruction-like sentences dropped, quotes made single."""
    kept = data_sentences(text) or [text.strip()]
    return " ".join(kept).replace('"', "'")


class SentimentJudge:
    """log P("positive") - log P("negative") for each text, from a causal LM with a chat template."""

    def __init__(self, model: Any, tokenizer: Any, *, version: str, batch_size: int = 8) -> None:
        import torch

        self.model, self.tokenizer, self.version = model, tokenizer, version
        self.batch_size = batch_size
        messages = [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": QUESTION + "\x00" + '"'},
        ]
        rendered = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        self.prefix, self.suffix = rendered.split("\x00")
        self.prefix_ids = tokenizer(self.prefix, return_tensors="pt").input_ids
        self.suffix_ids = tokenizer(self.suffix, add_special_tokens=False).input_ids
        self.answer_ids = {
            label: sorted({tokenizer.encode(w, add_special_tokens=False)[0] for w in words})
            for label, words in ANSWERS.items()
        }
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        # transformers 5 renamed the key-value cache argument `past_key_values` to `cache`
        params = inspect.signature(self.model.model.forward).parameters
        self._cache_arg = "cache" if "cache" in params else "past_key_values"
        with torch.inference_mode():
            # the instructions are the same for every text: computed once, reused per batch
            out = self.model.model(input_ids=self.prefix_ids, use_cache=True)
            self._prefix_cache = getattr(out, "cache", None) or out.past_key_values

    def _body_ids(self, text: str) -> list[int]:
        ids = self.tokenizer(_quoted(text) or ".", add_special_tokens=False).input_ids[:MAX_TOKENS]
        return ids + self.suffix_ids

    def margins(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Log-odds of a positive reading per text (0 = undecided). Batched by length."""
        import torch

        from .batching import right_padded

        bodies = [self._body_ids(t) for t in texts]
        order = np.argsort([len(b) for b in bodies], kind="stable")
        out = np.zeros(len(texts))
        n_prefix = self.prefix_ids.shape[1]
        pos, neg = self.answer_ids["positive"], self.answer_ids["negative"]
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                rows = [bodies[i] for i in idx]
                ids, mask = right_padded(rows, self.pad_id)
                cache = copy.deepcopy(self._prefix_cache)
                cache.batch_repeat_interleave(len(rows))
                full_mask = torch.cat([torch.ones((len(rows), n_prefix), dtype=torch.long), mask], dim=1)
                hidden = self.model.model(
                    input_ids=ids, attention_mask=full_mask, use_cache=True, **{self._cache_arg: cache}
                ).last_hidden_state
                last = hidden[torch.arange(len(rows)), mask.sum(dim=1) - 1]
                logp = torch.log_softmax(self.model.lm_head(last[:, None, :])[:, 0, :].float(), dim=-1)
                margin = torch.logsumexp(logp[:, pos], dim=-1) - torch.logsumexp(logp[:, neg], dim=-1)
                out[idx] = margin.numpy()
                if progress:
                    progress(len(rows))
        return out


@functools.lru_cache(maxsize=1)
def get_judge() -> SentimentJudge:
    """The configured generator as a judge, sharing its weights (built once per process)."""
    from .generation import get_backend

    backend = get_backend()
    model, tokenizer = getattr(backend, "model", None), getattr(backend, "tokenizer", None)
    if model is None or tokenizer is None or not getattr(tokenizer, "chat_template", None):
        raise RuntimeError(f"the generator {backend.name!r} cannot judge sentiment (no chat model)")
    return SentimentJudge(model, tokenizer, version=backend.version)
