"""The studio console's per-film aggregates, computed on a small, hand-checked dataset."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from community.studios.models import Studio
from recommender.insight import services
from recommender.insight.models import FilmInsight, InsightBenchmark
from recommender.models import ReviewAnalysis, TasteProfile
from tests.factories import GenreFactory, MovieFactory, RatingFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int = 15) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


def analyse(review, label: str, aspects: list[tuple[str, str, float, str]]):
    return ReviewAnalysis.objects.create(
        review=review,
        label=label,
        score={"positive": 0.8, "negative": -0.8, "mixed": 0.0}[label],
        confidence=0.8,
        aspects=[{"aspect": a, "sentiment": s, "score": sc, "sentence": t} for a, s, sc, t in aspects],
        text_hash="x",
        model_name="test",
        model_version="v1",
        analysed_at=timezone.now(),
    )


@pytest.fixture
def film():
    drama, crime = GenreFactory(name="Drama"), GenreFactory(name="Crime")
    movie = MovieFactory(title="Harbour Lights", year=1994)
    movie.genres.add(drama)
    movie.genres.add(crime)
    return movie


def test_counts_average_and_half_star_histogram_are_exact(film):
    for score in ("0.5", "3.5", "3.5", "5.0"):
        RatingFactory(movie=film, score=Decimal(score), created_at=at(2015, 1))
    insight = services.film_insight_refresh(movie_id=film.pk)
    assert insight is not None
    assert insight.ratings_count == 4 and insight.raters_count == 4
    assert insight.rating_average == 3.125
    assert insight.histogram == [1, 0, 0, 0, 0, 0, 2, 0, 0, 1]
    assert insight.main_genre == "Drama" and insight.decade == 1990


def test_net_sentiment_aspects_and_quotes_keep_spoiler_reviews_flagged(film):
    quotes = {}
    for i, label in enumerate(["positive"] * 4 + ["negative", "mixed"]):
        review = ReviewFactory(movie=film, body=f"Body {i}", has_spoilers=(i == 0))
        sentence = f"The acting in take {i} is {'superb' if label == 'positive' else 'flat'}."
        quotes[i] = sentence
        analyse(
            review,
            label,
            [("acting", label, 0.9 - i * 0.1 if label == "positive" else -0.7, sentence)],
        )
    insight = services.film_insight_refresh(movie_id=film.pk)
    assert insight.analysed_count == 6 and insight.reviewers_count == 6
    assert insight.net_sentiment == round((4 - 1) / 6, 3)
    acting = insight.aspects["acting"]
    assert (acting["mentions"], acting["positive"], acting["negative"], acting["reviewers"]) == (6, 4, 1, 6)
    assert acting["net_share"] == 0.5
    stored = [(q["text"], q["spoiler"]) for q in acting["quotes"]]
    # the best pick of the whole pool (the spoiler review's sentence flagged), then what the
    # pick without spoilers adds: without spoilers, the two strongest positives and the negative
    assert stored == [(quotes[0], True), (quotes[1], False), (quotes[4], False), (quotes[2], False)]
    assert [q["text"] for q in acting["quotes"] if not q["spoiler"]][:3] == [quotes[1], quotes[4], quotes[2]]
    assert (acting["quote_reviewers"], acting["quote_reviewers_with_spoilers"]) == (
        4,
        5,
    )  # "mixed" is never quoted
    assert insight.most_praised == "acting" and insight.most_criticised == ""


def test_an_aspect_sentence_too_long_to_show_whole_is_counted_but_never_quoted_cut(film):
    long = "The acting " + "is remarkably assured in every single scene " * 8 + "."
    assert len(long) > services.QUOTE_MAX_CHARS
    analyse(ReviewFactory(movie=film), "positive", [("acting", "positive", 0.9, long)])
    analyse(ReviewFactory(movie=film), "positive", [("acting", "positive", 0.5, "Fine acting.")])
    acting = services.film_insight_refresh(movie_id=film.pk).aspects["acting"]
    assert acting["mentions"] == 2
    assert [q["text"] for q in acting["quotes"]] == ["Fine acting."]


def test_a_refresh_run_twice_keeps_one_row_with_the_same_figures(film):
    RatingFactory(movie=film, score=Decimal("4.0"))
    first = services.film_insight_refresh(movie_id=film.pk)
    second = services.film_insight_refresh(movie_id=film.pk)
    assert FilmInsight.objects.filter(movie=film).count() == 1
    assert (first.ratings_count, first.histogram) == (second.ratings_count, second.histogram)


def test_the_trend_compares_the_last_twelve_months_with_the_twelve_before(film):
    for i in range(20):
        RatingFactory(movie=film, score=Decimal("3.0"), created_at=at(2014, 1 + i % 12, 1 + i))
        RatingFactory(movie=film, score=Decimal("4.0"), created_at=at(2015, 1 + i % 12, 1 + i))
    insight = services.film_insight_refresh(movie_id=film.pk, now=at(2015, 12, 31))
    assert insight.trend == "up"
    assert insight.trend_detail["months"] == 12
    assert insight.trend_detail["recent_average"] == 4.0
    assert insight.trend_detail["previous_average"] == 3.0


def test_the_trend_window_widens_until_it_holds_twenty_ratings(film):
    for i in range(20):  # ten a year, so 24 months are needed for 20
        year = 2012 + i // 10
        RatingFactory(movie=film, score=Decimal("4.0"), created_at=at(year, 1 + i % 10))
        RatingFactory(movie=film, score=Decimal("4.0"), created_at=at(year + 2, 1 + i % 10))
    insight = services.film_insight_refresh(movie_id=film.pk, now=at(2015, 12, 31))
    assert insight.trend == "flat"
    assert insight.trend_detail["months"] == 24


def test_too_few_ratings_give_no_trend(film):
    RatingFactory(movie=film)
    assert services.film_insight_refresh(movie_id=film.pk).trend == ""


def test_sparse_months_are_grouped_by_year(film):
    RatingFactory(movie=film, score=Decimal("2.0"), created_at=at(2013, 3))
    RatingFactory(movie=film, score=Decimal("4.0"), created_at=at(2015, 7))
    insight = services.film_insight_refresh(movie_id=film.pk)
    assert insight.series_granularity == "year"
    assert [(p["period"], p["ratings"], p["average"]) for p in insight.series] == [
        ("2013", 1, 2.0),
        ("2014", 0, None),
        ("2015", 1, 4.0),
    ]


def test_busy_months_make_a_monthly_series_with_sentiment(film):
    for _ in range(5):
        RatingFactory(movie=film, score=Decimal("5.0"), created_at=at(2015, 2))
    analyse(ReviewFactory(movie=film, created_at=at(2015, 3)), "negative", [])
    insight = services.film_insight_refresh(movie_id=film.pk)
    assert insight.series_granularity == "month"
    assert insight.series == [
        {"period": "2015-02", "ratings": 5, "average": 5.0, "reviews": 0, "net_sentiment": None},
        {"period": "2015-03", "ratings": 0, "average": None, "reviews": 1, "net_sentiment": -1.0},
    ]


def test_segments_compare_each_group_with_its_own_average(film):
    other = MovieFactory()
    veterans = [UserFactory(date_joined=at(2005, 1)) for _ in range(3)]
    newcomers = [UserFactory(date_joined=at(2015, 6)) for _ in range(2)]
    for user in veterans:
        RatingFactory(user=user, movie=film, score=Decimal("5.0"), created_at=at(2015, 9))
        RatingFactory(user=user, movie=other, score=Decimal("3.0"), created_at=at(2006, 1))
        TasteProfile.objects.create(
            user=user, preferences={"genres": {"Drama": 0.6, "Comedy": -0.2}}, updated_at=timezone.now()
        )
    for user in newcomers:
        RatingFactory(user=user, movie=film, score=Decimal("2.0"), created_at=at(2015, 9))
    insight = services.film_insight_refresh(movie_id=film.pk, now=at(2015, 12))
    by_name = {s["name"]: s for s in insight.segments}
    assert by_name["Members for 5 years or more"] == {
        "kind": "tenure",
        "name": "Members for 5 years or more",
        "raters": 3,
        "average": 5.0,
        "own_average": 4.0,
        "difference": 1.0,
    }
    assert by_name["Members for under a year"]["average"] == 2.0
    assert by_name["Members for under a year"]["difference"] == 0.0
    assert by_name["Drama lovers"]["raters"] == 3


def test_benchmarks_are_medians_of_films_of_the_same_main_genre_and_decade(film):
    drama = film.genres.get(name="Drama")
    peers = [MovieFactory(year=1991), MovieFactory(year=1999)]
    for peer, score in zip(peers, ("2.0", "3.0"), strict=True):
        peer.genres.add(drama)
        RatingFactory(movie=peer, score=Decimal(score))
    RatingFactory(movie=film, score=Decimal("5.0"))
    outsider = MovieFactory(year=2005)
    outsider.genres.add(drama)
    RatingFactory(movie=outsider, score=Decimal("0.5"))
    for movie in [*peers, outsider, film]:
        services.film_insight_refresh(movie_id=movie.pk)
    benchmark = InsightBenchmark.objects.get(main_genre="Drama", decade=1990)
    assert benchmark.films == 3
    assert benchmark.rating_average == 3.0


@pytest.fixture
def eager_tasks():
    from community.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def test_an_analysed_review_queues_a_refresh_of_its_film(
    film, fake_models, eager_tasks, django_capture_on_commit_callbacks
):
    from recommender.services.analysis import review_analyse

    review = ReviewFactory(movie=film, body="The acting is wonderful and the story moves me.")
    with django_capture_on_commit_callbacks(execute=True):
        review_analyse(review_id=review.pk)
    insight = FilmInsight.objects.get(movie=film)
    assert insight.analysed_count == 1


def test_a_new_rating_queues_a_refresh_of_its_film(film, eager_tasks, django_capture_on_commit_callbacks):
    from community.reviews.services import rating_set

    with django_capture_on_commit_callbacks(execute=True):
        rating_set(user=UserFactory(), movie=film, score=Decimal("4.5"))
    assert FilmInsight.objects.get(movie=film).ratings_count == 1


def test_the_refresh_command_covers_a_studios_films(film):
    studio = Studio.objects.create(name="Northlight", slug="northlight")
    studio.movies.add(film)
    RatingFactory(movie=film)
    call_command("insight_refresh", "--studio", "northlight")
    assert FilmInsight.objects.filter(movie=film).exists()
    assert InsightBenchmark.objects.filter(main_genre="Drama", decade=1990).exists()


def test_a_review_hidden_by_moderators_leaves_the_aggregates_and_quotes(
    film, eager_tasks, django_capture_on_commit_callbacks
):
    from community.moderation.services import content_hide

    reviews = []
    for i in range(6):
        review = ReviewFactory(movie=film)
        analyse(review, "positive", [("story", "positive", 0.9 - i / 100, f"Story sentence {i}.")])
        reviews.append(review)
    services.film_insight_refresh(movie_id=film.pk)
    staff = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        content_hide(staff=staff, target=reviews[0], reason="abuse")
    insight = FilmInsight.objects.get(movie=film)
    assert insight.analysed_count == 5 and insight.reviews_count == 5
    assert "Story sentence 0." not in [q["text"] for q in insight.aspects["story"]["quotes"]]
