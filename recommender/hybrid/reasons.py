"""Why a movie is recommended, as one line of English grounded in the member's own history:
"Because you rated Heat 5 stars and like Crime movies", "Because you like films with
Michael Mann". The wording lives here; the scores behind it come from ``ServingModel``."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .rows import LIKED_AT
from .serving import ServingModel

# "Because you like films with <person>" needs at least this many of the person's films
# rated by the user, rated LIKED_AT on average and this many stars above the user's mean.
PERSON_REASON_FILMS = 2
PERSON_REASON_MARGIN = 0.25


def favourite_people(model: ServingModel, ratings: Mapping[int, float]) -> dict[int, float]:
    """{person column: affinity} for the people whose films this user demonstrably likes:
    at least PERSON_REASON_FILMS of them rated, LIKED_AT on average and clearly above the
    user's own mean (someone in every film they rated is no taste of theirs)."""
    scorer = model.hybrid.base.people
    if scorer is None or scorer.n_people == 0 or not scorer.names:
        return {}
    row = model.row(ratings)
    if row.nnz == 0:
        return {}
    people, affinity, films = scorer.affinities(row.indices, row.data)
    mean = float(row.data.mean())
    # affinity = (sum - k * mean) / (k + shrink), so the person's mean rating is recoverable
    person_mean = affinity * (films + scorer.shrink) / np.maximum(films, 1) + mean
    keep = (
        (films >= PERSON_REASON_FILMS)
        & (person_mean >= LIKED_AT)
        & (person_mean >= mean + PERSON_REASON_MARGIN)
    )
    return dict(zip(people[keep].tolist(), affinity[keep].tolist(), strict=True))


def reason_for(
    model: ServingModel,
    ratings: Mapping[int, float],
    movie_id: int,
    *,
    genres: list[str] | None = None,
    people: Mapping[int, float] | None = None,
) -> str:
    """One line grounded in the user's own history, e.g.
    "Because you rated Heat 5 stars and like Crime movies", or "Because you like films
    with Michael Mann" when the user rated several of that person's films highly.
    ``genres`` and ``people``: the user's ``favourite_genres`` and ``favourite_people``,
    computed once for a whole list of picks."""
    i = model.column_of(movie_id)
    if i is None:
        return "New in the catalogue"
    genres = genres if genres is not None else model.favourite_genres(ratings)
    shared = [g for g in genres if g in model.genres[i]]
    loved = [(m, r) for m, r in ratings.items() if r >= LIKED_AT and model.knows(m)]
    parts = []
    person = _favourite_person_in(model, i, favourite_people(model, ratings) if people is None else people)
    if person:
        parts.append(f"Because you like films with {person}")
    elif loved:
        idx = model.columns([m for m, _ in loved])
        sims = model.item_similarity(np.array([i]))[0][idx]
        best = int(np.argmax(sims))
        if sims[best] > 0.2:
            m, r = loved[best]
            parts.append(f"Because you rated {model.titles[idx[best]]} {r:g} stars")
    if shared:
        parts.append(("and like " if parts else "Because you like ") + f"{shared[0]} movies")
    if not parts:
        q = model.hybrid.base.quality[i]
        return "Popular and highly rated with members" if q >= 3.8 else "Popular with members"
    return " ".join(parts)


def _favourite_person_in(model: ServingModel, item: int, people: Mapping[int, float]) -> str:
    """The name of the movie's person the user likes most, or ""."""
    scorer = model.hybrid.base.people
    if not people or scorer is None:
        return ""
    span = slice(scorer.by_movie.indptr[item], scorer.by_movie.indptr[item + 1])
    liked = [(people[j], j) for j in scorer.by_movie.indices[span].tolist() if j in people]
    return scorer.names[max(liked)[1]] if liked else ""
