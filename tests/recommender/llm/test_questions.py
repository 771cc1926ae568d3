"""Discussion questions must be about this film's reviews: not generic, not about another film."""

from recommender.llm import grounding, prompts
from recommender.llm.generation import FakeBackend, generate_checked
from recommender.llm.prompts import AspectSplit, Facts, MovieFacts, ReviewTalk, UserFacts

TALK = ReviewTalk(
    reviews=12,
    aspects=[AspectSplit("pacing", 3, 4), AspectSplit("acting", 6, 1)],
    quotes=["The lobby shootout is the best thing in it.", "Gollum steals every scene he is in."],
)
FACTS = Facts(
    movie=MovieFacts(
        title="The Two Towers", year=2002, directors=["Peter Jackson"], cast=["Elijah Wood", "Andy Serkis"]
    ),
    user=UserFacts(ratings=[("The Matrix", 5.0), ("American Beauty", 1.5)]),
    review_talk=TALK,
)


def _problems(*questions):
    return grounding.question_problems(list(questions), FACTS)


def test_a_generic_question_fits_any_film_and_fails():
    [problem] = _problems("Why did you like the film?")
    assert problem.startswith("generic")
    assert _problems("What did you think of the acting?")  # an aspect alone, with no split


def test_a_question_about_another_film_fails_even_when_it_names_this_ones_people():
    [problem] = _problems("Is Andy Serkis better here than Keanu Reeves in The Matrix?")
    assert "another film ('The Matrix')" in problem


def test_questions_on_a_character_a_reviewers_phrase_or_a_split_aspect_pass():
    assert not _problems(
        "Does Gollum really steal every scene, as one reviewer says?",
        "Was the lobby shootout worth the wait?",
        "Reviewers split on the pacing: did the middle drag for you, or did it build well?",
        "How does Andy Serkis make a digital creature feel human?",
    )


def test_the_prompt_lists_the_reviews_split_and_sentences_and_asks_for_named_points():
    content = prompts.messages_for("discussion_suggestions", FACTS)[-1]["content"]
    assert "What its 12 reviews say:" in content
    assert "- pacing: 3 reviewers positive, 4 negative (reviewers disagree)" in content
    assert "- acting: 6 reviewers positive, 1 negative" in content
    assert "<<<Gollum steals every scene he is in.>>>" in content
    assert "never a general question" in content
    # a film without reviews keeps the older prompt
    bare = Facts(movie=FACTS.movie, user=FACTS.user, disputed_aspects=["story"])
    assert (
        "Reviewers disagree about: story"
        in prompts.messages_for("discussion_suggestions", bare)[-1]["content"]
    )


def test_generic_questions_are_retried_and_specific_ones_kept(fake_models):
    generic = "Why did you like the film?\nWhat was your favourite part?\nWould you watch it again?"
    specific = (
        "Does Gollum steal every scene, as one reviewer says?\n"
        "Was the lobby shootout worth the wait?\n"
        "Reviewers split on the pacing: did the middle drag for you?"
    )
    result = generate_checked("discussion_suggestions", FACTS, backend=FakeBackend([generic, specific]))
    assert result.attempts == 2 and not result.is_fallback
    assert sum(p.startswith("generic") for p in result.problems[0]) == 3
    assert result.payload["questions"][0].startswith("Does Gollum")


def test_the_template_questions_come_from_the_reviews_and_pass_the_same_check():
    text, meta = prompts.fallback_text("discussion_suggestions", FACTS)
    questions = meta["questions"]
    assert questions == [
        "3 reviewers praise the pacing of The Two Towers and 4 criticise it: which side are you on, and why?",
        "6 reviewers praise the acting of The Two Towers and 1 criticises it: "
        "which side are you on, and why?",
        'One reviewer wrote: "The lobby shootout is the best thing in it." Do you agree?',
    ]
    assert grounding.question_problems(questions, FACTS) == []
    assert grounding.parse_questions(text) == questions


def test_without_review_talk_the_template_asks_about_the_films_people_never_twice_the_same():
    bare = Facts(movie=FACTS.movie, user=FACTS.user, disputed_aspects=["story"])
    _text, meta = prompts.fallback_text("discussion_suggestions", bare)
    assert len(set(meta["questions"])) == 3
    assert "Elijah Wood" in meta["questions"][1] and "Peter Jackson" in meta["questions"][2]


def test_an_aspect_already_asked_about_is_not_asked_again_as_disputed():
    facts = Facts(movie=FACTS.movie, user=FACTS.user, review_talk=TALK, disputed_aspects=["pacing"])
    _text, meta = prompts.fallback_text("discussion_suggestions", facts)
    assert sum("pacing" in q for q in meta["questions"]) == 1
