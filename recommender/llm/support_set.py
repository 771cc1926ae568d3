"""A labelled set for the support check, made from real film texts, and its calibration maths.

Each film gives a source (the start of its plot text, with its director and cast as a
prompt shows them) and sentences about it:

- supported: a sentence of the source as it stands; the same framed as a member's opinion
  ("What stayed with me: ..."); "<actor> plays <character>" from the plot's "X as Y";
  "<title> was directed by <director>"; "<actor> is in the cast of <title>";
- unsupported, each made from a supported one: a person's name changed to another real
  cast name (another film's actor, or for "X plays Y" another actor of the same film: a
  false statement with true names); a number changed (a year, a count); an event changed
  (a verb turned to its opposite: "kills" to "saves"), or another film's plot sentence
  carried over with this film's names put in its people's places.

Everything is drawn with `random.Random(f"{seed}-{film key}")`, so the set is the same
for the same films and seed, whatever the order they come in. The split is by film: no
film has sentences on both sides.
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass, field

SOURCE_CHARS = 500  # the plot's first sentences up to about this many characters (cost)


@dataclass(frozen=True)
class Film:
    key: str  # stable id (the movie's primary key)
    title: str
    plot: str
    cast: list[str] = field(default_factory=list)
    directors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Pair:
    film: str  # Film.key
    source: str
    sentence: str
    supported: bool
    how: str  # verbatim, opinion, plays, director, cast / name, plays_swap, number, verb, transplant


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_NAME = re.compile(r"\b[A-Z][a-z'’\-]+(?:\s+(?:[A-Z]\.\s*)?[A-Z][a-z'’\-]+)+\b")
_AS_ROLE = re.compile(
    r"\b([A-Z][\w'’\-]+(?:\s+[A-Z][\w'’.\-]+){1,2})\s+as\s+(?:the\s+)?([A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)?)"
)
_NUMBER = re.compile(r"\b(1[89]\d\d|20[0-2]\d|\d{1,3})\b")
_NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve"]
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b")
# plot verbs and their opposites (both ways); an event changed with the names kept
_OPPOSITES = dict(
    pair
    for a, b in [
        ("kills", "saves"),
        ("killed", "saved"),
        ("wins", "loses"),
        ("won", "lost"),
        ("marries", "divorces"),
        ("married", "divorced"),
        ("escapes", "is captured by"),
        ("falls in love with", "comes to hate"),
        ("helps", "betrays"),
        ("joins", "leaves"),
        ("finds", "loses"),
        ("survives", "dies in"),
        ("returns to", "runs away from"),
        ("arrives in", "leaves"),
        ("rescues", "abandons"),
        ("protects", "attacks"),
        ("befriends", "fights"),
        ("defeats", "is defeated by"),
        ("discovers", "hides"),
        ("accepts", "refuses"),
        ("agrees", "refuses"),
        ("begins", "ends"),
        ("older", "younger"),
        ("rich", "poor"),
        ("young", "elderly"),
        ("his wife", "his sister"),
        ("his father", "his son"),
        ("her husband", "her brother"),
        ("her mother", "her daughter"),
        ("comedy", "horror film"),
        ("drama", "musical"),
        ("thriller", "romantic comedy"),
        ("American", "French"),
        ("British", "Canadian"),
    ]
    for pair in ((a, b), (b, a))
)
_OPPOSITE = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in sorted(_OPPOSITES, key=len, reverse=True)) + r")\b"
)
# a sentence about who made or plays in a film: carried over with this film's names, it may be true
_CREDITS = re.compile(
    r"\b(?:cast|starr\w*|stars|directed|director|written|wrote|produced|producer|screenplay|voices?|"
    r"features|role|plays|played|portray\w*)\b",
    re.IGNORECASE,
)
_OPINIONS = [
    "What stayed with me: {s}",
    "I was hooked from the moment I saw that {s}",
    "I loved the film, and I liked that {s}",
    "Honestly it bored me, even though {s}",
]


_ABBREVIATION = re.compile(r"(?:^|[\s.(])(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Lt|Capt|Gen|Col|Sgt|vs)\.$")


def sentences_of(text: str) -> list[str]:
    """`text` cut into sentences, not after an initial or a title ("A. B. Guthrie Jr.", "Mrs. Miller")."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(" ".join(html.unescape(text).split())):
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] += " " + piece
        elif piece:
            out.append(piece)
    return out


def plot_sentences(plot: str, *, chars: int = SOURCE_CHARS) -> list[str]:
    """The plot's first whole sentences, up to about `chars` characters (at least one)."""
    out: list[str] = []
    total = 0
    for sentence in sentences_of(plot):
        if out and total + len(sentence) > chars:
            break
        out.append(sentence)
        total += len(sentence) + 1
    return out


def source_text(film: Film, sentences: list[str]) -> str:
    """What the judge reads: the plot's start, the director and the cast (as a prompt shows them)."""
    lines = [f"Movie: {film.title}"]
    if film.directors:
        lines.append("Director: " + ", ".join(film.directors))
    if film.cast:
        lines.append("Cast: " + ", ".join(film.cast))
    lines.append("Plot: " + " ".join(sentences))
    return "\n".join(lines)


def _lower_first(sentence: str) -> str:
    # "The film follows..." reads on after a colon as "the film follows..."; a name keeps its capital
    first = sentence.split(" ", 1)[0]
    return (
        sentence[0].lower() + sentence[1:] if first in {"The", "A", "An", "In", "It", "After"} else sentence
    )


def _changed_number(sentence: str, rng: random.Random) -> str | None:
    match = _NUMBER.search(sentence)
    if match:
        value = int(match.group(1))
        new = value + rng.choice([-1, 1]) * rng.randint(3, 12) if value >= 1800 else value + rng.randint(1, 4)
        return sentence[: match.start()] + str(new) + sentence[match.end() :]
    word = _NUMBER_WORD.search(sentence)
    if word:
        others = [w for w in _NUMBER_WORDS if w != word.group(1)]
        return sentence[: word.start()] + rng.choice(others) + sentence[word.end() :]
    return None


def _changed_verb(sentence: str, rng: random.Random) -> str | None:
    matches = list(_OPPOSITE.finditer(sentence))
    if not matches:
        return None
    m = rng.choice(matches)
    return sentence[: m.start()] + _OPPOSITES[m.group(1)] + sentence[m.end() :]


# capitalised runs that name no person: awards, places, companies, works
_NOT_PEOPLE = re.compile(
    r"\b(?:Award|Awards|Academy|Best|Festival|Film|Films|Pictures|Studios?|Company|Productions?|New|City|"
    r"University|National|Trilogy|War|Street|Island|Kingdom|States|Theatre|Theater|Times|Records|House|"
    r"Lake|River|Mount|Park|County|Prize|Oscar|Golden|Globe|Library|Congress|Registry|Museum|Bay|Sea)\b"
)


def _names_in(sentence: str, film: Film) -> list[str]:
    """People named in `sentence`: the film's credits first, then other capitalised full names."""
    credited = [n for n in film.cast + film.directors if n and n in sentence]
    spans = [m.group(0) for m in _NAME.finditer(sentence) if not any(m.group(0) in c for c in credited)]
    people = [s for s in spans if not _NOT_PEOPLE.search(s) and film.title not in s and s not in film.title]
    return credited + people


def _changed_name(sentence: str, film: Film, pool: list[str], rng: random.Random) -> str | None:
    names = _names_in(sentence, film)
    if not names:
        return None
    old = rng.choice(names)
    choices = [p for p in pool if p not in sentence and p not in film.cast and p not in film.directors]
    if not choices:
        return None
    return sentence.replace(old, rng.choice(choices))


def _transplant(film: Film, donor: str, donor_film: Film, names: list[str], rng: random.Random) -> str | None:
    """`donor` (a sentence about another film) with this film's title and names in its people's places."""
    text = donor.replace(donor_film.title, film.title)
    spans = list(dict.fromkeys(_names_in(text, donor_film)))
    if not spans or not names:
        return None
    picks = rng.sample(names, min(len(names), len(spans)))
    for span, name in zip(spans, picks, strict=False):
        text = text.replace(span, name)
    if film.title not in text and not any(n in text for n in names):
        return None
    return text


def film_pairs(film: Film, others: list[Film], pool: list[str], *, seed: int) -> list[Pair]:
    """The labelled pairs of one film: about as many unsupported as supported."""
    rng = random.Random(f"{seed}-{film.key}")
    shown = plot_sentences(film.plot)
    source = source_text(film, shown)
    usable = [s for s in shown if 8 <= len(s.split()) <= 45]
    supported: list[tuple[str, str]] = []
    for sentence in rng.sample(usable, min(2, len(usable))):
        supported.append((sentence, "verbatim"))
    if usable:
        frame = rng.choice(_OPINIONS)
        supported.append((frame.format(s=_lower_first(rng.choice(usable))), "opinion"))
    roles = [(a, r) for a, r in _AS_ROLE.findall(" ".join(shown)) if a in film.cast]
    if roles:
        actor, role = rng.choice(roles)
        supported.append((f"{actor} plays {role}.", "plays"))
    if film.directors:
        supported.append((f"{film.title} was directed by {film.directors[0]}.", "director"))
    if film.cast:
        supported.append((f"{rng.choice(film.cast[:5])} is in the cast of {film.title}.", "cast"))

    unsupported: list[tuple[str, str]] = []
    for sentence, how in supported:
        if how == "plays" and len(film.cast) > 1:
            actor = sentence.split(" plays ")[0]
            other = rng.choice([c for c in film.cast[:6] if c != actor and c not in sentence])
            unsupported.append((sentence.replace(actor, other), "plays_swap"))
            continue
        makers = [
            ("name", lambda s: _changed_name(s, film, pool, rng)),
            ("number", lambda s: _changed_number(s, rng)),
            ("verb", lambda s: _changed_verb(s, rng)),
        ]
        rng.shuffle(makers)
        for label, make in makers:
            changed = make(sentence)
            if changed and changed != sentence:
                unsupported.append((changed, label))
                break
    names = film.cast[:5] + [r for _, r in roles]
    for donor_film in rng.sample(others, min(3, len(others))):
        if donor_film.key == film.key:
            continue
        donors = [
            s for s in plot_sentences(donor_film.plot) if 8 <= len(s.split()) <= 40 and not _CREDITS.search(s)
        ]
        changed = _transplant(film, rng.choice(donors), donor_film, names, rng) if donors else None
        if changed:
            unsupported.append((changed, "transplant"))
            break
    pairs = [Pair(film.key, source, s, True, how) for s, how in supported]
    pairs += [Pair(film.key, source, s, False, how) for s, how in unsupported]
    return pairs


def build_pairs(films: list[Film], *, seed: int = 7) -> list[Pair]:
    """Pairs for every film with a plot, in the films' key order (deterministic for a seed)."""
    films = sorted((f for f in films if f.plot.strip()), key=lambda f: f.key)
    pool = sorted({name for f in films for name in f.cast[:8]})
    out: list[Pair] = []
    for film in films:
        others = [f for f in films if f.key != film.key]
        out += film_pairs(film, others, pool, seed=seed)
    return out


def split_by_film(
    pairs: list[Pair], *, held_out: float = 0.4, seed: int = 7
) -> tuple[list[Pair], list[Pair]]:
    """(train, held-out): each film's pairs all on one side, about `held_out` of films held out."""
    keys = sorted({p.film for p in pairs})
    random.Random(f"split-{seed}").shuffle(keys)
    held = set(keys[: round(len(keys) * held_out)])
    return [p for p in pairs if p.film not in held], [p for p in pairs if p.film in held]


@dataclass(frozen=True)
class Flagging:
    """How well `score < threshold` flags the unsupported sentences."""

    threshold: float
    precision: float  # of the flagged, the share unsupported
    recall: float  # of the unsupported, the share flagged
    false_alarms: float  # of the supported, the share flagged
    n_supported: int
    n_unsupported: int


def flagging(scores: list[float], supported: list[bool], threshold: float) -> Flagging:
    flagged = [s < threshold for s in scores]
    tp = sum(f and not ok for f, ok in zip(flagged, supported, strict=True))
    fp = sum(f and ok for f, ok in zip(flagged, supported, strict=True))
    n_un = sum(not ok for ok in supported)
    n_ok = len(supported) - n_un
    return Flagging(
        threshold,
        tp / (tp + fp) if tp + fp else 1.0,
        tp / n_un if n_un else 1.0,
        fp / n_ok if n_ok else 0.0,
        n_ok,
        n_un,
    )


def best_threshold(scores: list[float], supported: list[bool]) -> float:
    """The threshold with the best balanced accuracy (recall of unsupported + of supported) on
    these scores; the midpoint between two neighbouring scores, so it generalises evenly."""
    values = sorted(set(scores))
    candidates = [values[0] - 1.0] + [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)]
    candidates.append(values[-1] + 1.0)

    def balanced(t: float) -> float:
        f = flagging(scores, supported, t)
        return f.recall + (1 - f.false_alarms)

    return max(candidates, key=lambda t: (balanced(t), -abs(t)))
