"""When a review is called mixed: the rule, its fit on labelled texts, and the made-up mixed texts."""

import numpy as np

from recommender.llm import labels
from recommender.llm.sentiment import split_sentences


def test_a_moderate_score_with_a_clear_praise_and_a_clear_pan_is_mixed_but_a_clear_verdict_is_not():
    rule = labels.LabelRule(band=0.1, strength=0.6, split_band=0.5)
    assert rule.label(0.05) == "mixed"
    assert rule.label(0.3, [0.9, -0.8]) == "mixed"
    assert rule.label(0.3, [0.9, -0.2]) == "positive"
    assert rule.label(0.7, [0.9, -0.8]) == "positive"  # one-sided enough despite one pan
    assert rule.label(-0.4, [0.2, -0.9]) == "negative"


def test_the_many_text_form_gives_the_same_labels_as_the_one_text_form():
    rng = np.random.default_rng(0)
    rule = labels.LabelRule(band=0.2, strength=0.5, split_band=0.6)
    scores = rng.uniform(-1, 1, 200)
    sentences = [list(rng.uniform(-1, 1, rng.integers(1, 5))) for _ in scores]
    one = [rule.label(s, ss) for s, ss in zip(scores, sentences, strict=True)]
    many = rule.labels(*labels._arrays(scores, sentences))
    assert list(many) == one


def test_the_fit_finds_a_narrower_band_when_clear_verdicts_score_low():
    # Clear positives at +0.22..+0.25 were called mixed by the old 0.3 band (issue 14);
    # mixed texts here score near zero with sentences of both signs.
    scores = [0.22, 0.24, 0.25, 0.6, -0.23, -0.5, 0.02, -0.03, 0.05, 0.2]
    sentence_scores = [[s] for s in scores[:6]] + [[0.9, -0.9], [0.8, -0.85], [0.7, -0.9], [0.9, -0.7]]
    truth = ["positive"] * 4 + ["negative"] * 2 + ["mixed"] * 4
    before = labels.label_accuracy(labels.LabelRule(), scores, sentence_scores, truth)
    rule = labels.fit_rule(scores, sentence_scores, truth)
    after = labels.label_accuracy(rule, scores, sentence_scores, truth)
    assert before["positive"] < 0.5
    assert after["accuracy"] == 1.0
    assert rule.band < 0.22


def test_mixed_texts_join_one_positive_and_one_negative_sentence():
    texts = labels.mixed_texts(["A joy from start to end"], ["A dreary slog"], n=20, seed=1)
    assert len(texts) == 20
    for text in texts:
        parts = split_sentences(text)
        assert len(parts) == 2
        assert {p.lower().removeprefix("but ").rstrip(".") for p in parts} == {
            "a joy from start to end",
            "a dreary slog",
        }
    assert any(t.startswith("A joy") for t in texts) and any(t.startswith("A dreary") for t in texts)


def test_one_model_pass_scores_the_texts_and_the_sentences_of_longer_ones():
    calls = []

    def proba(texts):
        calls.append(list(texts))
        return np.array([0.9 if "good" in t else 0.1 for t in texts])

    scores, sentence_scores = labels.score_texts(
        proba, ["It is good.", "It is good. It is bad."], split_sentences
    )
    assert len(calls) == 1
    assert calls[0] == ["It is good.", "It is good. It is bad.", "It is good.", "It is bad."]
    assert sentence_scores[0] == [scores[0]]
    assert np.allclose(sentence_scores[1], [0.8, -0.8])


def test_a_fitted_rule_is_stored_beside_the_model_and_tags_its_version(tmp_path):
    assert labels.rule_load(tmp_path) == labels.LabelRule()
    assert labels.LabelRule().tag == ""
    rule = labels.LabelRule(band=0.12, strength=0.55, split_band=0.4, fitted_on="test")
    labels.rule_save(tmp_path, rule)
    assert labels.rule_load(tmp_path) == rule
    assert rule.tag.startswith("labels-") and rule.tag != labels.LabelRule(band=0.14).tag
