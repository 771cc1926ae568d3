"""Names in generated texts: which capitalised words name a person or film the facts hold.

`unknown_names` finds those a finished text names without the facts; `NameGuard` asks the
same of a text while it is being generated. `sentences` cuts a text as the checks read it, and
`title_spellings` lists the ways a text may write a catalogue title.
"""

from __future__ import annotations

import bisect
import os
import re

from ..prompts import Facts, injected_sentences, plot_excerpt

# Capitalised words that are not names of people or movies.
_COMMON = frozenset(
    re.findall(
        r"\S+",
        """
        i i'm i've i'd i'll a an the this that these those it its it's my me we you your you're
        you'll you've he she they his her their what why how who when where which would could should
        do does did is are was were can will if as and but or so yet for with while although though
        overall in on at of to from by after before since because still also even not no yes oh ok
        okay all some one two three first second third finally both each every there however plus
        then now ai dvd tv film films movie movies story acting characters visuals music pacing
        humour humor emotional impact hollywood oscar oscars english american british french german
        italian japanese spanish monday tuesday wednesday thursday friday saturday sunday christmas
        god mr mrs ms dr question questions review rating stars star fans fan viewers discussion
        great good loved love absolutely definitely really truly given based thanks have has had
        let's here here's consider think director cast plot genre genres""",
    )
)
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
# "Seven (a.k.a. Se7en)" and "Kramer vs. Kramer" are one title, not two sentences
_AFTER_ABBREVIATION = re.compile(r"(?:^|[\s.(\"])(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|a\.k\.a|vs|Vol)\.\s*$")


def sentences(text: str) -> list[str]:
    """`text` cut after each ".", "!" or "?" that ends a sentence, not after an initial or a
    title: "John F. Kennedy" and "Dr. Kinsey" stay whole."""
    out: list[str] = []
    for piece in re.split(r"(?<=[.!?])\s+|(?<=[。！？])", text.strip()):
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


# Articles MovieLens moves to the end of a title: "Matrix, The", "Dîner de cons, Le", "Auberge
# espagnole, L'" (the importer's display_title turns the same ones around).
_TRAILING_ARTICLE = re.compile(r"^(.+), (the|a|an|le|la|les|l'|il|der|die|das|el)$", re.IGNORECASE)
_AKA = re.compile(r"^(?:a\.k\.a\.|aka)\s+", re.IGNORECASE)
_YEAR = re.compile(r"^\d{4}(?:\s*[-–]\s*(?:\d{4})?)?$")
# A bracket part shorter than this names no film a text would call by it ("1-900 (06)").
MIN_BRACKET_CHARS = 3


def _article_first(part: str) -> str:
    match = _TRAILING_ARTICLE.match(part)
    if not match:
        return part
    head, article = match.groups()
    space = "" if article.endswith("'") else " "
    return f"{article}{space}{head}"


def _split_brackets(title: str) -> tuple[str, list[str]]:
    """A title and its trailing bracket parts, in order: "Seven (a.k.a. Se7en) (1995)" is
    ("Seven", ["a.k.a. Se7en", "1995"]). A bracket inside the name stays: "Babies (Bébé(s))"
    is ("Babies", ["Bébé(s)"]), "Frontière(s)" and "You Are (Not) Alone" are not split."""
    rest = title.strip()
    parts: list[str] = []
    while rest.endswith(")"):
        depth = 0
        for i in range(len(rest) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(rest[i], 0)
            if depth == 0:
                break
        head = rest[:i]
        if depth or not head.strip() or not head[-1].isspace():
            break
        parts.insert(0, rest[i + 1 : -1].strip())
        rest = head.rstrip()
    return rest, parts


def title_spellings(title: str) -> list[str]:
    """The spellings under which a text may name a catalogue title, longest first.

    "Matrix, The (1999)" is also "The Matrix"; a title with bracket parts is also the part
    before them and each part ("a.k.a." dropped): "City of Lost Children, The (Cité des
    enfants perdus, La)" is also "The City of Lost Children" and "La Cité des enfants perdus".
    Every spelling also comes with its trailing article turned around. A year is no spelling,
    nor is a bracket part of fewer than MIN_BRACKET_CHARS letters or digits.
    """
    main, brackets = _split_brackets(title)
    brackets = [f"({b})" for b in brackets if not _YEAR.match(b)]
    parts = [_AKA.sub("", b[1:-1]) for b in brackets]
    parts = [p for p in parts if len(re.sub(r"[\W_]", "", p)) >= MIN_BRACKET_CHARS]
    spellings = [" ".join([main, *brackets]), " ".join([_article_first(main), *brackets])]
    for part in (main, *parts):
        spellings += [part, _article_first(part)]
    return sorted(dict.fromkeys(s for s in spellings if s), key=len, reverse=True)
