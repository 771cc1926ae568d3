import pytest

from community.reviews import services
from community.reviews.language import detect_language
from tests.factories import MovieFactory, UserFactory


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("这部电影太精彩了，演员的表演非常出色，我很喜欢。", "zh"),
        ("我很喜欢 Keanu Reeves 在这部电影里的表演，动作场面也很好看。", "zh"),
        ("この映画はとても面白かったです。俳優の演技が素晴らしい。", "ja"),
        ("이 영화는 정말 재미있었어요. 배우들의 연기가 훌륭했습니다.", "ko"),
        ("Отличный фильм, актёры играют прекрасно, но середина затянута.", "ru"),
        ("A tense heist thriller with a great cast, but the middle drags.", "en"),
        ("Un film magnifique, les acteurs sont très bons et la musique est superbe.", "fr"),
        ("Ein wunderbarer Film, die Schauspieler sind sehr gut und die Musik ist toll.", "de"),
        ("Una película muy buena, los actores son geniales y la música es perfecta.", "es"),
        ("Un film molto bello, gli attori sono bravissimi e la musica è perfetta.", "it"),
        ("Um filme muito bom, os atores são ótimos e a música é perfeita.", "pt"),
        # Critic snippets of the real corpus that the first word lists got wrong:
        ("no charm, no laughs, no fun, no reason to watch.", "en"),
        (
            "La actuación de Jack Nicholson mueve a la ternura y la compasión. Verdaderamente entrañable.",
            "es",
        ),
        ("Un thriller manqué qui tombe sur les nerfs presque dès la première image.", "fr"),
        ("Wow!", "en"),
        ("", "und"),
        ("10/10 !!!", "und"),
        ("★★★★★", "und"),
    ],
)
def test_the_language_is_told_by_script_and_common_words(text, language):
    assert detect_language(text) == language


def test_an_english_review_naming_french_things_stays_english():
    text = "The film borrows from La Haine and Les Misérables, but the story is its own and it works."
    assert detect_language(text) == "en"


def test_a_text_split_evenly_between_two_scripts_is_undetermined():
    assert detect_language("good movie 好电影") == "und"


@pytest.mark.django_db
def test_posting_and_editing_a_review_stores_its_language():
    user, movie = UserFactory(), MovieFactory()
    review = services.review_post(user=user, movie=movie, body="这部电影的节奏太慢了，中间非常无聊。")
    review.refresh_from_db()
    assert review.language == "zh"
    services.review_update(
        review=review, user=user, body="Slow in the middle, but worth it.", has_spoilers=False
    )
    review.refresh_from_db()
    assert review.language == "en"


@pytest.mark.django_db
def test_the_migration_fills_in_the_language_of_reviews_written_before_it():
    import importlib

    from django.apps import apps

    from community.reviews.models import Review
    from tests.factories import ReviewFactory

    migration = importlib.import_module("community.reviews.migrations.0003_review_language")
    chinese = ReviewFactory(body="剧情很无聊，演员也不行。", language="")
    english = ReviewFactory(body="Dull plot and weak acting.", language="")
    migration.detect_existing(apps, None)
    assert Review.objects.get(pk=chinese.pk).language == "zh"
    assert Review.objects.get(pk=english.pk).language == "en"
