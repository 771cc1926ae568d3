"""Similar reviews and related threads with the fake (bag-of-words) encoder."""

from __future__ import annotations

import pytest
from django.urls import reverse

from community.accounts.services import account_delete
from community.reviews.similar import similar_reviews
from recommender.similar import selectors, services
from recommender.similar.models import ReviewVector
from tests.factories import MovieFactory, ReviewFactory, ThreadFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_models")]

HEIST = "A slick heist thriller: the bank robbery crew, the vault, the getaway car chase."
HEIST_TOO = "Another heist thriller with a robbery crew cracking a vault and a getaway chase."
HEIST_ALSO = "The robbery crew plans the vault heist; the getaway chase is the thriller's best part."
ROMANCE = "A gentle romance about two letters, a bakery and a wedding in spring."


def _embed(*reviews):
    for review in reviews:
        services.review_vector_refresh(review_id=review.pk)


def _shown(review, **kwargs):
    return [item.review for item in similar_reviews([review], **kwargs).get(review.pk, [])]


def test_a_review_is_shown_reviews_of_other_films_that_say_something_similar():
    source = ReviewFactory(body=HEIST)
    close, unrelated = ReviewFactory(body=HEIST_TOO), ReviewFactory(body=ROMANCE)
    _embed(source, close, unrelated)
    assert _shown(source) == [close]
    assert _shown(close) == [source]


def test_reviews_of_the_same_film_or_by_the_same_author_are_not_suggested():
    source = ReviewFactory(body=HEIST)
    same_film = ReviewFactory(body=HEIST_TOO, movie=source.movie)
    same_author = ReviewFactory(body=HEIST_ALSO, user=source.user)
    _embed(source, same_film, same_author)
    assert _shown(source) == []


def test_a_review_in_another_language_is_not_suggested():
    source = ReviewFactory(body=HEIST)
    french = ReviewFactory(
        body="Un heist thriller: la robbery crew et le vault, la getaway chase est très bien et "
        "les acteurs sont bons dans ce film."
    )
    _embed(source, french)
    assert ReviewVector.objects.get(review=french).language == "fr"
    assert _shown(source) == []


def test_a_review_of_undetermined_language_gets_no_suggestions():
    source = ReviewFactory(body="great heist movie 好电影好电影")
    other = ReviewFactory(body="great heist movie 好电影好电影!")
    _embed(source, other)
    assert ReviewVector.objects.get(review=source).language == "und"
    assert _shown(source) == [] and _shown(other) == []


def test_a_review_hidden_by_moderators_is_never_suggested_and_its_api_page_is_404(client):
    from community.moderation.services import content_hide

    source, hidden = ReviewFactory(body=HEIST), ReviewFactory(body=HEIST_TOO)
    _embed(source, hidden)
    content_hide(staff=UserFactory(is_staff=True), target=hidden, reason="Off-topic")
    assert _shown(source) == []
    assert client.get(reverse("api:review-similar", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("api:review-similar", args=[source.pk])).json() == []


def test_a_spoiler_review_is_suggested_only_to_a_reader_who_asked_for_spoilers(client):
    source, spoiler = ReviewFactory(body=HEIST), ReviewFactory(body=HEIST_TOO, has_spoilers=True)
    _embed(source, spoiler)
    assert _shown(source) == []
    assert _shown(source, include_spoilers=True) == [spoiler]
    url = reverse("api:review-similar", args=[source.pk])
    assert client.get(url).json() == []
    assert [item["review"]["id"] for item in client.get(url, {"spoilers": "true"}).json()] == [spoiler.pk]


def test_a_review_whose_author_deleted_their_account_is_gone_from_the_suggestions(client):
    source, other = ReviewFactory(body=HEIST), ReviewFactory(body=HEIST_TOO)
    _embed(source, other)
    username = other.user.username
    account_delete(user=other.user)
    assert _shown(source) == []
    assert username not in client.get(reverse("api:review-similar", args=[source.pk])).content.decode()


def test_a_new_review_enters_the_lists_of_older_ones_and_leaves_them_when_its_text_changes():
    from community.reviews.services import review_update

    older = ReviewFactory(body=HEIST)
    _embed(older)
    newer = ReviewFactory(body=HEIST_TOO)
    _embed(newer)
    assert _shown(older) == [newer]
    review_update(review=newer, user=newer.user, body=ROMANCE, has_spoilers=False)
    _embed(newer)
    assert _shown(older) == []


def test_the_nightly_rebuild_agrees_with_the_lists_kept_one_review_at_a_time():
    reviews = [ReviewFactory(body=text) for text in (HEIST, HEIST_TOO, HEIST_ALSO, ROMANCE)]
    _embed(*reviews)
    kept = dict(ReviewVector.objects.values_list("review_id", "neighbour_ids"))
    ReviewVector.objects.update(neighbour_ids=[], neighbour_scores=[], floor=-1)
    services.neighbours_rebuild(kind=services.REVIEWS)
    assert dict(ReviewVector.objects.values_list("review_id", "neighbour_ids")) == kept


def test_the_backfill_makes_missing_vectors_once():
    ReviewFactory(body=HEIST), ReviewFactory(body=HEIST_TOO)
    assert services.vectors_backfill(kind=services.REVIEWS) == 2
    assert services.vectors_backfill(kind=services.REVIEWS) == 0


def test_posting_a_review_queues_its_vector(django_capture_on_commit_callbacks, monkeypatch):
    from community.reviews.services import review_post
    from recommender.similar import tasks

    queued = []
    monkeypatch.setattr(tasks.review_vector_refresh_task, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        review = review_post(user=UserFactory(), movie=MovieFactory(), body=HEIST)
    assert queued == [review.pk]


def test_the_movie_page_shows_similar_reviews_in_the_same_number_of_queries_for_more_reviews(
    client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    elsewhere = ReviewFactory(body=HEIST_TOO, movie__title="The Vault Job")
    _embed(elsewhere)

    def page_queries(movie, count):
        reviews = [ReviewFactory(movie=movie, body=f"{HEIST} Take {n}.") for n in range(count)]
        _embed(*reviews)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(movie.get_absolute_url())
        assert response.status_code == 200
        return len(captured.captured_queries), response.content.decode()

    few, page = page_queries(MovieFactory(), 1)
    assert "Similar reviews of other films" in page and "The Vault Job" in page
    many, page = page_queries(MovieFactory(), 8)
    assert page.count("The Vault Job") >= 8
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(MovieFactory().get_absolute_url())


def test_a_discussion_shows_related_threads_but_not_hidden_ones(client):
    from community.moderation.services import content_hide

    source = ThreadFactory(title="The vault heist", body="How did the robbery crew open the vault?")
    related = ThreadFactory(title="Heist logistics", body="The robbery crew and the vault: plausible?")
    hidden = ThreadFactory(title="Vault heist", body="The robbery crew, the vault, the heist again.")
    for thread in (source, related, hidden):
        services.thread_vector_refresh(thread_id=thread.pk)
    content_hide(staff=UserFactory(is_staff=True), target=hidden, reason="Duplicate")
    assert [item.thread for item in selectors.related_threads(source)] == [related]
    page = client.get(source.get_absolute_url()).content.decode()
    assert "Related discussions" in page and "Heist logistics" in page and "Vault heist" not in page
    api = client.get(reverse("api:thread-related", args=[source.pk])).json()
    assert [item["thread"]["id"] for item in api] == [related.pk]
    assert client.get(reverse("api:thread-related", args=[hidden.pk])).status_code == 404


def test_a_related_thread_whose_author_left_shows_no_account(client):
    source = ThreadFactory(title="The vault heist", body="How did the robbery crew open the vault?")
    orphan = ThreadFactory(title="Heist logistics", body="The robbery crew and the vault: plausible?")
    username = orphan.author.username
    for thread in (source, orphan):
        services.thread_vector_refresh(thread_id=thread.pk)
    account_delete(user=orphan.author)
    api = client.get(reverse("api:thread-related", args=[source.pk])).json()
    assert api[0]["thread"]["author"] == {"id": None, "username": None, "display_name": "deleted member"}
    assert username not in client.get(source.get_absolute_url()).content.decode()


def test_the_vector_is_made_from_the_text_with_its_films_names_masked(monkeypatch):
    from recommender.llm import similarity

    embedded = []
    real_embed = similarity.embed
    monkeypatch.setattr(similarity, "embed", lambda texts: embedded.extend(texts) or real_embed(texts))
    movie = MovieFactory(title="The Vault Job", director_names="Jane Keller", cast_names="Ann Stone")
    review = ReviewFactory(movie=movie, body="Keller's The Vault Job: Ann Stone cracks the vault.")
    _embed(review)
    assert embedded == ["the director's the film: the actor cracks the vault."]


@pytest.fixture(params=["json containment", "without json containment"])
def containment(request, monkeypatch):
    """PostgreSQL's jsonb `@>`, or the fallback SQLite takes (forced here on PostgreSQL)."""
    from django.db import connection

    if request.param == "without json containment":
        monkeypatch.setattr(connection.features, "supports_json_field_contains", False)
    return request.param


def test_lists_holding_finds_the_rows_whose_neighbour_list_holds_the_review(containment):
    reviews = [ReviewFactory(body=text) for text in (HEIST, HEIST_TOO, HEIST_ALSO, ROMANCE)]
    _embed(*reviews)
    version = ReviewVector.objects.get(review=reviews[0]).model_version
    lists = dict(ReviewVector.objects.values_list("review_id", "neighbour_ids"))
    for review in reviews:
        holding = ReviewVector.objects.filter(
            services.lists_holding(services.REVIEWS, review.pk, language="en", version=version),
            language="en",
            model_version=version,
        )
        expected = {owner for owner, ids in lists.items() if review.pk in ids}
        assert set(holding.values_list("review_id", flat=True)) == expected
    assert lists[reviews[0].pk] and not ReviewVector.objects.filter(
        services.lists_holding(services.REVIEWS, reviews[0].pk, language="fr", version=version),
        language="fr",
    )


def test_a_changed_review_moves_down_in_the_full_lists_that_held_it_with_or_without_json_containment(
    containment, monkeypatch
):
    from community.reviews.services import review_update

    # Lists of one: the older review's list is full and its floor is the heist score, which the
    # romance does not beat, so only lists_holding finds that list again to lower the score.
    monkeypatch.setattr(services, "NEIGHBOURS_KEPT", 1)
    older, newer = ReviewFactory(body=HEIST), ReviewFactory(body=HEIST_TOO)
    _embed(older, newer)
    assert _shown(older) == [newer]
    review_update(review=newer, user=newer.user, body=ROMANCE, has_spoilers=False)
    _embed(newer)
    row = ReviewVector.objects.get(review=older)
    assert row.neighbour_ids == [newer.pk] and row.neighbour_scores[0] < selectors.MIN_SIMILARITY
    assert _shown(older) == []
