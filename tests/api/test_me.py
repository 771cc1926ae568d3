import pytest

from community.accounts.models import User
from tests.factories import TEST_PASSWORD, FollowFactory, GenreFactory, RatingFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def test_me_shows_the_profile_with_counts(api, member):
    RatingFactory(user=member)
    ReviewFactory(user=member)
    FollowFactory(followee=member)
    body = api.get("/api/v1/me/").json()
    assert body["username"] == member.username
    assert (body["rating_count"], body["review_count"], body["follower_count"], body["following_count"]) == (
        1,
        1,
        1,
        0,
    )


def test_me_needs_authentication(anon):
    assert anon.get("/api/v1/me/").status_code == 401
    assert anon.patch("/api/v1/me/", {"bio": "x"}).status_code == 401
    assert anon.get("/api/v1/me/export/").status_code == 401


def test_patch_changes_only_the_fields_sent(api, member):
    GenreFactory(name="Crime", slug="crime")
    member.first_name = "Ann"
    member.save()
    response = api.patch(
        "/api/v1/me/", {"bio": "I like heists.", "favourite_genres": ["crime"]}, format="json"
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.bio == "I like heists."
    assert member.first_name == "Ann"
    assert list(member.favourite_genres.values_list("slug", flat=True)) == ["crime"]


@pytest.mark.parametrize(
    "payload",
    [
        {"bio": "x" * 1001},
        {"email": "not-an-email"},
        {"favourite_genres": ["no-such-genre"]},
        {"favourite_genres": 3},
    ],
)
def test_bad_profile_input_answers_400(api, payload):
    assert api.patch("/api/v1/me/", payload, format="json").status_code == 400


def test_the_export_holds_everything_the_member_wrote(api, member):
    ReviewFactory(user=member, body="My words.")
    body = api.get("/api/v1/me/export/").json()
    assert body["format"] == "cinecircle-export-1"
    assert body["account"]["username"] == member.username
    assert [r["body"] for r in body["reviews"]] == ["My words."]


def test_deleting_the_account_needs_the_password(api, member):
    assert api.post("/api/v1/me/delete/", {"password": "wrong"}, format="json").status_code == 400
    assert api.post("/api/v1/me/delete/", {}, format="json").status_code == 400
    assert User.objects.filter(pk=member.pk).exists()
    assert api.post("/api/v1/me/delete/", {"password": TEST_PASSWORD}, format="json").status_code == 204
    assert not User.objects.filter(pk=member.pk).exists()
