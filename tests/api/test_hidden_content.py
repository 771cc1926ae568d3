"""Hidden posts in the API: gone for everyone but their author, who sees hidden and the reason."""

from __future__ import annotations

import pytest

from community.moderation import services
from tests.factories import MovieFactory, ReplyFactory, ReviewFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


def test_a_hidden_review_leaves_the_movie_list_and_detail_and_comes_back(anon, api, member, staff):
    movie = MovieFactory()
    review = ReviewFactory(movie=movie, user=member, body="Rude words")
    ReviewFactory(movie=movie, body="Kind words")
    services.content_hide(staff=staff, target=review, reason="Abuse")
    listed = anon.get(f"/api/v1/movies/{movie.pk}/reviews/").json()
    assert [r["body"] for r in listed["results"]] == ["Kind words"] and listed["count"] == 1
    assert anon.get(f"/api/v1/reviews/{review.pk}/").status_code == 404
    assert anon.get(f"/api/v1/users/{member.username}/reviews/").json()["count"] == 0
    mine = api.get(f"/api/v1/reviews/{review.pk}/").json()
    assert mine["hidden"] is True and mine["hidden_reason"] == "Abuse"
    services.content_restore(staff=staff, target=review, reason="Appeal")
    again = anon.get(f"/api/v1/reviews/{review.pk}/").json()
    assert again["hidden"] is False and again["hidden_reason"] == ""


def test_a_hidden_thread_and_reply_leave_the_discussion_api(anon, api, member, staff):
    thread = ThreadFactory()
    reply = ReplyFactory(thread=thread, author=member, body="Rude reply")
    ReplyFactory(thread=thread, body="Kind reply")
    services.content_hide(staff=staff, target=reply, reason="Harassment")
    bodies = [r["body"] for r in anon.get(f"/api/v1/threads/{thread.pk}/replies/").json()["results"]]
    assert bodies == ["Kind reply"]
    assert anon.get(f"/api/v1/replies/{reply.pk}/").status_code == 404
    mine = [r for r in api.get(f"/api/v1/threads/{thread.pk}/replies/").json()["results"] if r["hidden"]]
    assert [(r["body"], r["hidden_reason"]) for r in mine] == [("Rude reply", "Harassment")]
    services.content_hide(staff=staff, target=thread, reason="Off-topic")
    assert anon.get(f"/api/v1/threads/{thread.pk}/").status_code == 404
    assert anon.get(f"/api/v1/movies/{thread.movie_id}/threads/").json()["count"] == 0
    assert anon.get(f"/api/v1/threads/{thread.pk}/replies/").status_code == 404


def test_a_reply_in_a_hidden_thread_is_gone_too(anon, staff):
    reply = ReplyFactory()
    services.content_hide(staff=staff, target=reply.thread, reason="Spam thread")
    assert anon.get(f"/api/v1/replies/{reply.pk}/").status_code == 404
