"""What drafts and explanations may not say of films and of the member (grounding/member.py,
grounding/genres.py): a kind given to a group of the member's films, "<genre> elements", how
a film was received, a taste the member never showed. The sentences are the ones read on real
members (bench_generation --real) that passed every other check.
"""

from __future__ import annotations

import pytest

from recommender.llm import grounding
from recommender.llm.grounding import genre_misstatements, reception_claims, taste_misstatements
from recommender.llm.prompts import Facts, MovieFacts, UserFacts, messages_for
from recommender.llm.prompts_explanation import shared_with_loved

HERCULES = Facts(
    movie=MovieFacts(
        title="Hercules", year=1997, genres=["Adventure", "Animation", "Children", "Comedy", "Musical"]
    ),
    user=UserFacts(
        ratings=[
            ("The Third Man", 5.0),
            ("Forrest Gump", 5.0),
            ("Take the Money and Run", 4.5),
            ("My Giant", 1.0),
        ],
        genres_of={
            "The Third Man": ["Film-Noir", "Mystery", "Thriller"],
            "Forrest Gump": ["Comedy", "Drama", "Romance", "War"],
            "Take the Money and Run": ["Comedy", "Crime"],
            "My Giant": ["Comedy", "Drama"],
        },
    ),
)


def test_a_kind_given_to_every_film_of_a_group_is_checked_against_each() -> None:
    text = (
        "You love The Third Man, Forrest Gump and Take the Money and Run, all of which are animated comedies."
    )
    problems = " ".join(genre_misstatements(text, HERCULES))
    assert "'The Third Man' 'animated'" in problems
    assert "'The Third Man' 'comedies'" in problems
    assert "'Forrest Gump' 'comedies'" not in problems


def test_a_kind_every_film_of_the_group_has_passes() -> None:
    assert not genre_misstatements(
        "You love Forrest Gump and Take the Money and Run, both comedies.", HERCULES
    )


def test_elements_of_a_kind_the_film_lacks_fail_and_its_own_pass() -> None:
    assert genre_misstatements("Forrest Gump has its crime elements too.", HERCULES)
    assert not genre_misstatements("Hercules has comedic elements and musical numbers.", HERCULES)
    assert not genre_misstatements("Forrest Gump has no crime elements.", HERCULES)


@pytest.mark.parametrize(
    "text",
    [
        "Hero is an action-adventure drama with strong ratings from viewers who enjoyed Spirited Away.",
        "You enjoyed The Third Man and Forrest Gump, all of which are highly rated.",
        "This film is highly recommended by you based on your ratings.",
        "A critically acclaimed fable, Hercules suits you.",
        "Hercules is a film critics loved.",
        "The Piano is highly recommended!",
        "Hercules is a musical that's been praised for its songs.",
    ],
)
def test_how_a_film_was_received_is_no_fact_of_a_member(text: str) -> None:
    assert reception_claims(text, HERCULES)


def test_reception_the_recommenders_reason_states_is_a_fact() -> None:
    facts = Facts(movie=HERCULES.movie, user=HERCULES.user, reason="Popular and highly rated with members")
    assert not reception_claims("Hercules is popular and highly rated with members like you.", facts)
    assert not reception_claims("A fun film for viewers who like songs.", HERCULES)
    # the member's own ratings are theirs to cite
    assert not reception_claims(
        "You love dramas and Forrest Gump, both of which you gave high ratings.", HERCULES
    )


def test_a_taste_for_a_genre_the_member_never_showed_fails() -> None:
    text = "It fits your taste for comedy, musicals and sci-fi."
    problems = " ".join(taste_misstatements(text, HERCULES))
    assert "'musicals'" in problems and "'sci-fi'" in problems
    assert "'comedy'" not in problems  # Forrest Gump (5 stars) is a comedy


def test_a_taste_from_the_profile_or_a_loved_film_passes() -> None:
    facts = Facts(
        movie=HERCULES.movie, user=UserFacts(**{**HERCULES.user.__dict__, "liked_genres": ["Musical"]})
    )
    assert not taste_misstatements("Your love of musicals and thrillers shows.", facts)
    # a film rated 1 star shows no taste for its genres
    assert taste_misstatements(
        "Your fondness for dramas",
        Facts(
            movie=HERCULES.movie,
            user=UserFacts(ratings=[("My Giant", 1.0)], genres_of={"My Giant": ["Comedy", "Drama"]}),
        ),
    )


def test_check_output_turns_an_explanation_down_for_these_claims() -> None:
    text = "Hercules fits your taste for science fiction, as you loved The Third Man and Forrest Gump."
    check = grounding.check_output("explanation", text, HERCULES)
    assert not check.ok and any("taste" in p for p in check.problems)


def test_the_explanation_prompt_gives_the_genres_shared_with_loved_films() -> None:
    line = shared_with_loved(HERCULES)
    assert line == (
        "Genres Hercules shares with films the user loves: Comedy (Forrest Gump, Take the Money and Run)"
    )
    assert line in messages_for("explanation", HERCULES)[-1]["content"]
    # nothing shared, nothing said
    alone = Facts(movie=MovieFacts(title="Heat", genres=["Western"]), user=HERCULES.user)
    assert shared_with_loved(alone) == ""


def test_films_given_as_examples_of_a_kind_must_have_it() -> None:
    text = "You enjoyed several sci-fi comedies like The Third Man and Forrest Gump."
    problems = " ".join(genre_misstatements(text, HERCULES))
    assert "'The Third Man' as an example of 'sci-fi'" in problems
    assert "'Forrest Gump' as an example of 'comedies'" not in problems
    assert not genre_misstatements("You love comedies like Forrest Gump.", HERCULES)


def test_an_explanation_cites_only_tastes_this_film_answers() -> None:
    user = UserFacts(
        **{**HERCULES.user.__dict__, "liked_genres": ["Horror"], "liked_people": ["Ridley Scott"]}
    )
    facts = Facts(movie=HERCULES.movie, user=user)
    text = "It suits your interest in horror and Ridley Scott."
    assert not taste_misstatements(text, facts)  # a draft may speak of any taste the member has
    problems = " ".join(taste_misstatements(text, facts, of_this_film=True))
    assert "'horror'" in problems and "'Ridley Scott'" in problems
    assert not taste_misstatements("It suits your love of comedy.", facts, of_this_film=True)


CUCKOO = Facts(
    movie=MovieFacts(title="One Flew Over the Cuckoo's Nest", genres=["Drama"]),
    user=UserFacts(
        ratings=[("The Blues Brothers", 5.0), ("The Wolf of Wall Street", 5.0), ("Catch Me If You Can", 4.5)],
        genres_of={
            "The Blues Brothers": ["Action", "Comedy", "Musical"],
            "The Wolf of Wall Street": ["Comedy", "Crime", "Drama"],
            "Catch Me If You Can": ["Crime", "Drama"],
        },
    ),
)


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        (
            "You love The Blues Brothers and Catch Me If You Can. "
            "It shares the same drama genre as these films.",
            "The Blues Brothers",
        ),
        (
            "You loved The Wolf of Wall Street and Catch Me If You Can. These movies are all comedies.",
            "Catch Me",
        ),
        ("It shares its genre with films you love, including The Blues Brothers.", "The Blues Brothers"),
    ],
)
def test_a_genre_said_to_be_shared_must_be(text: str, wrong: str) -> None:
    problems = genre_misstatements(text, CUCKOO)
    assert problems and all(wrong in p for p in problems)


def test_a_genre_truly_shared_passes() -> None:
    assert not genre_misstatements(
        "It shares its genre with films you love, including Catch Me If You Can.", CUCKOO
    )


def test_titles_written_in_lower_case_fail() -> None:
    text = "You love the blues brothers and the wolf of wall street."
    assert len(grounding.lowercased_titles(text, CUCKOO)) == 2
    assert not grounding.lowercased_titles("You love The Blues Brothers and the Wolf of Wall Street.", CUCKOO)


def test_a_sentence_leaning_on_a_dropped_one_goes_with_it() -> None:
    text = (
        "You love The Blues Brothers, all of which are westerns. These films share similar themes. "
        "It is a drama."
    )
    assert grounding.without_sentences("explanation", text, lambda s: "westerns" in s) == text
    assert grounding.without_sentences(
        "explanation", "Bad one. It's also a drama, so it fits.", lambda s: s == "Bad one."
    ) == ("Bad one. It's also a drama, so it fits.")


def test_a_film_called_a_show_fails_unless_a_title_says_so() -> None:
    assert genre_misstatements("I liked it, though the show had some weak episodes.", HERCULES)
    star_wars = Facts(
        movie=HERCULES.movie,
        user=UserFacts(ratings=[("Star Wars: Episode IV - A New Hope", 5.0)], genres_of={}),
    )
    assert not genre_misstatements("You loved Star Wars: Episode IV - A New Hope.", star_wars)
    assert not genre_misstatements("It is a great show of force.", HERCULES)


def test_an_explanation_must_cite_something_of_the_members() -> None:
    facts = Facts(
        movie=MovieFacts(title="Full Metal Jacket", genres=["Drama", "War"]),
        user=UserFacts(
            ratings=[("The Shining", 5.0)], genres_of={"The Shining": ["Horror"]}, liked_genres=["Sci-Fi"]
        ),
        reason="Because you rated The Shining 5 stars",
    )
    assert grounding.explanation_problems("It's a war drama that fits well with your taste.", facts)
    assert not grounding.explanation_problems("You gave The Shining 5 stars; this is Kubrick's war.", facts)
    assert not grounding.explanation_problems("A sci-fi fan like you may still enjoy this war drama.", facts)
    liked_war = Facts(movie=facts.movie, user=facts.user, reason="Because you like War movies")
    assert not grounding.explanation_problems("It's a war drama that fits well with your taste.", liked_war)


def test_themes_or_style_shared_with_other_films_are_no_fact() -> None:
    text = "It shares similar themes with your favourite movies like The Third Man and Forrest Gump."
    assert any("similar themes" in p for p in grounding.explanation_problems(text, HERCULES))


def test_a_group_named_only_in_the_sentence_before_is_checked_for_a_shared_genre() -> None:
    text = (
        "You rated The Wolf of Wall Street and The Blues Brothers 5 stars. "
        "Since One Flew Over the Cuckoo's Nest shares this genre with these films, it suits you."
    )
    assert any("The Blues Brothers" in p for p in genre_misstatements(text, CUCKOO))


def test_which_you_gave_after_another_title_is_about_that_one() -> None:
    facts = Facts(
        movie=MovieFacts(title="Ace Ventura: Pet Detective", genres=["Comedy"]),
        user=UserFacts(ratings=[("Forrest Gump", 5.0)], genres_of={"Forrest Gump": ["Comedy", "Drama"]}),
    )
    fine = (
        "Ace Ventura: Pet Detective is a comedy that suits your taste in movies like Forrest Gump, "
        "which you gave 5 stars."
    )
    assert not grounding.check_output("explanation", fine, facts).problems
    seen = "Ace Ventura: Pet Detective is a comedy that you love, like Forrest Gump."
    assert any("already seen" in p for p in grounding.check_output("explanation", seen, facts).problems)


def test_an_explanation_naming_a_film_twice_fails() -> None:
    text = "You enjoyed The Third Man, Forrest Gump and The Third Man, so Hercules suits you."
    assert any("twice" in p for p in grounding.explanation_problems(text, HERCULES))
    again = "You loved Forrest Gump, and Hercules is as warm as Forrest Gump."
    assert not grounding.explanation_problems(again, HERCULES)


@pytest.mark.parametrize(
    "text",
    [
        "It suits you because you've already enjoyed the films you mentioned, including Forrest Gump.",
        "You've already enjoyed Forrest Gump (5/5) and Thriller movies (5/5).",
        "You loved Forrest Gump, which shares many of its themes with Hercules.",
    ],
)
def test_what_no_fact_holds_fails(text: str) -> None:
    assert grounding.explanation_problems(text, HERCULES)


def test_a_likeness_to_films_that_share_no_genre_fails() -> None:
    text = "Hercules fits your taste in movies like The Third Man and Forrest Gump."
    problems = genre_misstatements(text, HERCULES)
    assert any("The Third Man" in p for p in problems) and not any("Forrest Gump" in p for p in problems)
    assert not genre_misstatements("Hercules suits your taste for Comedy.", HERCULES)


def test_names_and_hyphenated_titles_in_lower_case_fail() -> None:
    facts = Facts(
        movie=HERCULES.movie,
        user=HERCULES.user,
        reason="Because you like films with Tutte Lemkow and like Drama movies",
    )
    assert grounding.lowercased_titles("It suits your preferences for films with tutte lemkow.", facts)
    assert grounding.lowercased_titles("especially if you enjoy take-the-money-and-run movies", facts)


def _draft(rating: float) -> Facts:
    return Facts(movie=HERCULES.movie, user=HERCULES.user, rating=rating)


def test_a_draft_may_not_credit_the_member_with_a_taste_they_never_showed() -> None:
    text = "As someone who loves action, comedy, crime, and thriller films, I found Hercules a joy."
    problems = " ".join(taste_misstatements(text, _draft(4.0)))
    assert "'action'" in problems and "'comedy'" not in problems  # Forrest Gump: a comedy they love
    assert not taste_misstatements("As someone who loves Forrest Gump, I found Hercules a joy.", _draft(4.0))


def test_a_draft_gives_the_film_the_members_own_rating() -> None:
    text = "I laughed all the way through. I would give this movie a perfect score of 5 out of 5 stars."
    problems = grounding.draft_problems(text, _draft(4.0))
    assert any("5 out of 5" in p for p in problems) and any("perfect" in p for p in problems)
    assert not [
        p
        for p in grounding.draft_problems("I laughed a lot. I give it 4 out of 5.", _draft(4.0))
        if "star" in p or "out of" in p
    ]
    # a figure beside another of their films is that film's
    other = "I gave Forrest Gump 5 stars, and I laughed as much here."
    assert not [p for p in grounding.draft_problems(other, _draft(4.0)) if "gives the film" in p]


def test_a_draft_speaking_to_the_member_fails() -> None:
    problems = grounding.draft_problems("I'm glad you enjoyed Hercules! I give it 4/5.", _draft(4.0))
    assert any("speaks to the member" in p for p in problems)
