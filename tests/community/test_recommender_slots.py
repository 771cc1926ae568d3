"""The pages leave slots that the recommender fills through template tags, without imports."""

import pytest
from django import template
from django.template import engines
from django.urls import reverse

from tests.factories import GenreFactory, MovieFactory, ReviewFactory

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


# --- each review's sentiment chip (community.reviews.sentiment, filled by the recommender) ---


def analyse(review, label, score):
    from django.utils import timezone

    from recommender.models import ReviewAnalysis  # test only: community code never imports recommender

    return ReviewAnalysis.objects.create(
        review=review,
        label=label,
        score=score,
        confidence=0.9,
        text_hash="0" * 64,
        model_name="test-model",
        model_version="1",
        analysed_at=timezone.now(),
    )


def review_pages(review):
    """The pages that show the review's card, and the API answers that show the review."""
    pages = [
        review.movie.get_absolute_url(),
        reverse("reviews:list"),
        reverse("accounts:profile", kwargs={"username": review.user.username}),
        reverse("home"),
    ]
    api = [
        f"/api/v1/movies/{review.movie_id}/reviews/",
        f"/api/v1/users/{review.user.username}/reviews/",
    ]
    return pages, api


def test_review_cards_and_the_reviews_api_show_the_recommenders_chip(client):
    from django.core.cache import cache

    cache.clear()  # the homepage keeps its recent reviews for 30 s
    movie = MovieFactory()
    analysed, plain = ReviewFactory(movie=movie), ReviewFactory(movie=movie)
    analyse(analysed, "positive", 0.8)
    pages, api = review_pages(analysed)
    for url in pages:
        content = client.get(url).content.decode()
        card = content[content.index(f'id="review-{analysed.pk}"') :]
        assert 'class="badge sentiment sentiment-positive"' in card[: card.index("</header>")], url
        assert "(test-model)" in card[: card.index("</header>")] and ">Positive</span>" in card, url
    # The API reads the same provider: the same label, with its score.
    results = client.get(f"/api/v1/movies/{movie.pk}/reviews/").json()["results"]
    assert {r["id"]: r["sentiment"] for r in results} == {
        analysed.pk: {"label": "positive", "score": 0.8},
        plain.pk: None,
    }
    assert client.get(f"/api/v1/reviews/{analysed.pk}/").json()["sentiment"]["label"] == "positive"
    assert client.get(api[1]).json()["results"][0]["sentiment"] == {"label": "positive", "score": 0.8}


def test_without_the_recommender_reviews_show_no_chip_and_nothing_breaks(client, monkeypatch):
    from django.core.cache import cache

    from community.reviews import sentiment

    cache.clear()
    monkeypatch.setattr(sentiment, "_join", None)  # as on a deployment without the recommender app
    review = ReviewFactory()
    analyse(review, "negative", -0.7)
    pages, api = review_pages(review)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'id="review-{review.pk}"' in response.content.decode(), url
        assert b"badge sentiment" not in response.content, url
    for url in [*api, f"/api/v1/reviews/{review.pk}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.json()
        assert [r["sentiment"] for r in body.get("results", [body])] == [None], url


def test_the_chips_come_from_whatever_provider_is_registered(client, monkeypatch):
    # A stand-in provider (no recommender table involved): pages and API show what it joins.
    from django.db.models import JSONField, Value

    from community.reviews import sentiment

    chip = {"label": "mixed", "label_display": "Mixed", "score": 0.1, "model_name": ""}
    monkeypatch.setattr(
        sentiment, "_join", lambda reviews: reviews.annotate(sentiment=Value(chip, output_field=JSONField()))
    )
    movie = MovieFactory()
    ReviewFactory.create_batch(3, movie=movie)
    content = client.get(reverse("reviews:list")).content.decode()
    assert (
        content.count('class="badge sentiment sentiment-mixed" title="Automatic sentiment analysis">Mixed<')
        == 3
    )
    results = client.get(f"/api/v1/movies/{movie.pk}/reviews/").json()["results"]
    assert [r["sentiment"] for r in results] == [{"label": "mixed", "score": 0.1}] * 3


def test_the_analysed_review_list_keeps_a_fixed_query_count(member_client, django_assert_max_num_queries):
    movie = MovieFactory()
    for review in ReviewFactory.create_batch(20, movie=movie):
        analyse(review, "positive", 0.5)
    with django_assert_max_num_queries(8):  # as tests/community/test_review_views.py, unanalysed
        content = member_client.get(reverse("reviews:list")).content.decode()
    assert content.count("sentiment-positive") == 20
    # The API's: tests/api/test_reviews.py.


def test_community_names_none_of_the_recommenders_tables():
    # import-linter sees imports, not relation names in strings: community reads a review's
    # analysis only through the slot, never as `review.analysis` / select_related("analysis").
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    python = re.compile(r"""["']analysis["']|\breviews?\.analysis\b|\banalysis__""")
    found = [
        str(path.relative_to(root))
        for path in (root / "community").rglob("*.py")
        if "migrations" not in path.parts and python.search(path.read_text())
    ]
    # Community's templates; templates/recommender/ belongs to the floor above, which may.
    found += [
        str(path.relative_to(root))
        for path in (root / "templates").rglob("*.html")
        if "recommender" not in path.relative_to(root / "templates").parts[:1]
        and re.search(r"\.analysis\b", path.read_text())
    ]
    assert found == []
