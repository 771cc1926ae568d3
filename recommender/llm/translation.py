"""Translating short texts with the generator, many at a time (batched greedy decoding).

Used to build a labelled set in another language from the labelled English reviews when no
such set can be downloaded here (`bench_chinese_sentiment`): the labels carry over, and a
sample of the translations is printed to be checked by reading.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

SYSTEM = "You are a professional translator of movie reviews."
PROMPT = (
    "Translate this movie review sentence into natural {language}. Keep its meaning and its "
    "tone (praise, criticism, irony) exactly; do not add or explain anything. Answer with the "
    "translation only.\n\nSentence: {text}"
)


def _clean(text: str) -> str:
    text = text.strip().splitlines()[0] if text.strip() else ""
    return re.sub(r"^(translation|翻译)\s*[:：]\s*", "", text, flags=re.IGNORECASE).strip().strip('"“”')


def translate(
    texts: Sequence[str],
    *,
    language: str = "Simplified Chinese",
    backend: Any = None,
    batch_size: int = 8,
    max_new_tokens: int = 96,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Each text in `language`, in order. Left-padded batches of similar length."""
    import torch

    from .generation import get_backend

    backend = backend or get_backend()
    model, tokenizer = backend.model, backend.tokenizer
    prompts = [
        backend.render(
            [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": PROMPT.format(language=language, text=t.strip())},
            ]
        )
        for t in texts
    ]
    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
    out = [""] * len(prompts)
    side = tokenizer.padding_side
    tokenizer.padding_side = "left"
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    try:
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            inputs = tokenizer([prompts[i] for i in idx], return_tensors="pt", padding=True)
            with torch.inference_mode():
                output = model.generate(
                    **inputs,
                    max_new_tokens=max_new_tokens,
                    do_sample=False,
                    repetition_penalty=1.05,
                    pad_token_id=pad,
                )
            for row, i in enumerate(idx):
                new = output[row, inputs["input_ids"].shape[1] :]
                out[i] = _clean(tokenizer.decode(new, skip_special_tokens=True))
            if progress:
                progress(len(idx))
    finally:
        tokenizer.padding_side = side
    return out
