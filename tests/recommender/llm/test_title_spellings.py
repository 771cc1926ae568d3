"""The spellings of a catalogue title that the grounding checks accept (grounding/names.py),
and how the English genre check and the Chinese title check read them."""

from __future__ import annotations

import pytest

from recommender.llm.grounding import chinese, genre_misstatements
from recommender.llm.grounding.names import title_spellings
from recommender.llm.prompts import Facts, MovieFacts, UserFacts


@pytest.mark.parametrize(
    ("title", "spellings"),
    [
        ("Heat", ["Heat"]),
        ("Matrix, The (1999)", ["Matrix, The", "The Matrix"]),
        ("Auberge espagnole, L'", ["Auberge espagnole, L'", "L'Auberge espagnole"]),
        ("Seven (a.k.a. Se7en) (1995)", ["Seven (a.k.a. Se7en)", "Seven", "Se7en"]),
        (
            "City of Lost Children, The (Cité des enfants perdus, La) (1995)",
            [
                "City of Lost Children, The (Cité des enfants perdus, La)",
                "The City of Lost Children (Cité des enfants perdus, La)",
                "Cité des enfants perdus, La",
                "City of Lost Children, The",
                "La Cité des enfants perdus",
                "The City of Lost Children",
            ],
        ),
        (
            "Léon: The Professional (a.k.a. The Professional) (Léon)",
            [
                "Léon: The Professional (a.k.a. The Professional) (Léon)",
                "Léon: The Professional",
                "The Professional",
                "Léon",
            ],
        ),
    ],
)
def test_a_title_is_spelled_whole_before_its_brackets_and_by_each_bracket_part(
    title: str, spellings: list[str]
) -> None:
    assert title_spellings(title) == spellings


def test_spellings_come_longest_first_without_repeats() -> None:
    spellings = title_spellings("Usual Suspects, The")
    assert spellings == sorted(set(spellings), key=len, reverse=True)


@pytest.mark.parametrize(
    ("title", "spellings"),
    [
        ("(500) Days of Summer", ["(500) Days of Summer"]),
        ("Frontière(s)", ["Frontière(s)"]),
        ("Babies (Bébé(s))", ["Babies (Bébé(s))", "Bébé(s)", "Babies"]),
        (
            "Evangelion: 1.0 You Are (Not) Alone (Evangerion shin gekijôban: Jo)",
            [
                "Evangelion: 1.0 You Are (Not) Alone (Evangerion shin gekijôban: Jo)",
                "Evangelion: 1.0 You Are (Not) Alone",
                "Evangerion shin gekijôban: Jo",
            ],
        ),
        (
            "Human Centipede II (Full Sequence), The",
            ["Human Centipede II (Full Sequence), The", "The Human Centipede II (Full Sequence)"],
        ),
    ],
)
def test_a_bracket_inside_the_name_is_part_of_it(title: str, spellings: list[str]) -> None:
    assert title_spellings(title) == spellings


def test_a_bracket_part_too_short_to_name_a_film_is_no_spelling() -> None:
    assert title_spellings("1-900 (06)") == ["1-900 (06)", "1-900"]
    assert title_spellings("Foo (a.k.a. X) (La)") == ["Foo (a.k.a. X) (La)", "Foo"]
    # a short title is still its own spelling
    assert title_spellings("M") == ["M"]


def _facts_with_rated(title: str, genres: list[str]) -> Facts:
    return Facts(
        movie=MovieFacts(title="Die Hard", year=1988, genres=["Action", "Thriller"]),
        user=UserFacts(ratings=[(title, 4.0)], genres_of={title: genres}),
        rating=4.0,
        language="zh",
    )


def test_the_genre_check_finds_a_film_by_a_bracket_part_that_is_no_aka() -> None:
    facts = _facts_with_rated("City of Lost Children, The (Cité des enfants perdus, La)", ["Fantasy"])
    text = "Die Hard is a thriller, La Cité des enfants perdus a fantasy film."
    assert genre_misstatements(text, facts) == []
    assert genre_misstatements("Die Hard is a thriller, The City of Lost Children a western.", facts) == [
        "calls 'City of Lost Children, The (Cité des enfants perdus, La)' 'a western', not one of its genres"
    ]


def test_the_genre_check_does_not_read_a_common_word_as_a_one_word_title() -> None:
    facts = _facts_with_rated("Survival Island (Three)", ["Drama"])
    # "three" is no title here: the claim is about Die Hard, which is a thriller
    assert genre_misstatements("I gave three stars to this thriller.", facts) == []
    assert genre_misstatements("I liked Three, a western.", facts)
    # nor a title inside a longer word: "Alien" is not in "Aliens"
    alien = _facts_with_rated("Alien", ["Horror", "Sci-Fi"])
    assert genre_misstatements("Aliens is a thriller too.", alien) == []


def test_the_chinese_check_accepts_a_title_known_by_another_name_without_a_k_a() -> None:
    facts = _facts_with_rated("Seven (a.k.a. Se7en)", ["Mystery", "Thriller"])
    for title in ("Seven", "Se7en", "Seven (a.k.a. Se7en)"):
        assert chinese.name_problems(f"《{title}》是一部惊悚片。", facts) == []
    assert chinese.name_problems("《Seven Samurai》是一部惊悚片。", facts)
    leon = _facts_with_rated("Léon: The Professional (a.k.a. The Professional) (Léon)", ["Action"])
    for title in ("The Professional", "Léon", "Léon: The Professional"):
        assert chinese.name_problems(f"《{title}》是一部动作片。", leon) == []
