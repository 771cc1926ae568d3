"""Checks of a member's texts: what a text says of their ratings, what makes a review draft
the member's own review of this film, and what an explanation may not claim."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..prompts import Facts, UserFacts
from .genres import genre_key, genre_mentions
from .names import _ngrams, title_spellings, unknown_names

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


def _claims_seen(text: str, title: str, others: tuple[str, ...] = ()) -> bool:
    """An explanation recommends a movie the user has not rated: "you gave it 3 stars" or
    "Roma, which you love" says otherwise. A "which you gave 5 stars" after another of the
    `others` titles is about that one ("a comedy like Forrest Gump, which you gave 5 stars")."""
    target = rf"(?:it|{re.escape(title)})"
    if re.search(rf"\byou(?:'ve| have)?\s+{_ADVERB}{_SEEN_VERBS}\s+{target}\b", text, re.IGNORECASE):
        return True
    pattern = (
        rf"\b{re.escape(title)}\b(?P<between>[^.;]*?)\b(?:that|which)\s+you(?:'ve| have)?\s+"
        rf"(?:already\s+)?{_SEEN_VERBS}\b"
    )
    for match in re.finditer(pattern, text, re.IGNORECASE):
        between = match.group("between").lower()
        if not any(other.lower() in between for other in others if other and other != title):
            return True
    return False


# What makes a review draft a review: the member's own first-person words about this film.
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|me|my|myself)\b|\bI’(?:m|ve|d|ll)\b")
# addressed to the member instead of written as them: "based on your previous reviews, you might
# want to consider watching Alien"
_ADDRESSES_MEMBER = re.compile(
    r"\b(?:based on your|your (?:previous|earlier|past|other) (?:reviews?|ratings?)"
    r"|you (?:might|may|should|would|will|could) (?:want to|like|enjoy|consider|appreciate|love)"
    r"|you seem to|consider watching|I (?:would )?recommend (?:you|watching)|I suggest (?:you|watching)"
    # a critic account's draft: "I'm glad you enjoyed Catch Me If You Can!"
    r"|(?:I'm|I am) glad you|you (?:enjoyed|loved|liked|rated|gave) (?:it|this|the film|the movie))\b",
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


@dataclass(frozen=True)
class DraftLanguage:
    """What the draft rules read in one language: the member's first person, phrases that speak
    to the member, the runs that count as carried over, and praise and blame."""

    first_person: Callable[[str], bool]
    addresses: re.Pattern[str]
    runs: Callable[[str], set]
    tone: Callable[[str], tuple[int, int]]


def _english_first_person(opinion: str) -> bool:
    # the member's own "I", not a regnal number ("King James I"); titles are blanked before
    return bool(_FIRST_PERSON.search(re.sub(r"\b[A-Z][a-z]+ I\b", " ", opinion)))


def _speaks_as_itself(text: str, facts: Facts) -> bool:
    """An explanation speaks to the member ("you"); an "I" of its own is the model's voice."""
    return _english_first_person(_without_titles(text, facts))


ENGLISH = DraftLanguage(
    first_person=_english_first_person,
    addresses=_ADDRESSES_MEMBER,
    runs=lambda text: _ngrams(text, CARRY_OVER_WORDS),
    tone=_tone,
)


def _own_star_misstatements(text: str, facts: Facts) -> list[str]:
    """Star figures in a draft's sentences that name none of the member's other films: the
    draft's own rating, which must be the member's ("I would give this movie a perfect score of
    5 out of 5" for a 4-star rating, read on a real member)."""
    others = [t for t, _ in facts.user.ratings if t and t != facts.movie.title]
    problems: list[str] = []
    if facts.rating is None:
        return problems
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if any(t.lower() in sentence.lower() for t in others):
            continue
        for match in _STARS.finditer(sentence):
            if abs(float(match.group(1)) - facts.rating) > 0.01:
                problems.append(f"gives the film {match.group(0).strip()}, not the member's {facts.rating:g}")
        if (
            re.search(r"\bperfect (?:score|rating|ten|10|five|5)\b", sentence, re.IGNORECASE)
            and facts.rating < 5
        ):
            problems.append(f"calls a {facts.rating:g}-star rating perfect")
    return problems


def draft_problems(text: str, facts: Facts, language: DraftLanguage = ENGLISH) -> list[str]:
    """Why a review draft is not the member's review of this film, even when its names and
    numbers are right: not in the first person, speaking to the member ("you might want to
    consider watching"), carrying over a run of words from the member's review of another film,
    naming a person who is in none of this film's credits or plot (taken from another film's
    facts), or a tone outside its rating's band (more praise than blame for 2 stars or less,
    more blame than praise for 4 or more). `language`: the same rules in another language
    (grounding/chinese.py)."""
    problems = []
    # titles are names, not the member speaking ("So I Married an Axe Murderer") nor opinions
    opinion = _without_titles(text, facts)
    if not language.first_person(opinion):
        problems.append("not written in the first person")
    addressed = language.addresses.search(text)
    if addressed:
        problems.append(f"speaks to the member instead of as them ({addressed.group(0)!r})")
    own = language.runs(text)
    for title, review in facts.user.reviews:
        if title != facts.movie.title and own & language.runs(review):
            problems.append(f"carries over words from the member's review of {title!r}")
    this_film = Facts(movie=facts.movie, user=UserFacts(ratings=facts.user.ratings))
    others = sorted(set(unknown_names(text, this_film)) - set(unknown_names(text, facts)))
    if others:
        problems.append(f"names {', '.join(others)}, from another film's facts, not {facts.movie.title!r}")
    if facts.rating is not None:
        problems += _own_star_misstatements(text, facts)
        praise, blame = language.tone(opinion)
        if facts.rating <= 2 and praise > blame:
            problems.append(f"more praise than blame in a draft for a {facts.rating:g}-star rating")
        if facts.rating >= 4 and blame > praise:
            problems.append(f"more blame than praise in a draft for a {facts.rating:g}-star rating")
    return problems


# What the facts of a member's text never hold: how others received a film. Read on real
# members: "an action-adventure drama with strong ratings from viewers who enjoyed Spirited Away",
# "all of which are highly rated", "this film is highly recommended by you".
_RECEPTION = re.compile(
    r"\b(?:critically acclaimed|acclaimed|award[- ]winning|box[- ]office|academy awards?"
    r"|won (?:an |the )?oscar|oscar[- ](?:winning|winner|nominated|nominee)"
    r"|highly[- ]rated|high[- ]rated|top[- ]rated|(?:highly|well)[- ]regarded|well[- ]received"
    r"|ratings from|rated highly by"
    r"|recommended by you|highly recommended|(?:its|a|the)\s+(?:low|poor|mixed)\s+ratings?"
    r"|(?:many|most)\s+(?:viewers|people|fans|critics|audiences|moviegoers)"
    r"|(?:strong|high|great|glowing|rave|positive)\s+(?:ratings|reviews)"
    r"|(?:viewers|audiences|critics|moviegoers)\s+(?:love[ds]?|praised?|adored?|agree|rave[ds]?|hail(?:ed)?)"
    r"|(?:praised|loved|adored|hailed|beloved)\s+by\s+(?:viewers|audiences|critics|many|fans|millions)"
    r"|cult (?:classic|following)"
    # read on a held-out pick: "a romantic drama that's been praised for its beautiful cinematography"
    r"|(?:been|widely|universally|much|often) (?:praised|celebrated|lauded|hailed))\b",
    re.IGNORECASE,
)


def reception_claims(text: str, facts: Facts) -> list[str]:
    """Each phrase of `text` telling how audiences, critics or awards received a film, as a
    problem: a member's facts hold their own ratings, not anyone else's. A phrase the
    recommender's reason itself uses ("Popular and highly rated with members") is a fact."""
    reason = facts.reason.lower()
    return [
        f"says how a film was received ({m.group(0)!r}), which the facts do not hold"
        for m in _RECEPTION.finditer(text)
        if m.group(0).lower() not in reason and not _MEMBERS_OWN.search(text[: m.start()])
    ]


# "both of which you gave high ratings", "your high ratings of Heat": the member's own ratings
_MEMBERS_OWN = re.compile(
    r"(?:\byou(?:'ve| have)?\s+(?:gave|given|give)|\byour)\s+(?:\w+\s+){0,2}$", re.IGNORECASE
)


# "your taste for comedy, horror, musicals and sci-fi": a taste the member is credited with
_TASTE = re.compile(
    r"(?:\byour\s+(?:\w+\s+)?(?:taste|tastes|preferences?|love|fondness|liking|appreciation|passion|penchant"
    r"|interest|enthusiasm)\s+(?:for|in|of)"
    # a draft, in the member's voice: "As someone who loves action, comedy, crime, and thriller films"
    r"|\bas (?:someone|a person|a fan|one) who (?:\w+\s+){0,2}?(?:loves?|likes?|enjoys?|adores?)"
    r"|\bI(?:'ve| have)? (?:always )?(?:love|like|enjoy|adore)d?(?= (?:\w+\s+){0,3}(?:films|movies)\b)"
    r"|\b(?:a|as a) (?:big |huge |lifelong )?fan of)"
    r"\s+(?P<list>(?:[\w'’-]+[\s,]+){0,9}[\w'’-]+)",
    re.IGNORECASE,
)


def taste_misstatements(text: str, facts: Facts, *, of_this_film: bool = False) -> list[str]:
    """Each genre `text` says the member has a taste for that the facts do not show, as a
    problem. The facts show a taste for a genre in their profile's liked genres or in a film
    they rated 4 or more. Read on real members with no liked genre at all: "it fits your taste
    for comedy, horror, musicals and sci-fi", the recommended film's own genres.

    ``of_this_film`` (explanations): a taste cited must also be one this film answers, a genre
    it has or one of its people ("your interest in horror and Ridley Scott" for The Usual
    Suspects, a crime mystery without him)."""
    u, m = facts.user, facts.movie
    shown = {genre_key(g) for g in u.liked_genres}
    for title, stars in u.ratings:
        if stars >= 4:
            shown |= {genre_key(g) for g in u.genres_of.get(title, [])}
    has = {genre_key(g) for g in m.genres}
    problems = []
    for match in _TASTE.finditer(text):
        listed_text = match.group("list")
        for word, named in genre_mentions(listed_text):
            if any(key not in shown for key in named):
                problems.append(f"credits the member with a taste for {word!r}, which the facts do not show")
            elif of_this_film and any(key not in has for key in named):
                problems.append(f"cites a taste for {word!r}, which {m.title!r} does not answer")
        if of_this_film:
            for person in u.liked_people:
                if person in listed_text and person not in m.directors + m.cast:
                    problems.append(f"cites a taste for {person!r}, who is not in {m.title!r}")
    return list(dict.fromkeys(problems))


def lowercased_titles(text: str, facts: Facts) -> list[str]:
    """Each title or name of the facts `text` writes all in lower case, as a problem: read on
    real explanations, "you love the blues brothers, the wolf of wall street, and catch me if
    you can", "if you enjoy back-to-the-future movies", "films with tutte lemkow" (the name
    checks read capitalised names only)."""
    m, u = facts.movie, facts.user
    names = {m.title, *(t for t, _ in u.ratings), *m.cast, *m.directors, *u.liked_people}
    names |= set(re.findall(r"films with (.+?)(?: and like |$)", facts.reason))
    spaced = text.replace("-", " ")
    problems = []
    for name in names:
        if len(name.split()) < 2 or name == name.lower():
            continue
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", spaced, re.IGNORECASE):
            if match.group(0) == match.group(0).lower():
                problems.append(f"writes {name!r} in lower case")
                break
    return problems


# "shares similar themes with your favorite movies like Independence Day, Bio-Dome, Ransom":
# no fact holds a film's themes, tone or style
_SIMILAR_UNKNOWN = re.compile(
    r"\b(?:similar|same|common)\s+(?:\w+\s+)?(?:themes?|styles?|tones?|storylines?|plots?|feel|vibes?|formats?"
    r"|stories|moods?|atmospheres?|messages?)\b"
    # "American Beauty, which shares many of its themes" (for E.T.)
    r"|\bshar\w*\s+(?:\w+\s+){0,3}?(?:themes?|styles?|tones?|storylines?)\b"
    # "the films you mentioned": the member mentioned nothing; "Thriller movies (5/5)": a genre rated
    r"|\b(?:films|movies)\s+you(?:'ve| have)?\s+mentioned\b|\b(?:movies|films)\s*\(\d(?:\.\d)?/5\)",
    re.IGNORECASE,
)


def _cites_member(text: str, facts: Facts) -> bool:
    """Does `text` cite anything of the member's own: a film they rated, a genre, person or
    aspect they like, or the genre the recommender's reason names?"""
    u = facts.user
    lowered = text.lower()
    titles = [t for t, _ in u.ratings if t and t != facts.movie.title]
    if any(spelling.lower() in lowered for t in titles for spelling in title_spellings(t)):
        return True
    if any(person.split()[-1].lower() in lowered for person in u.liked_people if person.split()):
        return True
    if any(re.search(rf"\b{re.escape(aspect.lower()[:6])}", lowered) for aspect in u.liked_aspects if aspect):
        return True  # "you enjoy strong acting"
    liked = {genre_key(g) for g in [*u.liked_genres, *re.findall(r"like (\S+) movies", facts.reason)]}
    return any(set(named) & liked for _, named in genre_mentions(text))


CITES_NOTHING = "cites nothing of the member's"


def explanation_problems(text: str, facts: Facts) -> list[str]:
    """Why an explanation says nothing true of why this film suits this member, even when each
    word is right: it cites nothing of theirs ("It's a war drama that fits well with your taste
    and preferences"), or claims themes, tone or style shared with films the facts describe by
    genre only. Both read on real members' picks."""
    problems = []
    if not _cites_member(text, facts):
        problems.append(CITES_NOTHING + ": no film they rated, no genre or person they like")
    for match in _SIMILAR_UNKNOWN.finditer(text):
        problems.append(f"claims {match.group(0)!r}, which the facts do not hold")
    titles = [t for t, _ in facts.user.ratings if len(t) > 3]
    for title in titles:
        # "including Double Jeopardy, Stir of Echoes, and Double Jeopardy": a list run on (twice
        # in one list of titles; "closer to Heat" after "You liked Heat" is no list)
        found = list(re.finditer(rf"(?<!\w){re.escape(title)}(?!\w)", text))
        for first, second in zip(found, found[1:], strict=False):
            between = text[first.end() : second.start()]
            for other in titles:
                between = re.sub(
                    re.escape(other.rstrip("?!.")) + r"[?!.]?", " ", between, flags=re.IGNORECASE
                )
            if re.fullmatch(r"[\s,;]*(?:(?:and|or)\b[\s,;]*)*", between):
                problems.append(f"names {title!r} twice in one list")
                break
    return problems
