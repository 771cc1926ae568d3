""" "What audiences say" on the movie page: its facts, its prompt and the source the support
check reads.

The facts are counts over a film's visible, analysed reviews (recommender.audiences.facts):
how many are positive, negative and mixed, and for each part of the film (the sentiment
model's aspects) in how many reviews it is mentioned, praised and criticised. They extend
the studio summary's `AudienceFacts`, so the same grounding checks (numbers, quotes,
reception, aspects; recommender.llm.grounding.audience) judge this text too; the counts
a reader's guide cites ("11 of the 23 reviews") are figures of these facts.

No Django, no torch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .prompts import SYSTEM, AspectFacts, AudienceFacts, Facts, MovieFacts, UserFacts, data_sentences
from .prompts_audience import BLAME_MIN_PCT, PRAISE_MIN_PCT

MIN_SENTENCES, MAX_SENTENCES = 2, 4
MAX_WORDS = 85  # the grounding's limit for audience texts (prompts.MAX_WORDS["audience_summary"])
MAX_NEW_TOKENS = 140
ASPECT_WORDS = {"emotional impact": "emotional impact", "humour": "humour"}  # how a sentence names them


@dataclass
class ReaderAspect(AspectFacts):
    """One part of the film in a film's reviews; `reviewers` is the number of reviews that
    mention it (one review per member and film), the shares are of those reviews."""

    praising: int = 0  # reviews whose mentions of it are mostly positive
    criticising: int = 0  # reviews whose mentions of it are mostly negative


@dataclass
class ReaderFacts(AudienceFacts):
    """The counts "What audiences say" may cite; `analysed` is the number of reviews counted."""

    positive: int = 0
    negative: int = 0
    mixed: int = 0
    spoilers_included: bool = False
    aspects: list[AspectFacts] = field(default_factory=list)  # ReaderAspect items

    def figures(self) -> list[float]:
        values = [*super().figures(), float(self.positive), float(self.negative), float(self.mixed)]
        for a in self.aspects:
            values += [float(getattr(a, "praising", 0)), float(getattr(a, "criticising", 0))]
        return values


def reader_facts_to_json(facts: Facts) -> dict[str, Any]:
    assert isinstance(facts.audience, ReaderFacts)
    return {"title": facts.movie.title, "year": facts.movie.year, "audience": asdict(facts.audience)}


def reader_facts_from_json(data: dict[str, Any]) -> Facts:
    audience = dict(data["audience"])
    audience["aspects"] = [ReaderAspect(**a) for a in audience.get("aspects", [])]
    return Facts(
        movie=MovieFacts(title=data["title"], year=data.get("year")),
        user=UserFacts(),
        audience=ReaderFacts(**audience),
    )


def share_word(count: int, total: int) -> str:
    """The quantifier a sentence may use for `count` of `total` reviews (the checks hold it to
    the same scale: audiences_checks.quantifier_misstatements)."""
    if total and count >= 0.9 * total:
        return "nearly all"
    if total and count > total / 2:
        return "most"
    if total and count >= total / 4:
        return "many"
    if count >= 2:
        return "several"
    return "one" if count == 1 else "none"


def aspect_name(aspect: str) -> str:
    return ASPECT_WORDS.get(aspect, aspect)


def _aspects(facts: ReaderFacts) -> list[ReaderAspect]:
    return [a for a in facts.aspects if isinstance(a, ReaderAspect)]


def facts_block(m: MovieFacts, a: ReaderFacts) -> str:
    """The counts as prompt lines; every number is one a text may repeat."""
    n = a.analysed
    lines = [
        f"Film: {m.label}",
        f"Reviews counted: {n} ({a.positive} positive, {a.negative} negative, {a.mixed} mixed; "
        f"positive ones are {share_word(a.positive, n)} of them)",
        "What the reviews say about each part of the film (each review counts once per part):",
    ]
    for item in _aspects(a):
        lines.append(
            f"- the {aspect_name(item.aspect)}: mentioned in {item.reviewers} of the {n} reviews; "
            f"{item.praising} of them praise it ({share_word(item.praising, n)} of the {n} reviews), "
            f"{item.criticising} criticise it ({share_word(item.criticising, n)} of the {n} reviews)"
        )
    if a.most_praised:
        lines.append(f"Most praised: the {aspect_name(a.most_praised)}")
    if a.most_criticised:
        lines.append(f"Most criticised: the {aspect_name(a.most_criticised)}")
    return "\n".join(lines)


def phrases(a: ReaderFacts) -> list[str]:
    """Statements the counts bear out, for the model to build its sentences from word for word.

    A 1.5B model asked to pick quantifiers and verdicts from a table misstates them (it called
    the visuals "most" praised when 4 of 35 reviews did, or praised a part whose mentions were
    mostly negative); given the statements it only has to join them. Praise is offered where at
    least two reviews praise a part and at least half its mentions are positive, criticism where
    two criticise it and a quarter of its mentions are negative (the checks' thresholds).
    """
    n = a.analysed
    out = []
    if a.positive >= 2:
        out.append(f"{a.positive} of the {n} reviews are positive")
    if a.negative >= 2:
        out.append(f"{a.negative} of the {n} reviews are negative")
    for item in _aspects(a):
        name = aspect_name(item.aspect)
        if item.praising >= 2 and item.positive_pct >= PRAISE_MIN_PCT:
            out.append(f"{item.praising} of the {n} reviews praise the {name}")
        if item.criticising >= 2 and item.negative_pct >= BLAME_MIN_PCT:
            out.append(f"{item.criticising} of the {n} reviews criticise the {name}")
    return out


# One worked example (another film, other numbers): the 1.5B model wrote freely from the
# statements ("the story is well-told and engaging") until it was shown how they are joined.
EXAMPLE = (
    "EXAMPLE (another film)\nSTATEMENTS\n- 12 of the 20 reviews are positive\n"
    "- 9 of the 20 reviews praise the acting\n- 5 of the 20 reviews criticise the pacing\n"
    "ANSWER\n12 of the 20 reviews are positive. 9 of the 20 reviews praise the acting, while 5 of "
    "the 20 reviews criticise the pacing.\n\n"
)


def messages(facts: Facts, *, strict: bool = False, problems: str = "") -> list[dict[str, str]]:
    """The prompt: a reader's guide to what the film's reviewers praise and criticise."""
    m = facts.movie
    audience = facts.audience
    assert isinstance(audience, ReaderFacts)
    system = SYSTEM
    if strict:
        system += (
            " Your previous answer broke the rules"
            + (f" ({problems})" if problems else "")
            + ". Copy every number exactly as the facts write it, add no other number, and say only "
            "what the counts say."
        )
    limit = MAX_WORDS - (25 if strict else 15)
    statements = phrases(audience)
    task = (
        f"Write 2 to 4 sentences for members deciding whether to watch {m.title}: what its reviewers "
        "praise and what they criticise. Build every sentence from the STATEMENTS above, copied word "
        "for word with their numbers; you may join two statements with 'while' or 'but', and begin a "
        "sentence with 'Overall,' or 'On the other hand,'. Say nothing that is not one of the "
        f"statements: no other part of the film, no other number, no 'most' or 'all'. Keep it under "
        f"{limit} words. Name no person, do not quote the reviews (quotes are shown beside your text), "
        "never write 'I' or 'we'. Output only the sentences."
    )
    user = (
        EXAMPLE
        + "FACTS\n"
        + facts_block(m, audience)
        + "\n\nSTATEMENTS\n"
        + "\n".join(f"- {p}" for p in statements)
        + "\n\nTASK\n"
        + task
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def echo_source(prompt: str) -> str:
    """The prompt a text may not copy from: without the film's statements, which it is asked to
    copy (the worked example stays: copying it is an echo)."""
    head, found, rest = prompt.rpartition("\n\nSTATEMENTS\n")
    if not found:
        return prompt
    return head + "\n\nTASK\n" + rest.split("\n\nTASK\n", 1)[-1]


def support_source(facts: Facts) -> str:
    """The facts as plain statements, for the support check to judge each sentence against."""
    m, a = facts.movie, facts.audience
    assert isinstance(a, ReaderFacts)
    n = a.analysed
    lines = [
        f"{m.label} has {n} reviews: {a.positive} of them are positive, {a.negative} negative and "
        f"{a.mixed} mixed. Positive reviews are {share_word(a.positive, n)} of them; negative reviews "
        f"are {share_word(a.negative, n)} of them."
    ]
    for item in _aspects(a):
        name = aspect_name(item.aspect)
        lines.append(
            f"The {name} is mentioned in {item.reviewers} of the {n} reviews: {item.praising} reviews "
            f"({share_word(item.praising, n)} of the {n}) praise the {name} and {item.criticising} reviews "
            f"({share_word(item.criticising, n)} of the {n}) criticise the {name}."
        )
    if a.most_praised:
        lines.append(f"The most praised part is the {aspect_name(a.most_praised)}.")
    if a.most_criticised:
        lines.append(f"The most criticised part is the {aspect_name(a.most_criticised)}.")
    quotes = [" ".join(data_sentences(q)) for q in a.quotes()]
    if quotes:
        lines.append("Reviewers wrote: " + " ".join(f'"{q}"' for q in quotes if q))
    return "\n".join(lines)
