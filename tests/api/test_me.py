from decimal import Decimal

import pytest

from community.accounts.models import User
from tests.factories import (
    TEST_PASSWORD,
    FollowFactory,
    GenreFactory,
    RatingFactory,
    ReviewFactory,
    UserFactory,
)

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
        {"favourite_genres": ["cri\x00me"]},
        {"favourite_genres": [["crime"]]},
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


def test_a_member_changes_their_password(api, member):
    response = api.post(
        "/api/v1/me/password/",
        {"old_password": TEST_PASSWORD, "new_password": "another-long-passphrase-77"},
        format="json",
    )
    assert response.status_code == 204
    member.refresh_from_db()
    assert member.check_password("another-long-passphrase-77")


def test_a_wrong_old_password_or_a_weak_new_one_answers_400(api):
    wrong = api.post("/api/v1/me/password/", {"old_password": "x", "new_password": "y" * 20}, format="json")
    assert wrong.status_code == 400
    assert "old_password" in wrong.json()
    weak = api.post(
        "/api/v1/me/password/", {"old_password": TEST_PASSWORD, "new_password": "123"}, format="json"
    )
    assert weak.status_code == 400
    assert "new_password" in weak.json()


def test_onboarding_completes_after_enough_ratings(api, member):
    assert api.post("/api/v1/me/onboarding/").status_code == 400
    for _ in range(5):
        RatingFactory(user=member)
    response = api.post("/api/v1/me/onboarding/")
    assert response.status_code == 200
    assert response.json()["onboarded_at"] is not None


def test_public_profiles_show_stats_and_whether_i_follow(anon, api, member):
    alice = UserFactory(username="alice", bio="Heists.")
    RatingFactory(user=alice, score=Decimal("4.0"))
    FollowFactory(follower=member, followee=alice)
    body = anon.get("/api/v1/users/alice/").json()
    assert body["bio"] == "Heists."
    assert body["stats"] == {"ratings": 1, "reviews": 0, "followers": 1, "following": 0, "average": 4.0}
    assert body["followed_by_me"] is False
    assert api.get("/api/v1/users/alice/").json()["followed_by_me"] is True


def test_unknown_or_strange_usernames_answer_404(anon):
    assert anon.get("/api/v1/users/ghost/").status_code == 404
    assert anon.get("/api/v1/users/%00/").status_code == 404
    assert anon.get("/api/v1/users/" + "x" * 300 + "/").status_code == 404
    assert anon.get("/api/v1/users/ghost/reviews/").status_code == 404


def test_a_members_reviews_are_listed_in_a_fixed_number_of_queries(anon, django_assert_max_num_queries):
    alice = UserFactory(username="alice")
    ReviewFactory.create_batch(8, user=alice)
    ReviewFactory()
    with django_assert_max_num_queries(4):
        response = anon.get("/api/v1/users/alice/reviews/")
    assert response.json()["count"] == 8


def test_the_feed_shows_what_followed_members_did(api, member, anon):
    alice = UserFactory(username="alice")
    FollowFactory(follower=member, followee=alice)
    RatingFactory(user=alice, score=Decimal("5.0"))
    ReviewFactory(user=alice, body="Loved it.")
    ReviewFactory(body="A stranger's review.")
    items = api.get("/api/v1/me/feed/").json()["results"]
    assert {item["kind"] for item in items} == {"rating", "review"}
    assert [i["review"]["body"] for i in items if i["kind"] == "review"] == ["Loved it."]
    assert anon.get("/api/v1/me/feed/").status_code == 401


def test_the_api_export_is_the_same_document_as_the_web_download(api, member, client):
    from django.utils import timezone

    from recommender.models import TasteProfile

    ReviewFactory(user=member, body="My words.")
    RatingFactory(user=member)
    TasteProfile.objects.create(user=member, summary="Likes slow burns.", updated_at=timezone.now())
    client.force_login(member)
    # the API first: using the token marks it used, which both documents then say
    from_api = api.get("/api/v1/me/export/").json()
    web = client.post("/accounts/export/")
    assert web.status_code == 200
    from_web = web.json()
    from_web.pop("exported_at"), from_api.pop("exported_at")
    assert from_api == from_web
    assert from_api["taste_profile"]["summary"] == "Likes slow burns."
    for section in ["taste_profile", "generated_texts", "recommendations", "recommendation_feedback"]:
        assert section in from_api
    for section in ["review_analyses", "studio_memberships", "api_tokens"]:
        assert section in from_api


def test_the_schema_describes_every_section_of_the_export(anon):
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    properties = schema["components"]["schemas"]["AccountExport"]["properties"]
    assert {"taste_profile", "generated_texts", "review_analyses", "api_tokens", "ratings"} <= set(properties)
    assert properties["taste_profile"]["nullable"] is True
