"""Genre claims in drafts and explanations (recommender/llm/grounding/genres.py).

The sentences are the ones read on real members (docs/language-models.md) that passed every
other check.
"""

from __future__ import annotations

import pytest

from recommender.llm import grounding
from recommender.llm.grounding import genre_misstatements, other_film_claims
from recommender.llm.prompts import Facts, MovieFacts, UserFacts


def facts_for(title: str, genres: list[str], **others: list[str]) -> Facts:
    return Facts(
        movie=MovieFacts(title=title, year=1999, genres=genres),
        user=UserFacts(ratings=[(t, 4.0) for t in others], genres_of=dict(others)),
        rating=4.0,
    )


AMERICAN_BEAUTY = facts_for("American Beauty", ["Drama", "Romance"])


@pytest.mark.parametrize(
    "text",
    [
        "I found American Beauty a romantic comedy with a sharp edge.",
        "It is a tense western that never lets go.",
        "What a thriller: it kept me guessing.",
        "This horror film scared me more than I expected.",
        "I loved this crime drama from start to finish.",
    ],
)
def test_a_genre_the_film_does_not_have_fails(text: str) -> None:
    assert genre_misstatements(text, AMERICAN_BEAUTY)


@pytest.mark.parametrize(
    "text",
    [
        "I found American Beauty a well-crafted drama.",
        "It is a love story, and a romance film at heart.",
        "It is not a comedy, whatever the poster says.",
        "The comedy in the dinner scene falls flat, and the horror of suburbia stays with me.",
        "I liked the action of the last act and its musical score.",
        "There are moments of drama and a western-style standoff.",
        "It is more of a character study than a thriller.",
    ],
)
def test_a_genre_the_film_has_or_no_claim_passes(text: str) -> None:
    assert genre_misstatements(text, AMERICAN_BEAUTY) == []


def test_a_claim_belongs_to_the_film_named_before_it() -> None:
    beauty = ["Animation", "Musical", "Romance"]
    facts = facts_for("Bad Boys", ["Action", "Comedy", "Crime"], **{"Beauty and the Beast": beauty})
    text = "You might like Bad Boys because Beauty and the Beast is known for strong action sequences."
    assert genre_misstatements(text, facts) == [
        "calls 'Beauty and the Beast' 'action sequences', not one of its genres"
    ]
    assert genre_misstatements("Bad Boys is an action comedy, unlike Beauty and the Beast.", facts) == []


def test_a_film_named_with_its_article_moved_back_is_found() -> None:
    facts = facts_for("Alien", ["Horror", "Sci-Fi"], **{"Matrix, The": ["Action", "Sci-Fi", "Thriller"]})
    assert genre_misstatements("Like The Matrix, a thriller, Alien is a sci-fi horror film.", facts) == []
    assert genre_misstatements("Alien is a thriller.", facts)


def test_a_film_known_by_another_title_is_found_by_either() -> None:
    potter = "Harry Potter and the Sorcerer's Stone (a.k.a. Harry Potter and the Philosopher's Stone)"
    facts = facts_for("Die Hard", ["Action", "Thriller"], **{potter: ["Adventure", "Children", "Fantasy"]})
    assert (
        genre_misstatements(
            "Die Hard is a thriller, Harry Potter and the Philosopher's Stone a fantasy film.", facts
        )
        == []
    )
    assert genre_misstatements("Like Harry Potter and the Sorcerer's Stone, a thriller.", facts)


def test_a_blend_or_elements_of_genres_name_kinds_the_film_must_have() -> None:
    # read in drafts on real members: Edge of Seventeen (Comedy, Drama, Romance), The Parent Trap
    edge = facts_for("Edge of Seventeen", ["Comedy", "Drama", "Romance"])
    text = "It is a must-see for anyone into comedy, drama, romance, and even some elements of horror."
    assert genre_misstatements(text, edge) == [
        "calls 'Edge of Seventeen' 'elements of horror', not one of its genres"
    ]
    trap = facts_for("The Parent Trap", ["Children", "Comedy", "Romance"])
    assert genre_misstatements("This film is a mix of mystery and romance.", trap) == [
        "calls 'The Parent Trap' 'mix of mystery', not one of its genres"
    ]
    assert genre_misstatements("This film is a mix of comedy and romance.", trap) == []
    assert genre_misstatements("It was a mix of good and bad, with some parts entertaining.", trap) == []
    flawless = facts_for("Flawless", ["Crime", "Drama", "Thriller"])
    assert genre_misstatements("A blend of crime drama and psychological thriller.", flawless) == []


def test_the_animation_of_a_live_action_film_is_a_wrong_claim() -> None:
    wonka = facts_for("Willy Wonka & the Chocolate Factory", ["Children", "Comedy", "Fantasy", "Musical"])
    assert genre_misstatements("The musical score and the whimsical animation were captivating.", wonka)
    gromit = facts_for("Wallace & Gromit: The Wrong Trousers", ["Animation", "Children", "Comedy"])
    assert genre_misstatements("The stop-motion animation is a marvel.", gromit) == []


def test_films_without_genres_in_the_facts_are_not_judged() -> None:
    facts = facts_for("Rubber", [])
    assert genre_misstatements("Rubber is a tense western.", facts) == []


def test_the_draft_check_drops_or_fails_a_wrong_genre() -> None:
    facts = facts_for("Shine", ["Drama", "Romance"])
    text = (
        "I loved Shine. It is a heartwarming romantic comedy about a pianist. "
        "The acting is superb and I was moved throughout."
    )
    check = grounding.check_output("review_draft", text, facts)
    assert not check.ok
    assert any("romantic comedy" in p for p in check.problems)
    assert grounding.sentence_problems("review_draft", "It is a heartwarming romantic comedy.", facts)
    assert grounding.sentence_problems("review_draft", "It is a heartwarming drama.", facts) == []


def test_what_another_film_is_known_for_is_not_in_the_facts() -> None:
    # read in an explanation on a real member (Wallace & Gromit recommended)
    facts = facts_for(
        "Wallace & Gromit: The Wrong Trousers",
        ["Animation", "Children", "Comedy"],
        **{"Chasing Amy": ["Comedy"], "English Patient, The": ["Drama"], "Eyes Wide Shut": ["Drama"]},
    )
    text = (
        "It is a great choice for you because you love Chasing Amy, The English Patient, and "
        "Eyes Wide Shut, all of which are known for their humor and engaging stories."
    )
    assert other_film_claims(text, facts) == [
        "says what 'Eyes Wide Shut' is known for, which the facts do not hold"
    ]
    assert not grounding.check_output("explanation", text, facts).ok
    # about the recommended film itself: the support check's business, not this rule's
    assert other_film_claims("The Wrong Trousers is known for its train chase.", facts) == []
    assert other_film_claims("Because you rated Chasing Amy 4 stars, try this one.", facts) == []
