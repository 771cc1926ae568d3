"""A film's spoiler-free synopsis, written by the generator and checked before anyone sees it.

`synopsis_write` is what the notes service calls: cut the plot for the spoiler rule, prompt
with the visible part, generate (steered away from names the plot and cast lack), check
(notes_checks: form, names, numbers, spoilers, then the support check per sentence), one
stricter retry, and then no synopsis at all: a template would say nothing the full plot
below it does not say better.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from . import grounding, notes_checks, notes_prompts
from .generation import Backend, name_guard_enabled, whole_sentences

log = logging.getLogger(__name__)


@dataclass
class SynopsisResult:
    """What one synopsis run produced; `text` is "" when both attempts failed the checks."""

    text: str
    attempts: int
    model_name: str
    model_version: str
    passed_first: bool = False
    problems: list[list[str]] = field(default_factory=list)  # per failed attempt
    rejected: list[str] = field(default_factory=list)
    seconds: float = 0.0
    support_checked: bool = False  # False when the support check was not available
    unsupported: list[str] = field(default_factory=list)  # sentences it found unsupported, all attempts


def _tidied(text: str) -> str:
    text = text.strip().strip('"').strip()
    for prefix in ("Synopsis:", "Here is the synopsis:", "Here's a synopsis:", "Answer:"):
        if text.lower().startswith(prefix.lower()):
            text = text[len(prefix) :].strip()
    return whole_sentences(" ".join(text.split()), max_words=notes_prompts.SYNOPSIS_MAX_WORDS)


def synopsis_write(
    *,
    title: str,
    year: int | None,
    cast: list[str],
    plot: str,
    backend: Backend,
    support: notes_checks.SupportCheck | None = None,
) -> SynopsisResult | None:
    """A checked synopsis of `plot`, or a result with text "" when both attempts failed.

    Returns None, without running the model, when the plot's visible part is too short to
    condense (`notes_checks.MIN_SOURCE_WORDS`). Never raises on bad model output.
    """
    parts = notes_checks.split_plot(plot)
    if not parts.usable:
        return None
    facts = notes_checks.source_facts(title=title, year=year, cast=cast, source=parts.shown)
    guard = grounding.NameGuard(facts) if name_guard_enabled() else None
    names = [title, *cast]
    result = SynopsisResult(
        text="",
        attempts=0,
        model_name=backend.name,
        model_version=backend.version,
        support_checked=bool(support),
    )
    last_problems = ""
    for attempt, strict in enumerate((False, True), start=1):
        messages = notes_prompts.synopsis_messages(
            title=title, year=year, source=parts.shown, names=names, strict=strict, problems=last_problems
        )
        out = backend.generate(messages, max_new_tokens=notes_prompts.SYNOPSIS_MAX_NEW_TOKENS, guard=guard)
        result.seconds += out.seconds
        result.attempts = attempt
        text = _tidied(out.text)
        check = notes_checks.synopsis_problems(text, title=title, year=year, cast=cast, parts=parts)
        problems = list(check.problems)
        if not problems and support is not None:
            unsupported = support(parts.shown, grounding.sentences(text))
            result.unsupported += unsupported
            problems += [f"not supported by the plot text: {s!r}" for s in unsupported]
        if not problems:
            result.text = text
            result.passed_first = attempt == 1
            return result
        log.info("synopsis of %r failed checks (attempt %s): %s", title, attempt, problems)
        result.problems.append(problems)
        result.rejected.append(text)
        last_problems = "; ".join(problems[:3])
    return result
