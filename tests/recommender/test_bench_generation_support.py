"""bench_generation reports what the support check did (fake backend; the real run is a command)."""

import json

from django.core.management import call_command


def test_the_machine_lines_carry_the_pass_rate_without_the_support_check_and_its_flags(
    fake_models, tmp_path, capsys
):
    dump = tmp_path / "items.jsonl"
    call_command("bench_generation", n=2, kinds="review_draft", dump=str(dump), seed=3)
    out = capsys.readouterr().out

    [line] = [line for line in out.splitlines() if line.startswith("generation review_draft ")]
    fields = dict(part.split("=", 1) for part in line.split()[2:])
    assert float(fields["first_try"]) <= float(fields["first_try_without_support"]) <= 1
    assert fields["support_flagged"] == "0" and fields["seed"] == "3" and fields["real"] == "0"
    items = [json.loads(line) for line in dump.read_text().splitlines()]
    assert all(item["unsupported"] == [] and item["other_checks_first"] for item in items)
