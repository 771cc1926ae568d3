"""The support check: does a source text support a sentence (fake judge here; the real one below)."""

import json

import pytest

from recommender.llm import support

PLOT = (
    "Spartacus is a 1960 American epic film directed by Stanley Kubrick. Kirk Douglas stars as "
    "Spartacus, a slave who leads a revolt against Rome; Laurence Olivier plays the general Crassus."
)


def test_the_fake_judge_scores_a_sentence_with_the_sources_names_above_one_with_a_changed_name(
    fake_models,
):
    true, changed = support.support_scores(
        PLOT, ["It stars Kirk Douglas as Spartacus.", "It stars Al Carmichael as Spartacus."]
    )
    assert true > 0 > changed


def test_unsupported_sentences_returns_only_those_below_the_threshold_in_order(fake_models):
    sentences = [
        "It stars Al Carmichael as Spartacus.",
        "Laurence Olivier plays Crassus.",
        "The film was made in 1972.",
    ]
    assert support.unsupported_sentences(PLOT, sentences) == [sentences[0], sentences[2]]
    assert support.unsupported_sentences(PLOT, []) == []


def test_an_uncalibrated_version_uses_the_provisional_threshold_and_a_stored_one_its_own(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(support, "THRESHOLDS_FILE", tmp_path / "thresholds.json")
    assert support.threshold_for("some-model-1") == support.PROVISIONAL_THRESHOLD

    support.store_threshold("some-model-1", {"threshold": -1.25, "n_train": 120})
    support.store_threshold("other-model-2", {"threshold": 2.0})

    assert support.threshold_for("some-model-1") == -1.25
    assert support.threshold_for("other-model-2") == 2.0
    assert json.loads((tmp_path / "thresholds.json").read_text())["some-model-1"]["n_train"] == 120


class ScriptedJudge:
    version = "scripted-1"

    def __init__(self, scores):
        self._scores = scores
        self.calls = []

    def scores(self, source, sentences):
        self.calls.append((source, list(sentences)))
        return [self._scores[s] for s in sentences]


def test_a_judge_passed_in_is_asked_once_with_every_sentence(tmp_path, monkeypatch):
    monkeypatch.setattr(support, "THRESHOLDS_FILE", tmp_path / "thresholds.json")
    support.store_threshold("scripted-1", {"threshold": 1.0})
    judge = ScriptedJudge({"a.": 0.5, "b.": 1.5, "c.": -4.0})

    assert support.unsupported_sentences("src", ["a.", "b.", "c."], judge=judge) == ["a.", "c."]
    assert judge.calls == [("src", ["a.", "b.", "c."])]


@pytest.mark.slow
class TestTheRealJudge:
    """The 0.5B generator as a judge: its arithmetic on a tiny random model, its judgement for real."""

    @pytest.fixture(scope="class")
    def qwen_small(self):
        pytest.importorskip("transformers")
        from recommender.llm.generation import get_backend

        return get_backend("qwen-0.5b")

    @pytest.fixture(scope="class")
    def qwen_tokenizer(self):
        transformers = pytest.importorskip("transformers")
        from recommender.llm.registry import resolve_llm

        return transformers.AutoTokenizer.from_pretrained(str(resolve_llm("qwen-0.5b").path))

    def test_cached_batched_scores_equal_the_whole_prompt_read_at_once(self, qwen_tokenizer):
        import torch
        import transformers

        torch.manual_seed(0)
        config = transformers.Qwen2Config(
            vocab_size=len(qwen_tokenizer),
            hidden_size=64,
            intermediate_size=128,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
        )
        model = transformers.Qwen2ForCausalLM(config).eval()
        judge = support.SupportJudge(model, qwen_tokenizer, version="tiny", batch_size=2)
        sentences = ["Kirk Douglas plays Spartacus.", "A slave leads a long revolt against Rome.", "No."]

        batched = judge.scores(PLOT, sentences)

        yes, no = judge.answer_ids["yes"], judge.answer_ids["no"]
        for sentence, score in zip(sentences, batched, strict=True):
            ids = torch.tensor([judge.prefix_ids(PLOT) + judge.body_ids(sentence)])
            with torch.inference_mode():
                logp = torch.log_softmax(model(input_ids=ids).logits[0, -1].float(), dim=-1)
            single = float(torch.logsumexp(logp[yes], 0) - torch.logsumexp(logp[no], 0))
            assert abs(score - single) < 1e-4

    def test_the_real_generator_supports_the_plot_over_a_changed_name_or_event(self, qwen_small):
        judge = support.SupportJudge(qwen_small.model, qwen_small.tokenizer, version=qwen_small.version)
        supported, changed_name, changed_event = judge.scores(
            PLOT,
            [
                "Kirk Douglas plays Spartacus, a slave who leads a revolt against Rome.",
                "Al Pacino plays Spartacus, a slave who leads a revolt against Rome.",
                "Kirk Douglas plays Spartacus, a general who marries the queen of Egypt.",
            ],
        )
        # The 0.5B judge is unsure of all three, so only the order is asked of it; the site's
        # 1.5B generator is calibrated (calibrate_support: held-out AUC 0.963). A changed event
        # is the support check's own work. A changed name is not: the name check turns "Al
        # Pacino" down first (not in the facts), and the 0.5B build prepared on a fresh cache on
        # 8 December ranked it above the true sentence (-0.96 against -1.07; -0.92 against -0.76
        # on earlier machines), so its order is printed, not asserted.
        print(f"support scores: true {supported:.2f}, changed name {changed_name:.2f}")
        assert supported > changed_event
