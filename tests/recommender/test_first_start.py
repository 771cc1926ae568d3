"""First start on a fresh cache: the first training does not wait for MiniLM vectors (TF-IDF
content, seconds), the MiniLM upgrade follows on the bulk queue through the retrain guard,
and the homepage says what is happening while a member has no picks yet."""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pytest
from django.conf import settings as django_settings
from django.template.loader import render_to_string
from django.urls import reverse

from community.accounts.models import User
from community.celery import app as celery_app
from community.core.management.commands import runsite
from recommender import selectors
from recommender.hybrid.content import tfidf_text_vectors
from recommender.llm import embeddings
from recommender.models import ModelArtifact
from recommender.services import recommender_model, training_state
from recommender.tasks import recommendations as tasks
from tests.factories import GenreFactory, MovieFactory, RatingFactory, UserFactory
from tests.recommender.conftest import members_who_love

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh(model_dir, settings, tmp_path, monkeypatch):
    """A fresh cache (no MiniLM vectors), a small world of members, and MiniLM calls counted."""
    settings.CACHE_DIR = tmp_path / "cache"
    genres = {name: GenreFactory(name=name) for name in ("Crime", "Comedy", "Horror")}
    movies = {
        name: [MovieFactory(title=f"{name} tale {i}", genres=[genre]) for i in range(8)]
        for name, genre in genres.items()
    }
    # imported MovieLens raters, as on a first start
    raters = members_who_love(movies, members=18)
    User.objects.filter(pk__in=[u.pk for u in raters]).update(kind=User.Kind.MOVIELENS)
    calls: list[int] = []

    def no_minilm(texts, **kwargs):
        calls.append(len(texts))
        raise OSError("MiniLM is still being prepared")

    monkeypatch.setattr(embeddings, "embed_texts", no_minilm)
    queued: list[str] = []
    monkeypatch.setattr(tasks.recommender_upgrade_content, "delay", lambda: queued.append("upgrade"))
    return {"movies": movies, "minilm_calls": calls, "queued": queued}


def _fake_minilm(monkeypatch) -> list[int]:
    """A stand-in for MiniLM (tests only): TF-IDF vectors of the texts, widened to 384 floats."""
    calls: list[int] = []

    def embed(texts, **kwargs):
        calls.append(len(texts))
        vectors = tfidf_text_vectors(list(texts))
        out = np.zeros((len(texts), embeddings.DIMENSIONS), dtype=np.float32)
        out[:, : vectors.shape[1]] = vectors
        return out

    monkeypatch.setattr(embeddings, "embed_texts", embed)
    return calls


def _served() -> ModelArtifact:
    return ModelArtifact.objects.get(kind=ModelArtifact.Kind.RECOMMENDER, is_active=True)


def test_a_first_training_on_a_fresh_cache_uses_tfidf_and_queues_the_minilm_upgrade(
    fresh, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = tasks.recommender_retrain.apply(kwargs={"refresh_users": False}).get()
    assert _served().version == version
    assert _served().metrics["content"] == "tfidf"
    # no validation folds: the prior blend until the upgrade (a minute, not several, on 2 cores)
    assert _served().metrics["blend"] == "prior (first start)"
    assert _served().metrics["validation"]["folds"] == 0
    assert _served().metrics["rating_model"] is False  # no predicted ratings until the upgrade
    assert fresh["minilm_calls"] == []  # it never waited for MiniLM
    assert fresh["queued"] == ["upgrade"]
    assert training_state.training_running() is None  # the marker is gone once it ends


def test_the_upgrade_retrains_on_minilm_through_the_guard_and_a_second_run_does_nothing(
    fresh, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.recommender_retrain.apply(kwargs={"refresh_users": False}).get()
    calls = _fake_minilm(monkeypatch)
    refreshed: list[list[int]] = []
    monkeypatch.setattr(tasks.recommendations_refresh_many, "delay", refreshed.append)
    upgraded = tasks.recommender_upgrade_content.apply().get()
    assert upgraded != first and _served().version == upgraded
    assert _served().metrics["content"].startswith("minilm:")
    assert _served().metrics["blend"] == "learned"  # the upgrade learns the blend over its folds
    assert _served().metrics["rating_model"] is True
    assert calls == [24]  # every film embedded once
    assert sum(len(batch) for batch in refreshed) == 18  # every rater's rows, from the new model
    assert tasks.recommender_upgrade_content.apply().get() == "not due"
    assert ModelArtifact.objects.filter(kind=ModelArtifact.Kind.RECOMMENDER).count() == 2
    # the nightly retrain keeps MiniLM content, even after a film was added (its text embedded then)
    MovieFactory(title="A new crime tale", genres=[fresh["movies"]["Crime"][0].genres.get()])
    tasks.recommender_retrain.apply(kwargs={"refresh_users": False}).get()
    assert ModelArtifact.objects.order_by("-created_at").first().metrics["content"].startswith("minilm:")
    assert fresh["queued"] == ["upgrade"]  # queued once, by the first training only


def test_the_upgrade_waits_for_minilm_without_training_again_on_tfidf(fresh, monkeypatch):
    recommender_model.recommender_train(content="auto")
    retries: list[dict] = []

    def retry(**kwargs):
        retries.append(kwargs)
        return RuntimeError("retried")

    monkeypatch.setattr(tasks.recommender_upgrade_content, "retry", retry)
    with pytest.raises(RuntimeError, match="retried"):
        tasks.recommender_upgrade_content.run()
    assert fresh["minilm_calls"] == [24]
    assert retries[0]["countdown"] == 300 and retries[0]["max_retries"] == 12
    assert ModelArtifact.objects.filter(kind=ModelArtifact.Kind.RECOMMENDER).count() == 1


def test_the_upgrade_is_not_due_before_any_model_or_after_a_minilm_try(fresh, monkeypatch):
    assert tasks.recommender_upgrade_content.apply().get() == "not due"
    recommender_model.recommender_train(content="tfidf")
    assert recommender_model.content_upgrade_due()
    _fake_minilm(monkeypatch)
    recommender_model.recommender_train(content="minilm")
    assert not recommender_model.content_upgrade_due()


def test_a_first_model_refreshes_members_on_the_quick_queue_and_raters_on_the_bulk_queue(fresh, monkeypatch):
    member = UserFactory()
    RatingFactory(user=member, movie=fresh["movies"]["Horror"][0], score=Decimal("4.5"))
    quick: list[int] = []
    bulk: list[list[int]] = []
    monkeypatch.setattr(tasks.recommendations_refresh, "delay", quick.append)
    monkeypatch.setattr(tasks.recommendations_refresh_many, "delay", bulk.append)
    tasks.recommender_retrain.apply().get()
    assert quick == [member.pk]  # the member's picks do not wait behind the bulk queue
    assert sorted(u for batch in bulk for u in batch) == sorted(
        User.objects.filter(kind=User.Kind.MOVIELENS).values_list("pk", flat=True)
    )


def test_the_upgrade_and_retraining_go_to_the_bulk_queue_and_runsite_sends_the_first_training_there():
    for name in (tasks.recommender_upgrade_content.name, tasks.recommender_retrain.name):
        assert celery_app.amqp.router.route({}, name)["queue"].name == django_settings.CELERY_BULK_QUEUE
    warmup = {name: quick for name, _why, quick in runsite.WARMUP_TASKS}
    assert warmup[tasks.recommender_retrain.name] is False
    bulk_warmups = [name for name, _why, quick in runsite.WARMUP_TASKS if not quick]
    assert bulk_warmups[0] == tasks.recommender_retrain.name  # ahead of the slow warm-ups
    # the first analyses come next, before the studio insights (which count them) and the
    # generator and the half hour of fine-tuning
    assert bulk_warmups[1:] == [
        "recommender.sentiment_quick",
        "recommender.insight.tasks.film_insights_refresh_all",
        "recommender.prepare_models",
    ]


def _home(client) -> str:
    return client.get(reverse("home")).content.decode()


def test_the_homepage_says_what_is_happening_to_a_member_s_picks(fresh, client):
    member = UserFactory()
    client.force_login(member)
    assert "Rate a few movies and your picks will be computed" in _home(client)
    for movie in fresh["movies"]["Comedy"][:5]:
        RatingFactory(user=member, movie=movie, score=Decimal("4.0"))
    with training_state.training_marked(content="auto"):
        html = _home(client)
        # seconds, not 0: a loaded machine took over a second to render it
        training = r"from your 5 ratings: the first recommender model is training \(started \d+ s ago\)"
        assert re.search(training, html)
    # that page was not kept: it said for how long the training had run
    assert "once the first recommender model is trained." in _home(client)
    assert selectors.picks_status(user_id=member.pk).state == "waiting_for_training"
    recommender_model.recommender_train(content="tfidf")
    # a model is served: the member's refresh (queued by each rating) stores their rows in seconds
    status = selectors.picks_status(user_id=member.pk)
    assert status.state == "refreshing"
    html = render_to_string("recommender/_picks_status.html", {"status": status})
    assert "from your 5 ratings; they usually appear within seconds" in html
    assert "within seconds" not in _home_of_newcomer(client)


def _home_of_newcomer(client) -> str:
    client.force_login(UserFactory())
    return _home(client)


def test_a_training_marker_left_by_a_dead_worker_goes_stale(model_dir, settings, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    with training_state.training_marked(content="tfidf"):
        assert training_state.training_running().content == "tfidf"
        later = timezone.now() + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1)
        monkeypatch.setattr(training_state.timezone, "now", lambda: later)
        assert training_state.training_running() is None


def test_the_admin_shows_each_model_s_content_vectors(fresh, admin_client):
    recommender_model.recommender_train(content="tfidf")
    html = admin_client.get(reverse("admin:recommender_modelartifact_changelist")).content.decode()
    assert "Content vectors" in html and '<td class="field-content_vectors">tfidf</td>' in html


def test_the_content_cache_key_is_the_exact_texts(tmp_path):
    from recommender.hybrid.content import cached_embeddings, embeddings_cache_path

    texts = ["A film", "Another film"]
    path = embeddings_cache_path(texts, cache_dir=tmp_path, version="v1")
    assert not path.exists()
    cached_embeddings(texts, lambda t: np.ones((len(t), 3)), cache_dir=tmp_path, version="v1")
    assert path.exists()
    assert not embeddings_cache_path([*texts, "A third"], cache_dir=tmp_path, version="v1").exists()
    assert embeddings_cache_path(texts, cache_dir=tmp_path, version="v2") != path
