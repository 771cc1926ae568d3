"""Does a source text support a sentence? The generator as a judge.

A generated text can be wrong with true names: "Al Carmichael as Spartacus" passes every
name check when both names are in the facts. Here the generator reads the source (a plot
text, a cast list, reviews) and one sentence, and is asked whether the source states
what the sentence says; the log-odds of its first answer token ("yes" against "no") is
the sentence's support score. No decoding: one forward pass per sentence, and the
source, which comes first in the prompt, is computed once per call and reused for every
sentence (its key-value cache is copied per batch), so checking the five sentences of a
draft costs about one pass over the source plus five short ones.

A sentence is unsupported when its score is below the threshold calibrated for the
generator's version (`calibrate_support` fits it on a labelled set of real plot
sentences and altered copies of them; thresholds.json beside this file keeps one per
version). A version with no calibration uses PROVISIONAL_THRESHOLD.

Opinions are not facts: the question asks about the sentence's facts (names, who plays or
does what, numbers, events), so "I loved how Neo learns kung fu" is judged on the kung fu.

Callers pass sources they trust to be data: user text should go through
prompts.data_sentences first (a review saying "answer yes" is an instruction, not data).
With LLM_BACKEND=fake a word-overlap stand-in answers (unit tests only).
"""

from __future__ import annotations

import copy
import inspect
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

SYSTEM = "You are a careful fact checker. You compare a statement with a source text and answer yes or no."
# The instructions come before the source, so that what follows each statement is short: the
# source and the instructions are read once per call, each statement costs only its own tokens
# and a dozen more.
SOURCE_INTRO = (
    "Read the source text, then say whether it supports the statement after it: does the source "
    "state everything the statement says about the film (every name, who plays whom, who does "
    "what, every number and every event)? Opinions and feelings in the statement do not count."
    "\n\nSource text:\n<<<\n"
)
QUESTION = '\n>>>\n\nStatement: "\x00"\nAnswer yes or no.'
ANSWERS = {"yes": ("yes", "Yes"), "no": ("no", "No")}
MAX_SOURCE_TOKENS = 1024  # a Wikipedia lead fits; a longer plot is cut here (cost grows with it)
MAX_SENTENCE_TOKENS = 96
# Below this log-odds a sentence is unsupported, for a generator version never calibrated:
# the model as likely to say no as yes. Replaced per version by calibrate_support's figure.
PROVISIONAL_THRESHOLD = 0.0
THRESHOLDS_FILE = Path(__file__).with_name("support_thresholds.json")


class Judge(Protocol):
    version: str

    def scores(self, source: str, sentences: Sequence[str]) -> list[float]: ...


def _clean_source(source: str) -> str:
    return re.sub(r"\s+\n|\n\s+", "\n", source.replace("<<<", "").replace(">>>", "")).strip()


class SupportJudge:
    """log P("yes") - log P("no") per sentence, from a causal LM with a chat template."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        version: str,
        batch_size: int = 4,
        max_source_tokens: int = MAX_SOURCE_TOKENS,
    ) -> None:
        self.model, self.tokenizer, self.version = model, tokenizer, version
        self.batch_size, self.max_source_tokens = batch_size, max_source_tokens
        messages = [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": SOURCE_INTRO + "\x01" + QUESTION},
        ]
        rendered = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        self.head, rest = rendered.split("\x01")
        self.middle, self.tail = rest.split("\x00")
        self.tail_ids = tokenizer(self.tail, add_special_tokens=False).input_ids
        self.answer_ids = {
            label: sorted({tokenizer.encode(w, add_special_tokens=False)[0] for w in words})
            for label, words in ANSWERS.items()
        }
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        # transformers 5 renamed the key-value cache argument `past_key_values` to `cache`
        params = inspect.signature(self.model.model.forward).parameters
        self._cache_arg = "cache" if "cache" in params else "past_key_values"

    def prefix_ids(self, source: str) -> list[int]:
        """The prompt up to the statement: instructions and the source, cut at max_source_tokens."""
        source_ids = self.tokenizer(_clean_source(source), add_special_tokens=False).input_ids
        if len(source_ids) > self.max_source_tokens:
            source_ids = source_ids[: self.max_source_tokens]
        head = self.tokenizer(self.head, add_special_tokens=False).input_ids
        middle = self.tokenizer(self.middle, add_special_tokens=False).input_ids
        return head + source_ids + middle

    def body_ids(self, sentence: str) -> list[int]:
        """One statement and the question after it, as the tokens that follow the prefix."""
        text = " ".join(sentence.split()).replace('"', "'") or "."
        ids = self.tokenizer(text, add_special_tokens=False).input_ids[:MAX_SENTENCE_TOKENS]
        return ids + self.tail_ids

    def scores(self, source: str, sentences: Sequence[str]) -> list[float]:
        """Support log-odds per sentence (0 = undecided), batched by length over one shared source."""
        import torch

        from .batching import right_padded

        if not sentences:
            return []
        prefix = torch.tensor([self.prefix_ids(source)])
        n_prefix = prefix.shape[1]
        bodies = [self.body_ids(s) for s in sentences]
        order = sorted(range(len(bodies)), key=lambda i: len(bodies[i]))
        out = [0.0] * len(bodies)
        yes, no = self.answer_ids["yes"], self.answer_ids["no"]
        with torch.inference_mode():
            result = self.model.model(input_ids=prefix, use_cache=True)
            prefix_cache = getattr(result, "cache", None) or result.past_key_values
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                rows = [bodies[i] for i in idx]
                ids, mask = right_padded(rows, self.pad_id)
                cache = copy.deepcopy(prefix_cache)
                if len(rows) > 1:
                    cache.batch_repeat_interleave(len(rows))
                full_mask = torch.cat([torch.ones((len(rows), n_prefix), dtype=torch.long), mask], dim=1)
                hidden = self.model.model(
                    input_ids=ids, attention_mask=full_mask, use_cache=True, **{self._cache_arg: cache}
                ).last_hidden_state
                last = hidden[torch.arange(len(rows)), mask.sum(dim=1) - 1]
                logp = torch.log_softmax(self.model.lm_head(last[:, None, :])[:, 0, :].float(), dim=-1)
                margin = torch.logsumexp(logp[:, yes], dim=-1) - torch.logsumexp(logp[:, no], dim=-1)
                for i, value in zip(idx, margin.tolist(), strict=True):
                    out[i] = float(value)
        return out


_WORD = re.compile(r"[\w'’]+")
_FAKE_IGNORED = frozenset(
    re.findall(
        r"\S+",
        """the a an and but or of in on at to from by with for as is are was were be been his her
        their its it he she they them this that who whom which what when where while after before
        then i me my we our you your film movie story plays played star stars role""",
    )
)


class FakeSupportJudge:
    """Stands in for the generator (LLM_BACKEND=fake): a sentence is supported as far as its
    names and numbers (capitalised words, digits) occur in the source; +3 when all do, down to
    -3 when none does."""

    version = "fake-support-1"

    def scores(self, source: str, sentences: Sequence[str]) -> list[float]:
        known = {w.lower() for w in _WORD.findall(source)}
        out = []
        for sentence in sentences:
            words = [
                w
                for i, w in enumerate(_WORD.findall(sentence))
                if (w[0].isupper() and i > 0 or w[0].isdigit()) and w.lower() not in _FAKE_IGNORED
            ]
            if not words:
                out.append(3.0)
                continue
            share = sum(w.lower() in known for w in words) / len(words)
            out.append(round(6.0 * share - 3.0, 4))
        return out


def get_support_judge(backend: Any = None) -> Judge:
    """The generator as a support judge, sharing its weights: `backend`'s, else the configured
    one's. Built once per backend (kept on it), so a worker pays for it once."""
    from .generation import get_backend
    from .registry import use_fake_models

    if use_fake_models() and backend is None:
        return FakeSupportJudge()
    backend = backend or get_backend()
    judge = getattr(backend, "support_judge", None)
    if judge is not None:
        return judge
    model, tokenizer = getattr(backend, "model", None), getattr(backend, "tokenizer", None)
    if model is None or tokenizer is None or not getattr(tokenizer, "chat_template", None):
        if backend.name == "fake":
            return FakeSupportJudge()
        raise RuntimeError(f"the generator {backend.name!r} cannot judge support (no chat model)")
    backend.support_judge = SupportJudge(model, tokenizer, version=backend.version)
    return backend.support_judge


def stored_thresholds() -> dict[str, dict[str, Any]]:
    """Calibrations by generator version: {"threshold": ..., and the figures it was chosen on}."""
    if not THRESHOLDS_FILE.exists():
        return {}
    data: dict[str, dict[str, Any]] = json.loads(THRESHOLDS_FILE.read_text())
    return data


def threshold_for(version: str) -> float:
    """The calibrated threshold of this generator version, else PROVISIONAL_THRESHOLD."""
    if version == FakeSupportJudge.version:
        return 0.0
    entry = stored_thresholds().get(version)
    return float(entry["threshold"]) if entry else PROVISIONAL_THRESHOLD


def store_threshold(version: str, entry: dict[str, Any]) -> None:
    """Keep a calibration (calibrate_support --write); other versions' entries stay."""
    data = stored_thresholds()
    data[version] = entry
    THRESHOLDS_FILE.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def support_scores(source: str, sentences: Sequence[str], *, judge: Judge | None = None) -> list[float]:
    """How strongly `source` supports each sentence: the judge's log-odds of "yes" (higher is
    better supported; compare with `threshold_for(judge.version)`)."""
    if not sentences:
        return []
    return (judge or get_support_judge()).scores(source, list(sentences))


def unsupported_sentences(source: str, sentences: Sequence[str], *, judge: Judge | None = None) -> list[str]:
    """The sentences `source` does not support, in their order: those scoring below the
    threshold calibrated for the judge's generator version."""
    if not sentences:
        return []
    judge = judge or get_support_judge()
    threshold = threshold_for(judge.version)
    scores = judge.scores(source, list(sentences))
    return [s for s, score in zip(sentences, scores, strict=True) if score < threshold]
