"""Titles and people a request names, looked up in the catalogue: whatever the rules or the
generator read, only a catalogue row counts. A near miss is shown back with a suggestion
("I could not find 'Alein'; did you mean Alien (1979)?")."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import TypeVar

from django.db import connection
from django.db.models import Count, Q

from community.movies.models import Movie, Person
from community.movies.selectors import movie_title_suggestions

from .parsing import Query, Reference

# difflib ratio of the normalised strings from which a near miss counts as the film itself.
SAME_TITLE = 0.88
SUGGEST_FROM = 0.5


def _norm(text: str) -> str:
    text = re.sub(r"['’`]", "", (text or "").lower())
    text = re.sub(r"[^\w]+", " ", text).strip()
    return re.sub(r"^(?:the|a|an) ", "", text)


def _label(movie: Movie) -> str:
    return f"{movie.title} ({movie.year})" if movie.year else movie.title


T = TypeVar("T")


def _best(candidates: list[T], text: str, name: Callable[[T], str]) -> tuple[T, float] | None:
    """The candidate whose name is closest to `text` (difflib ratio of the normalised strings)."""
    best: tuple[T, float] | None = None
    for candidate in candidates:
        ratio = difflib.SequenceMatcher(None, _norm(text), _norm(name(candidate))).ratio()
        if best is None or ratio > best[1]:
            best = (candidate, ratio)
    return best


def title_resolve(text: str) -> Reference:
    ref = Reference(text=text)
    wanted = _norm(text)
    if not wanted:
        return ref
    movies = Movie.objects.order_by("-rating_count", "pk")
    exact = [m for m in movies.filter(title__iexact=text.strip())[:5]]
    if not exact:
        # "Matrix" for "The Matrix", "the usual suspects" for "The Usual Suspects"
        exact = [
            m for m in movies.filter(title__icontains=wanted.split()[0])[:200] if _norm(m.title) == wanted
        ]
    if exact:
        ref.id, ref.label = exact[0].pk, _label(exact[0])
        return ref
    candidates = movie_title_suggestions(query=text, limit=8)
    # Trigrams miss swapped letters in short titles ("Alein" shares 2 of 10 with "Alien"):
    # difflib over the titles that start alike finds them.
    starts = [f"{article}{wanted[:1]}" for article in ("", "the ", "a ", "an ")]
    alike = Q()
    for start in starts:
        alike |= Q(title__istartswith=start)
    pool = {
        _norm(m.title): m for m in reversed(list(movies.filter(alike).only("pk", "title", "year")[:5000]))
    }
    candidates += [pool[t] for t in difflib.get_close_matches(wanted, list(pool), n=3, cutoff=SUGGEST_FROM)]
    found = _best(candidates, text, _title)
    if found is not None and found[1] >= SAME_TITLE:
        ref.id, ref.label = found[0].pk, _label(found[0])
    elif found is not None and found[1] >= SUGGEST_FROM:
        ref.suggestion, ref.suggestion_id = _label(found[0]), found[0].pk
    return ref


def _title(movie: Movie) -> str:
    return movie.title


def _person_name(person: Person) -> str:
    return person.name


def person_resolve(text: str) -> Reference:
    ref = Reference(text=text)
    name = " ".join(text.split())
    if not name:
        return ref
    people = Person.objects.annotate(films=Count("credits")).order_by("-films", "pk")
    found = people.filter(name__iexact=name).first()
    if found is None and " " not in name:
        # a surname alone: "Spielberg" is Steven Spielberg, the most credited of that name
        found = people.filter(name__iendswith=f" {name}").first()
    if found is not None:
        ref.id, ref.label = found.pk, found.name
        return ref
    candidates: list[Person] = []
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        candidates = list(
            Person.objects.annotate(similarity=TrigramSimilarity("name", name))
            .filter(similarity__gt=0.3)
            .order_by("-similarity")[:8]
        )
    else:
        candidates = list(Person.objects.filter(name__icontains=name.split()[-1][:4])[:50])
    close = _best(candidates, name, _person_name)
    if close is not None and close[1] >= SAME_TITLE:
        ref.id, ref.label = close[0].pk, close[0].name
    elif close is not None and close[1] >= SUGGEST_FROM:
        ref.suggestion, ref.suggestion_id = close[0].name, close[0].pk
    return ref


def query_resolve(query: Query) -> Query:
    """Every title and person of `query` looked up (those already resolved are kept)."""
    query.like = [r if r.id else title_resolve(r.text) for r in query.like]
    query.people = [r if r.id else person_resolve(r.text) for r in query.people]
    query.avoid_people = [r if r.id else person_resolve(r.text) for r in query.avoid_people]
    return query


def unresolved_notices(query: Query) -> list[str]:
    """What to show back about names the catalogue did not match, in the request's language."""
    notices = []
    zh = query.language == "zh"
    for ref in [*query.like, *query.people, *query.avoid_people]:
        if ref.id:
            continue
        if ref.suggestion:
            notices.append(
                f"没有找到“{ref.text}”；您是指 {ref.suggestion} 吗？"
                if zh
                else f"I could not find '{ref.text}'; did you mean {ref.suggestion}?"
            )
        else:
            notices.append(
                f"片库里没有找到“{ref.text}”，这一条没有计入。"
                if zh
                else f"I could not find '{ref.text}' in the catalogue, so it was left out."
            )
    return notices
