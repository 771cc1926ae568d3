"""Logging watches: one entry per film and day, tags, and the rating that follows the latest watch."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community.accounts.models import Visibility
from community.diary import selectors, services
from community.diary.models import DiaryEntry, Tag
from community.reviews.models import Rating, Review
from community.social.models import Follow
from tests.community.diary.factories import DiaryEntryFactory
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 3, 1)


def test_logging_a_film_twice_keeps_two_watches_and_the_same_day_updates_one():
    user, movie = UserFactory(), MovieFactory()
    services.diary_entry_log(user=user, movie=movie, watched_on=DAY)
    services.diary_entry_log(
        user=user, movie=movie, watched_on=DAY + datetime.timedelta(days=3), rewatch=True
    )
    services.diary_entry_log(user=user, movie=movie, watched_on=DAY, tags=["Noir"])
    assert DiaryEntry.objects.filter(user=user, movie=movie).count() == 2
    assert list(DiaryEntry.objects.get(watched_on=DAY).tags.values_list("slug", flat=True)) == ["noir"]


def test_the_watch_date_defaults_to_today():
    entry = services.diary_entry_log(user=UserFactory(), movie=MovieFactory())
    assert entry.watched_on == timezone.localdate()


def test_tags_are_normalised_to_one_lowercase_slug_each():
    user = UserFactory()
    entry = services.diary_entry_log(
        user=user, movie=MovieFactory(), tags=["Rainy Day!", "rainy day", " NOIR "]
    )
    assert sorted(entry.tags.values_list("slug", flat=True)) == ["noir", "rainy-day"]
    assert Tag.objects.count() == 2


def test_the_rating_follows_the_latest_rated_watch_through_the_rating_service():
    user, movie = UserFactory(), MovieFactory()
    services.diary_entry_log(user=user, movie=movie, watched_on=DAY, rating="3.5")
    assert Rating.objects.get(user=user, movie=movie).score == Decimal("3.5")
    services.diary_entry_log(
        user=user, movie=movie, watched_on=DAY + datetime.timedelta(days=9), rating="4.5"
    )
    # an older watch logged afterwards does not override the newer opinion
    services.diary_entry_log(
        user=user, movie=movie, watched_on=DAY - datetime.timedelta(days=9), rating="1.0"
    )
    rating = Rating.objects.get(user=user, movie=movie)
    assert rating.score == Decimal("4.5")
    movie.refresh_from_db()
    assert movie.rating_count == 1  # the rating service kept the film's counters


def test_a_bad_rating_or_a_future_date_is_a_field_error_and_saves_nothing():
    user, movie = UserFactory(), MovieFactory()
    with pytest.raises(ValidationError) as bad_score:
        services.diary_entry_log(user=user, movie=movie, rating="4.3")
    assert "score" in bad_score.value.message_dict
    with pytest.raises(ValidationError) as future:
        services.diary_entry_log(
            user=user, movie=movie, watched_on=timezone.localdate() + datetime.timedelta(days=5)
        )
    assert "watched_on" in future.value.message_dict
    assert not DiaryEntry.objects.exists()


def test_review_text_posts_a_review_through_the_review_service_and_attaches_it():
    user, movie = UserFactory(), MovieFactory()
    entry = services.diary_entry_log(user=user, movie=movie, review_text="Loved the long takes.")
    review = Review.objects.get(user=user, movie=movie)
    assert entry.review == review
    assert review.language  # detected by the review service, as for any review
    with pytest.raises(ValidationError) as again:
        services.diary_entry_log(user=user, movie=movie, watched_on=DAY, review_text="Second thoughts.")
    assert "review_text" in again.value.message_dict
    assert DiaryEntry.objects.filter(user=user).count() == 1


def test_only_the_owner_changes_or_deletes_an_entry_and_deleting_keeps_the_rating():
    entry = DiaryEntryFactory(rating=Decimal("4.0"))
    services.rating_follow_latest(user=entry.user, movie=entry.movie)
    with pytest.raises(PermissionDenied):
        services.diary_entry_update(entry=entry, user=UserFactory(), rewatch=True)
    with pytest.raises(PermissionDenied):
        services.diary_entry_delete(entry=entry, user=UserFactory())
    services.diary_entry_update(entry=entry, user=entry.user, tags=["a", "b"], visibility=Visibility.ONLY_ME)
    assert entry.visibility == Visibility.ONLY_ME
    services.diary_entry_delete(entry=entry, user=entry.user)
    assert Rating.objects.filter(user=entry.user, movie=entry.movie).exists()


def test_moving_an_entry_onto_a_day_already_logged_is_refused():
    first = DiaryEntryFactory(watched_on=DAY)
    second = DiaryEntryFactory(
        user=first.user, movie=first.movie, watched_on=DAY - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as exc:
        services.diary_entry_update(entry=second, user=first.user, watched_on=DAY)
    assert "watched_on" in exc.value.message_dict


def test_visibility_public_followers_and_private():
    owner, follower, stranger = UserFactory(), UserFactory(), UserFactory()
    Follow.objects.create(follower=follower, followee=owner)
    public = DiaryEntryFactory(user=owner, visibility=Visibility.PUBLIC)
    followers = DiaryEntryFactory(user=owner, visibility=Visibility.FOLLOWERS)
    private = DiaryEntryFactory(user=owner, visibility=Visibility.ONLY_ME)

    def seen(viewer):
        return set(selectors.diary_entries(owner=owner, viewer=viewer))

    from django.contrib.auth.models import AnonymousUser

    assert seen(owner) == {public, followers, private}
    assert seen(follower) == {public, followers}
    assert seen(stranger) == seen(AnonymousUser()) == {public}
    assert set(selectors.entries_visible_to(viewer=follower)) == {public, followers}


def test_the_tag_cloud_and_films_by_tag_count_only_visible_entries():
    owner = UserFactory()
    DiaryEntryFactory(user=owner, tags=["noir"])
    DiaryEntryFactory(user=owner, tags=["noir", "cinema"])
    DiaryEntryFactory(user=owner, tags=["secret"], visibility=Visibility.ONLY_ME)
    stranger = UserFactory()
    cloud = {t.slug: t.uses for t in selectors.tag_cloud(owner=owner, viewer=stranger)}
    assert cloud == {"noir": 2, "cinema": 1}
    assert "secret" in {t.slug for t in selectors.tag_cloud(owner=owner, viewer=owner)}
    assert selectors.films_by_tag(owner=owner, viewer=stranger, slug="noir").count() == 2
    assert not selectors.films_by_tag(owner=owner, viewer=stranger, slug="secret").exists()


def test_liking_a_film_twice_is_harmless():
    user, movie = UserFactory(), MovieFactory()
    services.liked_film_set(user=user, movie=movie)
    services.liked_film_set(user=user, movie=movie)
    assert user.liked_films.count() == 1
