"""What a text calls a film: a genre claim must be one of the film's genres.

Read on real members (docs/language-models.md): drafts that passed every other check called
Shine and American Beauty "a romantic comedy", and an explanation recommended Bad Boys because
Beauty and the Beast is "known for strong action sequences". Names and numbers were right; the
genre was not. A claim is a genre noun that calls a film something ("a tense western", "this
romantic comedy", "another crime drama", "action sequences"); it belongs to the title named
nearest before it in its sentence (else the nearest after, else this film), and fails when that
film's genres, as the facts hold them, do not include it. Films whose genres the facts do not
hold are not judged. "the comedy" or "moments of drama" speak of a part of a film, not its
kind, and a negated claim ("not a comedy", "more drama than thriller") claims nothing.
"""

from __future__ import annotations

import re

from ..prompts import Facts
from .names import sentences, title_spellings

# genre noun -> the MovieLens genres it claims (all of them), by their normalised names
_NOUNS: dict[str, tuple[str, ...]] = {
    "romantic comedy": ("comedy", "romance"),
    "romantic comedies": ("comedy", "romance"),
    "rom-com": ("comedy", "romance"),
    "romcom": ("comedy", "romance"),
    "comedy-drama": ("comedy", "drama"),
    "comedy": ("comedy",),
    "western": ("western",),
    "thriller": ("thriller",),
    "documentary": ("documentary",),
    "drama": ("drama",),
    "melodrama": ("drama",),
    "sci-fi": ("scifi",),
    "science fiction": ("scifi",),
    "science-fiction": ("scifi",),
    "film noir": ("filmnoir",),
    "film-noir": ("filmnoir",),
    "noir": ("filmnoir",),
    "whodunit": ("mystery",),
    "slasher": ("horror",),
    "cartoon": ("animation",),
    "musical": ("musical",),
    "horror": ("horror",),
    "action": ("action",),
    "crime": ("crime",),
    "war": ("war",),
    "mystery": ("mystery",),
    "fantasy": ("fantasy",),
    "adventure": ("adventure",),
    "animated": ("animation",),
    "animation": ("animation",),
    "family": ("children",),
    "children's": ("children",),
    "kids'": ("children",),
    "romance": ("romance",),
}
# nouns that name a film's kind only with a film word after them ("a horror film", not "the
# horror of war"; "a musical", but not "a musical score"; "an adventure" is also an outing)
_NEEDS_FILM_WORD = frozenset(
    {
        "horror",
        "action",
        "crime",
        "war",
        "mystery",
        "fantasy",
        "adventure",
        "animated",
        "animation",
        "family",
        "children's",
        "kids'",
        "romance",
        "musical",
    }
)
_FILM_WORD = r"(?:film|movie|flick|picture|feature|epic|classic|tale|saga|story|drama|thriller|comedy)"
_NOUN = "|".join(sorted((re.escape(n) for n in _NOUNS), key=len, reverse=True))
_ADJECTIVES = r"(?:[\w'’-]+,?\s+){0,3}?"
# "a tense western", "this romantic comedy", "another crime drama"; the determiner marks a claim
_CLAIM = re.compile(
    rf"\b(?:a|an|this|another|such a)\s+{_ADJECTIVES}(?P<noun>{_NOUN})(?P<after>\s+{_FILM_WORD}s?)?\b"
    rf"(?![\w-])",
    re.IGNORECASE,
)
# "known for its action sequences", "action-packed": the kind without a determiner
_SET_PIECES = re.compile(
    r"\b(?P<noun>action|horror|musical|war)(?:[\s-]+(?:sequences?|scenes?|set[\s-]pieces?|numbers?)|-packed)\b",
    re.IGNORECASE,
)
# "a blend of crime drama and psychological thriller", "even some elements of horror": each
# genre word in the few words after names a kind the film has
_MIX = re.compile(
    r"\b(?:blend|mix|mixture|combination|elements?|touch(?:es)?)\s+of\s+(?P<list>(?:[\w'’-]+[\s,]+){0,8}[\w'’-]+)",
    re.IGNORECASE,
)
_LISTED = re.compile(
    r"\b(?P<noun>romantic comed(?:y|ies)|comedy|comedies|drama|romance|horror|action|adventure|fantasy"
    r"|mystery|thriller|western|sci-fi|science fiction|crime|musical|animation|documentary|noir)\b",
    re.IGNORECASE,
)
# "comedic elements", "musical elements", "crime elements": a kind the film has a part of
_ELEMENTS = re.compile(
    r"\b(?P<noun>comedic|comedy|crime|horror|musical|romantic|romance|fantasy|sci-fi|mystery|thriller"
    r"|war|action|western|noir)\s+(?:elements?|undertones?|overtones?)\b",
    re.IGNORECASE,
)
_ELEMENT_NOUNS = {"comedic": "comedy", "romantic": "romance"}
# "you love The Third Man, Forrest Gump and Take the Money and Run, all of which are animated
# comedies": a kind given to every film named before it in the sentence
_GROUPED = re.compile(
    r"(?:\b(?:all|both|each)\s+of\s+(?:which|them|these|those)"
    r"|\b(?:which|that|they|these|those)(?:\s+(?:films|movies))?\s+(?:are\s+|were\s+)?(?:all|both)"
    r"|,\s*(?:all|both)\b)"
    r"\s+(?:are|were|is|being|share|have)?\s*(?P<list>[^.;:!?]{0,80})",
    re.IGNORECASE,
)
_PLURALS = {
    "comedies": "comedy",
    "dramas": "drama",
    "thrillers": "thriller",
    "westerns": "western",
    "musicals": "musical",
    "mysteries": "mystery",
    "romances": "romance",
    "documentaries": "documentary",
    "romantic comedies": "romantic comedy",
    "animated": "animation",
    "fantasies": "fantasy",
    "adventures": "adventure",
    "war": "war",
}
_GROUPED_LISTED = re.compile(
    r"\b(?P<noun>romantic comed(?:y|ies)|comed(?:y|ies)|dramas?|romances?|horror|action|adventures?"
    r"|fantas(?:y|ies)|myster(?:y|ies)|thrillers?|westerns?|sci-fi|science fiction|crime|musicals?"
    r"|animated|animation"
    r"|documentar(?:y|ies)|noir|war)\b",
    re.IGNORECASE,
)
# what a genre word names when it speaks of a member's taste ("your taste for comedic films, kids'
# films and IMAX"): the words above, their adjectives and the MovieLens genres no noun above names
_TASTE_WORDS = re.compile(
    _GROUPED_LISTED.pattern.replace("|war)", "|war|comedic|dramatic|romantic|family|children|kids|imax)"),
    re.IGNORECASE,
)
_ADJECTIVES_NAME = {
    "comedic": ("comedy",),
    "dramatic": ("drama",),
    "romantic": ("romance",),
    "children": ("children",),
    "kids": ("children",),
    "imax": ("imax",),
}


def genre_key(name: str) -> str:
    """A genre's name as the checks compare it: "Sci-Fi" and "sci-fi" are both "scifi"."""
    return _norm(name)


def genre_mentions(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each genre word of `text` ("comedies", "sci-fi", "romantic comedy", "comedic") with the
    genres it names, as `genre_key` gives them."""
    out = []
    for match in _TASTE_WORDS.finditer(text):
        word = match.group("noun")
        low = word.lower()
        named = _ADJECTIVES_NAME.get(low) or _NOUNS.get(_PLURALS.get(low, low), ())
        if named:
            out.append((word, named))
    return out


# "the whimsical animation" of a live-action film
_ANIMATION = re.compile(r"\b(?:the|its|their)\s+(?:[\w'’-]+\s+)?animation\b", re.IGNORECASE)
_NEGATED = re.compile(
    r"(?:\bnot|n't|\bnever|\bno|\bhardly|\brather than|\bthan|\binstead of|\bfar from|\bless)"
    r"\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)


def _norm(genre: str) -> str:
    return re.sub(r"[^a-z]", "", genre.lower()).removesuffix("s")


def _genres_by_title(facts: Facts) -> dict[str, set[str]]:
    known = {facts.movie.title: facts.movie.genres, **facts.user.genres_of}
    return {title: {_norm(g) for g in genres} for title, genres in known.items() if title and genres}


def _title_spans(sentence: str, titles: list[str]) -> list[tuple[int, str]]:
    """Where each title is named in `sentence`, by any of its spellings (`title_spellings`:
    "Matrix, The" also as "The Matrix", "Them (Ils)" also as "Them"), as whole words; a longer
    spelling wins where two overlap. A one-word spelling counts only as capitalised: "them" and
    "three" in a sentence name neither Them nor Survival Island (Three)."""
    spellings = sorted(
        ((spelling, title) for title in titles for spelling in title_spellings(title)),
        key=lambda pair: len(pair[0]),
        reverse=True,
    )
    taken: list[tuple[int, int]] = []
    spans = []
    for spelling, title in spellings:
        flags = re.IGNORECASE if len(spelling.split()) > 1 else 0
        for match in re.finditer(rf"(?<!\w){re.escape(spelling)}(?!\w)", sentence, flags):
            if not any(match.start() < end and start < match.end() for start, end in taken):
                taken.append(match.span())
                spans.append((match.start(), title))
    return sorted(spans)


def _owner(start: int, spans: list[tuple[int, str]], default: str) -> str:
    before = [title for at, title in spans if at < start]
    if before:
        return before[-1]
    return spans[0][1] if spans else default


# a film called a television show: read on a real draft, "the show had some great episodes"
_TELEVISION = re.compile(
    r"\b(?:the|this|a|an|that)\s+(?:[\w'’-]+\s+)?(?:show|sitcom|tv series|television series)"
    r"(?![\w-]|\s+(?:of|off|up|stopper)\b)"
    r"|\bepisodes?\b",
    re.IGNORECASE,
)


def television_claims(text: str, facts: Facts) -> list[str]:
    """`text` calling the film a show or speaking of its episodes, as a problem (the catalogue's
    films are films; a title that says otherwise is left alone)."""
    if re.search(r"\b(?:show|episode|sitcom|series)", facts.movie.title, re.IGNORECASE):
        return []
    for title in sorted({t for t, _ in facts.user.ratings}, key=len, reverse=True):
        text = text.replace(title, " ")  # "Star Wars: Episode V" is a title, not a show's episode
    return [
        f"calls {facts.movie.title!r} a television show ({m.group(0)!r})" for m in _TELEVISION.finditer(text)
    ][:1]


def genre_misstatements(text: str, facts: Facts) -> list[str]:
    """Each genre `text` gives a film that the facts do not give it, as a problem."""
    genres = _genres_by_title(facts)
    if not genres:
        return television_claims(text, facts)
    titles = sorted(genres, key=len, reverse=True)
    problems = []
    previous: list[tuple[int, str]] = []
    for sentence in sentences(text):
        spans = _title_spans(sentence, titles)
        # "These movies are all comedies", "Since X shares this genre with these films": with no
        # other film named in its own sentence, the group is the films the sentence before named
        # (as if they stood at its start)
        others = [title for _, title in spans if title != facts.movie.title]
        group = spans if others else spans + [(-1, title) for _, title in previous]
        problems += _shared_genre_claims(sentence, group, genres, facts.movie.title)
        claims = []
        for match in _CLAIM.finditer(sentence):
            noun = match.group("noun").lower()
            if noun in _NEEDS_FILM_WORD and not match.group("after"):
                continue
            if _NEGATED.search(sentence[: match.start()]):
                continue
            claims.append((match.start(), noun, match.group(0)))
            after = (match.group("after") or "").strip().lower().removesuffix("s")
            if after in _NOUNS:  # "a crime drama" claims crime and drama
                claims.append((match.start(), after, match.group(0)))
        for match in _SET_PIECES.finditer(sentence):
            if not _NEGATED.search(sentence[: match.start()]):
                claims.append((match.start(), match.group("noun").lower(), match.group(0)))
        for match in _MIX.finditer(sentence):
            if _NEGATED.search(sentence[: match.start()]):
                continue
            for listed in _LISTED.finditer(match.group("list")):
                noun = listed.group("noun").lower()
                noun = {"comedies": "comedy", "romantic comedies": "romantic comedy"}.get(noun, noun)
                phrase = sentence[match.start() : match.start("list") + listed.end()]
                claims.append((match.start(), noun, phrase))
        for match in _ANIMATION.finditer(sentence):
            claims.append((match.start(), "animation", match.group(0)))
        for match in _ELEMENTS.finditer(sentence):
            if not _NEGATED.search(sentence[: match.start()]):
                noun = match.group("noun").lower()
                claims.append((match.start(), _ELEMENT_NOUNS.get(noun, noun), match.group(0)))
        problems += _grouped_claims(sentence, group, genres)
        previous = spans
        for start, noun, phrase in claims:
            title = _owner(start, spans, facts.movie.title)
            if title not in genres:
                continue
            missing = [g for g in _NOUNS[noun] if g not in genres[title]]
            if missing:
                problems.append(f"calls {title!r} {phrase.strip()!r}, not one of its genres")
    return list(dict.fromkeys(problems + television_claims(text, facts)))


# "several sci-fi thrillers like Divine Secrets of the Ya-Ya Sisterhood, Enough and Murder by
# Numbers": the kinds before "like" / "such as" given to every film named after it
_EXAMPLES = re.compile(
    r"(?P<list>(?:[\w'’-]+[\s,]+){1,4}?)(?:films?|movies?|flicks?|pictures?|ones?)?\s*"
    r"\b(?:like|such as|including|as with)\s+",
    re.IGNORECASE,
)


# "It shares the same drama genre as these films", "shares its genre with films you love,
# including Divine Secrets of the Ya-Ya Sisterhood": every film named must share it
_SHARES = re.compile(
    r"\bshar(?:es|e|ing)\b(?P<what>[^.;!?]{0,40}?)\bgenres?\b|\bsimilar to (?:its|their) genres?\b"
    r"|\b(?:in|of) the same genres?\b|\bsame genres? as\b"
    # "fits your taste in movies like What's Eating Gilbert Grape" (for Die Hard): a likeness claim
    r"|\b(?:taste|preferences?)\s+(?:in|for)\s+(?:(?:movies|films)\s+(?:like|such as)\s+)?(?=(?-i:[A-Z]))",
    re.IGNORECASE,
)


def _shared_genre_claims(
    sentence: str, spans: list[tuple[int, str]], genres: dict[str, set[str]], film: str
) -> list[str]:
    """Each film a sentence says shares this film's genre (or the genre it names) that does not."""
    own = genres.get(film, set())
    problems = []
    for match in _SHARES.finditer(sentence):
        if _NEGATED.search(sentence[: match.start()]):
            continue
        named = [title for _, title in spans if title != film and title in genres]
        listed = [
            _PLURALS.get(m.group("noun").lower(), m.group("noun").lower())
            for m in _GROUPED_LISTED.finditer(match.group("what") or "")
        ]
        for title in dict.fromkeys(named):
            if listed:
                wrong = [w for w in listed if [g for g in _NOUNS[w] if g not in genres[title]]]
                if wrong:
                    problems.append(f"says {title!r} shares the genre {wrong[0]!r}, not one of its genres")
            elif own and not own & genres[title]:
                problems.append(f"says {title!r} shares a genre with {film!r}; it shares none")
    return problems


def _example_claims(sentence: str, spans: list[tuple[int, str]], genres: dict[str, set[str]]) -> list[str]:
    problems = []
    for match in _EXAMPLES.finditer(sentence):
        if _NEGATED.search(sentence[: match.start("list")]):
            continue
        named = [title for at, title in spans if at >= match.end() and title in genres]
        for listed in _GROUPED_LISTED.finditer(match.group("list")):
            word = listed.group("noun").lower()
            noun = _PLURALS.get(word, word)
            for title in dict.fromkeys(named):
                if [g for g in _NOUNS[noun] if g not in genres[title]]:
                    problems.append(f"gives {title!r} as an example of {word!r}, not one of its genres")
    return problems


def _grouped_claims(sentence: str, spans: list[tuple[int, str]], genres: dict[str, set[str]]) -> list[str]:
    """The kinds a sentence gives every film it named before "all of which are ...", "both ...",
    each checked against every one of those films; and every film it names after "<kind> like"
    (`_example_claims`)."""
    problems = _example_claims(sentence, spans, genres)
    for match in _GROUPED.finditer(sentence):
        if _NEGATED.search(sentence[: match.start("list")]):
            continue
        named = [title for at, title in spans if at < match.start() and title in genres]
        for listed in _GROUPED_LISTED.finditer(match.group("list")):
            word = listed.group("noun").lower()
            noun = _PLURALS.get(word, word)
            for title in dict.fromkeys(named):
                missing = [g for g in _NOUNS[noun] if g not in genres[title]]
                if missing:
                    problems.append(
                        f"calls {title!r} {word!r} with the films named beside it, not one of its genres"
                    )
    return problems


# "you love Chasing Amy, The English Patient and Eyes Wide Shut, all of which are known for
# their humor": the facts hold the member's rating of another film and its genres, nothing it
# is known for
_KNOWN_FOR = re.compile(r"\b(?:known|famous|renowned|celebrated|remembered|praised)\s+for\b", re.IGNORECASE)


def other_film_claims(text: str, facts: Facts) -> list[str]:
    """Each sentence of `text` that says what another film (one the member rated) is known for,
    as a problem: the prompt gives that film's title and the member's rating only."""
    others = {t for t, _ in facts.user.ratings if t and t != facts.movie.title}
    if not others:
        return []
    titles = sorted({facts.movie.title, *others}, key=len, reverse=True)
    problems = []
    for sentence in sentences(text):
        spans = _title_spans(sentence, titles)
        for match in _KNOWN_FOR.finditer(sentence):
            owner = _owner(match.start(), spans, facts.movie.title)
            if owner in others:
                problems.append(
                    f"says what {owner!r} is {match.group(0).lower()}, which the facts do not hold"
                )
    return list(dict.fromkeys(problems))
