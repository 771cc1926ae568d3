"""int8 weights for the generator's linear layers, with SmoothQuant-style scaling.

Decoding on 2 CPU cores is bound by memory traffic: every token reads every weight, so
int8 weights (a quarter of float32) decode several times faster. Plain dynamic
quantization wrote off-task text, because a few activation channels (above all at the
input of each MLP's down projection) are tens of times larger than the rest, and one
int8 scale per token then crushes the others. So, before quantizing:

- per input channel j, activations are divided by s_j and the weights that read them
  multiplied by s_j (SmoothQuant, Xiao et al. 2023, alpha = 0.5). The division is folded
  into what produces the activation (the RMSNorm weight for q/k/v and gate/up, the up
  projection's rows for down), so the float model computes exactly the same function;
- s_j comes from the largest activation per channel on a few calibration prompts,
  ignoring the first position (the "attention sink" token, whose activations are huge
  and would set every scale);
- weights get one scale per output row, activations one per token: the first position
  of a prompt is quantized apart from the rest for the same reason.

The output head is quantized too (smoothed through the final norm): kept in float32 it
alone read 0.9 GB a token and decoding ran at 0.7 tok/s against 10.9 with it in int8.
Only this module and generation.py import torch.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

import torch
from torch import nn

ALPHA = 0.5


def _has_vnni() -> bool:
    # Without VNNI, fbgemm multiplies u8 x s8 pairs into saturating int16 sums, so the
    # activation range must be halved (reduce_range); with VNNI it accumulates in int32.
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_vnni" in flags or "avx_vnni" in flags or "amx_int8" in flags


class Int8Linear(nn.Module):
    """y = x W^T + b with W in int8 (per output row) and x quantized per token on the fly."""

    def __init__(self, linear: nn.Linear, *, reduce_range: bool) -> None:
        super().__init__()
        w = linear.weight.detach().float()
        scales = (w.abs().amax(dim=1) / 127.0).clamp(min=1e-8).double()
        zeros = torch.zeros_like(scales, dtype=torch.long)
        with warnings.catch_warnings():
            # quantized tensors are deprecated upstream; torch is pinned, so this works here
            warnings.simplefilter("ignore", UserWarning)
            qweight = torch.quantize_per_channel(w, scales, zeros, 0, torch.qint8)
        # a copy: the original may live in the weights file's memory map and would keep it resident
        bias = None if linear.bias is None else linear.bias.detach().float().clone()
        self.packed = torch.ops.quantized.linear_prepack(qweight, bias)
        self.reduce_range = reduce_range
        self.in_features, self.out_features = linear.in_features, linear.out_features

    def _mm(self, x: torch.Tensor) -> torch.Tensor:
        return torch.ops.quantized.linear_dynamic(x, self.packed, reduce_range=self.reduce_range)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() == 3 and x.shape[1] > 1:
            # A prompt: its first token gets its own scale (see the module docstring).
            return torch.cat([self._mm(x[:, :1]), self._mm(x[:, 1:])], dim=1)
        return self._mm(x)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, int8"


def _channel_maxima(model: nn.Module, names: list[str], run: Callable[[], None]) -> dict[str, torch.Tensor]:
    """Per input channel, the largest |activation| seen by each named Linear (first token skipped)."""
    maxima: dict[str, torch.Tensor] = {}
    modules = dict(model.named_modules())

    def hook(name: str):
        def record(_module: nn.Module, args: tuple, _out: torch.Tensor) -> None:
            x = args[0].detach()
            x = x[:, 1:] if x.dim() == 3 and x.shape[1] > 1 else x
            m = x.reshape(-1, x.shape[-1]).abs().amax(dim=0).float()
            maxima[name] = m if name not in maxima else torch.maximum(maxima[name], m)

        return record

    handles = [modules[n].register_forward_hook(hook(n)) for n in names]
    try:
        with torch.inference_mode():
            run()
    finally:
        for h in handles:
            h.remove()
    return maxima


def _smooth_scales(act_max: torch.Tensor, weights: Iterable[torch.Tensor]) -> torch.Tensor:
    w_max = torch.stack([w.abs().amax(dim=0) for w in weights]).amax(dim=0).float()
    s = act_max.clamp(min=1e-5).pow(ALPHA) / w_max.clamp(min=1e-5).pow(1 - ALPHA)
    return s.clamp(min=1e-5)


def _cached_maxima(
    model: nn.Module, names: list[str], calibrate: Callable[[], None], cache: Path | None
) -> dict[str, torch.Tensor]:
    if cache is not None and cache.exists():
        maxima = torch.load(cache, weights_only=True)
        if set(maxima) == set(names):
            return maxima
    maxima = _channel_maxima(model, names, calibrate)
    if cache is not None:
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        torch.save(maxima, tmp)
        try:
            # First writer wins: a second process loading the model for the first time at the
            # same moment must not replace the file the first one already recorded in the
            # folder's manifest (the next load would find it changed and set the model aside).
            os.link(tmp, cache)
        except FileExistsError:
            theirs = torch.load(cache, weights_only=True)
            if set(theirs) == set(names):
                maxima = theirs  # every process smooths with the same, recorded maxima
            else:
                os.replace(tmp, cache)  # a file for another model's layers: ours replaces it
        finally:
            tmp.unlink(missing_ok=True)
    return maxima


@torch.no_grad()
def smooth(model: nn.Module, calibrate: Callable[[], None], *, cache: Path | None = None) -> int:
    """Fold SmoothQuant scales into a Qwen2/Llama-style decoder; returns the layers smoothed.

    Leaves the float model's output unchanged (up to rounding); a model whose layers do
    not have the expected parts is left as it is. The activation maxima are kept in
    `cache` when given, so later loads skip the calibration prompts.
    """
    layers = getattr(getattr(model, "model", None), "layers", None)
    if layers is None:
        return 0
    prefix = "model.layers"
    names = []
    for i, _layer in enumerate(layers):
        names += [
            f"{prefix}.{i}.self_attn.q_proj",
            f"{prefix}.{i}.mlp.gate_proj",
            f"{prefix}.{i}.mlp.down_proj",
        ]
    head = getattr(model, "lm_head", None)
    final_norm = getattr(model.model, "norm", None)
    if isinstance(head, nn.Linear) and final_norm is not None:
        names.append("lm_head")
    try:
        maxima = _cached_maxima(model, names, calibrate, cache)
    except AttributeError:
        return 0
    done = 0
    for i, layer in enumerate(layers):
        attn, mlp = getattr(layer, "self_attn", None), getattr(layer, "mlp", None)
        if attn is None or mlp is None or not hasattr(layer, "input_layernorm"):
            continue
        groups = [
            (layer.input_layernorm.weight, None, [attn.q_proj, attn.k_proj, attn.v_proj], "self_attn.q_proj"),
            (layer.post_attention_layernorm.weight, None, [mlp.gate_proj, mlp.up_proj], "mlp.gate_proj"),
            (None, mlp.up_proj, [mlp.down_proj], "mlp.down_proj"),
        ]
        for norm_weight, producer, consumers, key in groups:
            s = _smooth_scales(maxima[f"{prefix}.{i}.{key}"], (c.weight for c in consumers))
            if norm_weight is not None:
                norm_weight.div_(s.to(norm_weight.dtype))
            else:
                producer.weight.div_(s[:, None].to(producer.weight.dtype))
                if producer.bias is not None:
                    producer.bias.div_(s.to(producer.bias.dtype))
            for c in consumers:
                c.weight.mul_(s[None, :].to(c.weight.dtype))
        done += 1
    if isinstance(head, nn.Linear) and final_norm is not None:
        # The head usually shares its weight with the input embeddings: scale a copy.
        s = _smooth_scales(maxima["lm_head"], [head.weight])
        final_norm.weight.div_(s.to(final_norm.weight.dtype))
        head.weight = nn.Parameter(head.weight.detach() * s[None, :], requires_grad=False)
    return done


def quantize_int8(model: nn.Module, calibrate: Callable[[], None], *, cache: Path | None = None) -> nn.Module:
    """Smooth, then swap every Linear for an Int8Linear (in place)."""
    smooth(model, calibrate, cache=cache)
    reduce_range = not _has_vnni()
    for module in list(model.modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, nn.Linear):
                setattr(module, child_name, Int8Linear(child, reduce_range=reduce_range))
    # What stays float (embeddings, norms) may still live in the weights file's memory map,
    # and one such tensor keeps the whole 6 GB mapping resident: copy them out of it.
    with torch.no_grad():
        for tensor in [*model.parameters(), *model.buffers()]:
            tensor.data = tensor.data.clone()
    _give_back_freed_memory()
    return model


def _give_back_freed_memory() -> None:
    """The float32 weights are gone, but glibc keeps their pages; hand them back to the OS."""
    import contextlib
    import ctypes
    import gc

    gc.collect()
    # not glibc: the memory is reused by later allocations, just not returned
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
