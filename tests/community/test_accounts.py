import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from community.accounts import services
from community.core import events
from community.discussions.models import Thread
from community.reviews.models import Rating, Review
from tests.factories import (
    TEST_PASSWORD,
    FollowFactory,
    GenreFactory,
    ImportedUserFactory,
    MovieFactory,
    RatingFactory,
    ReplyFactory,
    ReviewFactory,
    ReviewLikeFactory,
    ThreadFactory,
    UserFactory,
    WatchlistItemFactory,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_signing_up_creates_a_member_logs_in_and_goes_to_onboarding(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "newbie",
            "email": "",
            "password": "correct-horse-9",
            "password_confirm": "correct-horse-9",
        },
    )
    assert response.status_code == 302 and response.url == reverse("accounts:onboarding")
    user = User.objects.get(username="newbie")
    assert user.kind == User.Kind.MEMBER and user.has_usable_password()
    assert client.get(reverse("accounts:settings")).status_code == 200


def test_an_invalid_signup_shows_inline_errors_and_keeps_what_was_typed(client):
    UserFactory(username="taken")
    response = client.post(
        reverse("accounts:signup"),
        {"username": "TAKEN", "email": "not-an-email", "password": "123", "password_confirm": "124"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"username", "email", "password_confirm"} <= set(form.errors)
    assert b'value="TAKEN"' in response.content and b'value="not-an-email"' in response.content
    assert b'aria-invalid="true"' in response.content


@pytest.mark.parametrize(
    "username, field",
    [
        ("", "username"),
        ("   ", "username"),
        ("a" * 31, "username"),
        ("bad name!", "username"),
        ("admin", "username"),
    ],
)
def test_user_signup_rejects_bad_usernames(username, field):
    with pytest.raises(services.ValidationError) as exc:
        services.user_signup(username=username, password="correct-horse-9")
    assert field in exc.value.message_dict


def test_user_signup_applies_the_password_rules():
    with pytest.raises(services.ValidationError) as exc:
        services.user_signup(username="someone", password="12345678")
    assert "password" in exc.value.message_dict


def test_imported_accounts_cannot_log_in_but_have_public_profiles(client):
    imported = ImportedUserFactory(username="ml_42")
    assert not imported.has_usable_password()
    response = client.post(reverse("accounts:login"), {"username": "ml_42", "password": ""})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:profile", kwargs={"username": "ml_42"})).status_code == 200


def test_a_member_logs_in_and_out(client):
    UserFactory(username="alice")
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": TEST_PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_changing_the_password_needs_the_old_one_and_keeps_the_session(
    member_client, user, django_capture_on_commit_callbacks
):
    url = reverse("accounts:password_change")
    wrong = member_client.post(
        url,
        {"old_password": "nope", "new_password1": "brand-new-pass-1", "new_password2": "brand-new-pass-1"},
    )
    assert "old_password" in wrong.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):  # as after the request's commit
        ok = member_client.post(
            url,
            {
                "old_password": TEST_PASSWORD,
                "new_password1": "brand-new-pass-1",
                "new_password2": "brand-new-pass-1",
            },
        )
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-pass-1")
    assert member_client.get(reverse("accounts:settings")).status_code == 200


def test_settings_save_bio_and_favourite_genres(member_client, user):
    drama = GenreFactory(name="Drama")
    response = member_client.post(
        reverse("accounts:settings"),
        {
            "first_name": "Ann",
            "last_name": "Lee",
            "email": "",
            "bio": "Hi <b>there</b>",
            "favourite_genres": [drama.pk],
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.bio == "Hi <b>there</b>" and list(user.favourite_genres.all()) == [drama]
    page = member_client.get(reverse("accounts:profile", kwargs={"username": user.username}))
    assert b"Hi &lt;b&gt;there&lt;/b&gt;" in page.content and b"AL" in page.content


def test_an_overlong_bio_is_refused_and_kept(member_client):
    response = member_client.post(reverse("accounts:settings"), {"bio": "x" * 1001})
    assert response.status_code == 200 and "bio" in response.context["form"].errors
    assert ("x" * 1001).encode() in response.content


def test_profile_shows_stats_and_histogram(client):
    person = UserFactory()
    RatingFactory(user=person, score="4.5")
    RatingFactory(user=person, score="4.5")
    RatingFactory(user=person, score="1.0")
    response = client.get(reverse("accounts:profile", kwargs={"username": person.username}))
    assert response.context["stats"].ratings == 3
    bars = {bar.score: bar.count for bar in response.context["histogram"]}
    assert bars[4.5] == 2 and bars[1.0] == 1 and bars[5.0] == 0


def test_unknown_profiles_are_404(client):
    assert client.get(reverse("accounts:profile", kwargs={"username": "nobody"})).status_code == 404


def test_profile_query_count_does_not_grow_with_ratings(client, django_assert_max_num_queries):
    person = UserFactory()
    for _ in range(30):
        RatingFactory(user=person)
    for _ in range(5):
        ReviewFactory(user=person)
    with django_assert_max_num_queries(14):
        client.get(reverse("accounts:profile", kwargs={"username": person.username}))


def test_download_my_data_returns_everything_the_user_wrote(member_client, user):
    movie = MovieFactory(title="Heat")
    RatingFactory(user=user, movie=movie)
    ReviewFactory(user=user, movie=movie, body="Mine")
    ThreadFactory(author=user, title="My thread")
    WatchlistItemFactory(user=user)
    FollowFactory(follower=user)
    assert member_client.get(reverse("accounts:export")).status_code == 405
    response = member_client.post(reverse("accounts:export"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["username"] == user.username
    assert data["ratings"][0]["movie"] == "Heat" and data["reviews"][0]["body"] == "Mine"
    assert (
        data["threads"][0]["title"] == "My thread"
        and len(data["watchlist"]) == 1
        and len(data["following"]) == 1
    )


def test_deleting_the_account_removes_personal_data_and_fixes_counters(
    member_client, user, django_capture_on_commit_callbacks
):
    movie = MovieFactory()
    from community.reviews.services import rating_set, review_post

    rating_set(user=user, movie=movie, score="5")
    rating_set(user=UserFactory(), movie=movie, score="3")
    review_post(user=user, movie=movie, body="bye")
    others_review = ReviewFactory()
    ReviewLikeFactory(user=user, review=others_review)
    others_review.like_count = 1
    others_review.save()
    others_thread = ThreadFactory(reply_count=1)
    ReplyFactory(thread=others_thread, author=user)
    received = []

    def receiver(**kwargs):
        received.append(kwargs)

    events.user_deleted.connect(receiver)
    try:
        wrong = member_client.post(reverse("accounts:delete"), {"password": "wrong"})
        assert wrong.status_code == 400 and User.objects.filter(pk=user.pk).exists()
        assert "That is not your password." in wrong.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = member_client.post(reverse("accounts:delete"), {"password": TEST_PASSWORD})
    finally:
        events.user_deleted.disconnect(receiver)
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert (
        not Rating.objects.filter(user_id=user.pk).exists()
        and not Review.objects.filter(user_id=user.pk).exists()
    )
    movie.refresh_from_db()
    others_review.refresh_from_db()
    others_thread.refresh_from_db()
    assert (movie.rating_count, movie.rating_average, movie.review_count) == (1, 3.0, 0)
    assert others_review.like_count == 0 and others_thread.reply_count == 0
    assert Thread.objects.filter(pk=others_thread.pk).exists()
    assert received == [{"signal": events.user_deleted, "sender": None, "user_id": user.pk}]
    assert "_auth_user_id" not in member_client.session


def test_onboarding_needs_five_ratings_and_keeps_the_choices(member_client, user):
    movies = [MovieFactory(rating_count=10 - i) for i in range(8)]
    url = reverse("accounts:onboarding")
    page = member_client.get(url)
    assert page.status_code == 200 and len(page.context["movies"]) == 8
    too_few = member_client.post(url, {f"rating_{m.pk}": "4.0" for m in movies[:3]})
    assert too_few.status_code == 400 and b"Rate 2 more movies" in too_few.content
    assert too_few.content.count(b"checked") == 3
    user.refresh_from_db()
    assert user.onboarded_at is None
    done = member_client.post(url, {f"rating_{m.pk}": "3.5" for m in movies[3:5]})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.onboarded_at is not None and user.ratings.count() == 5


def test_onboarding_grid_mixes_genres():
    from community.movies.selectors import onboarding_movies

    drama, comedy = GenreFactory(name="Drama"), GenreFactory(name="Comedy")
    for i in range(10):
        MovieFactory(title=f"Drama {i}", genres=[drama], rating_count=100 - i)
    for i in range(3):
        MovieFactory(title=f"Comedy {i}", genres=[comedy], rating_count=10 - i)
    picked = onboarding_movies(size=6)
    assert [m.title for m in picked[:2]] == ["Drama 0", "Comedy 0"]
    assert sum(m.title.startswith("Comedy") for m in picked) == 3


def test_pages_for_members_redirect_anonymous_visitors_to_login(client):
    for name in ["accounts:settings", "accounts:password_change", "accounts:delete", "accounts:onboarding"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_onboarding_can_also_save_favourite_genres(member_client, user):
    drama = GenreFactory(name="Drama")
    movies = [MovieFactory(rating_count=5) for _ in range(5)]
    data = {f"rating_{m.pk}": "4.0" for m in movies} | {"favourite_genres": [drama.pk]}
    assert member_client.post(reverse("accounts:onboarding"), data).status_code == 302
    assert list(user.favourite_genres.all()) == [drama]


def test_onboarding_ignores_unknown_movies_and_reports_bad_scores(member_client, user):
    movie = MovieFactory()
    response = member_client.post(
        reverse("accounts:onboarding"), {"rating_999999": "4.0", f"rating_{movie.pk}": "9"}
    )
    assert response.status_code == 400 and b"between 0.5 and 5" in response.content
    assert user.ratings.count() == 0


def test_repeated_failed_logins_lock_the_account_for_a_while(client):
    from datetime import timedelta

    from community.accounts.models import LoginLockout

    UserFactory(username="target")
    url = reverse("accounts:login")
    for _ in range(9):
        assert client.post(url, {"username": "target", "password": "guess"}).status_code == 200
    locked = client.post(url, {"username": "target", "password": "guess"})
    assert locked.status_code == 429 and "Too many failed attempts" in locked.content.decode()
    client.cookies.clear()
    response = client.post(url, {"username": "Target", "password": TEST_PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    # Counted in the database, not the cache: clearing the cache opens nothing.
    from django.core.cache import cache

    cache.clear()
    assert client.post(url, {"username": "target", "password": TEST_PASSWORD}).status_code == 429
    LoginLockout.objects.update(last_failure_at=timezone.now() - timedelta(minutes=16))
    assert client.post(url, {"username": "target", "password": TEST_PASSWORD}).status_code == 302
