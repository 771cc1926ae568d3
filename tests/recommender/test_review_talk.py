"""What a film's reviews talk about, as facts for its discussion questions."""

from decimal import Decimal

import pytest
from django.utils import timezone

from recommender.models import ReviewAnalysis
from recommender.services.generation import facts_for
from recommender.services.review_talk import review_talk
from tests.factories import MovieFactory, RatingFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def _review(movie, body, *, stars=None, verdict="", **kwargs):
    user = UserFactory()
    if stars is not None:
        RatingFactory(user=user, movie=movie, score=Decimal(str(stars)))
    return ReviewFactory(user=user, movie=movie, body=body, critic_verdict=verdict, **kwargs)


def test_aspects_are_split_by_verdict_or_rating_most_disputed_first_with_a_sentence_each():
    movie = MovieFactory(title="Heat")
    _review(movie, "The pacing is tense and never lets go of you.", verdict="fresh")
    _review(movie, "The pacing is slow and the middle of it drags for an hour.", verdict="rotten")
    _review(movie, "The acting from the whole cast is superb from start to end.", stars=5)
    _review(movie, "Some of the acting here is wooden and the leads look bored.", stars=4.5)
    _review(
        movie, "Terrible acting and a hidden spoiler about who dies at the end.", stars=1, has_spoilers=True
    )

    talk = review_talk(movie_id=movie.pk)

    assert talk is not None and talk.reviews == 4  # the spoiler review is left out
    assert [(a.aspect, a.positive, a.negative) for a in talk.aspects] == [("pacing", 1, 1), ("acting", 2, 0)]
    assert talk.quotes[0] == "The pacing is tense and never lets go of you."
    assert all("spoiler" not in q for q in talk.quotes)


def test_an_analysis_decides_an_aspects_sign_over_the_reviews_verdict():
    movie = MovieFactory()
    for verdict in ("fresh", "fresh"):
        review = _review(movie, "The music is loud, cheap and everywhere in this one.", verdict=verdict)
        ReviewAnalysis.objects.create(
            review=review,
            label="negative",
            score=-0.6,
            confidence=0.8,
            aspects=[{"aspect": "music", "score": -0.7, "sentence": review.body}],
            text_hash="x",
            model_name="m",
            model_version="v",
            analysed_at=timezone.now(),
        )
    [music] = review_talk(movie_id=movie.pk).aspects
    assert (music.aspect, music.positive, music.negative) == ("music", 0, 2)


def test_a_film_without_reviews_has_no_talk_and_questions_facts_carry_it():
    movie = MovieFactory()
    member = UserFactory()
    assert review_talk(movie_id=movie.pk) is None
    _review(movie, "The visuals are stunning in every single frame of it.", verdict="fresh")
    _review(movie, "The visuals look cheap and the colours are muddy throughout.", verdict="rotten")
    facts = facts_for(kind="discussion_suggestions", user_id=member.pk, movie=movie)
    assert facts.review_talk is not None and facts.review_talk.aspects[0].aspect == "visuals"
    assert facts_for(kind="review_draft", user_id=member.pk, movie=movie).review_talk is None
