""" "What audiences say" with the real packaged 0.5B generator (writer and support judge)."""

from __future__ import annotations

import pytest

from recommender.llm import audiences_prompts, grounding, notes_checks
from recommender.llm.audiences_checks import audiences_problems
from recommender.llm.audiences_generation import audiences_write

from .test_audiences_checks import facts

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def qwen_small():
    pytest.importorskip("transformers")
    from recommender.llm.generation import get_backend

    return get_backend("qwen-0.5b")


def test_the_real_judge_prefers_what_the_counts_say(qwen_small):
    from recommender.llm import support

    judge = support.get_support_judge(qwen_small)
    source = audiences_prompts.support_source(facts())
    said, invented = judge.scores(
        source,
        [
            "The acting is mentioned in 14 of the 23 reviews.",
            "The music is mentioned in 14 of the 23 reviews.",
        ],
    )
    assert said > invented


def test_a_real_text_is_either_withheld_or_passes_every_check(qwen_small):
    f = facts(acting_praise=13)
    support = notes_checks.support_checker(qwen_small)
    result = audiences_write(facts=f, backend=qwen_small, support=support)
    assert result.support_checked and 1 <= result.attempts <= 2
    assert result.model_version == qwen_small.version
    if result.text:  # shown: it passes every check again, and the support check
        assert audiences_problems(result.text, f) == []
        assert support(audiences_prompts.support_source(f), grounding.sentences(result.text)) == []
    else:  # withheld: both attempts failed, and each says why
        assert result.attempts == 2 and len(result.problems) == 2 and all(result.problems)
