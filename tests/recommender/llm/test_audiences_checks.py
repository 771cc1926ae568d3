"""The checks and the write loop of "What audiences say" (no database, the scripted generator)."""

from __future__ import annotations

from recommender.llm import audiences_prompts
from recommender.llm.audiences_checks import aspects_named, audiences_problems, quantifier_misstatements
from recommender.llm.audiences_generation import audiences_write
from recommender.llm.audiences_prompts import (
    ReaderAspect,
    ReaderFacts,
    reader_facts_from_json,
    reader_facts_to_json,
)
from recommender.llm.generation import FakeBackend
from recommender.llm.prompts import Facts, MovieFacts, UserFacts

QUOTE = "The performances are superb from start to finish."


def facts(*, acting_praise: int = 11) -> Facts:
    audience = ReaderFacts(
        analysed=23,
        net_sentiment=0.43,
        positive=15,
        negative=5,
        mixed=3,
        most_praised="acting",
        most_criticised="pacing",
        aspects=[
            ReaderAspect(
                aspect="acting",
                reviewers=14,
                positive_pct=round(100 * acting_praise / 14),
                negative_pct=14,
                praising=acting_praise,
                criticising=2,
                quotes=[QUOTE],
            ),
            ReaderAspect(
                aspect="pacing", reviewers=6, positive_pct=17, negative_pct=67, praising=1, criticising=4
            ),
        ],
    )
    return Facts(movie=MovieFacts(title="The Keeper", year=2001), user=UserFacts(), audience=audience)


GOOD = (
    "Of the 23 reviews of The Keeper, 15 are positive. 11 of them praise the acting, while 4 of the 6 "
    "reviews that mention the pacing criticise it."
)


def test_a_text_citing_the_counts_passes():
    assert audiences_problems(GOOD, facts()) == []


def test_a_number_that_is_no_count_fails():
    problems = audiences_problems(GOOD.replace("11 of them", "12 of them"), facts())
    assert any("number not in the facts: 12" in p for p in problems)


def test_most_needs_more_than_half_of_the_reviews():
    text = (
        "Most of the 23 reviews praise the acting. 4 of the 6 reviews that mention the pacing criticise it."
    )
    assert any(
        "'most' praise the acting" in p for p in quantifier_misstatements(text, facts(acting_praise=11))
    )
    assert quantifier_misstatements(text, facts(acting_praise=13)) == []


def test_most_of_those_who_mention_it_is_held_to_those():
    text = "Most reviewers who mention the acting praise it, and 15 of the 23 reviews are positive."
    assert quantifier_misstatements(text, facts(acting_praise=11)) == []


def test_a_superlative_is_no_quantifier():
    text = "One of the most watched films of all time; the most negative reviews criticise the pacing."
    assert quantifier_misstatements(text, facts()) == []


def test_most_praise_the_film_needs_most_reviews_positive():
    assert quantifier_misstatements("Most reviewers praise the film.", facts()) == []  # 15 of 23
    assert quantifier_misstatements("Most reviewers criticise the film.", facts())  # 5 of 23


def test_a_quote_that_is_not_verbatim_fails():
    text = GOOD + ' One reviewer calls the performances "superb from the start".'
    assert any("quote not verbatim" in p for p in audiences_problems(text, facts()))
    assert audiences_problems(GOOD + ' One calls them "superb from start to finish".', facts()) == []


def test_names_first_person_studios_and_aspects_without_counts_fail():
    f = facts()
    assert any("names not in the facts" in p for p in audiences_problems(GOOD + " Ann Hale shines.", f))
    assert any("first person" in p for p in audiences_problems(GOOD + " We loved it.", f))
    assert any("studio" in p for p in audiences_problems(GOOD + " The studio should be proud.", f))
    assert any("music" in p for p in audiences_problems(GOOD + " 11 of them praise the music.", f))


def test_a_text_without_any_count_fails():
    text = "Reviewers praise the acting of The Keeper. The pacing is criticised by some."
    assert "cites no count from the reviews" in audiences_problems(text, facts())


def test_each_sentence_knows_its_points():
    assert aspects_named("11 of them praise the performances.", facts()) == ["acting"]
    assert aspects_named("It drags in the middle, and the acting is strong.", facts()) == ["acting", "pacing"]


def test_facts_survive_json():
    f = facts()
    again = reader_facts_from_json(reader_facts_to_json(f))
    assert again.audience == f.audience and again.audience.figures() == f.audience.figures()


def test_the_prompt_gives_the_counts_and_their_quantifiers():
    prompt = audiences_prompts.messages(facts())[-1]["content"]
    assert "mentioned in 14 of the 23 reviews; 11 of them praise it (many of the 23 reviews)" in prompt
    assert "Most criticised: the pacing" in prompt


def test_a_good_first_answer_is_kept():
    result = audiences_write(facts=facts(), backend=FakeBackend([GOOD]))
    assert result.text == GOOD and result.passed_first and result.attempts == 1


def test_a_bad_answer_gets_one_stricter_retry_then_nothing():
    bad = GOOD.replace("11 of them", "19 of them")
    backend = FakeBackend([bad, GOOD])
    result = audiences_write(facts=facts(), backend=backend)
    assert result.text == GOOD and result.attempts == 2 and not result.passed_first
    assert "number not in the facts: 19" in backend.calls[1][0]["content"]  # the retry says why
    failed = audiences_write(facts=facts(), backend=FakeBackend([bad]))
    assert failed.text == "" and failed.attempts == 2 and len(failed.problems) == 2


def test_a_sentence_the_support_check_turns_down_fails_the_text():
    def support(source: str, sentences: list[str]) -> list[str]:
        assert "14 of the 23 reviews" in source and QUOTE in source
        return [s for s in sentences if "pacing" in s]

    result = audiences_write(facts=facts(), backend=FakeBackend([GOOD]), support=support)
    assert result.text == "" and result.support_checked and result.unsupported
    assert all("not supported by the counts" in p for p in result.problems[0])


def test_the_prompt_offers_only_statements_the_counts_bear_out():
    statements = audiences_prompts.phrases(facts().audience)
    assert statements == [
        "15 of the 23 reviews are positive",
        "5 of the 23 reviews are negative",
        "11 of the 23 reviews praise the acting",
        "4 of the 23 reviews criticise the pacing",
    ]
    # acting praised by 6 of its 14 mentioners (43% positive): no praise to copy; criticised
    # by 2 at 14% negative: no criticism either
    assert not any("acting" in s for s in audiences_prompts.phrases(facts(acting_praise=6).audience))
    prompt = audiences_prompts.messages(facts())[-1]["content"]
    assert "STATEMENTS\n- 15 of the 23 reviews are positive\n" in prompt
    for statement in statements:  # each statement passes the checks as a sentence of its own
        text = f"{statement[0].upper()}{statement[1:]}. {GOOD}"
        assert audiences_problems(text, facts()) == []


def test_a_sentence_that_misstates_a_count_is_dropped_when_the_rest_stands():
    wrong = "Most of the 23 reviews criticise the pacing."
    text = f"{GOOD} Overall, 15 of the 23 reviews are positive. {wrong}"
    result = audiences_write(facts=facts(), backend=FakeBackend([text]))
    assert result.text == f"{GOOD} Overall, 15 of the 23 reviews are positive."
    assert result.trimmed_from == [text] and result.passed_first
    # never below two sentences: a two-sentence text with a wrong one is not trimmed
    short = f"Overall, 15 of the 23 reviews are positive. {wrong}"
    assert audiences_write(facts=facts(), backend=FakeBackend([short])).text == ""


def test_copying_the_statements_is_asked_for_and_copying_the_example_is_not():
    prompt = audiences_prompts.messages(facts())[-1]["content"]
    echo = audiences_prompts.echo_source(prompt)
    joined = (
        "15 of the 23 reviews are positive, while 5 of the 23 reviews are negative. "
        "11 of the 23 reviews praise the acting, while 4 of the 23 reviews criticise the pacing."
    )
    assert audiences_problems(joined, facts(), prompt=echo) == []
    example = audiences_prompts.EXAMPLE.split("ANSWER\n", 1)[1].strip()
    assert "copies the facts verbatim" in audiences_problems(example, facts(), prompt=echo)
