"""The pages leave slots that the recommender fills through template tags, without imports."""

import pytest
from django import template
from django.template import engines
from django.urls import reverse

from tests.factories import GenreFactory, MovieFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_recommender_tags(monkeypatch):
    library = template.Library()

    @library.simple_tag
    def recommendation_rows(user):
        return f"ROWS FOR {user.username}"

    @library.simple_tag
    def similar_movies(movie):
        return f"LIKE {movie.title}"

    engine = engines["django"].engine
    monkeypatch.setitem(engine.template_libraries, "recommender", library)
    return library


def test_without_the_recommender_tags_pages_show_their_fallbacks(
    member_client, user, monkeypatch, fake_recommender_tags
):
    # As on a deployment without the recommender app: community must still render, with its own
    # fallbacks. The stand-in tags stay installed, so a page that filled its slot anyway (or lost
    # its fallback) fails here: their markers must not appear, the fallbacks' own content must.
    monkeypatch.setattr("community.core.views.template_tag_available", lambda *args: False)
    monkeypatch.setattr("community.movies.views.template_tag_available", lambda *args: False)
    crime = GenreFactory(name="Crime")
    heat = MovieFactory(title="Heat", genres=[crime])
    MovieFactory(title="Thief", genres=[crime], rating_count=50)

    home = member_client.get(reverse("home")).content.decode()
    assert f"ROWS FOR {user.username}" not in home
    assert 'id="for-you">Popular picks you have not rated' in home  # the fallback's heading
    assert "Thief" in home  # its popular movies

    page = member_client.get(heat.get_absolute_url()).content.decode()
    assert "LIKE Heat" not in page
    similar = page[page.index('id="similar-h"') :]
    assert "Thief" in similar[: similar.index("</section>")]  # the same-genre fallback list


def test_the_recommender_tags_fill_the_slots_when_they_exist(member_client, user, fake_recommender_tags):
    movie = MovieFactory(title="Heat")
    assert f"ROWS FOR {user.username}".encode() in member_client.get(reverse("home")).content
    assert b"LIKE Heat" in member_client.get(movie.get_absolute_url()).content
