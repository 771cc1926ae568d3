"""Run a test file again on SQLite, the README's first `runsite` (no DATABASE_URL).

The suite runs on PostgreSQL; a file whose tests are marked `only_on_sqlite` ends with a test
that calls `assert_passes_on_sqlite(__file__, tmp_path)`, which runs the file in a subprocess
on a fresh SQLite database (there the PostgreSQL half skips itself).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ON_SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
only_on_sqlite = pytest.mark.skipif(not ON_SQLITE, reason="run on SQLite by the file's last test")
not_on_sqlite = pytest.mark.skipif(ON_SQLITE, reason="this is the SQLite run")


def assert_passes_on_sqlite(test_file: str, tmp_path: Path, *, passed: int = 1) -> None:
    """Run `test_file` on a new SQLite database in `tmp_path`; its SQLite tests must pass."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", test_file],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert f"{passed} passed, 1 skipped" in run.stdout
