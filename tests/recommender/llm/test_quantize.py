"""int8 generator weights: smoothing keeps the float model's function, int8 stays close to it."""

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from recommender.llm import quantize  # noqa: E402


def tiny_qwen(seed: int = 0):
    torch.manual_seed(seed)
    config = transformers.Qwen2Config(
        vocab_size=128,
        hidden_size=64,
        intermediate_size=160,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        tie_word_embeddings=True,
    )
    return transformers.Qwen2ForCausalLM(config).eval()


def tokens(seed: int, n: int = 24):
    return torch.randint(0, 128, (1, n), generator=torch.Generator().manual_seed(seed))


def logits(model, ids):
    with torch.inference_mode():
        return model(ids).logits.float()


def calibration(model):
    def run():
        for seed in range(4):
            model(tokens(100 + seed))

    return run


def test_smoothing_leaves_the_float_model_unchanged():
    model = tiny_qwen()
    before = logits(model, tokens(1))
    embeddings = model.model.embed_tokens.weight.detach().clone()

    assert quantize.smooth(model, calibration(model)) == 2

    assert torch.allclose(logits(model, tokens(1)), before, atol=1e-4, rtol=1e-4)
    # the head's scaled copy must not change the (tied) input embeddings
    assert torch.equal(model.model.embed_tokens.weight, embeddings)


def test_int8_model_stays_close_to_float():
    model = tiny_qwen()
    ids = tokens(2)
    reference = logits(model, ids)

    quantize.quantize_int8(model, calibration(model))

    assert not any(isinstance(m, torch.nn.Linear) for m in model.modules())
    got = logits(model, ids)
    assert ((got - reference).norm() / reference.norm()).item() < 0.05


def test_int8_linear_quantizes_the_first_token_apart():
    torch.manual_seed(3)
    linear = torch.nn.Linear(64, 32)
    x = torch.randn(1, 10, 64)
    x[:, 0] *= 200  # an "attention sink" token with huge activations
    q = quantize.Int8Linear(linear, reduce_range=True)

    with torch.inference_mode():
        ref, got = linear(x), q(x)
    rest_error = (got[:, 1:] - ref[:, 1:]).norm() / ref[:, 1:].norm()
    assert rest_error.item() < 0.03


def test_smoothing_tames_an_outlier_channel():
    torch.manual_seed(4)
    up, down = torch.nn.Linear(32, 96, bias=False), torch.nn.Linear(96, 32, bias=False)
    x = torch.randn(1, 40, 32)

    def error(scale_first: bool) -> float:
        u, d = torch.nn.Linear(32, 96, bias=False), torch.nn.Linear(96, 32, bias=False)
        u.load_state_dict(up.state_dict())
        d.load_state_dict(down.state_dict())
        with torch.no_grad():
            u.weight[7] *= 60  # one hidden channel tens of times larger than the rest
        h = u(x)
        ref = d(h)
        if scale_first:
            s = quantize._smooth_scales(h[:, 1:].abs().reshape(-1, 96).amax(0), [d.weight])
            with torch.no_grad():
                u.weight.div_(s[:, None])
                d.weight.mul_(s[None, :])
            h = u(x)
        with torch.inference_mode():
            got = quantize.Int8Linear(d, reduce_range=True)(h)
        return ((got - ref).norm() / ref.norm()).item()

    assert error(scale_first=True) < error(scale_first=False) / 2


def test_calibration_is_cached_for_the_next_load(tmp_path):
    cache = tmp_path / "int8-calibration.pt"
    first = tiny_qwen()
    quantize.quantize_int8(first, calibration(first), cache=cache)
    assert cache.exists()

    def must_not_run():
        raise AssertionError("calibrated again despite the cache")

    second = tiny_qwen()
    quantize.quantize_int8(second, must_not_run, cache=cache)
    ids = tokens(5)
    assert torch.equal(logits(first, ids), logits(second, ids))


def test_two_first_loads_at_once_keep_the_first_written_calibration(tmp_path):
    # Two processes load the model for the first time: both calibrate, the first one writes
    # the file (and the folder's manifest records it); the second must not replace it.
    cache = tmp_path / "int8-calibration.pt"
    first_elsewhere = tmp_path / "first.pt"
    first = tiny_qwen()
    quantize.quantize_int8(first, calibration(first), cache=first_elsewhere)
    written = first_elsewhere.read_bytes()

    second = tiny_qwen()

    def meanwhile_the_first_process_writes():
        cache.write_bytes(written)
        for seed in range(4):  # other prompts: other maxima than the first process found
            second(tokens(200 + seed))

    quantize.quantize_int8(second, meanwhile_the_first_process_writes, cache=cache)
    assert cache.read_bytes() == written
    assert not list(tmp_path.glob("*.tmp"))
    ids = tokens(5)
    assert torch.equal(logits(first, ids), logits(second, ids))


def test_calibration_prompts_cover_every_kind_normal_and_strict():
    from recommender.llm.generation import calibration_messages

    prompts = calibration_messages()
    assert len(prompts) == 12
    users = [messages[-1]["content"] for messages in prompts]
    assert all(m[0]["role"] == "system" and m[-1]["role"] == "user" for m in prompts)
    assert sum("Draft my review" in u for u in users) == 4
    assert sum("discussion questions" in u for u in users) == 4
    assert sum("tell the user why" in u for u in users) == 4
    assert sum("previous answer broke the rules" in m[0]["content"] for m in prompts) == 6
