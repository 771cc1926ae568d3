"""Drafts and explanations: their statements about the film must be supported by the facts."""

import pytest

from recommender.llm.generation import FakeBackend, generate_checked
from recommender.llm.grounding.claims import film_source, film_statements
from recommender.llm.prompts import Facts, MovieFacts, UserFacts

SPARTACUS = MovieFacts(
    title="Spartacus",
    year=1960,
    genres=["Drama"],
    directors=["Stanley Kubrick"],
    cast=["Kirk Douglas", "Laurence Olivier", "Al Carmichael"],
    plot="Kirk Douglas stars as Spartacus, a slave who leads a revolt against Rome.",
)
FACTS = Facts(
    movie=SPARTACUS,
    user=UserFacts(
        ratings=[("Ben-Hur", 4.5)],
        reviews=[("Ben-Hur", "The chariot race is breathtaking and Charlton Heston carries it.")],
    ),
    rating=4.5,
)
FALSE_ROLE = "Al Carmichael is unforgettable as Spartacus, the slave who leads the revolt."
GOOD_DRAFT = (
    "I was swept up by this epic from the first scene. "
    "Kirk Douglas plays Spartacus, a slave who leads a revolt against Rome. "
    "The battles are huge and I loved every minute. "
    "I would happily watch it again."
)


class ScriptedJudge:
    """The support judge's verdicts by sentence: unsupported ones score -5, the rest +5."""

    version = "scripted-support-1"

    def __init__(self, unsupported=()):
        from recommender.llm.grounding.claims import factual_core

        # the judge is asked about each statement's factual core (claims.factual_core)
        self.unsupported = set(unsupported) | {factual_core(s, FACTS) for s in unsupported}
        self.calls = []

    def scores(self, source, sentences):
        self.calls.append((source, list(sentences)))
        return [-5.0 if s in self.unsupported else 5.0 for s in sentences]


def _backend(responses, judge):
    backend = FakeBackend(responses)
    backend.support_judge = judge  # what get_support_judge(backend) hands out
    return backend


def test_only_statements_about_the_film_go_to_the_judge():
    draft = GOOD_DRAFT + " The story follows a man who wants to be free."
    assert film_statements(draft, FACTS) == [
        "Kirk Douglas plays Spartacus, a slave who leads a revolt against Rome.",
        "The story follows a man who wants to be free.",
    ]


def test_the_source_is_the_prompts_facts_without_reviews_of_other_films():
    source = film_source("review_draft", FACTS)
    assert "Cast: Kirk Douglas, Laurence Olivier, Al Carmichael" in source
    assert "leads a revolt against Rome" in source
    assert "Ben-Hur (4.5/5)" in source
    assert "chariot race" not in source


def test_an_unsupported_statement_is_dropped_when_the_draft_stands_without_it(fake_models):
    draft = GOOD_DRAFT.replace(
        "Kirk Douglas plays Spartacus, a slave who leads a revolt against Rome.", FALSE_ROLE
    )
    judge = ScriptedJudge(unsupported=[FALSE_ROLE])

    result = generate_checked("review_draft", FACTS, backend=_backend([draft], judge))

    assert not result.is_fallback and result.trimmed and result.attempts == 1
    assert FALSE_ROLE not in result.text and result.text.startswith("I was swept up")
    assert result.unsupported == [FALSE_ROLE]
    assert result.other_checks_first
    # asked about the statement without its grading word ("unforgettable")
    assert judge.calls[0][1] == ["Al Carmichael is as Spartacus, the slave who leads the revolt."]


def test_a_draft_resting_on_unsupported_statements_is_retried_then_falls_back(fake_models):
    made_up = "Laurence Olivier plays a gladiator who escapes to Egypt."
    bad = f"I loved it. {FALSE_ROLE} {made_up}"
    judge = ScriptedJudge(unsupported=[FALSE_ROLE, made_up])

    retried = generate_checked("review_draft", FACTS, backend=_backend([bad, GOOD_DRAFT], judge))
    assert not retried.is_fallback and retried.attempts == 2 and retried.text == GOOD_DRAFT
    assert any("not supported by the film's facts" in p for p in retried.problems[0])

    judge.calls.clear()
    fallback = generate_checked("review_draft", FACTS, backend=_backend([bad], judge))
    assert fallback.is_fallback and fallback.text.startswith("My thoughts on Spartacus")
    assert len(judge.calls) == 2


def test_an_explanation_with_a_false_role_fails_and_a_true_one_passes(fake_models):
    false = f"You rated Ben-Hur 4.5 stars, and in {FALSE_ROLE[0].lower()}{FALSE_ROLE[1:]}"
    true = "You rated Ben-Hur 4.5 stars, and here Kirk Douglas plays Spartacus in another epic."
    judge = ScriptedJudge(unsupported=[false])

    result = generate_checked("explanation", FACTS, backend=_backend([false, true], judge))

    assert result.attempts == 2 and result.text == true and result.unsupported == [false]


def test_opinions_alone_cost_no_support_check_and_it_can_be_turned_off(fake_models, settings):
    judge = ScriptedJudge()
    opinion = "I loved it from start to finish. The battles are huge and the music soars."
    assert not generate_checked("review_draft", FACTS, backend=_backend([opinion], judge)).is_fallback
    assert judge.calls == []

    settings.LLM_SUPPORT_CHECK = False
    judge = ScriptedJudge(unsupported=[FALSE_ROLE])
    result = generate_checked("review_draft", FACTS, backend=_backend([f"I loved it. {FALSE_ROLE}"], judge))
    assert result.text.endswith(FALSE_ROLE) and judge.calls == []


@pytest.mark.parametrize("kind", ["discussion_suggestions", "audience_summary"])
def test_other_kinds_are_not_sent_to_the_drafts_support_check(fake_models, kind):
    from recommender.llm.checking import judge_text

    judge = ScriptedJudge(unsupported=[FALSE_ROLE])
    verdict = judge_text(kind, FALSE_ROLE, FACTS, prompt="", backend=_backend([], judge))
    assert judge.calls == [] and verdict.unsupported == []


def test_the_support_judge_reads_a_statement_without_the_members_frame_and_grading_words():
    from recommender.llm.grounding.claims import factual_core
    from recommender.llm.prompts import Facts, MovieFacts, UserFacts

    facts = Facts(
        movie=MovieFacts(
            title="Speed", cast=["Sandra Bullock", "Keanu Reeves"], plot="Jack Traven saves a bus."
        ),
        user=UserFacts(),
    )
    assert factual_core("Sandra Bullock delivering a powerful performance.", facts) == (
        "Sandra Bullock delivering a performance."
    )
    assert (
        factual_core("I loved how Keanu Reeves plays Jack Traven.", facts)
        == "Keanu Reeves plays Jack Traven."
    )
    assert factual_core("Honestly it bored me, even though Jack Traven saves the bus.", facts) == (
        "Jack Traven saves the bus."
    )
    # a false statement stays as false as it was, and a frame that names the film's people stays
    assert factual_core("Keanu Reeves plays Spartacus.", facts) == "Keanu Reeves plays Spartacus."
    assert factual_core("I loved Keanu Reeves when he drives the bus.", facts) == (
        "I loved Keanu Reeves when he drives the bus."
    )
    assert factual_core("The film is great.", facts) == "The film is great."


def test_invented_plot_phrasings_go_to_the_judge():
    for sentence in (
        "The plot revolves around a group of criminals who escape from prison.",
        "It's a story of love, loss, and redemption, set against the backdrop of a small town.",
        "It tells a powerful story of hope through the eyes of two prisoners.",
    ):
        assert film_statements(sentence, FACTS) == [sentence]
    assert film_statements("The plot is predictable and the pacing drags.", FACTS) == []
