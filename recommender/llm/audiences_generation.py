""" "What audiences say", written by the generator and checked before anyone sees it.

`audiences_write` is what the service calls: prompt with the counts, generate (steered away
from names the facts lack), tidy, check (audiences_checks), then the support check of each
sentence against the counts written out as statements (`audiences_prompts.support_source`),
one stricter retry naming what failed, and then no text at all: a template would only say
the counts again, which the page does not need a paragraph for.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from . import audiences_checks, audiences_prompts, grounding
from .generation import Backend, name_guard_enabled
from .notes_checks import SupportCheck
from .prompts import Facts
from .tidy import tidy

log = logging.getLogger(__name__)


@dataclass
class AudiencesResult:
    """What one run produced; `text` is "" when both attempts failed the checks."""

    text: str
    attempts: int
    model_name: str
    model_version: str
    passed_first: bool = False
    problems: list[list[str]] = field(default_factory=list)  # per failed attempt
    rejected: list[str] = field(default_factory=list)
    seconds: float = 0.0
    support_checked: bool = False  # False when no support check was given
    unsupported: list[str] = field(default_factory=list)  # sentences it turned down, all attempts
    judged: int = 0  # sentences the support check read, all attempts
    trimmed_from: list[str] = field(default_factory=list)  # texts passed once a sentence went


def audiences_write(
    *, facts: Facts, backend: Backend, support: SupportCheck | None = None
) -> AudiencesResult:
    """A checked text from `facts` (audiences_prompts.ReaderFacts), or one with text "" when both
    attempts failed. Never raises on bad model output."""
    guard = grounding.NameGuard(facts) if name_guard_enabled() else None
    result = AudiencesResult(
        text="",
        attempts=0,
        model_name=backend.name,
        model_version=backend.version,
        support_checked=support is not None,
    )
    source = audiences_prompts.support_source(facts)
    last = ""
    for attempt, strict in enumerate((False, True), start=1):
        messages = audiences_prompts.messages(facts, strict=strict, problems=last)
        out = backend.generate(messages, max_new_tokens=audiences_prompts.MAX_NEW_TOKENS, guard=guard)
        result.seconds += out.seconds
        result.attempts = attempt
        text = tidy("audience_summary", out.text)
        echo = audiences_prompts.echo_source(messages[-1]["content"])
        problems = audiences_checks.audiences_problems(text, facts, prompt=echo)
        if problems:
            # A sentence that misstates a count goes, if what is left still reads whole and
            # passes every check (grounding.without_sentences: at most one in three).
            trimmed = grounding.without_sentences(
                "audience_summary", text, lambda s: bool(audiences_checks.sentence_problems(s, facts))
            )
            if trimmed != text:
                again = audiences_checks.audiences_problems(trimmed, facts, prompt=echo)
                if not again:
                    result.trimmed_from.append(text)
                    text, problems = trimmed, again
        if not problems and support is not None:
            said = grounding.sentences(text)
            result.judged += len(said)
            unsupported = support(source, said)
            result.unsupported += unsupported
            problems += [f"not supported by the counts: {s!r}" for s in unsupported]
        if not problems:
            result.text = text
            result.passed_first = attempt == 1
            return result
        log.info("audiences text of %r failed checks (attempt %s): %s", facts.movie.title, attempt, problems)
        result.problems.append(problems)
        result.rejected.append(text)
        last = "; ".join(problems[:3])
    return result
