"""What an explanation's prompt may cite: only what links the recommended film to the member
(read on real members' picks, docs/language-models.md)."""

from __future__ import annotations

from .prompts import Facts, _stars


def shared_with_loved(facts: Facts) -> str:
    """What this film shares with the films the member loves, as one prompt line: each of its
    genres with the loved films (rated 4 or more) that have it. Read on real members: given
    only the loved films' titles, the model made the link up ("The Third Man, Forrest Gump and
    Take the Money and Run, all of which are animated comedies"); given the true link, it has
    one to cite."""
    loved = [t for t, s in facts.user.ratings[:6] if s >= 4 and t in facts.user.genres_of]
    links = []
    for genre in facts.movie.genres:
        with_it = [t for t in loved if genre in facts.user.genres_of[t]]
        if with_it:
            links.append(f"{genre} ({', '.join(with_it)})")
    if not links:
        return ""
    return f"Genres {facts.movie.title} shares with films the user loves: " + "; ".join(links)


def links_block(facts: Facts) -> str:
    """What an explanation may cite: the member's loved films and only those of their tastes
    this film answers. Read on real members: given every taste of the profile, the model listed
    them whatever the film ("It fits your taste in animation, musicals, war, Audrey Hepburn and
    Dominique Pinon" for Apocalypse Now)."""
    m, u = facts.movie, facts.user
    lines = []
    loved = [(t, s) for t, s in u.ratings[:6] if s >= 4]
    if loved:
        lines.append(
            "The user loves (rated 4 stars or more): " + "; ".join(f"{t} ({_stars(s)})" for t, s in loved)
        )
    lines.append(shared_with_loved(facts))
    genres = [g for g in u.liked_genres if g in m.genres]
    if genres:
        lines.append(f"Genres the user usually likes that {m.title} has: " + ", ".join(genres))
    people = [p for p in u.liked_people if p in m.directors + m.cast]
    if people:
        lines.append(f"People the user usually likes in {m.title}: " + ", ".join(people))
    return "\n".join(line for line in lines if line)
