"""Latency records and the report a drill prints: requests/s, p50/p95/p99 and errors per endpoint."""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


def percentile(values: Sequence[float], pct: float) -> float:
    """The nearest-rank percentile (`pct` in 0..100) of `values`; 0.0 for no values.

    Nearest rank never invents a latency nobody saw, and with 100 samples p99 is the 99th.
    """
    if not values:
        return 0.0
    if not 0 <= pct <= 100:
        raise ValueError(f"percentile must be within 0..100, got {pct}")
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Sample:
    endpoint: str
    ms: float
    status: int  # 0 when no answer came (connection refused, reset, timeout)
    ok: bool


@dataclass
class EndpointStats:
    endpoint: str
    count: int
    errors: int
    p50: float
    p95: float
    p99: float
    max: float
    statuses: dict[int, int] = field(default_factory=dict)


@dataclass
class Recorder:
    """Collects samples from many threads."""

    samples: list[Sample] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, endpoint: str, ms: float, status: int, ok: bool) -> None:
        with self._lock:
            self.samples.append(Sample(endpoint, ms, status, ok))

    def snapshot(self) -> list[Sample]:
        with self._lock:
            return list(self.samples)


def summarise(samples: Iterable[Sample]) -> list[EndpointStats]:
    """Per-endpoint figures, sorted by endpoint name, with an "ALL" row last."""
    groups: dict[str, list[Sample]] = defaultdict(list)
    everything: list[Sample] = []
    for sample in samples:
        groups[sample.endpoint].append(sample)
        everything.append(sample)
    rows = [_stats(name, group) for name, group in sorted(groups.items())]
    if everything:
        rows.append(_stats("ALL", everything))
    return rows


def _stats(name: str, group: list[Sample]) -> EndpointStats:
    times = [s.ms for s in group]
    statuses: dict[int, int] = defaultdict(int)
    for s in group:
        statuses[s.status] += 1
    return EndpointStats(
        endpoint=name,
        count=len(group),
        errors=sum(1 for s in group if not s.ok),
        p50=percentile(times, 50),
        p95=percentile(times, 95),
        p99=percentile(times, 99),
        max=max(times),
        statuses=dict(sorted(statuses.items())),
    )


def format_table(rows: Sequence[EndpointStats], *, seconds: float) -> str:
    """A fixed-width table: endpoint, requests, req/s, p50/p95/p99/max in ms, errors, statuses."""
    header = (
        f"{'endpoint':<28} {'reqs':>6} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}"
        f" {'errors':>6}  statuses"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        rate = row.count / seconds if seconds > 0 else 0.0
        statuses = " ".join(f"{code}:{n}" for code, n in row.statuses.items())
        lines.append(
            f"{row.endpoint:<28} {row.count:>6} {rate:>7.1f} {row.p50:>7.1f} {row.p95:>7.1f} "
            f"{row.p99:>7.1f} {row.max:>7.1f} {row.errors:>6}  {statuses}"
        )
    return "\n".join(lines)
