"""Reviews in other languages: routing, Chinese sentences and aspects, the judge's scaling."""

import numpy as np
import pytest

from recommender.llm.sentiment import multilingual
from recommender.llm.sentiment.multilingual import GeneratorReader


def test_english_and_undetermined_texts_stay_with_the_ensemble_others_go_to_the_generator():
    assert multilingual.reading_for("en") == "ensemble"
    assert multilingual.reading_for("und") == "ensemble"
    assert multilingual.reading_for("") == "ensemble"
    assert multilingual.reading_for("zh") == "generator:zh"
    assert multilingual.reading_for("fr") == "generator:fr"


def test_chinese_sentences_split_at_full_stops_without_spaces():
    text = "剧情很精彩。演员的表演一般！结局让人失望？Great score. Really."
    assert multilingual.split_sentences_any(text) == [
        "剧情很精彩。",
        "演员的表演一般！",
        "结局让人失望？",
        "Great score.",
        "Really.",
    ]


def test_chinese_aspects_are_found_per_clause():
    hits = multilingual.aspect_clauses_zh("剧情拖沓，但演员的表演很出色。配乐也不错")
    assert ("story", "剧情拖沓") in hits
    assert ("acting", "但演员的表演很出色") in hits
    assert ("music", "配乐也不错") in hits
    assert ("pacing", "剧情拖沓") in hits  # 拖沓 (drags) is about pacing too
    assert multilingual.aspect_clauses_zh("我很喜欢") == []


def test_a_comedy_is_not_the_story_aspect():
    # 喜剧 (comedy) contains 剧 but not 剧情 (story)
    assert {a for a, _ in multilingual.aspect_clauses_zh("这部喜剧很好笑")} == {"humour"}


def test_platt_scaling_recovers_a_steeper_scale():
    rng = np.random.default_rng(0)
    margins = rng.normal(0, 1, 400)
    labels = (rng.random(400) < 1 / (1 + np.exp(-(3 * margins + 0.5)))).astype(int)
    fit = multilingual.fit_scale(margins, labels, bias=True)
    assert 2.2 < fit["a"] < 4.0 and 0.1 < fit["b"] < 0.9
    slope_only = multilingual.fit_scale(margins, labels)
    assert slope_only["b"] == 0 and 2.0 < slope_only["a"] < 4.0


def test_the_reader_scores_the_text_its_sentences_and_its_aspect_clauses_in_one_pass():
    calls = []
    lexicon = {"精彩": 4.0, "出色": 3.0, "拖沓": -3.0, "失望": -4.0}

    def margins(texts):
        calls.append(list(texts))
        return np.array([sum(v for w, v in lexicon.items() if w in t) for t in texts], dtype=float)

    reader = GeneratorReader(margins, {"a": 1.0, "b": 0.0})
    (doc_p, sentences, aspects), (en_p, _, en_aspects) = reader.read(
        ["剧情拖沓，让人失望。演员的表演很出色。", "Très beau film."], ["zh", "fr"], 16
    )
    assert len(calls) == 1  # one model pass for everything
    assert doc_p < 0.5
    assert len(sentences) == 2 and sentences[0] < 0 < sentences[1]
    by_aspect = {a: s for a, s, _ in aspects}
    assert by_aspect["story"] < 0 and by_aspect["acting"] > 0
    assert en_aspects == []  # no lexicon for French


@pytest.mark.django_db
def test_a_chinese_review_is_stored_with_the_generator_reading_and_chinese_aspects(fake_models):
    from recommender.services import analysis
    from tests.factories import ReviewFactory

    review = ReviewFactory(body="剧情拖沓，太无聊了。演员的表演很出色。", language="zh")
    result = analysis.review_analyse(review_id=review.pk)
    assert result.model_name == "generator-judge:zh"
    assert {a["aspect"] for a in result.aspects} >= {"story", "acting", "pacing"}
    english = analysis.review_analyse(review_id=ReviewFactory(body="Great fun.", language="en").pk)
    assert english.model_name == analysis.SENTIMENT_MODEL_NAME
