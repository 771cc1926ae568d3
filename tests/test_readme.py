"""The README stays a front page: short, both commands at the top, and a way into every docs/ page."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
# [text](target) outside code: the target up to an optional #anchor.
LINK = re.compile(r"\[[^\]]*\]\(([^)\s#]*)(?:#([^)\s]*))?\)")


def _links(path: Path) -> list[tuple[str, str | None]]:
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    return [(target, anchor or None) for target, anchor in LINK.findall(text)]


def _anchors(path: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    anchors = set()
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            anchors.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return anchors


def _ci_test_command() -> str:
    """The test command exactly as .ci/run reads it from the README."""
    ci = (ROOT / ".ci" / "run").read_text()
    line = next(line for line in ci.splitlines() if line.startswith("test_command=$("))
    script = f'{line}\nprintf %s "$test_command"'
    out = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout


def test_the_readme_is_under_10_kb():
    assert README.stat().st_size < 10_000


def test_both_commands_are_in_the_first_40_lines():
    top = "\n".join(README.read_text().splitlines()[:40])
    assert "manage.py runsite" in top
    assert "<!-- test-command -->" in top and "<!-- /test-command -->" in top
    test_command = _ci_test_command()
    assert "pytest" in test_command and "constraints.txt" in test_command
    assert test_command in top


def test_every_docs_page_is_linked_from_the_readme():
    linked = {(ROOT / target).resolve() for target, _ in _links(README) if target.startswith("docs/")}
    pages = set(DOCS.glob("*.md"))
    assert pages, "docs/ holds no page"
    missing = sorted(page.name for page in pages if page.resolve() not in linked)
    assert not missing, f"docs pages not linked from README.md: {missing}"


def test_every_relative_link_in_the_readme_and_docs_resolves():
    broken = []
    for source in [README, *sorted(DOCS.glob("*.md"))]:
        for target, anchor in _links(source):
            if re.match(r"[a-z]+:", target):
                continue  # http(s), mailto: not checked here
            path = (source.parent / target).resolve() if target else source
            if not path.exists():
                broken.append(f"{source.name}: {target}")
            elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
                broken.append(f"{source.name}: {target}#{anchor}")
    assert not broken, f"links that lead nowhere: {broken}"
