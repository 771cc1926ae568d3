"""Similar reviews with the real MiniLM encoder (slow: loads the packaged model)."""

import pytest

from community.reviews.similar import similar_reviews
from recommender.llm.embeddings import embedding_version
from recommender.similar import services
from recommender.similar.models import ReviewVector
from tests.factories import ReviewFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_real_minilm_pairs_reviews_that_speak_of_the_same_thing(monkeypatch, settings):
    settings.LLM_BACKEND = "real"
    texts = [
        "The score swells at every turn; the music is overbearing and drowns the quiet scenes.",
        "Spectacular space battles, but the special effects cannot hide a thin script.",
        "A soundtrack so loud and insistent that it tells you what to feel in each scene.",
        "The visual effects in the dogfights among the stars are dazzling; the writing is weak.",
    ]
    reviews = [ReviewFactory(body=text) for text in texts]
    for review in reviews:
        services.review_vector_refresh(review_id=review.pk)

    assert set(ReviewVector.objects.values_list("model_version", flat=True)) == {embedding_version()}
    found = similar_reviews(reviews)
    top = {review.pk: found[review.pk][0].review.pk for review in reviews if found.get(review.pk)}
    music_a, effects_a, music_b, effects_b = (r.pk for r in reviews)
    assert top[music_a] == music_b and top[music_b] == music_a
    assert top[effects_a] == effects_b and top[effects_b] == effects_a
