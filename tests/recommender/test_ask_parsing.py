"""Ask CineCircle's rules: requests in English and Chinese read into structured queries, and
follow-ups refining the last one. Plain Python, no database."""

from __future__ import annotations

import pytest

from recommender.ask.chips import chip_remove, chips
from recommender.ask.parsing import SHORT_MINUTES, Query, parse_rules
from recommender.ask.refine import refine


def fields(text: str) -> dict:
    q = parse_rules(text)
    return {
        "genres": q.genres,
        "avoid": q.avoid_genres,
        "years": (q.year_min, q.year_max),
        "runtime": q.max_runtime,
        "moods": q.moods,
        "like": [r.text for r in q.like],
        "people": [r.text for r in q.people],
        "avoid_people": [r.text for r in q.avoid_people],
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("something like Alien but funnier", {"like": ["Alien"], "moods": ["funny"]}),
        (
            "a short feel-good film from the 90s for tonight",
            {"years": (1990, 1999), "runtime": SHORT_MINUTES},
        ),
        ("what should I watch after Heat?", {"like": ["Heat"], "genres": []}),
        (
            "a comedy under 110 min, not Spielberg",
            {"genres": ["Comedy"], "runtime": 110, "avoid_people": ["Spielberg"]},
        ),
        (
            "no horror, a 1980s thriller with Tom Hanks",
            {"genres": ["Thriller"], "avoid": ["Horror"], "years": (1980, 1989), "people": ["Tom Hanks"]},
        ),
        ("I'd like a romantic comedy", {"genres": ["Comedy", "Romance"], "like": []}),
        (
            'something similar to "The Matrix" from after 2000',
            {"like": ["The Matrix"], "years": (2001, None)},
        ),
        (
            "drama before 1970, less than 2 hours",
            {"genres": ["Drama"], "years": (None, 1969), "runtime": 120},
        ),
        ("a film noir from the early 50s", {"genres": ["Film-Noir"], "years": (1950, 1954)}),
        ("between 1995 and 2005, sci-fi", {"genres": ["Sci-Fi"], "years": (1995, 2005)}),
        ("a western directed by Sergio Leone", {"genres": ["Western"], "people": ["Sergio Leone"]}),
    ],
)
def test_english_requests_are_read_by_the_rules(text, expected):
    got = fields(text)
    for key, value in expected.items():
        assert got[key] == value, (text, key, got)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我想看一部轻松的爱情片", {"genres": ["Romance"], "moods": ["light"]}),
        ("九十年代的喜剧，不要恐怖", {"genres": ["Comedy"], "avoid": ["Horror"], "years": (1990, 1999)}),
        ("短一点的动画片", {"genres": ["Animation"], "runtime": SHORT_MINUTES}),
        ("像《异形》一样的恐怖片", {"genres": ["Horror"], "like": ["异形"]}),
        ("2000年以后的科幻片，100分钟以内", {"genres": ["Sci-Fi"], "years": (2000, None), "runtime": 100}),
        ("八十年代的动作片", {"genres": ["Action"], "years": (1980, 1989)}),
    ],
)
def test_chinese_requests_are_read_by_the_rules(text, expected):
    got = fields(text)
    assert parse_rules(text).language == "zh"
    for key, value in expected.items():
        assert got[key] == value, (text, key, got)


def test_what_the_rules_cannot_read_is_kept_as_free_text():
    q = parse_rules("a heist comedy about a talking parrot")
    assert q.genres == ["Comedy", "Crime"]
    assert "parrot" in q.text and "talking" in q.text


def test_follow_ups_refine_the_last_query():
    q = parse_rules("a comedy from the 90s under 110 min")
    older = refine(q, "older")
    assert (older.year_min, older.year_max) == (1980, 1989) and older.genres == ["Comedy"]
    shorter = refine(older, "shorter")
    assert shorter.max_runtime == 95
    gentler = refine(shorter, "less violent")
    assert gentler.moods == ["less violent"] and gentler.max_runtime == 95
    no_spielberg = refine(gentler, "not Spielberg")
    assert [r.text for r in no_spielberg.avoid_people] == ["Spielberg"]
    assert no_spielberg.genres == ["Comedy"] and no_spielberg.year_max == 1989


def test_older_without_years_asks_for_films_before_1990():
    q = refine(parse_rules("something funny"), "older")
    assert q.year_max == 1989 and q.moods == ["funny"]


def test_each_chip_removal_broadens_the_query():
    q = parse_rules("a comedy from the 90s under 110 min, no horror")
    keys = [c.key for c in chips(q)]
    assert keys == ["genre:Comedy", "avoid_genre:Horror", "years", "runtime"]
    broader, label = chip_remove(Query.from_dict(q.as_dict()), "years")
    assert label == "1990-1999" and broader.year_min is None and broader.genres == ["Comedy"]
    same, label = chip_remove(Query.from_dict(q.as_dict()), "genre:Western")
    assert label == "" and same.as_dict() == q.as_dict()


def test_chinese_chips_read_in_chinese():
    labels = [c.label for c in chips(parse_rules("九十年代的喜剧，不要恐怖"))]
    assert labels == ["喜剧", "不要恐怖", "1990-1999"]


def test_a_new_request_in_a_conversation_keeps_nothing_of_the_last_one():
    q = parse_rules("a funny comedy from the 90s under 100 min")
    new = refine(q, "a horror film from the 80s")
    assert new.genres == ["Horror"] and (new.year_min, new.year_max) == (1980, 1989)
    assert new.max_runtime is None and new.moods == []
    assert [c.key for c in chips(new)] == ["genre:Horror", "years"]
    like = refine(q, "something like Alien")
    assert [r.text for r in like.like] == ["Alien"] and like.max_runtime is None and like.genres == []
    chinese = refine(parse_rules("100分钟以内的喜剧"), "我想看一部恐怖片")
    assert chinese.genres == ["Horror"] and chinese.max_runtime is None


def test_a_follow_up_naming_a_genre_still_refines_the_last_request():
    q = parse_rules("a comedy from the 90s under 100 min")
    instead = refine(q, "horror instead")
    assert instead.genres == ["Horror"] and instead.max_runtime == 100 and instead.year_min == 1990
    also = refine(q, "make it a romance")
    assert also.genres == ["Romance"] and also.max_runtime == 100
    zh = refine(parse_rules("100分钟以内的喜剧"), "换成恐怖片")
    assert zh.genres == ["Horror"] and zh.max_runtime == 100
