"""Checks every generated text passes before it is stored.

A text fails when it names a person or movie that is not in the facts, is too long or
too short, repeats the prompt, or follows instructions smuggled into quoted review
text. The checks are deliberately conservative: a false alarm costs one retry or a
template text; a false pass puts an invented fact on a user's page.
"""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass, field

from .lexicon import ASPECTS as ASPECT_LEXICON
from .prompts import (
    BLAME_MIN_PCT,
    MAX_WORDS,
    MIN_WORDS,
    PRAISE_MIN_PCT,
    SYSTEM,
    Facts,
    UserFacts,
    injected_sentences,
    plot_excerpt,
)

# Capitalised words that are not names of people or movies.
_COMMON = {
    "i",
    "i'm",
    "i've",
    "i'd",
    "i'll",
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "it's",
    "my",
    "me",
    "we",
    "you",
    "your",
    "you're",
    "you'll",
    "you've",
    "he",
    "she",
    "they",
    "his",
    "her",
    "their",
    "what",
    "why",
    "how",
    "who",
    "when",
    "where",
    "which",
    "would",
    "could",
    "should",
    "do",
    "does",
    "did",
    "is",
    "are",
    "was",
    "were",
    "can",
    "will",
    "if",
    "as",
    "and",
    "but",
    "or",
    "so",
    "yet",
    "for",
    "with",
    "while",
    "although",
    "though",
    "overall",
    "in",
    "on",
    "at",
    "of",
    "to",
    "from",
    "by",
    "after",
    "before",
    "since",
    "because",
    "still",
    "also",
    "even",
    "not",
    "no",
    "yes",
    "oh",
    "ok",
    "okay",
    "all",
    "some",
    "one",
    "two",
    "three",
    "first",
    "second",
    "third",
    "finally",
    "both",
    "each",
    "every",
    "there",
    "however",
    "plus",
    "then",
    "now",
    "ai",
    "dvd",
    "tv",
    "film",
    "films",
    "movie",
    "movies",
    "story",
    "acting",
    "characters",
    "visuals",
    "music",
    "pacing",
    "humour",
    "humor",
    "emotional",
    "impact",
    "hollywood",
    "oscar",
    "oscars",
    "english",
    "american",
    "british",
    "french",
    "german",
    "italian",
    "japanese",
    "spanish",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "christmas",
    "god",
    "mr",
    "mrs",
    "ms",
    "dr",
    "question",
    "questions",
    "review",
    "rating",
    "stars",
    "star",
    "fans",
    "fan",
    "viewers",
    "discussion",
    "great",
    "good",
    "loved",
    "love",
    "absolutely",
    "definitely",
    "really",
    "truly",
    "given",
    "based",
    "thanks",
    "have",
    "has",
    "had",
    "let's",
    "here",
    "here's",
    "consider",
    "think",
    "director",
    "cast",
    "plot",
    "genre",
    "genres",
}
# Capitalised words that name no person and no movie: peoples, languages, places and film
# terms ("a Russian novel", "Ancient Egypt", "the CGI"). The rule is about people and films.
_NOT_NAMES = frozenset(
    re.findall(
        r"\S+",
        """
    american british english french german italian spanish russian japanese chinese korean indian
    irish scottish welsh australian canadian mexican brazilian swedish danish norwegian dutch greek
    roman egyptian persian african european asian latin hispanic soviet victorian medieval ancient
    america britain england france germany italy spain russia japan china korea india ireland
    scotland australia canada mexico brazil sweden denmark norway greece rome egypt africa europe
    asia paris london new york los angeles hollywood bollywood earth moon mars christmas bible
    cgi imax 3d tv dvd oscar oscars academy golden globe cannes
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""",
    )
)
_NAME_SPAN = re.compile(
    r"[A-Z][\w'’\-]*(?:\s+(?:of|the|and|de|da|di|del|van|von|le|la|&)?\s*[A-Z][\w'’\-]*)*"
)
WORD = re.compile(r"[\w'’]+")
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


def _tokens(text: str) -> set[str]:
    words = {w.lower().replace("’", "'") for w in WORD.findall(text)}
    return words | {w[:-2] for w in words if w.endswith("'s")}


def _ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    words = [w.lower() for w in WORD.findall(text)]
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _texts_shown(facts: Facts) -> list[str]:
    """The texts a prompt shows whose names are facts too: the plot excerpt (the draft prompt
    shows it) and the user's own reviews without their injected sentences."""
    shown = [plot_excerpt(facts.movie)]
    for text in facts.quoted_texts():
        injected = set(injected_sentences(text))
        shown.append(" ".join(s for s in re.split(r"(?<=[.!?])\s+", text) if s not in injected))
    return shown


def allowed_name_tokens(facts: Facts) -> set[str]:
    allowed = set()
    for name in facts.names():
        allowed |= _tokens(name)
    for text in _texts_shown(facts):
        allowed |= _tokens(text)
    return allowed


def _known(word: str, allowed: set[str]) -> bool:
    w = word.lower().replace("’", "'").strip("'")
    if w in allowed or w in _COMMON or w in _NOT_NAMES or len(w) == 1:
        return True  # a lone initial ("John F.") names no one; the words around it still count
    if w.endswith("'s"):
        w = w[:-2]
    if w in allowed or w in _COMMON:
        return True
    # a plural or singular of a known word: "Westerns" for the genre Western, "Stooge" in The Three Stooges
    if (w + "s") in allowed or (w.endswith("s") and w[:-1] in allowed):
        return True
    # "Oscar-worthy", "Mann-directed": the capitalised head decides
    head, _, tail = w.partition("-")
    return bool(tail) and (head in allowed or head in _COMMON)


# Wars and eras are capitalised but name no person or film ("World War II", "52 BC").
_EVENTS = re.compile(
    r"\b(?:World War (?:I{1,2}|One|Two)|First World War|Second World War|Civil War)\b"
    r"|\b\d+\s*(?:BC|BCE|AD|CE)\b|\b(?:AD|BC)\s*\d+\b"
)


_AFTER_STOP = re.compile(r"(^|[.!?:;\"\n]\s*)$")
# a period after an initial or a title ends no sentence: "J.D. Salinger", "Dr. Strangelove"
_AFTER_ABBREVIATION = re.compile(r"(?:^|[\s.(\"])(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof)\.\s*$")


def sentences(text: str) -> list[str]:
    """`text` cut after each ".", "!" or "?" that ends a sentence, not after an initial or a
    title: "John F. Kennedy" and "Dr. Kinsey" stay whole."""
    out: list[str] = []
    for piece in re.split(r"(?<=[.!?])\s+", text.strip()):
        if out and _AFTER_ABBREVIATION.search(out[-1]):
            out[-1] += " " + piece
        elif piece:
            out.append(piece)
    return out


def opens_sentence(text: str, start: int) -> bool:
    """Does the word at `start` open a sentence (or a quote, or a line)?"""
    before = text[max(0, start - 8) : start]
    return bool(_AFTER_STOP.search(before)) and not _AFTER_ABBREVIATION.search(before)


def unknown_names(text: str, facts: Facts) -> list[str]:
    """Capitalised names in `text` that the facts do not contain."""
    text = _EVENTS.sub(" ", text)
    allowed = allowed_name_tokens(facts)
    found = []
    for match in _NAME_SPAN.finditer(text):
        span = match.group(0)
        words = [w for w in re.split(r"\s+", span) if w]
        start = match.start()
        at_sentence_start = opens_sentence(text, start)
        # drop common leading words ("The", "I", "Overall") before judging the rest
        while words and words[0].lower().strip("'’") in _COMMON:
            words = words[1:]
            at_sentence_start = False
        if not words:
            continue
        if len(words) == 1 and at_sentence_start and words[0].lower() not in allowed:
            # a lone capitalised word opening a sentence is usually an ordinary word
            continue
        bad = [w for w in words if not _known(w, allowed)]
        if bad:
            found.append(" ".join(words))
    return found


_CAP_WORD = re.compile(r"[A-Z][\w'’\-]*")


class NameGuard:
    """Tells, while a text is being generated, whether it has started a name the facts lack.

    Decoding asks it about each candidate next token (generation.py): a capitalised word in
    mid-sentence must be on its way to a word the checks accept (a name from the facts, a
    common word, a nationality...), so the model picks another token instead of "Smaug".
    A sentence's first word is left alone, as the checks leave a lone one alone: "Tense"
    opens many a review. The checks still run on the finished text.
    """

    def __init__(self, facts: Facts) -> None:
        self.allowed = allowed_name_tokens(facts)
        # what a capitalised word may be on its way to: the words of the names in the facts
        # and the capitalised words of the texts shown; not every word of a review ("P" is
        # not the start of "performance"), nor the common words ("Chris" is not on its way
        # to "Christmas" but to "Chris Evans")
        shown = " ".join(_texts_shown(facts))
        self._name_words = sorted(
            _tokens(" ".join(facts.names())) | _tokens(" ".join(_CAP_WORD.findall(shown)))
        )

    def _known(self, word: str) -> bool:
        """As the checks judge a finished word; a lone capital ("J.", "P") only from a name given."""
        if len(word) == 1 and word not in "IA":
            return word.lower() in self._name_words
        return _known(word, self.allowed)

    def _could_become_known(self, word: str) -> bool:
        """A capitalised word still being written may yet become one the checks accept."""
        if self._known(word):
            return True
        p = word.lower().replace("’", "'")
        i = bisect.bisect_left(self._name_words, p)
        if i < len(self._name_words) and self._name_words[i].startswith(p):
            return True
        # a known word, then the start of a possessive or hyphenated tail: "Mann'", "Mann-dir"
        head = re.split(r"['’\-]", word, maxsplit=1)[0]
        return head != word and self._known(head)

    def allows(self, before: str, after: str) -> bool:
        """May the text grow from `before` to `after` (one more token)?"""
        edge = len(os.path.commonprefix([before, after]))
        start = max(0, edge - 64)
        while start > 0 and not after[start - 1].isspace():
            start -= 1
        for match in _CAP_WORD.finditer(after, start):
            if match.end() < edge or (match.end() == edge and len(after) == edge):
                continue  # written before this token, and not closed by it
            if opens_sentence(after, match.start()):
                continue
            word = match.group(0)
            still_writing = match.end() == len(after)
            if not (self._could_become_known(word) if still_writing else self._known(word)):
                return False
        return True


_STARS = re.compile(r"(\d(?:\.\d)?)\s*(?:/\s*5|-?\s*stars?|out of (?:5|five))", re.IGNORECASE)
_PRAISE = re.compile(
    r"\b(lov(?:e|ed|es)|ador(?:e|ed)|favou?rite|masterpiece|brilliant|superb|excellent|strong|"
    r"great|wonderful|amazing|enjoy(?:ed)?|stunning|terrific|outstanding)\b",
    re.IGNORECASE,
)
_BLAME = re.compile(
    r"\b(hat(?:e|ed|es)|dislik(?:e|ed)|disappoint(?:ing|ed|ment)|weak|boring|dull|awful|terrible|"
    r"poor|bad|worst|mediocr(?:e|ity)|tedious|predictable|stale|overwrought|repetitive|forgettable|"
    r"lacklust(?:er|re)|underwhelm(?:ing|ed)|bland|tiresome|clich(?:e|é)d?|dragg(?:ed|ing|s)|flat|"
    r"messy|uneven|shallow|thin|fall(?:s)? short|fell short|letdown|let down)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(not|never|no|hardly|despite)\b|n't\b", re.IGNORECASE)


# "didn't enjoy", "not great", "never boring": a negation a few words before the word turns it
_NEGATED = r"(?:\b(?:not|never|hardly)|n't)\s+(?:\w+\s+){0,2}?"


def _tone(text: str) -> tuple[int, int]:
    """How many words of praise and of blame `text` holds, negated ones counted the other way."""
    praise, blame = len(_PRAISE.findall(text)), len(_BLAME.findall(text))
    negated_praise = len(re.findall(_NEGATED + _PRAISE.pattern, text, re.IGNORECASE))
    negated_blame = len(re.findall(_NEGATED + _BLAME.pattern, text, re.IGNORECASE))
    return praise - negated_praise + negated_blame, blame - negated_blame + negated_praise


_CLAUSES = re.compile(
    r"(?<=[.!?])\s+|[,;:]\s*|\s+(?:and|but|while|whereas|yet|though|although)\s+", re.IGNORECASE
)


def rating_misstatements(text: str, facts: Facts, *, own_rating: bool = False) -> list[str]:
    """Claims about the user's ratings that the facts contradict.

    - a star figure ("4 stars", "4.5/5") that is none of the ratings in the facts;
    - a clause that names a movie the user rated at most 2 stars together with praise
      ("you loved Miami Vice"), or one rated at least 4 stars together with blame, unless
      the clause hedges ("not", "never"). Clauses, not sentences: "you loved Heat and
      disliked Miami Vice" says two true things.

    ``own_rating``: the user's rating of the movie itself is among the facts (drafts); its
    star figure may be quoted, and the draft's overall tone is checked against it elsewhere
    (a 1.5-star review may still say the film "looks stunning").
    """
    ratings = dict(facts.user.ratings)
    known = {round(v * 2) / 2 for v in ratings.values()}
    if own_rating and facts.rating is not None:
        known.add(round(facts.rating * 2) / 2)
    problems = []
    for match in _STARS.finditer(text):
        stars = float(match.group(1))
        if 0 < stars <= 5 and stars not in known:
            problems.append(f"{match.group(0).strip()} is not one of the user's ratings")
    for clause in _CLAUSES.split(text):
        lowered = clause.lower()
        if not lowered.strip() or _NEGATION.search(clause):
            continue
        for title, stars in ratings.items():
            if len(title) < 3 or title.lower() not in lowered:
                continue
            if stars <= 2 and _PRAISE.search(clause):
                problems.append(f"praises {title!r}, which the user rated {stars:g} stars")
            elif stars >= 4 and _BLAME.search(clause):
                problems.append(f"runs down {title!r}, which the user rated {stars:g} stars")
    return problems


_SEEN_VERBS = (
    r"(?:gave|give|rated|rate|lov(?:e|ed)|found|find|enjoyed|liked|watched|saw|seen|thought|praised)"
)
_ADVERB = r"(?:(?:already|really|truly|also|clearly|once)\s+)?"


def _claims_seen(text: str, title: str) -> bool:
    """An explanation recommends a movie the user has not rated: "you gave it 3 stars" or
    "Roma, which you love" says otherwise."""
    target = rf"(?:it|{re.escape(title)})"
    patterns = (
        rf"\byou(?:'ve| have)?\s+{_ADVERB}{_SEEN_VERBS}\s+{target}\b",
        rf"\b{re.escape(title)}\b[^.;]*?\b(?:that|which)\s+you\s+(?:already\s+)?{_SEEN_VERBS}\b",
    )
    return any(re.search(p, text, re.IGNORECASE) for p in patterns)


def _reviews_obeyed(text: str, facts: Facts) -> int:
    """How many quoted reviews hold an injected sentence that `text` shares 4 words in a row with."""
    grams = _ngrams(text, 4)
    return sum(
        any(grams & _ngrams(sentence, 4) for sentence in injected_sentences(quoted))
        for quoted in facts.quoted_texts()
    )


# Quoted text in a summary: straight or curly double quotation marks (single ones are apostrophes).
_QUOTED = re.compile(r'"([^"\n]*)"|“([^”\n]*)”')
_NUMBER = re.compile(
    r"(?<![\w.,])([+\-−]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
    r"(?:(%|\s?per\s?cent\b|\s?percent\b)|(s|st|nd|rd|th)\b)?(?![\w%])"
)
_COUNT_WORDS = (
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty"
)
# "one of the reviewers" and "none" are not figures; the rest are
_NUMBER_WORDS = {w: float(v) for v, w in enumerate(_COUNT_WORDS.split(), start=2)} | {  # noqa: SIM905
    "thirty": 30.0,
    "forty": 40.0,
    "fifty": 50.0,
    "hundred": 100.0,
    "thousand": 1000.0,
    "dozen": 12.0,
}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)


def _plain(text: str) -> str:
    """Typographic quotes and apostrophes made straight, runs of spaces made one."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip()


def quoted_passages(text: str) -> list[str]:
    """The passages of `text` inside double quotation marks."""
    return [m.group(1) if m.group(1) is not None else m.group(2) for m in _QUOTED.finditer(text)]


def is_verbatim(passage: str, sources: list[str]) -> bool:
    """Is `passage` (its end punctuation aside) a run of whole words of one of `sources`?

    Case counts, except for the first letter (a quote may start mid-sentence or open one).
    """
    body = _plain(passage).strip(" .,;:!?…-")
    if not body:
        return False
    pattern = re.compile(
        r"(?<!\w)[" + re.escape(body[0].lower() + body[0].upper()) + "]" + re.escape(body[1:]) + r"(?!\w)"
    )
    return any(pattern.search(_plain(source)) for source in sources)


def unverified_quotes(text: str, facts: Facts) -> list[str]:
    """Quoted passages of a summary that are not verbatim from the facts' quotes."""
    sources = facts.audience.quotes() if facts.audience else []
    problems = [
        f"quote not verbatim from the reviews: {q!r}"
        for q in quoted_passages(text)
        if not is_verbatim(q, sources)
    ]
    if _plain(_QUOTED.sub(" ", text)).count('"'):
        problems.append("an unclosed quotation mark")
    return problems


def _without_quotes_and_title(text: str, facts: Facts) -> str:
    text = _QUOTED.sub(" ", text)
    if facts.movie.title:
        text = re.sub(re.escape(facts.movie.title), " ", text, flags=re.IGNORECASE)
    return text


def stray_numbers(text: str, facts: Facts) -> list[str]:
    """Numbers in a summary (outside quotes and the title) that are none of the facts' figures.

    A figure may be written without its sign ("a net sentiment of 0.42"), a share as "62%"
    or "62 percent", a count in words ("six reviewers"); the film's year and its decade
    ("the 1990s") are facts too. Rounding is not allowed: the prompt gives every figure
    already rounded, so "4" for an average of 3.9 is a different number.
    """
    figures = facts.audience.figures() if facts.audience else []
    year = facts.movie.year
    problems = []
    rest = _without_quotes_and_title(text, facts)
    for match in _NUMBER.finditer(rest):
        sign, digits, decimals, _percent, suffix = match.groups()
        value = float(digits.replace(",", "") + (decimals or ""))
        if year and (value == year or (suffix == "s" and value == year // 10 * 10)):
            continue
        signed = -value if sign in ("-", "−") else value
        if sign:
            ok = any(abs(signed - f) < 0.005 for f in figures)
        else:
            ok = any(abs(value - abs(f)) < 0.005 for f in figures)
        if not ok:
            problems.append(f"number not in the facts: {match.group(0).strip()}")
    for match in _NUMBER_WORD.finditer(rest):
        value = _NUMBER_WORDS[match.group(1).lower()]
        if not any(abs(value - f) < 0.005 for f in figures):
            problems.append(f"number not in the facts: {match.group(1)}")
    return problems


# How a summary characterises the reception as a whole, checked against the net sentiment.
_WELL_RECEIVED = re.compile(
    r"\b(?:well[- ]received|(?:critically |widely |universally )?acclaimed|rave reviews|glowing reviews"
    r"|(?:largely |mostly |overwhelmingly |generally )?positive (?:reviews|reception|response)"
    r"|critical success|warmly received|widely praised|universally praised)\b",
    re.IGNORECASE,
)
_BADLY_RECEIVED = re.compile(
    r"\b(?:poorly received|badly received|panned|critical failure|flop"
    r"|(?:largely |mostly |overwhelmingly |generally )?negative (?:reviews|reception|response))\b",
    re.IGNORECASE,
)
_MIXED = re.compile(
    r"\b(?:mixed (?:reviews|reception|response)|divided|polari[sz]ed|lukewarm)\b", re.IGNORECASE
)
_NOT_BEFORE = re.compile(r"(?:\b(?:not|never|hardly)|n't)\s+(?:\w+\s+)?$", re.IGNORECASE)
# a quote given an author: the console's quotes are unattributed, and the facts name no author
_ATTRIBUTED = re.compile(
    r"[\"”]\s*,?\s*(?:by|from|says|said|writes|wrote|according to|notes|noted)\s+(?:critic\s+)?[A-Z]"
)


def _said(pattern: re.Pattern[str], text: str) -> str:
    """The first phrase of `pattern` in `text` that is not negated ("not well received")."""
    for match in pattern.finditer(text):
        if not _NOT_BEFORE.search(text[: match.start()]):
            return match.group(0)
    return ""


def _negated(pattern: re.Pattern[str], text: str) -> str:
    for match in pattern.finditer(text):
        if _NOT_BEFORE.search(text[: match.start()]):
            return "not " + match.group(0)
    return ""


def reception_misstatements(text: str, facts: Facts) -> list[str]:
    """A summary's word for the overall reception that its net sentiment contradicts, and quotes
    given an author."""
    net = facts.audience.net_sentiment if facts.audience else None
    problems = []
    if _ATTRIBUTED.search(text):
        problems.append("attributes a quote to someone")
    if net is None:
        return problems
    own = _QUOTED.sub(" ", text)
    good, bad, mixed = _said(_WELL_RECEIVED, own), _said(_BADLY_RECEIVED, own), _said(_MIXED, own)
    # "not well received" says the opposite
    good, bad = good or _negated(_BADLY_RECEIVED, own), bad or _negated(_WELL_RECEIVED, own)
    if good and net <= -0.3:
        problems.append(f"says {good!r} but the net sentiment is {net:+.2f}")
    if bad and net >= 0.3:
        problems.append(f"says {bad!r} but the net sentiment is {net:+.2f}")
    if mixed and abs(net) >= 0.5:
        problems.append(f"says {mixed!r} but the net sentiment is {net:+.2f}")
    return problems


# What a summary says about an aspect, in the model's own words, checked against that aspect's
# figures. The words that name an aspect are the sentiment model's lexicon without those that
# often mean something else in a summary ("score" of a rating, "comedy" the genre, "written by").
_NOT_ASPECT_WORDS = frozenset(
    [
        "score",
        "sound",
        "written",
        "writer",
        "played",
        "plays",
        "role",
        "roles",
        "starring",
        "comedy",
        "comic",
        "musical",
        "beautiful",
        "length",
    ]
)
_ASPECT_WORD = {
    aspect: re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in words if w not in _NOT_ASPECT_WORDS) + r")\b"
    )
    for aspect, words in ASPECT_LEXICON.items()
}
_ASPECT_BLAME = re.compile(
    r"\b(?:lack\w*|criticis\w*|criticiz\w*|weak\w*|poor\w*|slow\w*|dull|flat|disappoint\w*|drag\w*"
    r"|fail\w*|flaw\w*|problem\w*|uneven|thin|tedious|boring|clumsy|complain\w*|fell short|falls short"
    r"|underdeveloped|shallow|predictable|forgettable|mediocre|bad|worst|faults?|negative)\b",
    re.IGNORECASE,
)
_ASPECT_PRAISE = re.compile(
    r"\b(?:prais\w*|strong\w*|excellent|great|impressive|impressed|outstanding|superb|brilliant"
    r"|highlights?|laud\w*|admir\w*|enjoy\w*|loved|standout|stand-out|best|compelling|remarkable"
    r"|engaging|memorable|positive|applaud\w*|commend\w*|well[- ]crafted|well[- ]executed)\b",
    re.IGNORECASE,
)
# a sentence's clauses: praise and blame in "praised for X but criticised for Y" belong apart
_ASPECT_CLAUSE_BREAK = re.compile(
    r"\bbut\b|\bwhile\b|\bwhereas\b|\balthough\b|\bthough\b|\bhowever\b|;", re.I
)


def aspect_misstatements(text: str, facts: Facts) -> list[str]:
    """Aspects a summary speaks of that fewer than 5 reviewers wrote about, or that it praises or
    blames against their figures ("criticised for its pacing" when 90% of pacing mentions are
    positive). Quoted passages are the reviewers' words and are checked as quotes instead."""
    if not facts.audience:
        return []
    known = {a.aspect: a for a in facts.audience.aspects}
    problems: list[str] = []
    own = _QUOTED.sub(" ", text)
    clauses = [c for sentence in sentences(own) for c in _ASPECT_CLAUSE_BREAK.split(sentence)]
    for clause in clauses:
        low = clause.lower()
        for aspect, pattern in _ASPECT_WORD.items():
            if not pattern.search(low):
                continue
            fact = known.get(aspect)
            if fact is None:
                problems.append(f"speaks of {aspect}, which fewer than 5 reviewers wrote about")
                continue
            blame = _said(_ASPECT_BLAME, low)
            praise = _said(_ASPECT_PRAISE, low)
            if blame and not praise and fact.negative_pct < BLAME_MIN_PCT:
                problems.append(
                    f"blames the {aspect} ({blame!r}) but {fact.negative_pct}% of its mentions are negative"
                )
            if praise and not blame and fact.positive_pct < PRAISE_MIN_PCT:
                problems.append(
                    f"praises the {aspect} ({praise!r}) but {fact.positive_pct}% of its mentions are positive"
                )
    return list(dict.fromkeys(problems))


# What makes a review draft a review: the member's own first-person words about this film.
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|me|my|myself)\b|\bI’(?:m|ve|d|ll)\b")
# addressed to the member instead of written as them: "based on your previous reviews, you might
# want to consider watching Alien"
_ADDRESSES_MEMBER = re.compile(
    r"\b(?:based on your|your (?:previous|earlier|past|other) (?:reviews?|ratings?)"
    r"|you (?:might|may|should|would|will|could) (?:want to|like|enjoy|consider|appreciate|love)"
    r"|you seem to|consider watching|I (?:would )?recommend (?:you|watching)|I suggest (?:you|watching))\b",
    re.IGNORECASE,
)
CARRY_OVER_WORDS = 6  # a run of this many words from a review of another film is carried over


def _without_titles(text: str, facts: Facts) -> str:
    """`text` with the titles of this film and of the member's rated films blanked out: titles
    are names, not opinions ("The Good, the Bad and the Ugly" blames nothing) nor the member
    speaking ("So I Married an Axe Murderer")."""
    for title in sorted({facts.movie.title, *(t for t, _ in facts.user.ratings)}, key=len, reverse=True):
        if title:
            text = re.sub(re.escape(title), " ", text, flags=re.IGNORECASE)
    return text


def draft_problems(text: str, facts: Facts) -> list[str]:
    """Why a review draft is not the member's review of this film, even when its names and
    numbers are right: not in the first person, speaking to the member ("you might want to
    consider watching"), carrying over a run of words from the member's review of another film,
    naming a person who is in none of this film's credits or plot (taken from another film's
    facts), or a tone outside its rating's band (more praise than blame for 2 stars or less,
    more blame than praise for 4 or more)."""
    problems = []
    # the member's own "I", not one in a title ("So I Married an Axe Murderer") or a regnal
    # number ("King James I")
    opinion = _without_titles(text, facts)
    own_words = re.sub(r"\b[A-Z][a-z]+ I\b", " ", opinion)
    if not _FIRST_PERSON.search(own_words):
        problems.append("not written in the first person")
    addressed = _ADDRESSES_MEMBER.search(text)
    if addressed:
        problems.append(f"speaks to the member instead of as them ({addressed.group(0)!r})")
    own = _ngrams(text, CARRY_OVER_WORDS)
    for title, review in facts.user.reviews:
        if title != facts.movie.title and own & _ngrams(review, CARRY_OVER_WORDS):
            problems.append(f"carries over words from the member's review of {title!r}")
    this_film = Facts(movie=facts.movie, user=UserFacts(ratings=facts.user.ratings))
    others = sorted(set(unknown_names(text, this_film)) - set(unknown_names(text, facts)))
    if others:
        problems.append(f"names {', '.join(others)}, from another film's facts, not {facts.movie.title!r}")
    if facts.rating is not None:
        praise, blame = _tone(opinion)
        if facts.rating <= 2 and praise > blame:
            problems.append(f"more praise than blame in a draft for a {facts.rating:g}-star rating")
        if facts.rating >= 4 and blame > praise:
            problems.append(f"more blame than praise in a draft for a {facts.rating:g}-star rating")
    return problems


def check_output(kind: str, text: str, facts: Facts, *, prompt: str = "") -> Check:
    """Every reason `text` may not be shown, empty when it passes."""
    problems: list[str] = []
    stripped = text.strip()
    words = len(WORD.findall(stripped))
    if words < MIN_WORDS[kind]:
        problems.append(f"too short ({words} words)")
    if words > MAX_WORDS[kind]:
        problems.append(f"too long ({words} words, limit {MAX_WORDS[kind]})")
    names = unknown_names(stripped, facts)
    if names:
        problems.append("names not in the facts: " + ", ".join(sorted(set(names))))
    if kind == "audience_summary":
        # figures and quotes of the film's audience instead of a member's ratings
        problems += stray_numbers(stripped, facts) + unverified_quotes(stripped, facts)
        problems += reception_misstatements(stripped, facts) + aspect_misstatements(stripped, facts)
    else:
        problems += rating_misstatements(stripped, facts, own_rating=kind == "review_draft")
    if kind == "review_draft":
        problems += draft_problems(stripped, facts)
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
    if kind == "explanation" and _claims_seen(stripped, facts.movie.title):
        problems.append(f"says the user has already seen {facts.movie.title!r}")
    if kind == "explanation" and len(re.findall(r"[.!?](\s|$)", stripped)) > 3:
        problems.append("more than two sentences")
    return Check(not problems, problems)


def _sentence_problems(kind: str, sentence: str, facts: Facts) -> list[str]:
    """The checks that belong to one sentence: names, rating claims, links, obeyed injections."""
    problems = [f"names {name}" for name in unknown_names(sentence, facts)]
    if kind == "audience_summary":
        problems += stray_numbers(sentence, facts) + unverified_quotes(sentence, facts)
        problems += reception_misstatements(sentence, facts) + aspect_misstatements(sentence, facts)
    else:
        problems += rating_misstatements(sentence, facts, own_rating=kind == "review_draft")
    if _URL.search(sentence):
        problems.append("a link")
    problems += ["an instruction from a review"] * _reviews_obeyed(sentence, facts)
    return problems


_MIN_SENTENCES = {"review_draft": 2, "explanation": 1, "audience_summary": 2}
# a kept sentence opening with one of these leaned on the sentence dropped before it
_BACK_REFERENCE = re.compile(r"^[\"'“(]*(?:he|she|they|him|her|his|hers|them|their|theirs)\b", re.IGNORECASE)


def without_unfounded_sentences(kind: str, text: str, facts: Facts) -> str:
    """`text` without its sentences that name someone the facts do not, or misstate a rating.

    Whole sentences of the model's own go, nothing is reworded, and only while what is left
    still reads whole: at most one sentence in three (at least one), two sentences of a draft
    kept, and no kept sentence opening with a pronoun that pointed into a dropped one.
    Otherwise `text` comes back unchanged. The caller checks the result like any text.
    """
    if kind not in _MIN_SENTENCES:
        return text
    parts = sentences(text)
    dropped = {i for i, s in enumerate(parts) if _sentence_problems(kind, s, facts)}
    kept = [i for i in range(len(parts)) if i not in dropped]
    if (
        not dropped
        or len(dropped) > max(1, len(parts) // 3)
        or len(kept) < _MIN_SENTENCES[kind]
        or any(i - 1 in dropped and _BACK_REFERENCE.search(parts[i]) for i in kept)
    ):
        return text
    return " ".join(parts[i] for i in kept)


def parse_questions(text: str) -> list[str]:
    """The questions in `text`: one per line or several on a line, numbering and bullets dropped."""
    pieces = [
        piece.strip()
        for line in text.splitlines()
        for piece in re.split(r"(?<=\?)\s+", re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line))
    ]
    return [p for p in pieces if p.endswith("?") and len(p.split()) >= 3]
