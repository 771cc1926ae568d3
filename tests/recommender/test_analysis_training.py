"""The training command end to end on a tiny sample with the real MiniLM."""

import pytest
from django.core.management import call_command

from recommender.llm import sentiment
from recommender.models import ModelArtifact

from .llm.tiny import link_cache

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_train_sentiment_writes_a_combined_model_to_the_cache_and_records_it(
    tmp_path, monkeypatch, capsys, settings
):
    root = link_cache(tmp_path / "cache")
    settings.CACHE_DIR = root
    sentiment.load_sentiment.cache_clear()

    call_command(
        "train_sentiment",
        "--sample",
        "16",
        "--imdb-train",
        "16",
        "--long-max-length",
        "32",
        "--no-extra",
        "--no-progress",
    )

    version = sentiment.current_version()
    assert version and version.startswith("minilm-sentiment-ensemble-")
    artifact = ModelArtifact.objects.get(kind=ModelArtifact.Kind.SENTIMENT, is_active=True)
    assert artifact.version == version
    assert str(root) in artifact.path
    assert len(artifact.metrics["members"]) == 2
    assert version in capsys.readouterr().out
    sentiment.load_sentiment.cache_clear()
