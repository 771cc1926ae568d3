"""The drills' report maths, without any running stack."""

import pytest

from drills.stats import Recorder, format_table, percentile, summarise


def test_percentiles_are_nearest_rank_latencies_that_were_seen():
    values = [float(n) for n in range(1, 101)]  # 1..100 ms
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([7.5], 99) == 7.5
    assert percentile([], 99) == 0.0


def test_a_single_slow_request_in_a_hundred_shows_at_p100_not_p99():
    values = [10.0] * 99 + [900.0]
    assert percentile(values, 99) == 10.0
    assert percentile(values, 100) == 900.0


def test_a_percentile_outside_0_to_100_is_refused():
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_the_summary_counts_errors_and_statuses_per_endpoint_and_overall():
    recorder = Recorder()
    for ms in (10, 20, 30):
        recorder.add("page home", ms, 200, ok=True)
    recorder.add("post review", 50, 302, ok=True)
    recorder.add("post review", 70, 500, ok=False)
    recorder.add("post review", 5, 0, ok=False)
    rows = {row.endpoint: row for row in summarise(recorder.snapshot())}

    assert rows["page home"].count == 3 and rows["page home"].errors == 0
    assert rows["page home"].p50 == 20 and rows["page home"].max == 30
    assert rows["post review"].errors == 2
    assert rows["post review"].statuses == {0: 1, 302: 1, 500: 1}
    assert rows["ALL"].count == 6 and rows["ALL"].errors == 2
    assert list(rows)[-1] == "ALL"


def test_the_table_gives_requests_per_second_over_the_step():
    recorder = Recorder()
    for _ in range(20):
        recorder.add("api movie", 12.0, 200, ok=True)
    table = format_table(summarise(recorder.snapshot()), seconds=10)
    line = next(line for line in table.splitlines() if line.startswith("api movie"))
    assert line.split()[2:4] == ["20", "2.0"]  # 20 requests, 2.0 per second
    assert "200:20" in line
