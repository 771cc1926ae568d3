"""Characters, performers and moments on the studio console: stored by the refresh from a
real-looking plot and reviews, masked and ranked by the selectors, the same on page, CSV and API,
and spoiler quotes only for studios that opt in."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from community.accounts.services import account_delete
from community.accounts.tokens import token_create
from community.reviews.models import Review
from community.studios.models import Studio, StudioMembership
from community.studios.services import studio_settings_update
from recommender.insight import selectors, services
from recommender.insight.models import FilmInsight
from recommender.models import ReviewAnalysis
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

TITLE = "Harry Potter and the Chamber of Secrets"
PLOT = (
    "Harry Potter (Daniel Radcliffe) returns to Hogwarts for his second year. "
    "Ron Weasley (Rupert Grint) and Hermione Granger (Emma Watson) help Harry investigate attacks on "
    "students. Gilderoy Lockhart (Kenneth Branagh), the new teacher, proves useless. "
    "Harry finds the diary of Tom Riddle and faces the basilisk. Riddle tells Harry the truth and "
    "Harry defeats Riddle."
)
CAST = "Daniel Radcliffe, Rupert Grint, Emma Watson, Kenneth Branagh"
SPOILER = "Lockhart is a hilarious fraud in take 5."
DELETED = "Lockhart is the worst thing in take 7."
HIDDEN = "Lockhart is a hilarious fraud in the hidden take."


def review(movie, user, body, aspects, *, spoiler=False, score=0.6):
    written = ReviewFactory(movie=movie, user=user, body=body, has_spoilers=spoiler)
    ReviewAnalysis.objects.create(
        review=written,
        label="positive",
        score=score,
        confidence=0.8,
        aspects=[{"aspect": a, "sentiment": s, "score": sc, "sentence": t} for a, s, sc, t in aspects],
        text_hash="x",
        model_name="test",
        model_version="v1",
        analysed_at=timezone.now(),
    )
    return written


@pytest.fixture
def world():
    studio = Studio.objects.create(name="Alpha Pictures", slug="alpha")
    film = MovieFactory(title=TITLE, year=2002, plot=PLOT, cast_names=CAST)
    no_plot = MovieFactory(title="Untold", year=2003, plot="", cast_names="")
    unmentioned = MovieFactory(title="Quiet Harbour", year=2004, plot=PLOT, cast_names=CAST)
    studio.movies.add(film, no_plot, unmentioned)
    for i in range(7):
        lockhart = f"Lockhart is a hilarious fraud in take {i}."
        duel = f"The final duel is thrilling in take {i}."
        ending = f"The ending drags on and on in take {i}."
        body = f"{lockhart} {duel} {ending} Branagh hams it up in take {i}."
        if i < 3:
            body += f" Hermione is wasted here in take {i}."
        review(
            film,
            UserFactory(username=f"secret_reviewer_{i}"),
            body,
            [
                ("characters", "positive", 0.95 if i == 5 else 0.9, lockhart),
                ("story", "positive", 0.8, duel),
                ("pacing", "negative", -0.7, ending),
            ],
            spoiler=(i == 5),
        )
    gone = UserFactory(username="gone_reviewer")
    review(film, gone, DELETED, [("characters", "negative", -0.99, DELETED)])
    hidden = review(
        film,
        UserFactory(),
        f"{HIDDEN} The final duel is thrilling.",
        [("characters", "positive", 0.99, HIDDEN)],
    )
    Review.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now(), hidden_reason="abuse")
    account_delete(user=gone)
    for movie in (film, no_plot, unmentioned):
        services.film_insight_refresh(movie_id=movie.pk)
    analyst = UserFactory(username="analyst_chars")
    StudioMembership.objects.create(studio=studio, user=analyst)
    return {
        "studio": studio,
        "film": film,
        "no_plot": no_plot,
        "unmentioned": unmentioned,
        "analyst": analyst,
    }


def stored(film, name):
    insight = FilmInsight.objects.get(movie=film)
    return next(e for e in insight.characters + insight.moments if e.get("name", e.get("phrase")) == name)


def shown(world, name, **kwargs):
    data = selectors.film_insight(studio=world["studio"], movie_id=world["film"].pk, **kwargs)
    return next(e for e in data["characters"] + data["moments"] if e.get("name", e.get("phrase")) == name)


def all_quote_texts(data) -> list[str]:
    return [q["text"] for e in data["characters"] + data["moments"] + data["aspects"] for q in e["quotes"]]


def test_a_refresh_stores_characters_performers_and_moments_from_plot_and_reviews(world):
    lockhart = stored(world["film"], "Gilderoy Lockhart")
    assert (lockhart["kind"], lockhart["actor"]) == ("character", "Kenneth Branagh")
    # seven visible reviews by living members; evidence sentences keep their aspect's score
    assert (lockhart["reviewers"], lockhart["mentions"]) == (7, 7)
    assert lockhart["sentiment"] == round((6 * 0.9 + 0.95) / 7, 3)
    # a sentence the model did not single out takes the review's overall score
    branagh = stored(world["film"], "Kenneth Branagh")
    assert (branagh["kind"], branagh["reviewers"], branagh["sentiment"]) == ("performer", 7, 0.6)
    hermione = stored(world["film"], "Hermione Granger")
    assert (hermione["reviewers"], hermione["actor"]) == (3, "Emma Watson")
    riddle = stored(world["film"], "Tom Riddle")
    assert (riddle["actor"], riddle["reviewers"], riddle["sentiment"], riddle["quotes"]) == (
        None,
        0,
        None,
        [],
    )
    duel, ending = stored(world["film"], "the final duel"), stored(world["film"], "the ending")
    assert (duel["reviewers"], duel["sentiment"]) == (7, 0.8)
    assert (ending["reviewers"], ending["sentiment"]) == (7, -0.7)
    # quotes are verbatim, flagged, and never more than one per review
    assert lockhart["quotes"][0] == {"text": SPOILER, "sentiment": 0.95, "spoiler": True}
    assert len({q["text"] for q in lockhart["quotes"]}) == len(lockhart["quotes"])


def test_refreshing_twice_stores_the_same_characters_and_moments(world):
    first = FilmInsight.objects.get(movie=world["film"])
    second = services.film_insight_refresh(movie_id=world["film"].pk)
    assert (first.characters, first.moments) == (second.characters, second.moments)


def test_hidden_reviews_and_deleted_members_are_never_quoted_nor_counted(world):
    insight = FilmInsight.objects.get(movie=world["film"])
    texts = [q["text"] for e in insight.characters + insight.moments for q in e["quotes"]]
    texts += [q["text"] for a in insight.aspects.values() for q in a["quotes"]]
    assert texts and HIDDEN not in texts and DELETED not in texts
    assert not any("hidden take" in t or "take 7" in t for t in texts)
    assert stored(world["film"], "the final duel")["mentions"] == 7


def test_fewer_than_five_reviewers_are_masked_and_entries_ranked_by_reviewers_then_sentiment(world):
    data = selectors.film_insight(studio=world["studio"], movie_id=world["film"].pk)
    hermione = shown(world, "Hermione Granger")
    assert hermione == {
        "kind": "character",
        "name": "Hermione Granger",
        "actor": "Emma Watson",
        "reviewers": None,
        "mentions": None,
        "sentiment": None,
        "quotes": [],
    }
    names = [c["name"] for c in data["characters"]]
    assert names[:2] == ["Gilderoy Lockhart", "Kenneth Branagh"]  # 7 reviewers each, 0.907 then 0.6
    assert names[2] == "Hermione Granger"  # masked: after 5+, before the unmentioned
    assert [m["phrase"] for m in data["moments"]] == ["the final duel", "the ending"]


def test_what_audiences_love_most_is_the_best_liked_with_five_reviewers(world):
    data = selectors.film_insight(studio=world["studio"], movie_id=world["film"].pk)
    assert [(e["kind"], e["name"]) for e in data["loved_most"]] == [
        ("character", "Gilderoy Lockhart"),
        ("moment", "the final duel"),
        ("performer", "Kenneth Branagh"),
    ]
    assert [(e["name"], e["sentiment"]) for e in data["liked_least"]] == [("the ending", -0.7)]


def test_an_entry_reviewers_dislike_is_never_loved_most_however_few_there_are(world):
    insight = FilmInsight.objects.get(movie=world["film"])
    insight.characters = [c for c in insight.characters if c["name"] == "Gilderoy Lockhart"]
    insight.moments = [m for m in insight.moments if m["phrase"] == "the ending"]
    insight.save()
    data = selectors.film_insight(studio=world["studio"], movie_id=world["film"].pk)
    assert [e["name"] for e in data["loved_most"]] == ["Gilderoy Lockhart"]
    assert [e["name"] for e in data["liked_least"]] == ["the ending"]


def test_spoiler_quotes_are_hidden_by_default_and_shown_after_the_owner_opts_in(world):
    studio = world["studio"]
    data = selectors.film_insight(studio=studio, movie_id=world["film"].pk)
    assert data["show_spoiler_quotes"] is False
    assert SPOILER not in all_quote_texts(data)
    assert not any(q["spoiler"] for e in data["characters"] + data["aspects"] for q in e["quotes"])
    lockhart_quotes = shown(world, "Gilderoy Lockhart")["quotes"]
    assert len(lockhart_quotes) == 3

    owner = UserFactory()
    StudioMembership.objects.create(studio=studio, user=owner, role=StudioMembership.Role.OWNER)
    studio_settings_update(studio=studio, by=owner, show_spoiler_quotes=True)
    studio.refresh_from_db()
    data = selectors.film_insight(studio=studio, movie_id=world["film"].pk)
    lockhart = next(c for c in data["characters"] if c["name"] == "Gilderoy Lockhart")
    assert lockhart["quotes"][0] == {"text": SPOILER, "sentiment": 0.95, "spoiler": True}
    characters_aspect = next(a for a in data["aspects"] if a["aspect"] == "characters")
    assert {"text": SPOILER, "sentiment": "positive", "spoiler": True} in characters_aspect["quotes"]


def test_the_film_page_csv_and_api_show_the_same_figures(client, world):
    film, studio = world["film"], world["studio"]
    client.force_login(world["analyst"])
    html = client.get(f"/studio/alpha/films/{film.pk}/").content.decode()
    token = token_create(user=world["analyst"], name="t")[1]
    api = client.get(
        f"/api/v1/studios/alpha/films/{film.pk}/insight/", HTTP_AUTHORIZATION=f"Token {token}"
    ).json()
    expected = selectors.film_insight(studio=studio, movie_id=film.pk)
    assert api["characters"] == expected["characters"] and api["moments"] == expected["moments"]
    assert api["loved_most"] == expected["loved_most"] and api["show_spoiler_quotes"] is False
    assert "Characters and performers" in html and "Moments" in html and "Loved most" in html
    assert "Kenneth Branagh" in html and "fewer than 5" in html
    assert "+0.91 (positive)" in html and "-0.70 (negative)" in html  # number and word, not colour
    for quote in api["characters"][0]["quotes"]:
        assert quote["text"] in html
    assert SPOILER not in html and "secret_reviewer" not in html

    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"/studio/alpha/films/{film.pk}/export.csv?table=characters").content.decode()
            )
        )
    )
    by_name = {r["name"]: r for r in rows}
    for entry in api["characters"]:
        row = by_name[entry["name"]]
        assert row["reviewers"] == ("fewer than 5" if entry["reviewers"] is None else str(entry["reviewers"]))
        assert row["net_sentiment"] == ("" if entry["sentiment"] is None else str(entry["sentiment"]))
    moments = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"/studio/alpha/films/{film.pk}/export.csv?table=moments").content.decode()
            )
        )
    )
    assert [(m["moment"], m["reviewers"]) for m in moments] == [
        (m["phrase"], str(m["reviewers"])) for m in api["moments"]
    ]


def test_empty_states_say_why_there_is_nothing_to_show(client, world):
    client.force_login(world["analyst"])
    no_plot = client.get(f"/studio/alpha/films/{world['no_plot'].pk}/").content.decode()
    assert "No plot text for this film, so no characters could be found" in no_plot
    unmentioned = client.get(f"/studio/alpha/films/{world['unmentioned'].pk}/").content.decode()
    assert "No review mentions a character yet" in unmentioned
    assert "Gilderoy Lockhart" in unmentioned  # found in the plot, mentioned by nobody


def test_compare_shows_each_films_best_liked_characters_and_moments(client, world):
    client.force_login(world["analyst"])
    token = token_create(user=world["analyst"], name="t")[1]
    ids = f"{world['film'].pk},{world['unmentioned'].pk}"
    html = client.get(f"/studio/alpha/compare/?films={ids}").content.decode()
    assert "Loved most" in html and "Gilderoy Lockhart (character): +0.91" in html
    api = client.get(
        f"/api/v1/studios/alpha/compare/?films={ids}", HTTP_AUTHORIZATION=f"Token {token}"
    ).json()
    assert api["films"][0]["loved_most"][0]["name"] == "Gilderoy Lockhart"
    assert api["films"][1]["loved_most"] == []
    rows = list(
        csv.reader(io.StringIO(client.get(f"/studio/alpha/compare/export.csv?films={ids}").content.decode()))
    )
    assert any(
        r[0] == "Loved most #1" and r[1].startswith("Gilderoy Lockhart (character, 7 reviewers)")
        for r in rows
    )
