"""The synopsis pipeline with the real packaged 0.5B generator (writer and support judge)."""

from __future__ import annotations

import pytest

from recommender.llm import grounding, notes_checks
from recommender.llm.notes_generation import synopsis_write

from .test_notes_checks import CAST, PLOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def qwen_small():
    pytest.importorskip("transformers")
    from recommender.llm.generation import get_backend

    return get_backend("qwen-0.5b")


def test_the_real_judge_finds_the_ending_unsupported_by_the_visible_plot(qwen_small):
    from recommender.llm import support

    judge = support.get_support_judge(qwen_small)
    shown = notes_checks.split_plot(PLOT).shown
    restated, ending = judge.scores(
        shown,
        [
            "Mara Quill keeps a lighthouse on the island of Skellig and rescues a sailor, Tomas Reyes.",
            "Tomas Reyes turns out to be a smuggler who sails away with the gold.",
        ],
    )
    # The 0.5B judge ranks them right but is unsure of both (measured: -0.80 against -1.28
    # log-odds), so only the order is asked of it; the site's threshold is calibrated per
    # generator (calibrate_support).
    assert restated > ending


def test_a_real_synopsis_is_either_withheld_or_passes_every_check(qwen_small):
    result = synopsis_write(
        title="The Keeper",
        year=2001,
        cast=CAST,
        plot=PLOT,
        backend=qwen_small,
        support=notes_checks.support_checker(qwen_small),
    )
    assert result is not None and result.support_checked and 1 <= result.attempts <= 2
    assert result.model_version == qwen_small.version
    if result.text:  # shown: it must pass every check again, and tell nothing of the ending
        parts = notes_checks.split_plot(PLOT)
        check = notes_checks.synopsis_problems(
            result.text, title="The Keeper", year=2001, cast=CAST, parts=parts
        )
        assert check.ok, check.problems
        assert not {"Victor", "Ida", "300"} & set(grounding.WORD.findall(result.text))
        assert notes_checks.support_checker(qwen_small)(parts.shown, grounding.sentences(result.text)) == []
    else:  # withheld: because checks failed, and each attempt says why
        assert result.attempts == 2 and len(result.problems) == 2 and all(result.problems)
