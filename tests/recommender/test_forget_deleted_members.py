"""A deleted member leaves the served recommender model at once, and no older model file keeps them."""

from __future__ import annotations

import numpy as np
import pytest

from community.accounts.services import account_delete
from recommender.hybrid import artifact, serving
from recommender.models import ModelArtifact
from recommender.services import recommendations, recommender_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_tasks():
    from community.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def _loved_rows(model: serving.ServingModel) -> set[tuple[int, ...]]:
    loved = model.hybrid.base.user_knn.loved.tocsr()
    return {
        tuple(loved.indices[loved.indptr[i] : loved.indptr[i + 1]].tolist()) for i in range(loved.shape[0])
    }


def test_deleting_an_account_removes_the_member_from_the_served_model_and_old_files(
    world,  # noqa: F811
    model_dir,  # noqa: F811
    monkeypatch,
    eager_tasks,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(serving, "PARTIAL_SUMS_FROM", 1)  # keep sums for every member
    recommender_model.recommender_train(content="tfidf")  # a second version: an older file exists
    before = recommendations.current_model()
    version = before.version
    leaver = max(world["users"], key=lambda u: u.ratings.filter(score__gte=4).count())
    loved_by_leaver = tuple(
        sorted(
            before._index[m] for m in leaver.ratings.filter(score__gte=4).values_list("movie_id", flat=True)
        )
    )
    assert leaver.pk in before.held_user_ids() and loved_by_leaver in _loved_rows(before)
    members_before = before.hybrid.base.user_knn.members.shape[1]
    stayer = next(u for u in world["users"] if u.pk != leaver.pk)
    stayer_ratings = recommendations.user_history(user_id=stayer.pk).ratings
    stayer_picks_before = [p.movie_id for p in before.recommend(stayer_ratings, n=5)]

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=leaver)

    after = recommendations.current_model()
    assert after is not before and after.version == version  # stored rows keep naming this version
    assert leaver.pk not in after.held_user_ids() and leaver.pk not in after.partial_sums
    assert after.hybrid.base.user_knn.members.shape[1] == members_before - 1
    assert loved_by_leaver not in _loved_rows(after)
    assert stayer.pk in after.held_user_ids()
    # only the served file is left on disk, and it no longer holds the member
    files = sorted(p.name for p in model_dir.glob("*.npz"))
    assert files == [artifact.current_path(model_dir).name]
    on_disk = artifact.load_artifact(model_dir / files[0])
    assert leaver.pk not in on_disk.held_user_ids()
    active = ModelArtifact.objects.get(kind=ModelArtifact.Kind.RECOMMENDER, is_active=True)
    assert active.path == str(model_dir / files[0]) and active.version == version
    # the rest of the model serves as before: same catalogue, one neighbour fewer
    stayer_picks_after = [p.movie_id for p in after.recommend(stayer_ratings, n=5)]
    assert len(stayer_picks_after) == 5 and not set(stayer_picks_after) & set(stayer_ratings)
    assert len(set(stayer_picks_after) & set(stayer_picks_before)) >= 3


def test_forgetting_is_safe_to_run_twice_and_leaves_a_model_of_living_members_alone(world, model_dir):  # noqa: F811
    path = artifact.current_path(model_dir)
    assert recommender_model.recommender_forget_users(user_ids=[]) == 0
    assert artifact.current_path(model_dir) == path  # nothing to remove: the file is not rewritten
    gone = world["users"][0]
    gone_id = gone.pk
    gone.delete()  # e.g. removed in the admin, or deleted while a retrain ran
    assert recommender_model.recommender_forget_users() == 1
    assert recommender_model.recommender_forget_users() == 0
    assert gone_id not in recommendations.current_model().held_user_ids()


def test_a_file_without_member_ids_drops_its_user_knn_members_for_a_deleted_member(world, model_dir):  # noqa: F811
    model = artifact.load_artifact(artifact.current_path(model_dir))
    model.member_ids = None  # as written before member ids were kept
    artifact.save_artifact(model, model_dir)
    leaver = world["users"][0]
    leaver_id = leaver.pk
    leaver.delete()
    assert recommender_model.recommender_forget_users(user_ids=[leaver_id]) > 0
    after = recommendations.current_model()
    assert after.hybrid.base.user_knn.members.shape[1] == 0
    assert np.isfinite(after.scores({int(after.item_ids[0]): 5.0})).all()
