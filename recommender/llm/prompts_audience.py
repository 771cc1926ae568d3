"""The studio console's audience summary: its prompt facts (figures and quotes only), the task,
and the template text when the generated one fails its checks (prompts.py dispatches here)."""

from __future__ import annotations

from .prompts import MAX_WORDS, AspectFacts, AudienceFacts, Facts, MovieFacts, data_sentences, quote


def _pct(value: int) -> str:
    return f"{value}%"


def reception(net_sentiment: float) -> str:
    """The net sentiment in words (the checks hold a summary's own words to the same scale)."""
    if net_sentiment >= 0.5:
        return "mostly positive reviews"
    if net_sentiment >= 0.2:
        return "more positive than negative reviews"
    if net_sentiment > -0.2:
        return "mixed reviews"
    if net_sentiment > -0.5:
        return "more negative than positive reviews"
    return "mostly negative reviews"


# The same thresholds as the grounding's aspect check (grounding.aspect_misstatements).
PRAISE_MIN_PCT = 50  # an aspect may be called praised when at least half its mentions are positive
BLAME_MIN_PCT = 25  # and criticised when at least a quarter of them are negative


def aspect_verdict(aspect: AspectFacts) -> str:
    """What a summary may say of an aspect, in words."""
    praised, blamed = aspect.positive_pct >= PRAISE_MIN_PCT, aspect.negative_pct >= BLAME_MIN_PCT
    if praised and blamed:
        return "praised by most, criticised by some"
    if praised:
        return "praised"
    if blamed:
        return "criticised"
    return "neither clearly praised nor criticised"


def audience_block(m: MovieFacts, a: AudienceFacts) -> str:
    """A film's audience figures as prompt lines; every number written as a summary may repeat it."""
    lines = [f"Film: {m.label}"]
    if a.ratings is not None and a.average is not None:
        lines.append(f"Ratings: {a.ratings} members rated it, {a.average:.1f} out of 5 on average")
    lines.append(f"Analysed reviews: {a.analysed}")
    if a.net_sentiment is not None:
        lines.append(
            f"Net sentiment of the reviews: {a.net_sentiment:+.2f} "
            f"(the share of positive reviews minus the share of negative ones: {reception(a.net_sentiment)})"
        )
    if a.trend and a.recent_average is not None and a.previous_average is not None:
        lines.append(
            f"Ratings over time: {a.trend}, {a.recent_average:.1f} on average in the last "
            f"{a.trend_months} months against {a.previous_average:.1f} in the {a.trend_months} months before"
        )
    if a.most_praised:
        lines.append(f"Most praised aspect: {a.most_praised}")
    if a.most_criticised:
        lines.append(f"Most criticised aspect: {a.most_criticised}")
    if a.aspects:
        lines.append("Aspects (share of mentions positive and negative, number of reviewers):")
    for aspect in a.aspects:
        line = (
            f"- {aspect.aspect}: {_pct(aspect.positive_pct)} positive, {_pct(aspect.negative_pct)} negative, "
            f"{aspect.reviewers} reviewers; verdict: {aspect_verdict(aspect)}"
        )
        if aspect.quotes:
            line += ". Quotes: " + " ".join(quote(q, limit=300) for q in aspect.quotes)
        lines.append(line)
    return "\n".join(lines)


def _short_quote(a: AudienceFacts, aspect: str, *, max_words: int = 20) -> str:
    for item in a.aspects:
        if item.aspect == aspect:
            for text in item.quotes:
                body = " ".join(data_sentences(text))
                if body and body == text.strip() and len(body.split()) <= max_words and '"' not in body:
                    return body
    return ""


def audience_fallback(m: MovieFacts, a: AudienceFacts) -> str:
    """The summary's template text: the same facts in fixed sentences (it passes the same checks)."""
    by_aspect = {item.aspect: item for item in a.aspects}
    sentences = []
    if a.ratings is not None and a.average is not None:
        sentences.append(f"{m.label} has {a.ratings} ratings, {a.average:.1f} out of 5 on average.")
    reviews = f"Its {a.analysed} analysed reviews"
    if a.net_sentiment is not None:
        sentences.append(f"{reviews} have a net sentiment of {a.net_sentiment:+.2f}.")
    else:
        sentences.append(f"{reviews} are summarised here.")
    praised = by_aspect.get(a.most_praised)
    if praised:
        sentences.append(
            f"Reviewers praise its {praised.aspect} most: {_pct(praised.positive_pct)} of mentions are "
            f"positive ({praised.reviewers} reviewers)."
        )
        said = _short_quote(a, praised.aspect)
        if said:
            sentences.append(f'One wrote: "{said}"')
    criticised = by_aspect.get(a.most_criticised)
    if criticised:
        sentences.append(
            f"Its {criticised.aspect} draws the most criticism: {_pct(criticised.negative_pct)} of mentions "
            f"are negative ({criticised.reviewers} reviewers)."
        )
    if a.trend and a.recent_average is not None and a.previous_average is not None:
        sentences.append(
            f"Ratings are {a.trend}: {a.recent_average:.1f} on average in the last {a.trend_months} months "
            f"against {a.previous_average:.1f} before."
        )
    return " ".join(sentences)


def audience_task(facts: Facts, *, strict: bool) -> tuple[str, list[str], str]:
    """The audience summary's prompt: what the system message adds, the facts' parts, the task."""
    m = facts.movie
    extra = " Copy every number exactly as the facts write it, and add no other number." if strict else ""
    audience = facts.audience or AudienceFacts(analysed=0)
    parts = [audience_block(m, audience)]
    limit = MAX_WORDS["audience_summary"] - (25 if strict else 15)
    aspects = [a.aspect for a in audience.aspects]
    if aspects:
        scope = (
            "what reviewers praise and what they criticise, speaking only of "
            + ", ".join(aspects)
            + " and each as its verdict above says; say nothing about any other part of the film. "
            "You may quote one or two short phrases copied word for word from the quotes, inside "
            "double quotation marks. "
        )
    else:
        scope = (
            "Fewer than 5 reviewers wrote about any one part of the film, so say nothing about its "
            "story, acting, characters, visuals, music, pacing, humour or emotional impact. "
        )
    task = (
        f"Write one paragraph for the studio that made {m.title}, in 2 to 4 sentences and under "
        f"{limit} words: how audiences received it (citing two or three of the figures); "
        + scope
        + "Use only the figures above, each written exactly as it is there. "
        "Name no person and never say who wrote a quote. Output only the paragraph."
    )
    return extra, parts, task
