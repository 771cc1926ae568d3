"""The lists API: the same rules as the pages, 400 with field errors on bad input."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from community.accounts.models import Visibility
from tests.community.lists.factories import FilmListFactory, ListCollaboratorFactory, ListEntryFactory
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_member_makes_a_list_adds_films_and_reorders_them(api, user):
    response = api.post(reverse("api:lists"), {"title": "Best", "ranked": True}, format="json")
    assert response.status_code == 201 and response.json()["owner"] == user.username
    list_id = response.json()["id"]
    movies = [MovieFactory(), MovieFactory()]
    ids = [
        api.post(reverse("api:list-entries", args=[list_id]), {"movie_id": m.pk}, format="json").json()["id"]
        for m in movies
    ]
    again = api.post(reverse("api:list-entries", args=[list_id]), {"movie_id": movies[0].pk}, format="json")
    assert again.status_code == 400 and "movie" in again.json()
    reordered = api.post(reverse("api:list-reorder", args=[list_id]), {"entry_ids": ids[::-1]}, format="json")
    assert [e["id"] for e in reordered.json()] == ids[::-1]
    moved = api.post(
        reverse("api:list-entry-move", args=[list_id, ids[0]]), {"direction": "up"}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["position"] == 1
    assert api.get(reverse("api:list-detail", args=[list_id])).json()["entry_count"] == 2


@pytest.mark.parametrize(
    "payload",
    [{}, {"title": ""}, {"title": "x", "visibility": "everyone"}, {"title": "x" * 201}],
)
def test_bad_input_is_a_400_naming_the_field(api, payload):
    response = api.post(reverse("api:lists"), payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) & {"title", "visibility"}


def test_visibility_holds_in_the_api(api, user):
    FilmListFactory(title="open")
    private = FilmListFactory(title="closed", visibility=Visibility.ONLY_ME)
    titles = [row["title"] for row in api.get(reverse("api:lists")).json()["results"]]
    assert titles == ["open"]
    assert api.get(reverse("api:list-detail", args=[private.pk])).status_code == 404
    assert api.get(reverse("api:list-entries", args=[private.pk])).status_code == 404
    anonymous = APIClient()
    assert anonymous.get(reverse("api:list-detail", args=[private.pk])).status_code == 404
    assert anonymous.post(reverse("api:lists"), {"title": "x"}, format="json").status_code == 401


def test_collaborators_change_films_but_not_the_list(api, user):
    film_list = FilmListFactory(collaborative=True, visibility=Visibility.ONLY_ME)
    entry = ListEntryFactory(film_list=film_list)
    outsider = APIClient()
    outsider.force_authenticate(UserFactory())
    assert outsider.delete(reverse("api:list-entry-detail", args=[film_list.pk, entry.pk])).status_code == 404
    row = ListCollaboratorFactory(film_list=film_list, member=user, status="invited", accepted_at=None)
    assert [i["id"] for i in api.get(reverse("api:list-invitations")).json()] == [row.pk]
    note = api.patch(
        reverse("api:list-entry-detail", args=[film_list.pk, entry.pk]), {"note": "x"}, format="json"
    )
    assert note.status_code == 403
    bad = api.post(reverse("api:list-invitation-answer", args=[row.pk]), {"answer": "maybe"}, format="json")
    assert bad.status_code == 400 and "answer" in bad.json()
    accepted = api.post(
        reverse("api:list-invitation-answer", args=[row.pk]), {"answer": "accept"}, format="json"
    )
    assert accepted.status_code == 200
    note = api.patch(
        reverse("api:list-entry-detail", args=[film_list.pk, entry.pk]), {"note": "x"}, format="json"
    )
    assert note.status_code == 200 and note.json()["note"] == "x"
    assert (
        api.patch(
            reverse("api:list-detail", args=[film_list.pk]), {"title": "mine"}, format="json"
        ).status_code
        == 403
    )
    assert api.delete(reverse("api:list-detail", args=[film_list.pk])).status_code == 403


def test_likes_and_comments_on_a_public_list(api, user):
    film_list = FilmListFactory()
    liked = api.post(reverse("api:list-like", args=[film_list.pk]))
    assert liked.json() == {"liked": True, "like_count": 1}
    comment = api.post(
        reverse("api:list-comments", args=[film_list.pk]), {"body": "<i>hi</i>"}, format="json"
    )
    assert comment.status_code == 201 and comment.json()["body"] == "<i>hi</i>"
    listed = APIClient().get(reverse("api:list-comments", args=[film_list.pk])).json()["results"]
    assert [c["body"] for c in listed] == ["<i>hi</i>"]
    other = APIClient()
    other.force_authenticate(UserFactory())
    assert other.delete(reverse("api:list-comment-detail", args=[comment.json()["id"]])).status_code == 403
    assert api.delete(reverse("api:list-comment-detail", args=[comment.json()["id"]])).status_code == 204
    private = FilmListFactory(owner=user, visibility=Visibility.FOLLOWERS)
    refused = api.post(reverse("api:list-comments", args=[private.pk]), {"body": "hi"}, format="json")
    assert refused.status_code == 400
