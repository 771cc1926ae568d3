"""Judge a pip-audit JSON report: fail on a known vulnerability unless .ci/pip-audit-ignore.txt gives
a reason for it; say plainly when nothing could be audited (no vulnerability database reachable).

Usage: python .ci/pip_audit_check.py REPORT.json IGNORE_FILE
Exit status: 0 clean (or nothing audited, which is printed loudly), 1 an unexplained vulnerability
or an ignore line without a reason, 3 nothing could be audited (the caller decides what that means).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

NOTHING_AUDITED = 3


def read_ignores(path: Path) -> tuple[dict[str, str], list[str]]:
    reasons: dict[str, str] = {}
    problems: list[str] = []
    if not path.exists():
        return reasons, problems
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        vuln_id, _, reason = line.partition(" ")
        if not reason.strip():
            problems.append(
                f"{path}:{number}: {vuln_id} has no reason; write `ID  why it does not affect us`"
            )
        else:
            reasons[vuln_id] = reason.strip()
    return reasons, problems


def main(report_path: str, ignore_path: str) -> int:
    report = json.loads(Path(report_path).read_text())
    reasons, problems = read_ignores(Path(ignore_path))
    audited = [d for d in report["dependencies"] if "skip_reason" not in d]
    skipped = [d for d in report["dependencies"] if "skip_reason" in d]
    unexplained, explained, used = [], [], set()
    for dependency in audited:
        for vuln in dependency.get("vulns", []):
            ids = [vuln["id"], *vuln.get("aliases", [])]
            known = [i for i in ids if i in reasons]
            fixed_in = ", ".join(vuln.get("fix_versions") or []) or "no release yet"
            line = f"{dependency['name']} {dependency['version']}: {' / '.join(ids)} (fixed in {fixed_in})"
            if known:
                used.update(known)
                explained.append(f"{line}: ignored, {reasons[known[0]]}")
            else:
                unexplained.append(line)

    print(f"pip-audit: {len(audited)} packages audited, {len(skipped)} skipped")
    for line in explained:
        print(f"  known and explained: {line}")
    for vuln_id in sorted(set(reasons) - used):
        print(f"  note: {vuln_id} is in {ignore_path} but no longer reported; remove the line")
    for problem in problems:
        print(f"  ERROR {problem}")
    for line in unexplained:
        print(f"  VULNERABLE {line}")
    if unexplained:
        print(f"  Upgrade the package in constraints.txt, or record the ID and a reason in {ignore_path}.")
    if problems or unexplained:
        return 1
    if not audited:
        return NOTHING_AUDITED
    for dependency in skipped:
        print(f"  not audited: {dependency['skip_reason']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
