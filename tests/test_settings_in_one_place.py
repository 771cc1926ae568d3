"""Every configuration value is read from the environment in one place: community/settings.py
(typed, failing loudly at start), with recommender/llm/config.py as the language models' window
onto it. Code elsewhere reads django.conf.settings; a command that runs a child process may hand
it a copy of the environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from community import settings as settings_module

ROOT = Path(__file__).resolve().parent.parent
ALLOWED_FILES = {"community/settings.py", "recommender/llm/config.py"}


def _is_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute) and node.attr == "environ" and getattr(node.value, "id", "") == "os"
    )


def _env_reads(tree: ast.AST) -> list[int]:
    """Lines reading os.environ or os.getenv, except a whole copy for a child process
    ({**os.environ, ...} or os.environ.copy()) and DJANGO_SETTINGS_MODULE's setdefault."""
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            allowed |= {id(value) for key, value in zip(node.keys, node.values, strict=True) if key is None}
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and _is_environ(node.func.value)
        ):
            first = node.args[0] if node.args else None
            settings_module_name = isinstance(first, ast.Constant) and first.value == "DJANGO_SETTINGS_MODULE"
            if node.func.attr == "copy" or (node.func.attr == "setdefault" and settings_module_name):
                allowed.add(id(node.func.value))
    lines = []
    for node in ast.walk(tree):
        getenv = (
            isinstance(node, ast.Attribute)
            and node.attr == "getenv"
            and getattr(node.value, "id", "") == "os"
        )
        if (_is_environ(node) and id(node) not in allowed) or getenv:
            lines.append(node.lineno)
    return sorted(lines)


def _reads_outside_settings() -> list[str]:
    found = []
    for folder in ("community", "recommender"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name in ALLOWED_FILES or "/migrations/" in name:
                continue
            found += [f"{name}:{line}" for line in _env_reads(ast.parse(path.read_text()))]
    return found


def test_only_the_settings_read_the_environment():
    assert _reads_outside_settings() == []


def test_the_check_finds_a_read_of_the_environment():
    tree = ast.parse('import os\nthreads = int(os.environ.get("TORCH_THREADS", "2"))\nos.getenv("X")\n')
    assert _env_reads(tree) == [2, 3]
    child = ast.parse(
        'import os\nenv = {**os.environ, "A": "1"}\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "x")\n'
    )
    assert _env_reads(child) == []


@pytest.mark.parametrize(
    ("helper", "value"),
    [
        (lambda: settings_module.envint("TORCH_THREADS", "2"), "two"),
        (lambda: settings_module.envbool("LLM_NAME_GUARD", "1"), "maybe"),
        (lambda: settings_module.envchoice("LLM_QUANTIZE", "int8", ("int8", "none")), "int4"),
    ],
)
def test_a_bad_value_stops_the_settings_with_its_name(monkeypatch, helper, value):
    monkeypatch.setenv("TORCH_THREADS", value)
    monkeypatch.setenv("LLM_NAME_GUARD", value)
    monkeypatch.setenv("LLM_QUANTIZE", value)
    with pytest.raises(ImproperlyConfigured, match=value):
        helper()


def test_the_language_models_read_their_values_from_the_settings(settings):
    from recommender.llm import config, generation

    settings.TORCH_THREADS, settings.LLM_MAX_NEW_TOKENS, settings.LLM_NAME_GUARD = 3, 48, False
    settings.LLM_QUANTIZE, settings.SENTIMENT_JUDGE, settings.LLM_BACKEND = "none", False, "fake"
    assert config.torch_threads() == 3
    assert generation.quantize_mode() == "none"
    assert not generation.name_guard_enabled() and not config.sentiment_judge_enabled()
    assert config.use_fake_models()
    assert generation._max_new_tokens("review_draft") == 48


def _variables_read(path: Path) -> set[str]:
    """Names of the environment variables a module reads through the helpers or os.environ."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        key = None
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            helper = isinstance(func, ast.Name) and func.id in {"envint", "envbool", "envlist", "envchoice"}
            environ_call = isinstance(func, ast.Attribute) and _is_environ(func.value)
            if helper or environ_call:
                key = node.args[0]
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.isupper():
            names.add(key.value)
    return names


def test_every_variable_is_documented_in_the_configuration_page():
    documented = (ROOT / "docs" / "configuration.md").read_text()
    names = _variables_read(ROOT / "community" / "settings.py") | _variables_read(
        ROOT / "recommender" / "llm" / "config.py"
    )
    assert {"TORCH_THREADS", "LLM_NAME_GUARD", "HF_HUB_OFFLINE", "CINECIRCLE_CACHE_DIR"} <= names
    missing = sorted(name for name in names if f"`{name}`" not in documented)
    assert not missing, f"variables missing from docs/configuration.md: {missing}"
