import pytest
from django.utils import timezone

from recommender.models import GeneratedText, Recommendation, TasteProfile
from recommender.services import generation as generation_services
from tests.factories import GenreFactory, MovieFactory, RatingFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _models_ready(fake_models):
    """The scripted models are ready at once: no generation request waits for a warm-up."""


def rated_by(user, **fields):
    """A movie the user rated: a review draft is only for those (the website's rule too)."""
    movie = MovieFactory(**fields)
    RatingFactory(user=user, movie=movie)
    return movie


def recommend(user, movie, row=Recommendation.Row.TOP_PICKS, rank=1, reason="Because you love heists"):
    return Recommendation.objects.create(
        user=user,
        movie=movie,
        row=row,
        rank=rank,
        score=0.9,
        reason=reason,
        model_version="test-1",
        created_at=timezone.now(),
    )


def test_recommendations_come_as_rows_with_reasons_for_the_signed_in_user_only(api, member, other):
    genres = GenreFactory.create_batch(2)
    for rank in range(1, 11):
        recommend(member, MovieFactory(genres=genres), rank=rank)
    recommend(member, MovieFactory(), row=Recommendation.Row.HIDDEN_GEMS, reason="Loved by few")
    recommend(other, MovieFactory())
    rows = api.get("/api/v1/me/recommendations/").json()
    assert [(r["row"], r["title"], len(r["items"])) for r in rows] == [
        ("top_picks", "Top picks for you", 10),
        ("hidden_gems", "Hidden gems in ", 1),
    ]
    first = rows[0]["items"][0]
    assert (first["rank"], first["reason"]) == (1, "Because you love heists")
    assert first["movie"]["genres"]
    gems = api.get("/api/v1/me/recommendations/?row=hidden_gems&per_row=5").json()
    assert [item["reason"] for row in gems for item in row["items"]] == ["Loved by few"]
    assert len(api.get("/api/v1/me/recommendations/?per_row=3").json()[0]["items"]) == 3


def test_rated_and_dismissed_movies_leave_the_rows_at_once(api, member):
    from decimal import Decimal

    from tests.factories import RatingFactory

    rated, dismissed, kept = MovieFactory(), MovieFactory(), MovieFactory()
    for rank, movie in enumerate([rated, dismissed, kept], start=1):
        recommend(member, movie, rank=rank)
    RatingFactory(user=member, movie=rated, score=Decimal("4.0"))
    response = api.post(
        "/api/v1/me/recommendations/feedback/",
        {"movie_id": dismissed.pk, "kind": "not_interested"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["kind"] == "not_interested"
    items = api.get("/api/v1/me/recommendations/").json()[0]["items"]
    assert [item["movie"]["id"] for item in items] == [kept.pk]


@pytest.mark.parametrize(
    "payload", [{}, {"movie_id": 424242, "kind": "more_like_this"}, {"movie_id": 1, "kind": "love"}]
)
def test_bad_feedback_answers_400(api, payload):
    response = api.post("/api/v1/me/recommendations/feedback/", payload, format="json")
    assert response.status_code == 400


def test_feedback_needs_authentication(anon):
    response = anon.post("/api/v1/me/recommendations/feedback/", {"movie_id": 1, "kind": "more_like_this"})
    assert response.status_code == 401


def test_the_recommendation_rows_need_a_fixed_number_of_queries(api, member, django_assert_max_num_queries):
    genres = GenreFactory.create_batch(2)
    for rank in range(1, 16):
        recommend(member, MovieFactory(genres=genres), rank=rank)
        recommend(member, MovieFactory(genres=genres), rank=rank, row=Recommendation.Row.HIDDEN_GEMS)
    with django_assert_max_num_queries(5):
        rows = api.get("/api/v1/me/recommendations/?per_row=20").json()
    assert [len(r["items"]) for r in rows] == [15, 15]


def test_recommendations_need_authentication_and_a_known_row(anon, api):
    assert anon.get("/api/v1/me/recommendations/").status_code == 401
    assert api.get("/api/v1/me/recommendations/?row=bogus").status_code == 400


def test_the_taste_profile_is_empty_until_computed(api, member):
    assert api.get("/api/v1/me/taste-profile/").json()["preferences"] == {}
    TasteProfile.objects.create(
        user=member, preferences={"genres": {"Crime": 0.8}}, summary="Crime", updated_at=timezone.now()
    )
    assert api.get("/api/v1/me/taste-profile/").json()["preferences"] == {"genres": {"Crime": 0.8}}


def test_similar_movies_share_genres(anon):
    crime, drama, comedy = GenreFactory.create_batch(3)
    heat = MovieFactory(title="Heat", genres=[crime, drama])
    MovieFactory(title="Thief", genres=[crime, drama])
    MovieFactory(title="Ronin", genres=[crime])
    MovieFactory(title="Airplane", genres=[comedy])
    response = anon.get(f"/api/v1/movies/{heat.pk}/similar/?limit=5")
    assert response.status_code == 200
    assert [s["movie"]["title"] for s in response.json()] == ["Thief", "Ronin"]
    assert response.json()[0]["score"] == 1.0


def test_similar_movies_validate_the_limit_and_the_movie(anon):
    movie = MovieFactory()
    assert anon.get(f"/api/v1/movies/{movie.pk}/similar/?limit=0").status_code == 400
    assert anon.get(f"/api/v1/movies/{movie.pk}/similar/?limit=abc").status_code == 400
    assert anon.get("/api/v1/movies/424242/similar/").status_code == 404


@pytest.mark.parametrize(
    ("path", "kind"),
    [("review-draft", "review_draft"), ("discussion-suggestions", "discussion_suggestions")],
)
def test_a_generation_request_answers_202_then_the_text_is_polled(
    api, member, path, kind, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(generation_services, "_queue_generation", lambda **kw: queued.append(kw))
    movie = rated_by(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/movies/{movie.pk}/{path}/")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending"
    assert body["kind"] == kind
    assert queued == [{"text_id": body["id"], "task_id": body["task_id"]}]

    poll = api.get(body["poll_url"])
    assert poll.status_code == 200
    assert poll.json()["status"] == "pending"

    GeneratedText.objects.filter(pk=body["id"]).update(status="ready", text="A draft.")
    assert api.get(body["poll_url"]).json()["text"] == "A draft."


def test_asking_again_while_pending_does_not_queue_twice(
    api, member, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(generation_services, "_queue_generation", lambda **kw: queued.append(kw))
    movie = rated_by(member)
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(f"/api/v1/movies/{movie.pk}/review-draft/").json()
        second = api.post(f"/api/v1/movies/{movie.pk}/review-draft/").json()
    assert first["id"] == second["id"]
    assert len(queued) == 1


def test_generated_texts_are_private(api, member, other_api, anon, monkeypatch):
    monkeypatch.setattr(generation_services, "_queue_generation", lambda **kw: None)
    movie = rated_by(member)
    body = api.post(f"/api/v1/movies/{movie.pk}/review-draft/").json()
    assert other_api.get(body["poll_url"]).status_code == 404
    assert anon.get(body["poll_url"]).status_code == 401
    assert anon.post(f"/api/v1/movies/{movie.pk}/review-draft/").status_code == 401
    assert api.post("/api/v1/movies/424242/review-draft/").status_code == 404
    assert api.get("/api/v1/generated-texts/424242/").status_code == 404


def test_generation_requests_beyond_the_budget_answer_429_with_retry_after(
    api, member, other, other_api, monkeypatch, settings
):
    monkeypatch.setattr(generation_services, "_queue_generation", lambda **kw: None)
    settings.GENERATION_BUDGET = "2/hour"
    movies = [rated_by(member) for _ in range(3)]
    RatingFactory(user=other, movie=movies[2])
    statuses = [api.post(f"/api/v1/movies/{movie.pk}/review-draft/").status_code for movie in movies[:2]]
    refused = api.post(f"/api/v1/movies/{movies[2].pk}/discussion-suggestions/")
    assert statuses == [202, 202]
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 3590 <= wait <= 3601
    assert refused.json() == {
        "detail": f"You have used your 2 AI texts for now. Expected available in {wait} seconds."
    }
    assert not GeneratedText.objects.filter(movie=movies[2]).exists()
    # The budget is each member's own.
    assert other_api.post(f"/api/v1/movies/{movies[2].pk}/review-draft/").status_code == 202


def test_asking_again_while_pending_costs_no_budget(api, member, monkeypatch, settings):
    monkeypatch.setattr(generation_services, "_queue_generation", lambda **kw: None)
    settings.GENERATION_BUDGET = "1/hour"
    movie = rated_by(member)
    statuses = [api.post(f"/api/v1/movies/{movie.pk}/review-draft/").status_code for _ in range(3)]
    assert statuses == [202, 202, 202]
    GeneratedText.objects.update(status=GeneratedText.Status.FAILED)
    assert api.post(f"/api/v1/movies/{movie.pk}/review-draft/").status_code == 429


def test_a_review_draft_is_refused_for_a_movie_not_rated_or_already_reviewed(api, member, monkeypatch):
    monkeypatch.setattr(generation_services, "_queue_generation", lambda **kw: None)
    unrated = MovieFactory()
    reviewed = rated_by(member)
    ReviewFactory(user=member, movie=reviewed)
    not_rated = api.post(f"/api/v1/movies/{unrated.pk}/review-draft/")
    assert (not_rated.status_code, not_rated.json()) == (
        409,
        {"detail": "Rate this movie to get an AI draft.", "code": "not_rated"},
    )
    already = api.post(f"/api/v1/movies/{reviewed.pk}/review-draft/")
    assert (already.status_code, already.json()["code"]) == (409, "already_reviewed")
    assert not GeneratedText.objects.exists()
    # Discussion suggestions need no rating.
    assert api.post(f"/api/v1/movies/{unrated.pk}/discussion-suggestions/").status_code == 202


def test_options_requests_describe_the_endpoint_without_errors(api):
    review_options = api.options("/api/v1/reviews/1/like/")
    assert review_options.status_code == 200
    assert review_options.json()["schema"] == "/api/schema/"


@pytest.fixture
def fake_generator_and_eager_tasks(monkeypatch, settings):
    from community.celery import app
    from recommender.llm.generation import get_backend

    settings.LLM_BACKEND = "fake"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    get_backend.cache_clear()
    yield
    app.conf.task_always_eager = eager
    get_backend.cache_clear()


def test_a_requested_draft_is_written_by_the_real_task_and_polled_ready(
    api, member, fake_generator_and_eager_tasks, django_capture_on_commit_callbacks
):
    movie = rated_by(member, title="Heat", director_names="Michael Mann")
    with django_capture_on_commit_callbacks(execute=True):
        accepted = api.post(f"/api/v1/movies/{movie.pk}/review-draft/")
    assert accepted.status_code == 202
    polled = api.get(accepted.json()["poll_url"]).json()
    assert polled["status"] == "ready"
    assert polled["text"]
    assert polled["model_version"]


def test_recommendations_carry_their_ready_explanation(api, member):
    movie = MovieFactory()
    recommend(member, movie)
    now = timezone.now()
    GeneratedText.objects.create(
        kind=GeneratedText.Kind.EXPLANATION,
        user=member,
        movie=movie,
        status=GeneratedText.Status.READY,
        text="You rated three Michael Mann films highly.",
        created_at=now,
        updated_at=now,
    )
    recommend(member, MovieFactory(), rank=2)
    items = api.get("/api/v1/me/recommendations/").json()[0]["items"]
    assert [i["explanation"] for i in items] == ["You rated three Michael Mann films highly.", None]


def test_the_latest_draft_can_be_read_back_by_movie(api, member, other_api, monkeypatch):
    monkeypatch.setattr(generation_services, "_queue_generation", lambda **kw: None)
    movie = rated_by(member)
    assert api.get(f"/api/v1/movies/{movie.pk}/review-draft/").status_code == 404
    requested = api.post(f"/api/v1/movies/{movie.pk}/review-draft/").json()
    assert api.get(f"/api/v1/movies/{movie.pk}/review-draft/").json()["id"] == requested["id"]
    assert other_api.get(f"/api/v1/movies/{movie.pk}/review-draft/").status_code == 404
    assert api.get(f"/api/v1/movies/{movie.pk}/discussion-suggestions/").status_code == 404


def test_reading_a_draft_is_not_throttled_like_asking(api, member, monkeypatch, settings):
    monkeypatch.setattr(generation_services, "_queue_generation", lambda **kw: None)
    settings.GENERATION_BUDGET = "1/hour"
    movie = rated_by(member)
    assert api.post(f"/api/v1/movies/{movie.pk}/review-draft/").status_code == 202
    assert [api.get(f"/api/v1/movies/{movie.pk}/review-draft/").status_code for _ in range(3)] == [200] * 3
