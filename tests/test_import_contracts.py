"""The import contracts of pyproject.toml ([tool.importlinter], run as `lint-imports` by .ci/run)
fail on a deliberate violation.

Each test lays out a small stand-in of the two packages in tmp_path (the module names the
contracts mention), adds one forbidden import, and runs `lint-imports` with the project's own
configuration over it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# A tree that keeps every contract: the modules the contracts name, importing as allowed.
CLEAN = {
    "community/__init__.py": "",
    "community/movies/__init__.py": "",
    "community/movies/models.py": "import django\n",
    "community/movies/services.py": "from community.movies import models\n",
    "community/movies/views.py": "from community.movies import services\n",
    "community/movies/api/__init__.py": "",
    "community/movies/api/views.py": "from community.movies import services\n",
    "recommender/__init__.py": "",
    "recommender/models.py": "from community.movies import models\n",
    "recommender/views.py": "from recommender import services\n",
    "recommender/views_llm.py": "from recommender import services\n",
    "recommender/api/__init__.py": "",
    "recommender/api/views.py": "from recommender import services\n",
    "recommender/services/__init__.py": "from recommender.hybrid import blend\n",
    "recommender/hybrid/__init__.py": "",
    "recommender/hybrid/blend.py": "import numpy\n",
    "recommender/llm/__init__.py": "",
    "recommender/llm/sentiment.py": "import torch\nimport transformers\n",
}

VIOLATIONS = {
    "community never imports recommender": (
        "community/movies/selectors.py",
        "def summary():\n    from recommender import models  # inside a function counts too\n",
    ),
    "torch and transformers are imported only under recommender.llm": (
        "recommender/services/embeddings.py",
        "import transformers\n",
    ),
    "recommender.hybrid is plain maths: it imports neither Django nor community": (
        "recommender/hybrid/data.py",
        "from community.movies import models\n",
    ),
    "services never import views": ("community/movies/services.py", "from community.movies import views\n"),
}


def lint(tree: dict[str, str], root: Path) -> subprocess.CompletedProcess[str]:
    for name, text in tree.items():
        path = root / "src" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    # The project's configuration, read from a copy so the stand-in packages are found first.
    (root / "pyproject.toml").write_text((PROJECT / "pyproject.toml").read_text())
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_tree_that_keeps_the_layering_passes(tmp_path):
    result = lint(CLEAN, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(" KEPT") == len(VIOLATIONS)


@pytest.mark.parametrize("contract", list(VIOLATIONS))
def test_a_deliberate_violation_breaks_its_contract(tmp_path, contract):
    path, text = VIOLATIONS[contract]
    result = lint({**CLEAN, path: text}, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{contract} BROKEN" in result.stdout
    assert result.stdout.count(" KEPT") == len(VIOLATIONS) - 1
