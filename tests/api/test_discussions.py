import pytest

from community.discussions.models import Reply, Thread
from tests.factories import MovieFactory, ReplyFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def test_anyone_lists_a_movies_threads_in_a_fixed_number_of_queries(anon, django_assert_max_num_queries):
    movie = MovieFactory()
    ThreadFactory.create_batch(12, movie=movie)
    ThreadFactory()
    with django_assert_max_num_queries(3):
        response = anon.get(f"/api/v1/movies/{movie.pk}/threads/")
    assert response.status_code == 200
    assert response.json()["count"] == 12


def test_threads_of_an_unknown_movie_answer_404(anon):
    assert anon.get("/api/v1/movies/424242/threads/").status_code == 404


def test_a_member_starts_a_thread(api, member):
    movie = MovieFactory()
    response = api.post(
        f"/api/v1/movies/{movie.pk}/threads/", {"title": "The ending", "body": "Why?"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["author"]["username"] == member.username
    assert Thread.objects.get().title == "The ending"


@pytest.mark.parametrize(
    "payload", [{}, {"title": "", "body": "x"}, {"title": "x" * 201, "body": "x"}, {"title": 1}]
)
def test_bad_thread_input_answers_400(api, payload):
    movie = MovieFactory()
    assert api.post(f"/api/v1/movies/{movie.pk}/threads/", payload, format="json").status_code == 400
    assert not Thread.objects.exists()


def test_starting_a_thread_needs_authentication(anon):
    movie = MovieFactory()
    assert anon.post(f"/api/v1/movies/{movie.pk}/threads/", {"title": "t", "body": "b"}).status_code == 401


def test_only_the_author_edits_or_deletes_a_thread(api, other_api, member):
    thread = ThreadFactory(author=member, title="Mine")
    url = f"/api/v1/threads/{thread.pk}/"
    assert other_api.patch(url, {"title": "Theirs"}, format="json").status_code == 403
    assert other_api.delete(url).status_code == 403
    response = api.patch(url, {"title": "Still mine"}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == "Still mine"
    assert api.delete(url).status_code == 204
    assert not Thread.objects.exists()
    assert api.get(url).status_code == 404


def test_replies_are_listed_oldest_first_and_posted_by_members(anon, api, member):
    thread = ThreadFactory()
    ReplyFactory(thread=thread, body="first")
    url = f"/api/v1/threads/{thread.pk}/replies/"
    response = api.post(url, {"body": "second"}, format="json")
    assert response.status_code == 201
    assert response.json()["thread_id"] == thread.pk
    assert [r["body"] for r in anon.get(url).json()["results"]] == ["first", "second"]
    thread.refresh_from_db()
    assert thread.reply_count == 1  # the factory reply bypassed the service


def test_replying_needs_authentication_valid_input_and_an_existing_thread(anon, api):
    thread = ThreadFactory()
    assert anon.post(f"/api/v1/threads/{thread.pk}/replies/", {"body": "x"}).status_code == 401
    assert api.post(f"/api/v1/threads/{thread.pk}/replies/", {"body": ""}, format="json").status_code == 400
    assert api.post("/api/v1/threads/424242/replies/", {"body": "x"}, format="json").status_code == 404
    assert anon.get("/api/v1/threads/424242/replies/").status_code == 404


def test_only_the_author_edits_or_deletes_a_reply(api, other_api, member):
    reply = ReplyFactory(author=member, body="mine")
    url = f"/api/v1/replies/{reply.pk}/"
    assert other_api.patch(url, {"body": "theirs"}, format="json").status_code == 403
    assert api.patch(url, {"body": "edited"}, format="json").json()["body"] == "edited"
    assert other_api.delete(url).status_code == 403
    assert api.delete(url).status_code == 204
    assert not Reply.objects.exists()


def test_replies_are_listed_in_a_fixed_number_of_queries(anon, django_assert_max_num_queries):
    thread = ThreadFactory()
    ReplyFactory.create_batch(12, thread=thread)
    with django_assert_max_num_queries(3):
        response = anon.get(f"/api/v1/threads/{thread.pk}/replies/")
    assert response.json()["count"] == 12
