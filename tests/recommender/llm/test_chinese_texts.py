"""Drafts, questions and explanations for a member who writes in Chinese: asked for in Chinese,
checked by the same rules in Chinese, and a Chinese template when the checks fail."""

import pytest

from recommender.llm import grounding
from recommender.llm.prompts import Facts, MovieFacts, ReviewTalk, UserFacts, fallback_text, messages_for


def _facts(**kw):
    movie = MovieFacts(
        title="Alien", year=1979, genres=["Horror"], directors=["Ridley Scott"], cast=["Sigourney Weaver"]
    )
    user = UserFacts(
        ratings=[("The Matrix", 5.0)],
        reviews=[("The Matrix", "中段的剧情拖沓得厉害，直到大厅枪战才让人重新打起精神。")],
    )
    return Facts(movie=movie, user=user, language="zh", **kw)


def test_the_prompt_asks_for_chinese_only_for_a_chinese_writer():
    zh = messages_for("review_draft", _facts(rating=4.5))[1]["content"]
    assert "Simplified Chinese" in zh
    en = messages_for("review_draft", Facts(movie=_facts().movie, user=UserFacts(), rating=4.5))[1]["content"]
    assert "Chinese" not in en


def test_a_good_chinese_draft_passes():
    text = (
        "我非常喜欢《Alien》。Sigourney Weaver 的表演十分出色，Ridley Scott 把恐怖气氛营造得令人窒息。"
        "这是一部经典之作，值得反复观看。"
    )
    check = grounding.check_output("review_draft", text, _facts(rating=4.5))
    assert check.ok, check.problems


def test_chinese_drafts_fail_for_the_same_reasons_as_english_ones():
    facts = _facts(rating=1.5)
    glowing = "我觉得这部电影非常精彩，演员表演出色，画面惊艳，是一部完美的杰作，强烈推荐给所有人。"
    assert any(
        "more praise than blame" in p for p in grounding.check_output("review_draft", glowing, facts).problems
    )
    addressed = "根据你以前的评论，你可能会喜欢这部电影，它的气氛很紧张，剧情也很有意思，值得一看。"
    problems = grounding.check_output("review_draft", addressed, _facts(rating=4.0)).problems
    assert any("first person" in p for p in problems) and any("speaks to the member" in p for p in problems)
    carried = "我觉得还不错，可惜中段的剧情拖沓得厉害，直到大厅枪战才让人重新打起精神。整体还算好看。"
    problems = grounding.check_output("review_draft", carried, _facts(rating=3.0)).problems
    assert any("carries over" in p for p in problems)
    english = "I loved Alien. Sigourney Weaver is superb and the tension never lets up for a second."
    assert (
        "not written in Chinese"
        in grounding.check_output("review_draft", english, _facts(rating=4.5)).problems
    )


def test_chinese_questions_are_parsed_and_must_be_specific():
    talk = ReviewTalk(reviews=8, quotes=["异形在通风管道里追杀的那场戏让人屏住呼吸。"])
    facts = _facts(review_talk=talk)
    text = (
        "1、你觉得通风管道里的那场戏为什么这么吓人？\n"
        "2、Sigourney Weaver 的 Ripley 是否改变了动作片女主角的形象？\n"
        "3、你喜欢这部电影吗？"
    )
    questions = grounding.parse_questions(text)
    assert len(questions) == 3
    check = grounding.check_output("discussion_suggestions", text, facts)
    assert [p for p in check.problems if "generic" in p] == [
        "generic, names nothing its reviews talk about: '你喜欢这部电影吗？'"
    ]


def test_the_templates_are_in_chinese_for_a_chinese_writer():
    text, _ = fallback_text("review_draft", _facts(rating=4.0))
    assert "我" in text and "Alien" in text
    text, meta = fallback_text("discussion_suggestions", _facts())
    assert len(meta["questions"]) == 3 and all(q.endswith("？") for q in meta["questions"])


@pytest.mark.django_db
def test_a_member_writes_in_chinese_when_most_of_their_latest_reviews_are_chinese():
    from recommender.services.generation import writing_language
    from tests.factories import ReviewFactory, UserFactory

    member = UserFactory()
    assert writing_language(user_id=member.pk) == "en"
    ReviewFactory(user=member, body="剧情很精彩。", language="zh")
    ReviewFactory(user=member, body="演员的表演非常出色。", language="zh")
    ReviewFactory(user=member, body="Great fun.", language="en")
    assert writing_language(user_id=member.pk) == "zh"


def _pick_facts(title: str) -> Facts:
    movie = MovieFacts(title=title, year=1995, genres=["Thriller"], directors=["Bryan Singer"])
    user = UserFacts(ratings=[("Citizen Kane", 5.0), ("Last of the Mohicans, The", 4.5)])
    return Facts(movie=movie, user=user, language="zh")


@pytest.mark.parametrize(
    "text, problem",
    [
        # read in bench_ask_latency's sentences, all passing before these checks
        ("因为《需要》是一部1993年的恐怖片，符合你的口味。", "《需要》"),  # Needful Things, translated
        ("你可能喜欢《惊悚片》。", "《惊悚片》"),
        ("适合喜欢《最后的Mohicans》和《公民 Kane》的人。", "《最后的Mohicans》"),
        ("因为它是一部惊悚片，导演是伯纳德·西尔弗曼，你会喜欢。", "伯纳德·西尔弗曼"),  # not Bryan Singer
        ("因为它是一部惊悚片，而你对这些电影都给予了高度评价，所以", "cut off"),
    ],
)
def test_chinese_titles_and_names_the_facts_cannot_confirm_fail(text, problem):
    problems = grounding.check_output("explanation", text, _pick_facts("Usual Suspects, The"))
    assert any(problem in p for p in problems.problems), problems.problems


def test_chinese_text_may_use_the_catalogue_titles_as_the_facts_spell_them():
    facts = _pick_facts("Usual Suspects, The")
    for text in (
        "因为《The Usual Suspects》是一部1995年的惊悚片，而你喜欢《Citizen Kane》，它符合你的口味。",
        "因为《Usual Suspects, The》是一部惊悚片，你给《The Last of the Mohicans》打了4.5分。",
        "《The Usual Suspects》由 Bryan Singer 执导，是一部你会喜欢的惊悚片！",
    ):
        check = grounding.check_output("explanation", text, facts)
        assert not [
            p for p in check.problems if "title" in p or "cut off" in p or "Chinese characters" in p
        ], (
            text,
            check.problems,
        )
    amelie = _pick_facts("Amelie (Fabuleux destin d'Amélie Poulain, Le)")
    for title in ("Amelie", "Le Fabuleux destin d'Amélie Poulain"):
        assert grounding.chinese.name_problems(f"《{title}》是一部轻松的爱情片。", amelie) == []
    # English texts are not read by these checks
    assert grounding.chinese.name_problems("A thriller you will like", facts) == []


def test_an_explanation_speaks_to_the_member_not_of_the_user():
    facts = _pick_facts("Usual Suspects, The")
    for text in (
        "The Usual Suspects, with its twisty plot, aligns with the user's preferences for thrillers.",
        "因为《The Usual Suspects》是一部惊悚片，适合喜欢惊悚片的用户观看。",
    ):
        problems = grounding.check_output("explanation", text, facts).problems
        assert any("the user" in p for p in problems), (text, problems)
    ok = "The Usual Suspects is a 1995 thriller, and you gave Citizen Kane 5 stars."
    assert not any("the user" in p for p in grounding.check_output("explanation", ok, facts).problems)
