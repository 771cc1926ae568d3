"""Directors and cast from the site's credits, and review aspects, reach the trained model."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from community.movies.models import Credit, Person
from community.reviews.models import Rating
from recommender.hybrid.blend import Hybrid
from recommender.models import Recommendation, ReviewAnalysis
from recommender.services import recommendations, recommender_model
from tests.factories import GenreFactory, MovieFactory, RatingFactory, ReviewFactory, UserFactory
from tests.recommender.conftest import members_who_love

pytestmark = pytest.mark.django_db

DIRECTORS = ["Ada Lens", "Ben Frame", "Cleo Cut"]


@pytest.fixture
def world(model_dir):
    """30 members who each love one director's films (genres tell nothing), 36 movies: the
    shared recommender world (tests/recommender/conftest.py) grouped by director."""
    drama = GenreFactory(name="Drama")
    people = {name: Person.objects.create(name=name) for name in DIRECTORS}
    star = Person.objects.create(name="Sam Star")
    films: dict[str, list] = {name: [] for name in DIRECTORS}
    for i in range(36):
        name = DIRECTORS[i % 3]
        movie = MovieFactory(title=f"Film {i}", genres=[drama])
        Credit.objects.create(movie=movie, person=people[name], role=Credit.Role.DIRECTOR)
        Credit.objects.create(movie=movie, person=star, role=Credit.Role.CAST, order=0)
        films[name].append(movie)
    members_who_love(films)
    artifact = recommender_model.recommender_train(content="tfidf")
    return {"films": films, "artifact": artifact}


def test_training_reads_directors_and_cast_from_the_credits(world):
    assert world["artifact"].metrics["people"] == 4
    model = recommendations.current_model()
    assert sorted(model.hybrid.base.people.names) == sorted([*DIRECTORS, "Sam Star"])
    assert "people" in world["artifact"].metrics["weights"]


def test_a_member_who_rated_a_directors_films_highly_is_told_so_in_the_reason(world):
    user = UserFactory()
    ada, ben = world["films"]["Ada Lens"], world["films"]["Ben Frame"]
    for movie in ada[:3]:
        RatingFactory(user=user, movie=movie, score=Decimal("5.0"))
    RatingFactory(user=user, movie=ben[0], score=Decimal("2.0"))
    recommendations.recommendations_refresh(user_id=user.pk)
    top = Recommendation.objects.filter(user=user, row=Recommendation.Row.TOP_PICKS)
    reasons = {r.movie_id: r.reason for r in top}
    ada_picks = [m.pk for m in ada[3:] if m.pk in reasons]
    assert ada_picks
    assert all(reasons[m].startswith("Because you like films with Ada Lens") for m in ada_picks)
    # Sam Star is in every film, the 2-star one too: his films are not what this member likes
    assert not any("Sam Star" in r for r in reasons.values())
    assert not any("Ben Frame" in r for r in reasons.values())


def _analysed_review(user, movie, aspects: dict[str, float]) -> None:
    ReviewAnalysis.objects.create(
        review=ReviewFactory(user=user, movie=movie),
        label="positive",
        score=0.5,
        confidence=0.9,
        aspects=[
            {"aspect": a, "sentiment": "positive", "score": v, "sentence": ""} for a, v in aspects.items()
        ],
        text_hash="x",
        model_name="test",
        model_version="1",
        analysed_at=timezone.now(),
    )


def test_a_members_analysed_reviews_give_their_aspects_and_movies_their_profiles(world):
    user = UserFactory()
    ada = world["films"]["Ada Lens"]
    _analysed_review(user, ada[0], {"acting": 0.8, "pacing": -0.4})
    _analysed_review(user, ada[1], {"acting": 0.4})
    _analysed_review(UserFactory(), ada[2], {"acting": -0.6})
    history = recommendations.user_history(user_id=user.pk)
    assert history.aspects == pytest.approx({"acting": 0.6, "pacing": -0.4})
    artifact = recommender_model.recommender_train(content="tfidf")
    assert artifact.metrics["aspects"] == ["acting", "pacing"]
    model = recommendations.current_model()
    profiles = model.hybrid.base.aspects.profiles
    column = model._index[ada[2].pk]
    assert profiles[column].tolist() == pytest.approx([-0.6, 0.0])
    assert recommendations.recommendations_refresh(user_id=user.pk) > 0


def test_the_blend_is_learned_without_the_reviews_of_its_held_out_ratings(world, monkeypatch):
    """A member's review of a validation movie must not tell the aspects feature the answer."""
    ada = world["films"]["Ada Lens"]
    reviewers = list(Rating.objects.filter(movie__in=ada).select_related("user", "movie")[:40])
    for rating in reviewers:
        _analysed_review(rating.user, rating.movie, {"acting": 0.9})
    seen: dict[str, object] = {}
    real_fit_base = Hybrid.fit_base

    def spy(self, train, progress=None, movie_aspects=None):
        seen.setdefault("fit_profiles", movie_aspects)
        return real_fit_base(self, train, progress, movie_aspects)

    real_without = recommender_model._aspects_without

    def spy_without(item_ids, user_ids, names):
        inner = real_without(item_ids, user_ids, names)

        def without(held_out):
            seen["held_out"] = held_out
            seen["ids"] = (item_ids, user_ids)
            return inner(held_out)

        return without

    monkeypatch.setattr(Hybrid, "fit_base", spy)
    monkeypatch.setattr(recommender_model, "_aspects_without", spy_without)
    recommender_model.recommender_train(content="tfidf")

    held = seen["held_out"].tocoo()
    item_ids, user_ids = seen["ids"]
    held_pairs = {(int(user_ids[u]), int(item_ids[i])) for u, i in zip(held.row, held.col, strict=True)}
    reviewed = {(r.user_id, r.movie_id) for r in reviewers}
    leaked = held_pairs & reviewed
    assert leaked, "the sample should hold out some reviewed ratings"
    fit_profiles = seen["fit_profiles"]
    full_profiles = recommendations.current_model().hybrid.base.aspects.profiles
    column = {int(m): i for i, m in enumerate(item_ids.tolist())}
    for _user, movie in leaked:
        others = {(u, m) for u, m in reviewed if m == movie} - held_pairs
        expected = 0.9 if others else 0.0  # only reviews outside validation count while learning
        assert fit_profiles[column[movie], 0] == pytest.approx(expected)
        assert full_profiles[column[movie], 0] == pytest.approx(0.9)  # the served model: every review
