"""Ask CineCircle through the generator: the request read as JSON, and one checked sentence
per pick.

The explanation goes through the same checks as the homepage's explanations
(`checking.judge_text` with kind "explanation": names, ratings, echoes, the support check),
one stricter retry, then the caller's template. A Chinese sentence is measured in characters
instead of words (the word count reads a Chinese clause as one word).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from . import ask_prompts, grounding
from .checking import judge_text
from .generation import Backend, name_guard_enabled
from .prompts import Facts
from .tidy import whole_sentences

log = logging.getLogger(__name__)


def parse_request(text: str, *, backend: Backend) -> dict[str, Any] | None:
    """The titles and people the model reads in the request, as schema-checked JSON fields, or
    None when the answer held no JSON object. The caller keeps only those the request names."""
    messages = ask_prompts.parse_messages(text)
    out = backend.generate(messages, max_new_tokens=ask_prompts.PARSE_MAX_NEW_TOKENS)
    return ask_prompts.parse_json(out.text)


@dataclass
class Explained:
    text: str  # "" when both attempts failed: the caller shows its template
    passed_first: bool
    model_name: str
    model_version: str
    problems: list[list[str]] = field(default_factory=list)
    seconds: float = 0.0


def _length_problem(problem: str) -> bool:
    return problem.startswith(("too short", "too long"))


def _not_asked_of_ask(problem: str) -> bool:
    """A homepage explanation must cite something of the member's; an Ask explanation may give
    the request as its reason ("light and quick, as you asked")."""
    return problem.startswith(grounding.CITES_NOTHING)


def explain(facts: Facts, *, request: str, language: str, backend: Backend) -> Explained:
    """One sentence on why `facts.movie` fits `request` and the member; never raises on bad output."""
    guard = grounding.NameGuard(facts) if name_guard_enabled() else None
    result = Explained("", False, backend.name, backend.version)
    for attempt, strict in enumerate((False, True), start=1):
        messages = ask_prompts.explain_messages(facts, request=request, language=language, strict=strict)
        out = backend.generate(messages, max_new_tokens=ask_prompts.EXPLAIN_MAX_NEW_TOKENS, guard=guard)
        result.seconds += out.seconds
        text = out.text.strip().strip('"“”').strip()
        if language != "zh":
            text = whole_sentences(text, max_words=ask_prompts.EXPLAIN_MAX_WORDS)
        verdict = judge_text("explanation", text, facts, prompt=messages[-1]["content"], backend=backend)
        problems = [p for p in verdict.check.problems if not _not_asked_of_ask(p)]
        if language == "zh":
            problems = [p for p in problems if not _length_problem(p)]
            chars = ask_prompts.cjk_length(verdict.text)
            if not ask_prompts.ZH_MIN_CHARS <= chars <= ask_prompts.ZH_MAX_CHARS:
                problems.append(f"{chars} Chinese characters")
        if not problems:
            result.text, result.passed_first = verdict.text, attempt == 1
            return result
        log.info("ask explanation failed checks (attempt %s): %s", attempt, problems)
        result.problems.append(problems)
    return result
