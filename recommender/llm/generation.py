"""Text generation with a local causal LM, and the checked pipeline around it.

`generate_checked(kind, facts)` is what callers use: prompt from facts, generate (steered
away from names the facts lack), check (grounding.py), drop a sentence that fails the
checks when the rest stands on its own, retry once with a stricter prompt, and fall back
to a labelled template. The backend is chosen by LLM_BACKEND (`transformers`, the default, or
`fake` for fast tests) and LLM_MODEL (a known name, a Hugging Face folder or a GGUF
file; see registry.resolve_llm).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from . import config, grounding, prompts
from .checking import judge_text
from .prompts import Facts
from .tidy import tidy, whole_sentences  # noqa: F401 - whole_sentences: notes_generation imports it from here

log = logging.getLogger(__name__)


@dataclass
class Generated:
    text: str
    prompt_tokens: int
    new_tokens: int
    seconds: float
    ruled_out: int = 0  # candidate tokens the name guard turned down


class Backend(Protocol):
    name: str
    version: str

    def generate(
        self,
        messages: list[dict[str, str]],
        *,
        max_new_tokens: int,
        guard: grounding.NameGuard | None = None,
    ) -> Generated: ...


class TransformersBackend:
    """Any Hugging Face causal LM folder, run in float32 with greedy decoding.

    float32 because bfloat16 matmuls measured ~9x slower on these CPUs.
    """

    def __init__(self, path: str, *, name: str, version: str, threads: int | None = None) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        torch.set_num_threads(threads or config.torch_threads())
        started = time.monotonic()
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()
        self.quantized = quantize_mode() == "int8"
        if self.quantized:
            # int8 weights, calibrated on built-in prompts (quantize.py says why and how);
            # the version string says so, so stored texts tell which weights wrote them.
            from .quantize import quantize_int8

            quantize_int8(self.model, self._calibrate, cache=self._calibration_cache(path))
        version += weights_suffix()
        self.load_seconds = time.monotonic() - started
        self.name = name
        self.version = version

    def _calibration_texts(self) -> list[str]:
        return [self.render(messages) for messages in calibration_messages()]

    def _calibrate(self) -> None:
        for text in self._calibration_texts():
            self.model(**self.tokenizer(text, return_tensors="pt"))

    def _calibration_cache(self, path: str) -> Path | None:
        """Beside the converted weights, named by what the calibration saw; None if read-only."""
        from .quantize import ALPHA

        digest = hashlib.sha256("\n".join(self._calibration_texts()).encode()).hexdigest()[:12]
        folder = Path(path)
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            return None
        return folder / f"int8-calibration-{ALPHA}-{digest}.pt"

    def render(self, messages: list[dict[str, str]]) -> str:
        if getattr(self.tokenizer, "chat_template", None):
            text = self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
            assert isinstance(text, str)  # tokenize=False renders the prompt as one string
            return text
        # base models without a chat template: plain text with a cue
        return "\n\n".join(m["content"] for m in messages) + "\n\nAnswer:\n"

    def generate(
        self,
        messages: list[dict[str, str]],
        *,
        max_new_tokens: int,
        guard: grounding.NameGuard | None = None,
    ) -> Generated:
        import torch
        from transformers import LogitsProcessorList

        started = time.monotonic()
        prompt = self.render(messages)
        inputs = self.tokenizer(prompt, return_tensors="pt")
        guarded = _GuardedNames(self.tokenizer, inputs["input_ids"].shape[1], guard) if guard else None
        processors = LogitsProcessorList([guarded] if guarded else [])
        with torch.inference_mode():
            output = self.model.generate(
                **inputs,
                max_new_tokens=max_new_tokens,
                do_sample=False,
                repetition_penalty=1.1,
                logits_processor=processors,
                pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id,
            )
        new = output[0, inputs["input_ids"].shape[1] :]
        decoded = self.tokenizer.decode(new, skip_special_tokens=True)
        assert isinstance(decoded, str)  # one sequence of ids decodes to one string
        text = decoded.strip()
        return Generated(
            text,
            int(inputs["input_ids"].shape[1]),
            int(new.shape[0]),
            time.monotonic() - started,
            guarded.ruled_out if guarded else 0,
        )


class _GuardedNames:
    """A logits processor for greedy decoding: while the best next token would start a name
    the facts lack (grounding.NameGuard), that token is ruled out and the next best is tried.

    Only tokens the model itself finds plausible are tried: at most `tries` of them, none
    more than `margin` below the best in log-probability. Forcing a far-fetched one wrote
    garbage ("the dashing officer V.I. D. R."), so when none fits, the ranking is left as
    it was and the checks judge the finished text (dropping the sentence or retrying).
    """

    def __init__(
        self,
        tokenizer: Any,
        prompt_tokens: int,
        guard: grounding.NameGuard,
        tries: int = 200,
        margin: float = 7.0,
    ) -> None:
        self.tokenizer = tokenizer
        self.prompt_tokens = prompt_tokens
        self.guard = guard
        self.tries, self.margin = tries, margin
        self.ruled_out = 0

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        ids = input_ids[0, self.prompt_tokens :].tolist()
        before = self.tokenizer.decode(ids, skip_special_tokens=True)
        logprobs = scores[0].log_softmax(-1)
        top = logprobs.topk(self.tries)
        floor = float(top.values[0]) - self.margin
        for rank, (token, logprob) in enumerate(zip(top.indices.tolist(), top.values.tolist(), strict=True)):
            if logprob < floor:
                break
            after = self.tokenizer.decode([*ids, token], skip_special_tokens=True)
            if self.guard.allows(before, after):
                scores[0, top.indices[:rank]] = float("-inf")
                self.ruled_out += rank
                break
        return scores


class FakeBackend:
    """Returns scripted answers; for unit tests that need no weights.

    `responses` is a list consumed in order (the last one repeats) or a function of
    the messages.
    """

    name = "fake"
    version = "fake-1"

    def __init__(
        self, responses: Sequence[str] | Callable[[list[dict[str, str]]], str] | None = None
    ) -> None:
        self.responses = responses
        self.calls: list[list[dict[str, str]]] = []

    def generate(
        self,
        messages: list[dict[str, str]],
        *,
        max_new_tokens: int,
        guard: grounding.NameGuard | None = None,
    ) -> Generated:
        self.calls.append(messages)
        if callable(self.responses):
            text = self.responses(messages)
        elif self.responses:
            text = self.responses[min(len(self.calls), len(self.responses)) - 1]
        else:
            text = _echo_facts_answer(messages)
        return Generated(text, sum(len(m["content"].split()) for m in messages), len(text.split()), 0.0)


def _echo_facts_answer(messages: list[dict[str, str]]) -> str:
    """A plausible grounded answer built from the prompt's movie line."""
    content = messages[-1]["content"]
    title = "this movie"
    for line in content.splitlines():
        if line.startswith("Movie: "):
            title = line[len("Movie: ") :].split(" (")[0]
            break
    if "discussion questions" in content:
        return (
            f"What did you make of the ending of {title}?\n"
            f"Did the pacing of {title} work for you?\n"
            f"Which performance in {title} stayed with you longest?"
        )
    if "tell the user why" in content:
        loved = re.search(
            r"^The user loves \(rated 4 stars or more\): (.+?) \((\d(?:\.\d)?)/5\)", content, re.M
        )
        if loved:  # an explanation cites something of the member's (grounding.explanation_problems)
            stars = f"{loved.group(1)} {loved.group(2)} stars"
            return f"You gave {stars}, and {title} has strong acting and tense pacing."
        return f"You enjoy films with strong acting and tense pacing, and {title} offers both."
    return (
        f"I watched {title} last night. The acting was strong and the story kept me guessing. "
        "I would watch it again."
    )


def quantize_mode() -> str:
    """LLM_QUANTIZE: "int8" (the default) or "none" for float32 weights."""
    return config.quantize_mode()


CALIBRATION_FILE = Path(__file__).with_name("calibration_prompts.json")


def calibration_messages() -> list[list[dict[str, str]]]:
    """The prompts the int8 weights are calibrated on (quantize.py).

    Every kind of prompt, normal and strict, for two hand-written users and films (no
    database, never the benchmark's facts). Kept as data rather than rebuilt from
    prompts.py, so rewording a prompt does not change the int8 weights: the generator's
    version, and the sentiment judge fitted to it, stay valid.
    """
    messages: list[list[dict[str, str]]] = json.loads(CALIBRATION_FILE.read_text())
    return messages


def weights_suffix() -> str:
    """What the loaded weights add to a generator's version: "+int8sq" when quantized."""
    return "+int8sq" if quantize_mode() == "int8" else ""


def configured_version(choice: str | None = None) -> str | None:
    """The version the configured generator's outputs carry; None while it is not prepared."""
    from .registry import configured_llm, llm_ready, resolve_llm, use_fake_models

    if use_fake_models():
        return FakeBackend.version
    choice = choice or configured_llm()
    if not llm_ready(choice):
        return None
    return resolve_llm(choice).version + weights_suffix()


@functools.lru_cache(maxsize=2)
def get_backend(choice: str | None = None) -> Backend:
    """The configured backend, loaded once per process (a worker keeps it for life)."""
    from .registry import configured_llm, part_loading, resolve_llm, use_fake_models

    if use_fake_models():
        return FakeBackend()

    choice = choice or configured_llm()
    resolved = resolve_llm(choice)
    # The configured generator's files are checked first; a corrupt one is moved aside,
    # converted again in the background, and ModelUnavailable (a FileNotFoundError) raised.
    guard = part_loading("generator") if choice == configured_llm() else contextlib.nullcontext()
    with guard:
        return TransformersBackend(str(resolved.path), name=choice, version=resolved.version)


@dataclass
class CheckedText:
    kind: str
    text: str
    payload: dict[str, Any]
    is_fallback: bool
    attempts: int
    problems: list[list[str]] = field(default_factory=list)  # per failed attempt
    model_name: str = ""
    model_version: str = ""
    seconds: float = 0.0
    new_tokens: int = 0
    passed_first: bool = False
    rejected: list[str] = field(default_factory=list)  # texts that failed the checks, for debugging
    trimmed: bool = False  # passed once sentences failing the checks were dropped from it
    ruled_out: int = 0  # candidate tokens the name guard turned down, over all attempts
    unsupported: list[str] = field(default_factory=list)  # statements the support check turned down
    other_checks_first: bool = False  # the first try passed every check but the support check


def _max_new_tokens(kind: str) -> int:
    """The kind's budget, optionally capped by LLM_MAX_NEW_TOKENS (short CI runs on slow machines)."""
    cap = config.max_new_tokens_cap()
    budget = prompts.MAX_NEW_TOKENS[kind]
    return min(budget, cap) if cap > 0 else budget


def name_guard_enabled() -> bool:
    """LLM_NAME_GUARD: "on" (the default) steers decoding away from names the facts lack."""
    return config.name_guard_enabled()


def generate_checked(kind: str, facts: Facts, *, backend: Backend | None = None) -> CheckedText:
    """Generate one text for `kind`, checked against `facts`; never raises on bad output.

    Tries the normal prompt, then a stricter one; if both fail the checks, returns the
    template text with `is_fallback=True` (the page labels it as such).
    """
    backend = backend or get_backend()
    guard = grounding.NameGuard(facts) if name_guard_enabled() else None
    problems: list[list[str]] = []
    rejected: list[str] = []
    seconds, tokens, ruled_out = 0.0, 0, 0
    unsupported: list[str] = []
    other_checks_first = False
    for attempt, strict in enumerate((False, True), start=1):
        messages = prompts.messages_for(kind, facts, strict=strict)
        out = backend.generate(messages, max_new_tokens=_max_new_tokens(kind), guard=guard)
        seconds += out.seconds
        tokens += out.new_tokens
        ruled_out += out.ruled_out
        text = tidy(kind, out.text)
        verdict = judge_text(kind, text, facts, prompt=messages[-1]["content"], backend=backend)
        unsupported += verdict.unsupported
        other_checks_first = other_checks_first or (attempt == 1 and verdict.other_checks_ok)
        if verdict.trimmed:
            rejected.append(text)
        if verdict.check.ok:
            text = verdict.text
            payload = (
                {"questions": grounding.parse_questions(text)} if kind == "discussion_suggestions" else {}
            )
            return CheckedText(
                kind,
                text,
                payload,
                False,
                attempt,
                problems,
                backend.name,
                backend.version,
                seconds,
                tokens,
                passed_first=attempt == 1,
                rejected=rejected,
                trimmed=verdict.trimmed,
                ruled_out=ruled_out,
                unsupported=unsupported,
                other_checks_first=other_checks_first,
            )
        log.info("generated %s failed checks (attempt %s): %s", kind, attempt, verdict.check.problems)
        problems.append(verdict.check.problems)
        if not verdict.trimmed:
            rejected.append(text)
    text, payload = prompts.fallback_text(kind, facts)
    return CheckedText(
        kind,
        text,
        payload,
        True,
        2,
        problems,
        backend.name,
        backend.version,
        seconds,
        tokens,
        rejected=rejected,
        ruled_out=ruled_out,
        unsupported=unsupported,
        other_checks_first=other_checks_first,
    )
