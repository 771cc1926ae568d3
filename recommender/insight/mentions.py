"""Characters and performers found in a film's plot, and how often reviews name them
(moments, the scenes reviews name, are in `moments.py`).

Plain data in, plain data out: no Django, no models, no torch. The insight services
pass a film's plot, its cast string and its review sentences (each with a sentiment
score) and get back small dataclasses and dicts they can store or render.

Precision first: a wrong character is worse than a missing one, so a name is kept
only when the plot pairs it with an actor or names it more than once, away from
credit phrases ("directed by", "novel by") and common capitalised words.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

# A capitalised name word: "Dorothy", "O'Hara", "Jean-Luc", "Kieślowski".
_WORD = r"[A-Z\u00c0-\u00de][^\W\d_]*(?:['\u2019\-][^\W\d_]+)*"
# A name: one to four words, allowing lower-case particles inside ("Ludwig van Beethoven").
_NAME = rf"{_WORD}(?:\s+(?:(?:van|von|de|del|della|da|di|du|le|la|bin|al)\s+)?{_WORD}){{0,3}}"
_NAME_RE = re.compile(_NAME)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"\u201d']?\s+(?=[A-Z\u00c0-\u00de\"\u201c])")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capitalised words that are not names (sentence starts, titles, film vocabulary).
STOPWORDS = _words(
    """
    A An The This That These Those It Its He She They His Her Their Him Them We You I In On At Of
    For From With Without By To Into After Before During While When Where Then Than But And Or So
    Yet If As Once Although Though Meanwhile However Later Soon Eventually Finally Now Here There
    Also Even Only Just Still Both Each Every All Some Many Most Other Another Meanwhile Upon Over
    Under Through Between Among Not No Yes What Who Why How Which Whose One Two Three Four Five
    First Second Third Last Next New Old Young Little Big Great Good Bad Best Worst Mr Mrs Ms Miss
    Dr Sir Lady Lord King Queen Prince Princess Captain Agent Detective Officer Sergeant Doctor
    Professor Father Mother Uncle Aunt Brother Sister Saint St Mount Lake River Street Film Films
    Movie Movies Picture Pictures Studio Studios Award Awards Academy Oscar Oscars Golden Globe
    Globes Best Festival Cannes Sundance Venice Berlin Toronto American British English French
    German Italian Spanish Japanese Chinese Korean Indian Russian Polish Irish Scottish Canadian
    Australian Mexican European African Asian Christian Jewish Muslim Catholic Nazi Nazis Soviet
    Roman Greek Western America Britain England France Germany Italy Spain Japan China Korea India
    Russia Poland Ireland Scotland Canada Australia Mexico Europe Africa Asia London Paris Rome
    Tokyo York Los Angeles Hollywood Chicago Boston Texas California Washington Vegas Manhattan
    Brooklyn Earth Mars World War Civil Revolution Empire Republic States United Kingdom Union City
    Town Island County State North South East West January February March April May June July
    August September October November December Monday Tuesday Wednesday Thursday Friday Saturday
    Sunday Christmas Easter God Lord Jesus Christ Library Congress National Registry Institute
    University College School Company Corporation Inc Ltd Records Entertainment Productions
    Television TV Broadway Disney Pixar Warner Universal Paramount Columbia Fox MGM Metro Goldwyn
    Mayer Netflix Amazon HBO BBC CBS NBC ABC BFI UNESCO FBI CIA NASA Police Army Navy Air Force
    Marines Team Club Band Society Part Chapter Book Novel Season Episode Series Trilogy Sequel
    Prequel Story Tale Legend Saga Part Volume Technicolor Dolby IMAX Blu Ray DVD Hong Kong
    Role Roles Actor Actress Supporting Leading Lieutenant Colonel Inspector Sheriff Commander
    Admiral Corporal Deputy Judge Senator Governor
    """
)

# Phrases after which a name is a crew member or an author, not a character.
_CREDIT_BEFORE = re.compile(
    r"(?:directed|written|co-written|produced|co-produced|created|composed|scored|edited|"
    r"photographed|adapted|novel|book|play|story|screenplay|music|score|songs?|"
    r"distributed|released|starring|stars|featuring|narrated|choreographed|designed)"
    r"(?:\s+\w+)?\s+(?:by\s+)?$",
    re.IGNORECASE,
)
# "written by Leigh Brackett and Lawrence Kasdan": the later names of a credit list.
_CREDIT_CHAIN = re.compile(rf"\bby\s+(?:{_NAME}(?:,\s*(?:and\s+)?|\s+and\s+))+$")
_IS_A_FILM = re.compile(r"^\s*(?:\([^)]*\)\s*)?,?\s*(?:is|was)\s+an?\s")
_IS_A_FILM_LEAD = re.compile(r"\b(?:is|was)\s+an?\s+(?:\d{4}\s+)?[^.]*?\b(?:film|movie|documentary)\b")
_CREDIT_AFTER = re.compile(
    r"^(?:'s|\u2019s)?\s*(?:directed|wrote|produced|composed|received|won|was nominated|"
    r"co-wrote|adapted|film|films|movie|movies|novel|book|screenplay|production|studio|pictures|"
    r"saga|series|trilogy|franchise|universe|sequel|prequel)\b",
    re.IGNORECASE,
)
_PLACE_BEFORE = re.compile(r"\b(?:to|in|at|from|into|near|across|outside|towards?)\s+(?:the\s+)?$")
_INSTITUTION_BEFORE = re.compile(rf"{_WORD}\s+of\s+(?:the\s+)?$")
_INSTITUTION_AFTER = re.compile(rf"^\s+of\s+(?:the\s+)?{_WORD}")
_FUNCTION_WORDS = _words(
    """
    A An The This That These Those It Its He She They His Her Their Him Them We You I In On
    At Of For From With Without By To Into After Before During While When Where Then Than But
    And Or So Yet If As Once Although Though Meanwhile However Later Soon Eventually Finally Now
    Here There Also Even Only Just Still Both Each Every All Some Many Most Other Another Upon
    Over Under Through Between Among Not No Yes What Who Why How Which Whose Following Despite
    """
)
_DETERMINER_BEFORE = re.compile(r"\b(?:a|an|the|his|her|their|its|our|this|that)\s+$", re.IGNORECASE)
_TITLE_WORDS = _words(
    """
    Mr Mrs Ms Miss Dr Sir Lady Lord King Queen Prince Princess Captain Agent Detective Officer
    Sergeant Doctor Professor Father Mother Uncle Aunt Saint St Count Baron Lieutenant Colonel
    Inspector Sheriff Commander Admiral Corporal Deputy Judge Senator Governor
    """
)


@dataclass(frozen=True)
class Character:
    """A character of the film, with the performer when the plot names one."""

    name: str
    actor: str | None = None
    aliases: tuple[str, ...] = ()
    line: str = ""


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences (good enough for plots and review bodies)."""
    text = re.sub(r"\s+", " ", text or "").strip()
    # Wikipedia leads sometimes glue paragraphs: "time.The 1956 ..."
    text = re.sub(r"([a-z]{2}[.!?])([A-Z])", r"\1 \2", text)
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def parse_cast(cast_names: str) -> list[str]:
    """The actors of a comma-separated cast string, in order, without duplicates."""
    seen: dict[str, None] = {}
    for raw in (cast_names or "").split(","):
        name = " ".join(raw.split())
        if name:
            seen.setdefault(name, None)
    return list(seen)


def _clean_name(name: str) -> str:
    """A capitalised run without its sentence-start words, or "" if it is no name.

    "Meanwhile Maguire" -> "Maguire"; "The Empire Strikes Back" -> "" (a title:
    a common capitalised word inside the run).
    """
    name = re.sub(r"['\u2019]s?$", "", name)  # possessive: "Roxie's" -> "Roxie"
    words = name.split()
    while words and words[0] in _FUNCTION_WORDS:
        words = words[1:]
    bare = [re.sub(r"['\u2019]s$", "", w) for w in words]
    if any(w in STOPWORDS and w not in _TITLE_WORDS for w in bare):
        return ""
    if any(len(w) > 1 and w.isupper() for w in bare):
        return ""  # acronyms: "SS", "US", "FBI"
    return " ".join(words)


def _is_plausible_name(name: str) -> bool:
    words = [w for w in name.split() if w[:1].isupper()]
    if not words:
        return False
    meaningful = [w for w in words if w not in STOPWORDS]
    return bool(meaningful) and all(len(w) > 1 for w in meaningful)


def _aliases(name: str) -> tuple[str, ...]:
    """First name and surname of a character used alone ("Dorothy", "Gale")."""
    words = [w for w in name.split() if w[:1].isupper() and w not in _TITLE_WORDS]
    if len(words) < 2:
        return ()
    out = [w for w in (words[0], words[-1]) if len(w) > 2 and w not in STOPWORDS]
    return tuple(dict.fromkeys(out))


def _cast_lookup(cast: list[str]) -> dict[str, str]:
    """Full name and unambiguous surname of each actor -> actor."""
    lookup = {actor: actor for actor in cast}
    surnames: dict[str, list[str]] = defaultdict(list)
    for actor in cast:
        words = actor.split()
        if len(words) > 1:
            surnames[words[-1]].append(actor)
    for surname, actors in surnames.items():
        if len(actors) == 1 and surname not in lookup:
            lookup[surname] = actors[0]
    return lookup


_PAIR_PATTERNS = (
    # "Judy Garland as Dorothy Gale", "Judy Garland stars as Dorothy"
    (re.compile(rf"({_NAME})\s+(?:(?:co-)?stars?\s+|appears?\s+)?as\s+(?:the\s+)?({_NAME})"), "actor_first"),
    # "Dorothy Gale (Judy Garland)"
    (re.compile(rf"({_NAME})\s+\(({_NAME})\)"), "either"),
    # "Dorothy, played by Judy Garland", "Dorothy (played by Judy Garland)"
    (
        re.compile(rf"({_NAME}),?\s+\(?(?:played|portrayed|voiced)\s+by\s+({_NAME})"),
        "character_first",
    ),
    # "Judy Garland plays Dorothy"
    (re.compile(rf"({_NAME})\s+(?:plays|portrays|voices)\s+(?:the\s+)?({_NAME})"), "actor_first"),
)


def _pairs(sentence: str, cast_lookup: dict[str, str]) -> list[tuple[str, str]]:
    """(character, actor) pairs that one plot sentence states."""
    found: list[tuple[str, str]] = []
    for pattern, order in _PAIR_PATTERNS:
        for match in pattern.finditer(sentence):
            left, right = _clean_name(match.group(1)), _clean_name(match.group(2))
            if not left or not right:
                continue
            bracketed_full_name = False
            if order == "actor_first":
                actor, character = left, right
            elif order == "character_first" or right in cast_lookup:
                character, actor = left, right
            elif left in cast_lookup:
                character, actor = right, left
            elif len(right.split()) in (2, 3) and all(w not in STOPWORDS for w in right.split()):
                # "Harry Potter (Daniel Radcliffe)" where the stored cast (cut to a
                # dozen names) leaves the actor out: a full name in brackets.
                character, actor = left, right
                bracketed_full_name = True
            else:
                continue
            if cast_lookup and not bracketed_full_name:
                if actor not in cast_lookup:
                    # "Judy Garland as Dorothy": the actor may be the tail of a longer
                    # capitalised run ("Fleming's film stars Judy Garland").
                    tail = next((a for a in cast_lookup if actor.endswith(" " + a)), None)
                    if tail is None:
                        continue
                    actor = tail
                actor = cast_lookup[actor]
            elif len(actor.split()) < 2:
                continue
            if character in cast_lookup or not _is_plausible_name(character):
                continue
            found.append((character, actor))
    return found


def film_characters(*, plot: str, cast_names: str, film_title: str = "") -> list[Character]:
    """The characters a plot names, linked to their actors where the plot says so.

    Kept: names paired with an actor ("Actor as Character", "Character (Actor)",
    "played by"), and names not in the cast that the plot uses at least twice away from
    the start of a sentence and from credit phrases, and that are not (part of) the
    film's title: with ``film_title``, or as the subject of the plot's opening "X is a
    1993 drama film". Order: first appearance.
    """
    title_words = {w.lower() for w in re.findall(r"[^\W\d_]+", film_title)}
    sentences = split_sentences(plot)
    cast = parse_cast(cast_names)
    lookup = _cast_lookup(cast)
    paired: dict[str, str] = {}
    first_line: dict[str, str] = {}
    performers = set(cast)
    for sentence in sentences:
        for character, actor in _pairs(sentence, lookup):
            paired.setdefault(character, actor)
            first_line.setdefault(character, sentence)
        # "Daniel Radcliffe as Harry": the left side is a performer even if the cast
        # string (often cut to a dozen names) leaves them out.
        for match in _PAIR_PATTERNS[0][0].finditer(sentence):
            left = _clean_name(match.group(1))
            if len(left.split()) >= 2:
                performers.add(left)

    # Unpaired names: count uses of each capitalised run that is not an actor, a crew
    # credit, or a common word; "Scarlett" and "Scarlett O'Hara" count together.
    counts: dict[str, int] = defaultdict(int)
    credited: set[str] = set()
    for sentence in sentences:
        for match in _NAME_RE.finditer(sentence):
            name = _clean_name(match.group(0))
            if not name or not _is_plausible_name(name):
                continue
            before, after = sentence[: match.start()], sentence[match.end() :]
            if _CREDIT_BEFORE.search(before) or _CREDIT_AFTER.match(after) or _CREDIT_CHAIN.search(before):
                credited.add(name)
                continue
            if not before.strip() and _IS_A_FILM.match(after):
                credited.add(name)  # "Mean Streets is a 1973 American crime film"
                continue
            if _INSTITUTION_BEFORE.search(before) or _INSTITUTION_AFTER.match(after):
                credited.add(name)  # "School of Witchcraft and Wizardry", "Chamber of Secrets"
                continue
            if " " not in name and _DETERMINER_BEFORE.search(before):
                continue  # "her Vaudeville act", "the Chamber": a noun, not a person
            if _PLACE_BEFORE.search(before):
                continue  # "to Oz", "in Atlanta": likely a place; does not count
            if before.rstrip().endswith(('"', "\u201c")) or after.lstrip().startswith(('"', "\u201d")):
                continue  # a quoted title ("Over the Rainbow")
            if match.start() == 0 and name == match.group(0) and " " not in name:
                # One capitalised word opening a sentence: only counts if seen elsewhere.
                counts[name] += 0
                first_line.setdefault(name, sentence)
                continue
            counts[name] += 1
            first_line.setdefault(name, sentence)

    performers.update(paired.values())
    actors = performers
    actor_words = {w for actor in performers for w in actor.split()}
    credited_words = {w for name in credited for w in name.split()}
    full_names = [n for n in counts if " " in n]
    for name in list(counts):
        if " " not in name:
            # "Scarlett" after "Scarlett O'Hara": credit the full name.
            owners = [f for f in full_names if name in f.split()]
            if len(owners) == 1:
                counts[owners[0]] += counts[name]
                del counts[name]

    characters: dict[str, Character] = {}
    for character, actor in paired.items():
        # One actor, two spellings sharing a word ("Ron Weasly" / "Ron Weasley",
        # "Mike Sullivan" / "Michael Sullivan"): one character, the other an alias.
        same = next(
            (
                c
                for c in characters.values()
                if c.actor == actor and set(c.name.split()) & set(character.split())
            ),
            None,
        )
        if same is not None:
            extra = tuple(
                a for a in (character, *_aliases(character)) if a not in same.aliases and a != same.name
            )
            characters[same.name] = Character(
                name=same.name, actor=actor, aliases=same.aliases + extra, line=same.line
            )
            continue
        characters[character] = Character(
            name=character, actor=actor, aliases=_aliases(character), line=first_line[character]
        )
    known_words = {w for c in characters.values() for n in (c.name, *c.aliases) for w in n.split()}
    # A Wikipedia lead ("X is a 1993 drama film ...") names crew, actors missing from a
    # cut cast string and places more than characters: ask an unpaired name for more.
    lead = bool(sentences) and bool(_IS_A_FILM_LEAD.search(sentences[0]))
    min_count = 3 if lead else 2
    for name, count in counts.items():
        if count < min_count or name in characters or name in actors:
            continue
        words = set(name.split())
        if words & actor_words or words & credited_words or words & known_words:
            continue
        if name.split()[0] in _TITLE_WORDS and len(name.split()) == 1:
            continue
        if title_words and all(w.lower() in title_words for w in re.findall(r"[^\W\d_]+", name)):
            continue  # "Grey Gardens" in Grey Gardens
        if " " not in name and (
            name.endswith(("ian", "ians", "ese", "ish", "ans"))
            or (name.endswith("s") and re.search(rf"\b{re.escape(name[:-1])}\b", plot))
        ):
            continue  # demonyms and plurals: "Romanian", "Aliens" beside "Alien"
        characters[name] = Character(name=name, actor=None, aliases=_aliases(name), line=first_line[name])

    multi_words = {w for name in characters if " " in name for w in name.split()}
    for name in [n for n in characters if " " not in n and n in multi_words]:
        del characters[name]  # "Harry" is an alias of "Harry Potter"
    order = {name: plot.find(name) for name in characters}
    return sorted(characters.values(), key=lambda c: order[c.name])


# --- mentions in reviews -------------------------------------------------------------


def _term_pattern(terms: list[str]) -> re.Pattern[str] | None:
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    if not terms:
        return None
    alternation = "|".join(re.escape(t) for t in terms)
    return re.compile(rf"(?<![\w'\u2019-])(?:{alternation})(?![\w-])")


def _title_pattern(film_title: str) -> re.Pattern[str] | None:
    """The film's title (and its part before a colon), to blank out before matching.

    "Harry Potter and the Chamber of Secrets is fun" names the film, not Harry;
    "a real Hollywood Ending" names the film, not its ending.
    """
    forms = {film_title.strip(), film_title.split(":")[0].strip()}
    forms = {f for f in forms if len(f) > 3}
    if not forms:
        return None
    alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


def _without_title(sentences: list[tuple[int, str, float]], film_title: str) -> list[tuple[int, str, float]]:
    pattern = _title_pattern(film_title)
    if pattern is None:
        return sentences
    return [(rid, pattern.sub("\u2026", text), score) for rid, text, score in sentences]


def mention_counts(
    *,
    sentences: list[tuple[int, str, float]],
    characters: list[Character],
    performers: list[str],
    film_title: str = "",
) -> dict[str, dict[str, object]]:
    """Which review sentences mention each character and each performer.

    ``sentences`` are (review id, sentence, sentiment score). A character matches by
    full name or alias, a performer by full name or surname; case-sensitive, whole
    words. A short form shared by two entries (two Smiths) is dropped, and a short
    form that is a common capitalised word ("Young", "King") is dropped too.

    Returns ``{name: {"kind", "name", "actor", "review_ids", "reviews", "sentiment",
    "sentences"}}`` where ``sentences`` is a list of (review id, sentence, score) and
    ``sentiment`` is the mean score of those sentences (0.0 when none). With
    ``film_title``, the title itself is not a mention ("Harry Potter and the Chamber
    of Secrets" is not a mention of Harry); the sentences returned stay verbatim.
    """
    masked = _without_title(sentences, film_title)
    entries: list[tuple[str, str, str | None, list[str]]] = []
    for character in characters:
        entries.append(("character", character.name, character.actor, [character.name, *character.aliases]))
    for performer in dict.fromkeys(p.strip() for p in performers if p and p.strip()):
        words = performer.split()
        short = [words[-1]] if len(words) > 1 and len(words[-1]) > 2 else []
        entries.append(("performer", performer, None, [performer, *short]))

    full_names = {name for _, name, _, _ in entries}
    short_owners: dict[str, set[str]] = defaultdict(set)
    for _, name, _, terms in entries:
        for term in terms[1:]:
            short_owners[term].add(name)

    result: dict[str, dict[str, object]] = {}
    for kind, name, actor, terms in entries:
        usable = [terms[0]] + [
            t for t in terms[1:] if len(short_owners[t]) == 1 and t not in STOPWORDS and t not in full_names
        ]
        pattern = _term_pattern(usable)
        hits: list[tuple[int, str, float]] = []
        if pattern is not None:
            hits = [
                original
                for original, (_, text, _) in zip(sentences, masked, strict=True)
                if pattern.search(text)
            ]
        review_ids = sorted({rid for rid, _, _ in hits})
        key = name if name not in result else f"{name} ({kind})"
        result[key] = {
            "kind": kind,
            "name": name,
            "actor": actor,
            "review_ids": review_ids,
            "reviews": len(review_ids),
            "sentiment": round(sum(s for _, _, s in hits) / len(hits), 3) if hits else 0.0,
            "sentences": hits,
        }
    return result
