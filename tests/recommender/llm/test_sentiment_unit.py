"""Sentiment plumbing that needs no weights: the split, aspects, truncation, labels."""

import pandas as pd

from recommender.llm import sentiment
from recommender.llm.fake import FakeSentiment
from recommender.llm.sentiment import data, network
from recommender.llm.sentiment.text import label_for


def _frame(n=200):
    rows = []
    for i in range(n):
        rows.append({"text": f"imdb review {i}", "label": i % 2, "source": "imdb"})
        rows.append({"text": f"rt snippet {i}", "label": i % 2, "source": "rotten_tomatoes"})
    return pd.DataFrame(rows)


def test_the_split_is_deterministic_disjoint_and_stratified():
    df = _frame()
    train, val, test = sentiment.split_labelled(df)
    again = sentiment.split_labelled(df)[2]
    assert list(test.text) == list(again.text)
    assert not (set(train.text) & set(test.text)) and not (set(val.text) & set(test.text))
    assert len(train) + len(val) + len(test) == len(df)
    assert test.groupby(["source", "label"]).size().tolist() == [20, 20, 20, 20]


def test_long_reviews_keep_their_opening_and_their_verdict():
    from transformers import AutoTokenizer

    from recommender.llm.registry import minilm_dir

    tokenizer = AutoTokenizer.from_pretrained(str(minilm_dir()))
    text = "opening words " + "filler " * 500 + "final verdict masterpiece"
    ids, mask = network.encode(tokenizer, [text], 32)
    decoded = tokenizer.decode(ids[0])
    assert ids.shape == (1, 32) and mask.sum() == 32
    assert "opening" in decoded and "masterpiece" in decoded


def test_aspects_are_found_with_the_sentence_that_says_so():
    result = FakeSentiment().analyse(
        "The acting was superb. But the plot was a boring mess and the pacing dragged. Great music."
    )
    aspects = {a.aspect: a for a in result.aspects}
    assert aspects["acting"].label == "positive"
    assert aspects["acting"].sentence == "The acting was superb."
    assert aspects["story"].label == "negative" and "plot" in aspects["story"].sentence
    assert aspects["pacing"].label == "negative"
    assert "visuals" not in aspects


def test_weak_or_split_opinions_are_labelled_mixed():
    assert label_for(0.1) == "mixed"
    assert label_for(0.8) == "positive"
    assert label_for(-0.8) == "negative"
    assert label_for(0.5, spread=True) == "mixed"


def test_sentences_split_on_html_breaks_and_punctuation():
    assert sentiment.split_sentences("Great film!<br /><br />Bad ending. Really?") == [
        "Great film!",
        "Bad ending.",
        "Really?",
    ]


def test_extra_snippets_never_resemble_a_labelled_sentence():
    excluded = "the rock is destined to be the 21st century's new conan"
    extra = sentiment.extra_snippets([excluded])
    words = data.norm_words(excluded)
    shingles = data.shingles(words)
    assert len(extra) > 1000
    assert not any(data.shingles(data.norm_words(t)) & shingles for t in extra.text)
