"""The movie notes (synopsis, character guide): service, task, nightly pass, page and API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from recommender.insight.models import FilmInsight
from recommender.llm import generation
from recommender.llm.fake import FakeBackend
from recommender.notes import services, tasks
from recommender.notes.characters import EXTRACTOR_VERSION, character_guide
from recommender.notes.models import MovieNote
from tests.factories import MovieFactory
from tests.recommender.llm.test_notes_checks import GOOD, PLOT

pytestmark = pytest.mark.django_db

CAST = "Ann Hale, Bob Stone"
SPOILER_QUOTE = "Tomas turning out to be Victor is the best twist."


@pytest.fixture
def backend(fake_models, monkeypatch):
    """The scripted generator, answering GOOD; every call is kept in .calls."""
    fake = FakeBackend([GOOD])
    monkeypatch.setattr(generation, "get_backend", lambda choice=None: fake)
    return fake


@pytest.fixture
def keeper(backend):
    return MovieFactory(
        title="The Keeper", year=2001, plot=PLOT, cast_names=CAST, plot_source="Critic synopsis"
    )


def test_the_guide_pairs_actors_takes_lines_from_the_visible_plot_and_leaves_out_the_ending():
    guide = character_guide(title="The Keeper", plot=PLOT, cast_names=CAST)
    assert [(c["name"], c["actor"]) for c in guide] == [
        ("Mara Quill", "Ann Hale"),
        ("Tomas Reyes", "Bob Stone"),
    ]
    assert guide[0]["line"].startswith("Mara Quill is a young lighthouse keeper on the island of Skellig")
    assert all("Victor" not in c["line"] for c in guide)  # first named in the last third


def test_refreshing_a_film_stores_both_notes_with_their_versions(keeper, backend):
    assert services.movie_notes_refresh(movie_id=keeper.pk) == {"characters": "shown", "synopsis": "shown"}
    synopsis = MovieNote.objects.get(movie=keeper, kind="synopsis")
    guide = MovieNote.objects.get(movie=keeper, kind="characters")
    assert synopsis.text == GOOD and synopsis.version == "fake-1" and synopsis.model_name == "fake"
    assert synopsis.passed_first and synopsis.support_checked
    assert guide.version == EXTRACTOR_VERSION and guide.items[0]["name"] == "Mara Quill"
    assert synopsis.source_hash == guide.source_hash == services.source_hash(keeper)


def test_a_second_refresh_runs_no_model_until_the_plot_changes(keeper, backend):
    services.movie_notes_refresh(movie_id=keeper.pk)
    services.movie_notes_refresh(movie_id=keeper.pk)
    assert len(backend.calls) == 1
    keeper.plot = PLOT.replace("40 passengers", "41 passengers")
    keeper.save()
    services.movie_notes_refresh(movie_id=keeper.pk)
    assert len(backend.calls) >= 2  # the stored synopsis read another plot: written again


def test_a_synopsis_failing_twice_is_recorded_and_never_shown(keeper, backend, client):
    backend.responses = [GOOD.replace("Tomas Reyes", "Victor Crane")]
    assert services.movie_notes_refresh(movie_id=keeper.pk)["synopsis"] == "failed"
    row = MovieNote.objects.get(movie=keeper, kind="synopsis")
    assert row.text == "" and row.attempts == 2 and "spoiler rule" in row.failures[0][0]
    page = client.get(keeper.get_absolute_url()).content.decode()
    assert "rescues a sailor, Victor Crane" not in page and 'id="synopsis-h"' not in page
    assert client.get(f"/api/v1/movies/{keeper.pk}/notes/").json()["synopsis"] is None


def test_a_film_that_loses_its_plot_loses_its_notes(keeper, backend):
    services.movie_notes_refresh(movie_id=keeper.pk)
    keeper.plot = ""
    keeper.save()
    assert services.movie_notes_refresh(movie_id=keeper.pk) == {"characters": "none", "synopsis": "none"}
    assert not MovieNote.objects.filter(movie=keeper).exists()


def test_the_task_refreshes_one_film_and_says_when_it_is_gone(keeper, backend):
    assert tasks.movie_notes_refresh_task.run(keeper.pk) == "synopsis shown, characters shown"
    assert tasks.movie_notes_refresh_task.run(424242) == "gone"


def test_the_nightly_pass_queues_films_with_missing_or_stale_notes_only(keeper, backend, monkeypatch):
    fresh = MovieFactory(title="Fresh", plot=PLOT, cast_names=CAST)
    MovieFactory(title="No plot", plot="")
    services.movie_notes_refresh(movie_id=fresh.pk)
    queued: list[int] = []
    monkeypatch.setattr(tasks.movie_notes_refresh_task, "delay", queued.append)
    assert tasks.movie_notes_refresh_due() == 1 and queued == [keeper.pk]


def test_the_movie_page_shows_the_labelled_synopsis_above_the_plot_and_the_guide(keeper, backend, client):
    services.movie_notes_refresh(movie_id=keeper.pk)
    FilmInsight.objects.create(
        movie=keeper,
        refreshed_at=timezone.now(),
        characters=[
            {
                "kind": "character",
                "name": "Mara Quill",
                "actor": "Ann Hale",
                "reviewers": 3,
                "mentions": 4,
                "sentiment": 0.6,
                "quotes": [
                    {"text": SPOILER_QUOTE, "sentiment": 0.9, "spoiler": True},
                    {"text": "Mara is a wonderful heroine.", "sentiment": 0.8, "spoiler": False},
                ],
            }
        ],
    )
    page = client.get(keeper.get_absolute_url()).content.decode()
    assert page.index(GOOD) < page.index('<div class="plot">')
    assert "AI-generated" in page and "Condensed by fake" in page
    guide = page[page.index('id="characters-h"') :]
    assert "Mara Quill" in guide and "Ann Hale" in guide and "Tomas Reyes" in guide
    assert "Named by 3 reviewers, mostly warmly" in guide and "Mara is a wonderful heroine." in guide
    assert SPOILER_QUOTE not in page


def test_a_film_without_plot_text_has_no_synopsis_and_no_guide_box(backend, client):
    movie = MovieFactory(title="Silent", plot="")
    services.movie_notes_refresh(movie_id=movie.pk)
    page = client.get(movie.get_absolute_url()).content.decode()
    assert "No plot summary yet." in page
    assert "Synopsis" not in page and "Character guide" not in page and "note-" not in page
    assert backend.calls == []


def test_the_api_returns_what_the_page_shows(keeper, backend, client):
    services.movie_notes_refresh(movie_id=keeper.pk)
    data = client.get(f"/api/v1/movies/{keeper.pk}/notes/").json()
    assert data["synopsis"]["text"] == GOOD and data["synopsis"]["model_name"] == "fake"
    assert [c["name"] for c in data["characters"]] == ["Mara Quill", "Tomas Reyes"]
    assert data["characters"][0]["reviews"] is None and data["characters_version"] == EXTRACTOR_VERSION
    empty = MovieFactory(title="Silent", plot="")
    assert client.get(f"/api/v1/movies/{empty.pk}/notes/").json() == {
        "synopsis": None,
        "characters": [],
        "characters_version": "",
    }
    assert client.get("/api/v1/movies/424242/notes/").status_code == 404
    schema = client.get(reverse("api:schema")).content.decode()
    assert "/api/v1/movies/{movie_id}/notes/" in schema


def test_the_notes_cost_the_movie_page_two_queries(keeper, backend, client):
    other = MovieFactory(title="Other", plot="", cast_names=CAST)
    client.get(other.get_absolute_url())  # warm caches (template tags, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as without_notes:
        client.get(other.get_absolute_url())
    services.movie_notes_refresh(movie_id=keeper.pk)
    with CaptureQueriesContext(connection) as with_notes:
        client.get(keeper.get_absolute_url())
    # the notes (one query) and the reviewers' figures of the characters (one query)
    assert len(with_notes) <= len(without_notes) + 2


def test_without_the_notes_tags_the_page_shows_the_plot_alone(keeper, backend, client, monkeypatch):
    services.movie_notes_refresh(movie_id=keeper.pk)
    monkeypatch.setattr("community.movies.views.template_tag_available", lambda *args: False)
    page = client.get(keeper.get_absolute_url()).content.decode()
    assert "lighthouse keeper on the island of Skellig" in page  # community's own plot
    assert GOOD not in page and 'id="characters-h"' not in page


def test_an_encyclopedia_article_about_the_titles_namesake_gets_no_notes(backend):
    # The import matched some films to the article on their title's word (M the letter).
    letter = MovieFactory(
        title="M",
        year=1931,
        plot_source="Wikipedia",
        plot="M, or m, is the thirteenth letter of the modern English alphabet. " * 8,
    )
    assert services.movie_notes_refresh(movie_id=letter.pk) == {"characters": "none", "synopsis": "none"}
    assert backend.calls == [] and not MovieNote.objects.filter(movie=letter).exists()
    assert letter.pk not in services.films_with_notes_due(generator_version="fake-1")


def test_a_plot_naming_no_characters_is_not_extracted_again_every_night(backend):
    plot = "A quiet documentary film from 1999 follows the seasons on a farm, from spring to winter. " * 4
    farm = MovieFactory(title="Seasons", year=1999, plot=plot, plot_source="Wikipedia")
    assert services.movie_notes_refresh(movie_id=farm.pk)["characters"] == "none"
    assert MovieNote.objects.get(movie=farm, kind="characters").items == []
    assert farm.pk not in services.films_with_notes_due(generator_version="fake-1")


def test_an_actor_the_plot_names_by_surname_gets_the_casts_full_name():
    plot = (
        "A clerk meets soap salesman Tyler Durden (Pitt) and a drifter, Marla Singer (Bonham Carter). "
        "Tyler Durden starts a fight club in a bar basement, and Marla Singer comes to its meetings. "
        "Tyler and Marla argue for weeks. The club grows into something larger."
    )
    guide = character_guide(title="Fight Club", plot=plot, cast_names="Brad Pitt, Helena Bonham Carter")
    assert {c["name"]: c["actor"] for c in guide} == {
        "Tyler Durden": "Brad Pitt",
        "Marla Singer": "Helena Bonham Carter",
    }


def test_two_characters_named_in_the_only_sentence_do_not_share_the_line():
    plot = (
        "Mike Sullivan (Tom Hanks) works as a hit man for crime boss John Rooney (Paul Newman), whom he "
        "views as a father figure. Sullivan lives in Rock Island with his wife and sons."
    )
    guide = character_guide(title="Road to Perdition", plot=plot, cast_names="Tom Hanks, Paul Newman")
    lines = [item["line"] for item in guide if item["line"]]
    assert len(lines) == len(set(lines))
