"""One generated text judged: the checks (grounding), a sentence dropped when the rest stands,
and for drafts and explanations the support check of their statements about the film.

The support check runs last, on a text every other check passed: it costs a forward pass
over the facts, and a text failing cheaper checks is retried anyway. A statement the
facts do not support ("Al Carmichael as Spartacus", an invented plot turn) is dropped when
the rest of the text still reads whole, else the text fails with it (generation.py then
retries once with the stricter prompt, then falls back).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from . import config, grounding, support
from .grounding.claims import SUPPORT_KINDS, factual_core, film_source, film_statements
from .prompts import Facts

log = logging.getLogger(__name__)


def support_check_enabled() -> bool:
    """LLM_SUPPORT_CHECK: "on" (the default) checks drafts' and explanations' statements about the film."""
    return config.support_check_enabled()


@dataclass
class Verdict:
    text: str  # as judged: the text itself, or without the sentences dropped
    check: grounding.Check
    trimmed: bool = False  # sentences were dropped to pass
    unsupported: list[str] = field(default_factory=list)  # statements the support judge turned down
    other_checks_ok: bool = False  # passed every check but the support check
    claims: int = 0  # statements about the film the support judge read


def unsupported_problem(sentence: str) -> str:
    return f"not supported by the film's facts: {sentence!r}"


def judge_text(kind: str, text: str, facts: Facts, *, prompt: str, backend: Any = None) -> Verdict:
    """Check `text`; drop a failing sentence if the rest stands; then the support check."""
    check = grounding.check_output(kind, text, facts, prompt=prompt)
    trimmed = False
    if not check.ok:
        # one unfounded sentence in an otherwise sound text costs that sentence, not a retry
        shorter = grounding.without_unfounded_sentences(kind, text, facts)
        if shorter != text:
            recheck = grounding.check_output(kind, shorter, facts, prompt=prompt)
            if recheck.ok:
                log.info("generated %s: dropped sentences failing %s", kind, check.problems)
                text, check, trimmed = shorter, recheck, True
    if not check.ok or kind not in SUPPORT_KINDS or not support_check_enabled():
        return Verdict(text, check, trimmed, other_checks_ok=check.ok)
    claims = film_statements(text, facts)
    if not claims:
        return Verdict(text, check, trimmed, other_checks_ok=True)
    judge = support.get_support_judge(backend)
    # the judge reads each statement without the member's frame and grading words (claims.py)
    cores = {factual_core(claim, facts): claim for claim in claims}
    unsupported = [
        cores[core]
        for core in support.unsupported_sentences(film_source(kind, facts), list(cores), judge=judge)
    ]
    if not unsupported:
        return Verdict(text, check, trimmed, other_checks_ok=True, claims=len(claims))
    shorter = grounding.without_sentences(kind, text, lambda s: s in unsupported)
    if shorter != text:
        recheck = grounding.check_output(kind, shorter, facts, prompt=prompt)
        if recheck.ok:
            log.info("generated %s: dropped statements the facts do not support: %s", kind, unsupported)
            return Verdict(shorter, recheck, True, unsupported, True, len(claims))
    failed = grounding.Check(False, [unsupported_problem(s) for s in unsupported])
    return Verdict(text, failed, trimmed, unsupported, True, len(claims))
