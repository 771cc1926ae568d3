"""Hidden posts disappear from every page, list, feed and aggregate, except for their author."""

from __future__ import annotations

import pytest
from django.utils import timezone

from community.moderation import services
from community.movies.api.selectors import movie_detail
from community.reviews.models import Review
from tests.factories import (
    FollowFactory,
    MovieFactory,
    ReplyFactory,
    ReviewFactory,
    ThreadFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_trained_recommender(settings, tmp_path):
    settings.RECOMMENDER_MODEL_DIR = tmp_path


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


def test_visible_and_visible_to_are_the_one_rule(staff):
    author, other = UserFactory(), UserFactory()
    hidden = ReviewFactory(user=author)
    shown = ReviewFactory()
    services.content_hide(staff=staff, target=hidden, reason="Spam")
    assert list(Review.objects.visible()) == [shown]
    assert set(Review.objects.visible_to(author)) == {hidden, shown}
    assert list(Review.objects.visible_to(other)) == [shown]
    assert list(Review.objects.hidden()) == [hidden]


def test_a_hidden_review_is_gone_from_the_movie_page_and_comes_back_when_restored(client, staff):
    movie = MovieFactory()
    review = ReviewFactory(movie=movie, body="Terrible words about a member.")
    services.content_hide(staff=staff, target=review, reason="Abuse")
    page = client.get(movie.get_absolute_url())
    assert "Terrible words" not in page.content.decode()
    assert list(page.context["reviews"].object_list) == []
    services.content_restore(staff=staff, target=review, reason="Appeal upheld")
    assert "Terrible words" in client.get(movie.get_absolute_url()).content.decode()


def test_the_author_sees_their_hidden_review_with_the_reason(client, staff):
    review = ReviewFactory(body="My spoiler-laden take.")
    services.content_hide(staff=staff, target=review, reason="Spoiler without warning")
    client.force_login(review.user)
    for url in (review.movie.get_absolute_url(), f"/u/{review.user.username}/"):
        body = client.get(url).content.decode()
        assert "My spoiler-laden take." in body, url
        assert "Hidden by moderators:" in body and "Spoiler without warning" in body, url


def test_hidden_reviews_are_gone_from_the_profile_review_list_and_homepage(client, staff):
    review = ReviewFactory(body="Visit my shop for cheap pills")
    services.content_hide(staff=staff, target=review, reason="Spam")
    assert "cheap pills" not in client.get(f"/u/{review.user.username}/").content.decode()
    assert "cheap pills" not in client.get("/reviews/").content.decode()
    assert "cheap pills" not in client.get("/").content.decode()


def test_a_hidden_review_is_gone_from_the_feed(client, staff):
    reader = UserFactory()
    review = ReviewFactory(body="Feed spam here")
    FollowFactory(follower=reader, followee=review.user)
    client.force_login(reader)
    assert "Feed spam here" in client.get("/feed/").content.decode()
    services.content_hide(staff=staff, target=review, reason="Spam")
    assert "Feed spam here" not in client.get("/feed/").content.decode()


def test_a_hidden_thread_is_404_for_others_and_marked_for_its_author(client, staff):
    thread = ThreadFactory(title="Off-topic rant")
    services.content_hide(staff=staff, target=thread, reason="Off-topic")
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert "Off-topic rant" not in client.get(f"/movies/{thread.movie.slug}/discussions/").content.decode()
    assert "Off-topic rant" not in client.get("/discussions/").content.decode()
    assert "Off-topic rant" not in client.get(thread.movie.get_absolute_url()).content.decode()
    client.force_login(thread.author)
    body = client.get(thread.get_absolute_url()).content.decode()
    assert "Hidden by moderators:" in body and "Off-topic" in body
    services.content_restore(staff=staff, target=thread, reason="Fine after all")
    client.logout()
    assert client.get(thread.get_absolute_url()).status_code == 200


def test_a_hidden_reply_is_gone_from_the_thread_page_and_its_count(client, staff):
    thread = ThreadFactory()
    ReplyFactory(thread=thread, body="A kind reply")
    rude = ReplyFactory(thread=thread, body="A rude reply")
    from community.discussions.services import thread_counts_refresh

    thread_counts_refresh(thread_ids=[thread.pk])
    services.content_hide(staff=staff, target=rude, reason="Harassment")
    thread.refresh_from_db()
    assert thread.reply_count == 1
    body = client.get(thread.get_absolute_url()).content.decode()
    assert "A kind reply" in body and "A rude reply" not in body
    client.force_login(rude.author)
    body = client.get(thread.get_absolute_url()).content.decode()
    assert "A rude reply" in body and "Harassment" in body
    services.content_restore(staff=staff, target=rude, reason="Context")
    client.logout()
    assert "A rude reply" in client.get(thread.get_absolute_url()).content.decode()


def test_others_cannot_like_or_edit_a_hidden_review(client, staff):
    review = ReviewFactory()
    services.content_hide(staff=staff, target=review, reason="Spam")
    client.force_login(UserFactory())
    assert client.post(f"/reviews/{review.pk}/like/").status_code == 404


def test_the_movie_sentiment_summary_leaves_hidden_reviews_out(staff):
    from recommender.models import ReviewAnalysis

    movie = MovieFactory()
    for label, score in (("positive", 0.8), ("negative", -0.6)):
        review = ReviewFactory(movie=movie)
        ReviewAnalysis.objects.create(
            review=review,
            label=label,
            score=score,
            confidence=0.9,
            aspects=[{"aspect": "acting", "sentiment": label, "score": score, "sentence": "x"}],
            text_hash="h",
            model_name="m",
            model_version="v",
            analysed_at=timezone.now(),
        )
    services.content_hide(staff=staff, target=review, reason="Abuse")
    sentiment = movie_detail(movie=movie, user=UserFactory())["sentiment"]
    assert sentiment["analysed_reviews"] == 1 and sentiment["negative"] == 0
    assert sentiment["average_score"] == pytest.approx(0.8)
    assert sentiment["aspects"] == [{"aspect": "acting", "positive": 1, "negative": 0}]


def test_hiding_a_review_refreshes_the_authors_taste_and_rows_after_commit(
    staff, monkeypatch, django_capture_on_commit_callbacks
):
    from recommender.tasks import analysis as analysis_tasks
    from recommender.tasks import recommendations as recommendation_tasks

    queued: list[tuple[str, int]] = []
    monkeypatch.setattr(
        analysis_tasks.taste_profile_refresh, "delay", lambda uid: queued.append(("taste", uid))
    )
    monkeypatch.setattr(
        recommendation_tasks.recommendations_refresh, "delay", lambda uid: queued.append(("rows", uid))
    )
    monkeypatch.setattr(analysis_tasks.analyse_review, "delay", lambda rid: queued.append(("analyse", rid)))
    review = ReviewFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.content_hide(staff=staff, target=review, reason="Spam")
    assert sorted(queued) == [("rows", review.user_id), ("taste", review.user_id)]
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.content_restore(staff=staff, target=review, reason="Appeal")
    # restored: analysed again if it was edited while hidden (the analysis then queues what
    # follows it), and taste and rows as above, each once
    assert sorted(queued) == [("analyse", review.pk), ("rows", review.user_id), ("taste", review.user_id)]


def test_hidden_reviews_are_no_input_to_taste_profiles_or_the_analysis_sweep(staff, monkeypatch, settings):
    settings.LLM_BACKEND = "fake"
    from recommender.services import analysis

    author = UserFactory()
    kept = ReviewFactory(user=author, body="The acting was superb.")
    hidden = ReviewFactory(user=author, body="The music was awful.")
    analysis.reviews_analyse(review_ids=[kept.pk, hidden.pk])
    assert set(analysis.taste_profile_update(user_id=author.pk).preferences["aspects"]) == {"acting", "music"}
    services.content_hide(staff=staff, target=hidden, reason="Abuse")
    profile = analysis.taste_profile_update(user_id=author.pk)
    assert set(profile.preferences["aspects"]) == {"acting"} and profile.review_count == 1
    fresh = ReviewFactory(body="Brilliant pacing.")
    services.content_hide(staff=staff, target=fresh, reason="Spam")
    assert fresh.pk not in set(analysis.reviews_needing_analysis(model_version="fake-sentiment-1"))
    assert analysis.reviews_analyse(review_ids=[fresh.pk]) == []


def test_hiding_drops_the_review_from_the_cached_homepage_at_once(
    client, staff, django_capture_on_commit_callbacks
):
    review = ReviewFactory(body="Cached rude words")
    assert "Cached rude words" in client.get("/").content.decode()  # now in the 30 s shared cache
    with django_capture_on_commit_callbacks(execute=True):
        services.content_hide(staff=staff, target=review, reason="Abuse")
    assert "Cached rude words" not in client.get("/").content.decode()
