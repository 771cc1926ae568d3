import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from community.discussions import services
from community.discussions.models import Reply, Thread
from tests.factories import MovieFactory, ReplyFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_starting_a_thread_and_replying_counts_replies_and_bumps_activity():
    movie, author, replier = MovieFactory(), UserFactory(), UserFactory()
    thread = services.thread_create(user=author, movie=movie, title="  Ending? ", body="Discuss")
    before = thread.last_activity_at
    services.reply_create(user=replier, thread=thread, body="Yes")
    thread.refresh_from_db()
    assert thread.title == "Ending?" and thread.reply_count == 1 and thread.last_activity_at >= before


@pytest.mark.parametrize(
    "title, body, field", [("", "b", "title"), ("t", "  ", "body"), ("x" * 201, "b", "title")]
)
def test_thread_text_is_validated(title, body, field):
    with pytest.raises(ValidationError) as exc:
        services.thread_create(user=UserFactory(), movie=MovieFactory(), title=title, body=body)
    assert field in exc.value.message_dict


def test_only_authors_edit_or_delete_posts():
    thread, reply, stranger = ThreadFactory(), ReplyFactory(), UserFactory()
    with pytest.raises(PermissionDenied):
        services.thread_update(thread=thread, user=stranger, title="x", body="y")
    with pytest.raises(PermissionDenied):
        services.thread_delete(thread=thread, user=stranger)
    with pytest.raises(PermissionDenied):
        services.reply_update(reply=reply, user=stranger, body="y")
    with pytest.raises(PermissionDenied):
        services.reply_delete(reply=reply, user=stranger)


def test_deleting_a_reply_updates_the_count():
    thread = ThreadFactory()
    reply = services.reply_create(user=UserFactory(), thread=thread, body="hi")
    services.reply_delete(reply=reply, user=reply.author)
    thread.refresh_from_db()
    assert thread.reply_count == 0


def test_creating_a_thread_through_the_page(member_client, user):
    movie = MovieFactory()
    url = reverse("discussions:create", kwargs={"slug": movie.slug})
    bad = member_client.post(url, {"title": "Kept title", "body": "   "})
    assert bad.status_code == 400 and b"Kept title" in bad.content and "body" in bad.context["form"].errors
    response = member_client.post(url, {"title": "Kept title", "body": "<img src=x onerror=alert(1)>"})
    thread = Thread.objects.get()
    assert response.url == thread.get_absolute_url()
    page = member_client.get(thread.get_absolute_url())
    assert b"&lt;img src=x onerror=alert(1)&gt;" in page.content


def test_replying_through_the_page_and_inline_errors(member_client, user):
    thread = ThreadFactory()
    bad = member_client.post(thread.get_absolute_url(), {"body": ""})
    assert bad.status_code == 400 and "body" in bad.context["form"].errors
    ok = member_client.post(thread.get_absolute_url(), {"body": "Agreed"})
    reply = Reply.objects.get()
    assert ok.status_code == 302 and ok.url.endswith(f"#reply-{reply.pk}")


def test_anonymous_replies_go_to_login(client):
    thread = ThreadFactory()
    response = client.post(thread.get_absolute_url(), {"body": "hi"})
    assert response.status_code == 302 and "/accounts/login/" in response.url and not Reply.objects.exists()


def test_others_get_403_on_edit_and_delete_pages(member_client):
    thread, reply = ThreadFactory(), ReplyFactory()
    for url in [
        reverse("discussions:thread_edit", kwargs={"pk": thread.pk}),
        reverse("discussions:thread_delete", kwargs={"pk": thread.pk}),
        reverse("discussions:reply_edit", kwargs={"pk": reply.pk}),
        reverse("discussions:reply_delete", kwargs={"pk": reply.pk}),
    ]:
        assert member_client.get(url).status_code == 403
        assert member_client.post(url, {"title": "x", "body": "y"}).status_code == 403


def test_authors_edit_and_delete_through_the_pages(member_client, user):
    thread = ThreadFactory(author=user)
    reply = ReplyFactory(author=user, thread=thread)
    member_client.post(reverse("discussions:reply_edit", kwargs={"pk": reply.pk}), {"body": "edited"})
    reply.refresh_from_db()
    assert reply.body == "edited"
    member_client.post(
        reverse("discussions:thread_edit", kwargs={"pk": thread.pk}), {"title": "New", "body": "B"}
    )
    thread.refresh_from_db()
    assert thread.title == "New"
    member_client.post(reverse("discussions:thread_delete", kwargs={"pk": thread.pk}))
    assert not Thread.objects.exists() and not Reply.objects.exists()


def test_unknown_threads_are_404(client):
    assert client.get(reverse("discussions:thread", kwargs={"pk": 424242})).status_code == 404


def test_discussion_list_query_count_is_bounded(client, django_assert_max_num_queries):
    for _ in range(25):
        ThreadFactory()
    with django_assert_max_num_queries(4):
        response = client.get(reverse("discussions:list"))
    assert len(response.context["page"].object_list) == 25


def test_thread_page_query_count_is_bounded(client, django_assert_max_num_queries):
    thread = ThreadFactory()
    for _ in range(30):
        ReplyFactory(thread=thread)
    with django_assert_max_num_queries(4):
        client.get(thread.get_absolute_url())


def test_deleting_a_thread_others_replied_in_keeps_their_replies(member_client, user):
    thread = ThreadFactory(author=user, body="My opening words")
    theirs = ReplyFactory(thread=thread, body="Words of another member")
    ReplyFactory(thread=thread, author=user, body="My own reply")
    page = member_client.get(reverse("discussions:thread_delete", kwargs={"pk": thread.pk}))
    assert "replies of other members stay" in page.content.decode()

    member_client.post(reverse("discussions:thread_delete", kwargs={"pk": thread.pk}))

    thread.refresh_from_db()
    assert thread.author is None and thread.body == ""
    assert Reply.objects.filter(pk=theirs.pk, body="Words of another member").exists()
    shown = member_client.get(thread.get_absolute_url()).content.decode()
    assert "My opening words" not in shown and "Words of another member" in shown
    assert "The opening post was deleted by its author" in shown


def test_the_api_delete_keeps_others_replies_too(user):
    from rest_framework.test import APIClient

    thread = ThreadFactory(author=user)
    ReplyFactory(thread=thread)
    api = APIClient()
    api.force_authenticate(user)
    assert api.delete(f"/api/v1/threads/{thread.pk}/").status_code == 204
    shown = api.get(f"/api/v1/threads/{thread.pk}/").json()
    assert shown["body"] == "" and shown["author"]["display_name"] == "deleted"
