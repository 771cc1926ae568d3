"""The real packaged models, kept small: MiniLM embeddings, a tiny MiniLM fine-tune, Qwen."""

import numpy as np
import pytest

from recommender.llm.prompts import Facts, MovieFacts, UserFacts

from .tiny import make_tiny_cache

pytestmark = pytest.mark.slow


def test_minilm_embeddings_are_unit_vectors_that_place_similar_texts_close():
    from recommender.llm.embeddings import embed_texts

    vectors = embed_texts(
        [
            "A tense heist thriller with a great cast.",
            "A gripping crime film about a robbery crew.",
            "Cake recipe",
        ]
    )
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_a_real_minilm_fine_tuned_tiny_labels_reviews_and_their_aspects(
    tmp_path_factory, monkeypatch, settings
):
    root = make_tiny_cache(tmp_path_factory.mktemp("tiny-cache"))
    settings.CACHE_DIR = root
    from recommender.llm import sentiment

    sentiment.load_sentiment.cache_clear()
    model = sentiment.load_sentiment()
    result = model.analyse("The acting was wonderful. The music was forgettable and the plot dragged.")

    assert model.version.startswith("minilm-sentiment-")
    assert result.model_version == model.version
    assert result.label in {"positive", "negative", "mixed"}
    assert -1 <= result.score <= 1 and 0 <= result.confidence <= 1
    aspects = {a.aspect: a for a in result.aspects}
    assert aspects["acting"].sentence == "The acting was wonderful."
    assert {"music", "story", "pacing"} <= set(aspects)
    probs = model.predict_proba(["great", "awful"])
    assert probs.shape == (2,) and ((probs >= 0) & (probs <= 1)).all()
    sentiment.load_sentiment.cache_clear()


def test_the_packaged_qwen_writes_a_few_tokens_offline():
    from recommender.llm.generation import get_backend

    backend = get_backend("qwen-0.5b")
    facts = Facts(
        movie=MovieFacts(title="Heat", year=1995, genres=["Crime"], directors=["Michael Mann"]),
        user=UserFacts(),
    )
    from recommender.llm import prompts

    out = backend.generate(prompts.messages_for("explanation", facts), max_new_tokens=8)

    assert 0 < out.new_tokens <= 8
    assert out.text.strip()
    assert backend.version.startswith("qwen2.5-coder-0.5b-instruct-q4_k_m@1d9614638d18")


def test_two_real_fine_tunes_combine_into_one_ensemble_version(tmp_path, monkeypatch, settings):
    from recommender.llm import sentiment

    from .tiny import tiny_config

    settings.CACHE_DIR = make_tiny_cache(tmp_path / "cache")
    first = sentiment.current_version()
    second = sentiment.train_sentiment(config=tiny_config(), make_current=False).version

    version = sentiment.combine_versions([first, second])

    assert sentiment.current_version() == version
    model = sentiment.load_sentiment()
    assert len(model.members) == 2
    weights = model.meta["weights"]
    assert (
        abs(sum(weights["short"]["nn"]) + weights["short"]["tfidf"] + weights["short"]["tfidf_short"] - 1)
        < 1e-6
    )
    assert weights["long"]["nn"][1] == 0.0  # long reviews run one network only
    p = model.predict_components(["a joyless mess", "A tense film. " * 80]).ensemble
    assert p.shape == (2,) and ((p >= 0) & (p <= 1)).all()
    sentiment.load_sentiment.cache_clear()


def test_the_name_guard_keeps_the_real_model_to_the_names_in_the_facts():
    from recommender.llm import grounding
    from recommender.llm.generation import get_backend

    backend = get_backend("qwen-0.5b")
    facts = Facts(movie=MovieFacts(title="Jaws", year=1975, genres=["Thriller"]), user=UserFacts())
    messages = [
        {"role": "system", "content": "You answer questions about films in one sentence."},
        {"role": "user", "content": "Which director and which three actors made Jaws (1975)? One sentence."},
    ]

    free = backend.generate(messages, max_new_tokens=32)
    out = backend.generate(messages, max_new_tokens=32, guard=grounding.NameGuard(facts))

    # Unguarded, the model names people it was not given ("Stanley Kubrick, Ridley Scott and
    # Jack Nicholson"). Guarded, it takes another token where a plausible one exists (within
    # e^7 of the best); where none does, the name goes through and the checks judge the text:
    # alone here it wrote no name, in one full suite run it wrote "Orson Welsh" and no other.
    unguarded = grounding.unknown_names(free.text, facts)
    guarded = grounding.unknown_names(out.text, facts)
    assert len(unguarded) >= 2, free.text
    assert out.ruled_out > 0  # the model reached for names it was not given
    assert len(guarded) <= 1 and len(guarded) < len(unguarded), out.text
