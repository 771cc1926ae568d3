"""AI on a first start: a quick TF-IDF sentiment version reads the reviews within minutes, the
full one replaces it when its training ends, and the pages say what is being prepared, how far
it is and about how long is left."""

from __future__ import annotations

import json

import pytest

from recommender import preparation as prep_module
from recommender.llm import sentiment
from recommender.models import ModelArtifact, ReviewAnalysis
from recommender.services import analysis, llm_models
from tests.factories import MovieFactory, ReviewFactory
from tests.recommender.llm.tiny import link_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache(tmp_path, settings):
    """A model cache of the test's own sharing the real cache's data files, real models on."""
    root = link_cache(tmp_path / "cache")
    settings.CACHE_DIR = root
    settings.LLM_BACKEND = "transformers"
    sentiment.load_sentiment.cache_clear()
    yield root
    sentiment.load_sentiment.cache_clear()


def test_the_quick_version_reads_reviews_and_waits_for_the_full_one(cache):
    version = sentiment.train_quick(sample=500)

    assert sentiment.current_version() == version and version.startswith(sentiment.QUICK_PREFIX)
    assert sentiment.sentiment_ready() and not sentiment.sentiment_final()
    model = sentiment.load_sentiment()
    good, bad = model.analyse_many(
        [
            "A wonderful, moving film with a great cast and a beautiful score.",
            "Boring, badly acted and far too long. A waste of time.",
        ]
    )
    assert good.score > 0 > bad.score
    assert good.model_version == version and not model.members
    meta = json.loads((sentiment.sentiment_root() / version / "meta.json").read_text())
    assert meta["quick"] and set(meta["val"]) == {"short", "long"}


def test_a_first_start_reads_every_review_with_the_quick_version_before_the_full_training(cache, monkeypatch):
    reviews = [
        ReviewFactory(movie=MovieFactory(), body="An excellent, gripping thriller with a superb cast."),
        ReviewFactory(movie=MovieFactory(), body="Dull and lifeless; the plot makes no sense at all."),
    ]
    real_train_quick = sentiment.train_quick
    monkeypatch.setattr(sentiment, "train_quick", lambda **kw: real_train_quick(sample=80))
    seen: dict = {}

    def full_training(progress=None):
        # The site's reviews already have an analysis when the long training starts.
        seen["analysed"] = ReviewAnalysis.objects.filter(review__in=reviews).count()
        seen["model_name"] = set(ReviewAnalysis.objects.values_list("model_name", flat=True))
        seen["stage"] = llm_models.status_read()["stage"]
        progress("fine-tune", 3, 12)
        seen["status"] = llm_models.status_read()

    monkeypatch.setattr(llm_models, "sentiment_train", full_training)
    monkeypatch.setattr(llm_models, "models_check", lambda **kw: {})

    llm_models.models_prepare(parts=["sentiment"], backfill=True)

    assert seen["analysed"] == 2 and seen["model_name"] == {analysis.QUICK_MODEL_NAME}
    assert seen["stage"] == "sentiment"
    assert seen["status"]["part"] == "fine-tune" and (seen["status"]["done"], seen["status"]["total"]) == (
        3,
        12,
    )
    quick = ModelArtifact.objects.get(kind=ModelArtifact.Kind.SENTIMENT, is_active=True)
    assert quick.metrics["quick"] is True


def test_the_quick_warm_up_reads_the_reviews_once_and_then_has_nothing_to_do(cache, monkeypatch):
    review = ReviewFactory(movie=MovieFactory(), body="A superb, moving drama with a wonderful cast.")
    real_train_quick = sentiment.train_quick
    monkeypatch.setattr(sentiment, "train_quick", lambda **kw: real_train_quick(sample=80))

    version = llm_models.models_prepare_quick()

    assert version and sentiment.current_version() == version
    assert ReviewAnalysis.objects.get(review=review).model_name == analysis.QUICK_MODEL_NAME
    assert llm_models.models_prepare_quick() is None  # safe to queue twice


def test_a_full_version_is_never_replaced_by_a_quick_one(cache, monkeypatch):
    root = sentiment.sentiment_root()
    (root / "full-1").mkdir(parents=True)
    (root / "full-1" / "meta.json").write_text(json.dumps({"version": "full-1"}))
    (root / "current").write_text("full-1")
    trained = []
    monkeypatch.setattr(sentiment, "train_quick", lambda **kw: trained.append("quick"))
    monkeypatch.setattr(llm_models, "sentiment_train", lambda **kw: trained.append("full"))
    monkeypatch.setattr(llm_models, "models_check", lambda **kw: {})

    llm_models.models_prepare(parts=["sentiment"], backfill=False)

    assert trained == [] and sentiment.sentiment_final()


# --- what the pages say ---------------------------------------------------------------------


def _status(**over):
    status = {
        "sentiment": False,
        "generator": False,
        "embeddings": False,
        "ready": False,
        "sentiment_final": False,
        "stage": "",
        "detail": "",
        "error": "",
    }
    status.update(over)
    return status


def test_the_notice_names_the_step_its_progress_and_the_time_left_from_its_pace(cache):
    llm_models.status_write(stage="sentiment", part="fine-tune", done=0, total=1000)
    started = llm_models.status_read()["part_started"]
    llm_models.status_write(stage="sentiment", part="fine-tune", done=250, total=1000)

    prep = prep_module.preparation(_status(sentiment=True, generator=True), now=started + 300)

    # 250 batches in 5 minutes: 750 more take about 15
    assert prep.step_number == 5 and prep.percent == 25
    assert prep.quick_reader and not prep.warming_up and not prep.final
    assert "Step 5 of 5" in prep.notice and "(fine-tune, 250 of 1,000, 25%)" in prep.notice
    assert "About 15 minutes left for this part." in prep.notice
    assert [s.state for s in prep.steps] == ["done", "done", "done", "done", "current"]


def test_a_step_without_counts_says_how_long_it_has_run_and_no_estimate(cache):
    llm_models.status_write(stage="generator")
    started = llm_models.status_read()["stage_started"]

    prep = prep_module.preparation(_status(sentiment=True), now=started + 190)

    assert prep.warming_up and prep.left_seconds is None
    assert "Step 4 of 5: the language model (download and conversion). Running for 3 minutes." in prep.notice


def test_no_estimate_from_the_first_seconds_of_a_step(cache):
    llm_models.status_write(stage="backfill-quick", part="reviews", done=0, total=7000)
    started = llm_models.status_read()["part_started"]
    llm_models.status_write(stage="backfill-quick", part="reviews", done=200, total=7000)

    assert prep_module.preparation(_status(), now=started + 5).left_seconds is None
    assert prep_module.preparation(_status(), now=started + 30).left_seconds == pytest.approx(30 * 6800 / 200)


def test_before_the_preparation_starts_and_after_it_failed(cache):
    assert "starts once the recommender's first training is done" in prep_module.preparation(_status()).notice
    llm_models.status_write(stage="failed", error="OSError: disk full")
    assert "stopped with an error" in prep_module.preparation(_status(stage="failed")).notice


def test_durations_read_as_people_say_them():
    assert prep_module.duration(4) == "10 seconds"
    assert prep_module.duration(44) == "40 seconds"
    assert prep_module.duration(89) == "1 minute"
    assert prep_module.duration(14 * 60) == "14 minutes"
    assert prep_module.duration(65 * 60) == "1 hour 5 minutes"


def test_the_draft_panel_shows_the_preparation_with_its_progress_bar(cache, client, monkeypatch):
    from recommender import views_llm
    from tests.factories import RatingFactory, UserFactory

    user = UserFactory()
    movie = MovieFactory()
    RatingFactory(user=user, movie=movie)
    llm_models.status_write(stage="sentiment-quick", part="quick TF-IDF", done=1, total=2)
    monkeypatch.setattr(prep_module, "models_status", lambda: _status())

    context = views_llm.panel_context(user=user, movie=movie, panel="review-draft")
    html = views_llm.render_to_string("recommender/ai_review_draft.html", context)

    assert context["warming_up"] and "Draft my review" not in html
    assert "Step 1 of 5: a quick review reader (TF-IDF models) (quick TF-IDF, 1 of 2, 50%)." in html
    assert '<progress class="ai-progress" max="2" value="1"' in html
    assert "What is being prepared" in html
