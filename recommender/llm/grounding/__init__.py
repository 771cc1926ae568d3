"""Checks every generated text passes before it is stored.

A text fails when it names a person or movie that is not in the facts, is too long or
too short, repeats the prompt, or follows instructions smuggled into quoted review
text. The checks are deliberately conservative: a false alarm costs one retry or a
template text; a false pass puts an invented fact on a user's page.

The checks live by concern: names.py (names and sentences), member.py (a member's
ratings, drafts and explanations), audience.py (the studio's audience summary); this
module puts them together per kind of text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..prompts import MAX_WORDS, MIN_WORDS, SYSTEM, Facts, injected_sentences
from . import chinese
from .audience import (
    _QUOTED,
    aspect_misstatements,
    is_verbatim,
    quoted_passages,
    reception_misstatements,
    stray_numbers,
    unverified_quotes,
)
from .genres import genre_misstatements, other_film_claims
from .member import (
    CARRY_OVER_WORDS,
    CITES_NOTHING,
    _claims_seen,
    _speaks_as_itself,
    _without_titles,
    draft_problems,
    explanation_problems,
    lowercased_titles,
    rating_misstatements,
    reception_claims,
    taste_misstatements,
)
from .names import (
    WORD,
    NameGuard,
    _ngrams,
    allowed_name_tokens,
    opens_sentence,
    sentences,
    unknown_names,
)
from .questions import question_problems

__all__ = [
    "CARRY_OVER_WORDS",
    "CITES_NOTHING",
    "WORD",
    "Check",
    "NameGuard",
    "allowed_name_tokens",
    "aspect_misstatements",
    "check_output",
    "draft_problems",
    "genre_misstatements",
    "other_film_claims",
    "is_verbatim",
    "opens_sentence",
    "parse_questions",
    "question_problems",
    "quoted_passages",
    "rating_misstatements",
    "reception_claims",
    "reception_misstatements",
    "sentences",
    "stray_numbers",
    "taste_misstatements",
    "unknown_names",
    "unverified_quotes",
    "without_sentences",
    "without_unfounded_sentences",
]

_URL = re.compile(r"https?://|www\.|\S+@\S+\.\w+")
_META = re.compile(
    # "instructions" alone is an ordinary word (a jury gets instructions); these phrases are not
    r"<<<|>>>|\bFACTS\b|\bTASK\b|\b[Aa]s an AI\b|\blanguage model\b|\bsystem prompt\b"
    r"|\b(previous|above|these|following|my|your) instructions\b",
)


@dataclass
class Check:
    ok: bool
    problems: list[str] = field(default_factory=list)


def _reviews_obeyed(text: str, facts: Facts) -> int:
    """How many quoted reviews hold an injected sentence that `text` shares 4 words in a row with."""
    grams = _ngrams(text, 4)
    return sum(
        any(grams & _ngrams(sentence, 4) for sentence in injected_sentences(quoted))
        for quoted in facts.quoted_texts()
    )


# The facts call the member "the user"; an explanation speaks to them as "you".
_THIRD_PERSON = re.compile(r"\b(?:the|this|that)\s+(?:user|member)(?:'s|’s)?\b|用户", re.IGNORECASE)


# texts that speak of films and of the member (_member_claims): read on real members, drafts called
# Shine "a romantic comedy" and explanations Beauty and the Beast "known for strong action sequences"
_CLAIM_KINDS = ("review_draft", "explanation")


def _member_claims(kind: str, text: str, facts: Facts) -> list[str]:
    """What a draft or an explanation says of films and of the member that the facts do not
    hold: a genre a film lacks, what another film is known for, how a film was received, a
    taste the member never showed (or, in an explanation, one this film does not answer)."""
    return (
        genre_misstatements(text, facts)
        + other_film_claims(text, facts)
        + reception_claims(text, facts)
        + taste_misstatements(text, facts, of_this_film=kind == "explanation")
        + lowercased_titles(text, facts)
    )


def check_output(kind: str, text: str, facts: Facts, *, prompt: str = "") -> Check:
    """Every reason `text` may not be shown, empty when it passes."""
    problems: list[str] = []
    stripped = text.strip()
    zh = facts.language == "zh"  # the member writes in Chinese: so must the text (grounding/chinese.py)
    words = chinese.word_count(stripped) if zh else len(WORD.findall(stripped))
    if words < MIN_WORDS[kind]:
        problems.append(f"too short ({words} words)")
    if words > MAX_WORDS[kind]:
        problems.append(f"too long ({words} words, limit {MAX_WORDS[kind]})")
    names = unknown_names(stripped, facts)
    if names:
        problems.append("names not in the facts: " + ", ".join(sorted(set(names))))
    problems += chinese.name_problems(stripped, facts)
    if kind == "audience_summary":
        # figures and quotes of the film's audience instead of a member's ratings
        problems += stray_numbers(stripped, facts) + unverified_quotes(stripped, facts)
        problems += reception_misstatements(stripped, facts) + aspect_misstatements(stripped, facts)
    else:
        problems += rating_misstatements(stripped, facts, own_rating=kind == "review_draft")
    if kind in _CLAIM_KINDS and not zh:
        problems += _member_claims(kind, stripped, facts)
    if kind == "review_draft":
        problems += chinese.draft_problems(stripped, facts) if zh else draft_problems(stripped, facts)
    elif zh and kind == "explanation" and chinese.chinese_share(stripped) < 0.5:
        problems.append("not written in Chinese")
    if _URL.search(stripped):
        problems.append("contains a link or address")
    if _META.search(stripped):
        problems.append("contains prompt text")
    # echo: any 8-word run copied from the instructions
    instructions = SYSTEM + " " + (prompt.split("TASK", 1)[-1] if prompt else "")
    own = _QUOTED.sub(" ", stripped) if kind == "audience_summary" else stripped  # quoting is asked for
    if _ngrams(own, 8) & _ngrams(instructions, 8):
        problems.append("repeats the prompt")
    # quoted data copied wholesale (12 words) is an echo too
    if prompt and _ngrams(own, 12) & _ngrams(prompt, 12):
        problems.append("copies the facts verbatim")
    problems += ["follows an instruction found in a review"] * _reviews_obeyed(stripped, facts)
    if kind == "discussion_suggestions":
        questions = parse_questions(stripped)
        if len(questions) != 3:
            problems.append(f"expected 3 questions, got {len(questions)}")
        problems += chinese.question_problems(questions, facts) if zh else question_problems(questions, facts)
    if kind == "explanation" and not zh:
        problems += explanation_problems(stripped, facts)
    if kind == "explanation" and not zh and _speaks_as_itself(stripped, facts):
        # measured: "The Love Letter is a great comedy ... that I enjoyed watching"
        problems.append("speaks in the first person, not to the member")
    if kind == "explanation" and _THIRD_PERSON.search(_without_titles(stripped, facts)):
        # read in bench_ask_latency: "aligns with the user's preferences", "的用户观看"
        problems.append("speaks of the member as 'the user', not to them")
    others = tuple(t for t, _ in facts.user.ratings)
    if kind == "explanation" and _claims_seen(stripped, facts.movie.title, others):
        problems.append(f"says the user has already seen {facts.movie.title!r}")
    if kind == "explanation" and len(re.findall(r"[.!?](\s|$)|[。！？]", stripped)) > 3:
        problems.append("more than two sentences")
    return Check(not problems, problems)


def sentence_problems(kind: str, sentence: str, facts: Facts) -> list[str]:
    """The checks that belong to one sentence: names, rating claims, links, obeyed injections."""
    problems = [f"names {name}" for name in unknown_names(sentence, facts)]
    if kind == "audience_summary":
        problems += stray_numbers(sentence, facts) + unverified_quotes(sentence, facts)
        problems += reception_misstatements(sentence, facts) + aspect_misstatements(sentence, facts)
    else:
        problems += rating_misstatements(sentence, facts, own_rating=kind == "review_draft")
    if kind in _CLAIM_KINDS and facts.language != "zh":
        problems += _member_claims(kind, sentence, facts)
    if _URL.search(sentence):
        problems.append("a link")
    problems += ["an instruction from a review"] * _reviews_obeyed(sentence, facts)
    return problems


_MIN_SENTENCES = {"review_draft": 2, "explanation": 1, "audience_summary": 2}
# a kept sentence opening with one of these leaned on the sentence dropped before it
# (read on real explanations left with their first sentence dropped: "These films share similar
# themes ...", "It's also a drama, so ...", "You've already enjoyed these films, so ...")
_BACK_REFERENCE = re.compile(
    r"^[\"'“(]*(?:he|she|they|him|her|his|hers|them|their|theirs|these|those|both|such)\b"
    r"|^[^.!?]{0,20}\b(?:also|too|as well)\b|\b(?:these|those|both) (?:films|movies|titles|ones|others)\b",
    re.IGNORECASE,
)


def without_sentences(kind: str, text: str, bad: Callable[[str], bool]) -> str:
    """`text` without its sentences for which `bad` is true, if what is left still reads whole.

    Whole sentences of the model's own go, nothing is reworded, and only while what is left
    still reads whole: at most one sentence in three (at least one), two sentences of a draft
    kept, and no kept sentence opening with a pronoun that pointed into a dropped one.
    Otherwise `text` comes back unchanged. The caller checks the result like any text.
    """
    if kind not in _MIN_SENTENCES:
        return text
    parts = sentences(text)
    dropped = {i for i, s in enumerate(parts) if bad(s)}
    kept = [i for i in range(len(parts)) if i not in dropped]
    if (
        not dropped
        or len(dropped) > max(1, len(parts) // 3)
        or len(kept) < _MIN_SENTENCES[kind]
        or any(i - 1 in dropped and _BACK_REFERENCE.search(parts[i]) for i in kept)
    ):
        return text
    return " ".join(parts[i] for i in kept)


def without_unfounded_sentences(kind: str, text: str, facts: Facts) -> str:
    """`text` without its sentences that name someone the facts do not, or misstate a rating
    (as `without_sentences` allows)."""
    return without_sentences(kind, text, lambda s: bool(sentence_problems(kind, s, facts)))


def parse_questions(text: str) -> list[str]:
    """The questions in `text`: one per line or several on a line, numbering and bullets dropped."""
    pieces = [
        piece.strip()
        for line in text.splitlines()
        for piece in re.split(r"(?<=\?)\s+|(?<=？)", re.sub(r"^\s*(?:[-*•]|\d+[.)、])\s*", "", line))
    ]
    return [p for p in pieces if p.endswith(("?", "？")) and chinese.word_count(p) >= 3]
