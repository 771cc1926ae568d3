"""factory_boy factories for the whole project (add yours below; keep each factory small)."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone
from django.utils.text import slugify

from community.accounts.models import User
from community.discussions.models import Reply, Thread
from community.movies.models import Genre, Movie
from community.reviews.models import Rating, Review, ReviewLike
from community.social.models import Follow, WatchlistItem

TEST_PASSWORD = "a-long-test-passphrase-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    # Verified, as every account made before verification existed is (UnverifiedUserFactory is not).
    email_verified_at = factory.LazyFunction(timezone.now)
    kind = User.Kind.MEMBER
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class UnverifiedUserFactory(UserFactory):
    """A member who signed up but has not followed the link mailed to their address yet."""

    email_verified_at = None


class ImportedUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"ml_{n}")
    kind = User.Kind.MOVIELENS
    external_id = factory.Sequence(lambda n: f"ml:{n}")
    password = factory.PostGenerationMethodCall("set_unusable_password")


class GenreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Genre
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Genre {n}")
    slug = factory.LazyAttribute(lambda g: slugify(g.name))


class MovieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Movie
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Movie {n}")
    year = 1999
    slug = factory.LazyAttributeSequence(lambda m, n: f"{slugify(m.title)}-{m.year or 'na'}-{n}")
    runtime_minutes = 110
    director_names = "Jane Director"
    cast_names = "Ann Actor, Bob Actor"

    @factory.post_generation
    def genres(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.genres.set(extracted)


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    user = factory.SubFactory(UserFactory)
    movie = factory.SubFactory(MovieFactory)
    score = Decimal("4.0")
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    user = factory.SubFactory(UserFactory)
    movie = factory.SubFactory(MovieFactory)
    body = factory.Sequence(lambda n: f"A thoughtful review number {n}.")
    has_spoilers = False
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


class ReviewLikeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewLike

    user = factory.SubFactory(UserFactory)
    review = factory.SubFactory(ReviewFactory)


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    movie = factory.SubFactory(MovieFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Discussion {n}")
    body = "What did everyone think of the ending?"
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)
    last_activity_at = factory.LazyFunction(timezone.now)


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reply

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    body = "I loved it."
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


class WatchlistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WatchlistItem

    user = factory.SubFactory(UserFactory)
    movie = factory.SubFactory(MovieFactory)


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    follower = factory.SubFactory(UserFactory)
    followee = factory.SubFactory(UserFactory)


class NotificationFactory(factory.django.DjangoModelFactory):
    """A follow notification unless told otherwise (community.notifications)."""

    class Meta:
        model = "notifications.Notification"

    recipient = factory.SubFactory(UserFactory)
    actor = factory.SubFactory(UserFactory)
    verb = "followed"
    target_key = ""
    created_at = factory.LazyFunction(timezone.now)
