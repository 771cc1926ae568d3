"""The synopsis's checks and checked pipeline (recommender.llm.notes_*), with scripted models."""

from __future__ import annotations

import pytest

from recommender.llm import notes_checks
from recommender.llm.fake import FakeBackend
from recommender.llm.notes_generation import synopsis_write

PLOT = (
    "Mara Quill (Ann Hale) is a young lighthouse keeper on the island of Skellig, where she has lived "
    "alone since her father drowned. One stormy night she rescues a stranded sailor, "
    "Tomas Reyes (Bob Stone), who claims his ship carried 40 passengers. Mara and Tomas search the coast "
    "together for survivors, and "
    "Mara begins to doubt his story about the wreck. Her sister Ida Quill arrives from the mainland to take "
    "her home, and Ida warns her about the stranger. In the end Tomas is revealed to be the smuggler Victor "
    "Crane, and he sails away with 300 gold coins while Victor's men burn the lighthouse and Victor laughs."
)
CAST = ["Ann Hale", "Bob Stone"]
GOOD = (
    "On the island of Skellig, the young lighthouse keeper Mara Quill has lived alone since her father "
    "drowned. "
    "One stormy night she rescues a sailor, Tomas Reyes, who says his ship carried 40 passengers. "
    "As they search the coast for survivors, Mara starts to doubt his story."
)


def _problems(text: str) -> notes_checks.SynopsisCheck:
    return notes_checks.synopsis_problems(
        text, title="The Keeper", year=2001, cast=CAST, parts=notes_checks.split_plot(PLOT)
    )


def test_the_plot_is_cut_at_two_thirds_on_a_sentence_boundary():
    parts = notes_checks.split_plot(PLOT)
    assert parts.shown.endswith("doubt his story about the wreck.")
    assert parts.hidden.startswith("Her sister Ida Quill")
    assert "Victor" not in parts.shown and parts.usable


def test_a_one_sentence_plot_is_all_shown_but_too_short_to_condense():
    parts = notes_checks.split_plot("Mara keeps a lighthouse on Skellig.")
    assert parts.shown == "Mara keeps a lighthouse on Skellig." and parts.hidden == ""
    assert not parts.usable


def test_a_synopsis_told_from_the_visible_plot_passes():
    assert _problems(GOOD).ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace("Tomas Reyes", "Victor Crane"), "spoiler rule"),
        (GOOD.replace("40 passengers", "300 passengers"), "spoiler rule"),
        (GOOD.replace("Tomas Reyes", "Pedro Alvarez"), "name not in the plot text or the cast"),
        (GOOD.replace("40 passengers", "12 passengers"), "number not in the plot text"),
        (GOOD.replace("40 passengers", "twelve passengers"), "number not in the plot text"),
        ("Mara Quill keeps a lighthouse on Skellig alone since her father drowned there.", "1 sentences"),
        (GOOD.replace("Mara starts", "I think Mara starts"), "first person"),
        (GOOD + " This synopsis avoids the ending.", "talks about itself"),
        (GOOD.replace("his story.", "his story, which explores themes of trust."), "not its story"),
        (GOOD.replace("a sailor, Tomas Reyes,", "a sailor named Bob Stone"), "names an actor"),
        ("In 2001, " + GOOD[0].lower() + GOOD[1:], "number not in the plot text: 2001"),
    ],
)
def test_a_synopsis_fails_for_what_it_gets_wrong(text, expected):
    check = _problems(text)
    assert not check.ok
    assert any(expected in p for p in check.problems), check.problems


def test_a_count_word_matching_a_figure_of_the_plot_is_no_stray_number():
    plot = PLOT.replace("40 passengers", "two passengers")
    text = GOOD.replace("40 passengers", "2 passengers")
    parts = notes_checks.split_plot(plot)
    assert notes_checks.synopsis_problems(text, title="The Keeper", year=None, cast=CAST, parts=parts).ok


def test_the_model_reads_only_the_visible_part_and_a_good_first_answer_is_kept():
    backend = FakeBackend([GOOD])
    result = synopsis_write(title="The Keeper", year=2001, cast=CAST, plot=PLOT, backend=backend)
    assert result is not None and result.text == GOOD
    assert result.passed_first and result.attempts == 1 and result.model_version == "fake-1"
    prompt = backend.calls[0][-1]["content"]
    assert "doubt his story" in prompt and "Victor" not in prompt and "Ida" not in prompt


def test_a_failed_first_answer_gets_one_stricter_retry():
    backend = FakeBackend([GOOD.replace("Tomas Reyes", "Victor Crane"), GOOD])
    result = synopsis_write(title="The Keeper", year=2001, cast=CAST, plot=PLOT, backend=backend)
    assert result is not None and result.text == GOOD
    assert result.attempts == 2 and not result.passed_first
    assert "spoiler rule" in result.problems[0][0]
    assert "broke the rules" in backend.calls[1][0]["content"]


def test_two_failed_answers_leave_no_synopsis_at_all():
    backend = FakeBackend([GOOD.replace("40", "12")])
    result = synopsis_write(title="The Keeper", year=2001, cast=CAST, plot=PLOT, backend=backend)
    assert result is not None and result.text == "" and result.attempts == 2
    assert len(result.rejected) == 2


def test_a_sentence_the_support_check_rejects_fails_the_synopsis():
    asked = []

    def support(source, sentences):
        asked.append((source, sentences))
        return [s for s in sentences if "doubt" in s]

    result = synopsis_write(
        title="The Keeper", year=2001, cast=CAST, plot=PLOT, backend=FakeBackend([GOOD]), support=support
    )
    assert result is not None and result.text == "" and result.support_checked
    assert result.unsupported == [GOOD.split(". ")[-1]] * 2
    assert asked[0][0] == notes_checks.split_plot(PLOT).shown and len(asked[0][1]) == 3


def test_a_plot_too_short_to_condense_runs_no_model():
    backend = FakeBackend([GOOD])
    assert synopsis_write(title="X", year=None, cast=[], plot="A man. A dog.", backend=backend) is None
    assert backend.calls == []
