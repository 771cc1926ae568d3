"""Load drill: a realistic mix against the whole stack, rate stepped up until it no longer holds.

Open loop: requests are sent on a fixed schedule (R per second) whatever the answers, and each
latency is counted from the moment the request was due, so a server that falls behind shows it
in the percentiles instead of quietly slowing the client down.
"""

from __future__ import annotations

import os
import queue
import random
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from drills.client import Answer, Client, Visitor
from drills.members import MovieRef
from drills.stats import Recorder, Sample, format_table, percentile, summarise

PAGE_P99_GOAL_MS = 150.0
# A step holds when it has no error, keeps up with the schedule and has not run away.
KEEP_UP = 0.95
RUNAWAY_P99_MS = 2000.0

POSITIVE = [
    "The acting is superb and the story kept me gripped to the end.",
    "A warm, funny film with a cast that clearly had a great time.",
    "Beautifully shot; the music stayed with me for days.",
    "One of the best scripts I have seen in years, sharp and moving.",
]
NEGATIVE = [
    "The plot made no sense and the pacing dragged badly.",
    "Dull characters and a script full of clichés.",
    "Far too long, and the ending was a letdown.",
    "The effects are cheap and the dialogue is wooden.",
]
SEARCH_WORDS = [
    "love",
    "war",
    "star",
    "night",
    "man",
    "king",
    "dead",
    "city",
    "girl",
    "time",
    "dark",
    "story",
]


@dataclass
class Mix:
    """Everything the actions pick from; `threads` grows as the drill creates threads."""

    movies: list[MovieRef]
    members: list[Visitor]
    threads: list[int]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def movie(self, rng: random.Random) -> MovieRef:
        # Popular films are visited more: the square skews picks toward the head of the list.
        return self.movies[int(len(self.movies) * rng.random() ** 2)]

    def member(self, rng: random.Random) -> Visitor:
        return rng.choice(self.members)

    def api(self, rng: random.Random) -> Visitor:
        """A member as an API script: the token and no session cookie."""
        member = rng.choice(self.members)
        return Visitor(token=member.token, user_id=member.user_id, csrf=member.csrf)

    def thread(self, rng: random.Random) -> int:
        with self.lock:
            return rng.choice(self.threads)

    def thread_add(self, pk: int) -> None:
        with self.lock:
            self.threads.append(pk)


Action = Callable[[Client, Mix, random.Random], Answer]


def _review_body(rng: random.Random) -> str:
    sentences = rng.sample(POSITIVE, 2) if rng.random() < 0.6 else rng.sample(NEGATIVE, 2)
    sentences.append(rng.choice(POSITIVE + NEGATIVE))
    return " ".join(sentences)


def _thread_created(answer: Answer, mix: Mix) -> None:
    match = re.search(r"/discussions/(\d+)/", answer.headers.get("location", ""))
    if answer.status == 302 and match:
        mix.thread_add(int(match.group(1)))


def _post_thread(c: Client, m: Mix, r: random.Random) -> Answer:
    movie = m.movie(r)
    answer = c.post_form(
        f"/movies/{movie.slug}/discussions/new/",
        {"title": f"Talking about {movie.title[:80]}", "body": _review_body(r)},
        visitor=m.member(r),
    )
    _thread_created(answer, m)
    return answer


# name -> (weight, action, is a page). Weights: mostly reading, anonymous and signed in; a
# share of writes (ratings, reviews, discussions) and of API reads with tokens.
ACTIONS: dict[str, tuple[int, Action, bool]] = {
    "page home anon": (10, lambda c, m, r: c.get("/"), True),
    "page movies search anon": (
        8,
        lambda c, m, r: c.get(f"/movies/?q={r.choice(SEARCH_WORDS)}"),
        True,
    ),
    "page movie anon": (12, lambda c, m, r: c.get(f"/movies/{m.movie(r).slug}/"), True),
    "page home member": (10, lambda c, m, r: c.get("/", visitor=m.member(r)), True),
    "page movie member": (
        10,
        lambda c, m, r: c.get(f"/movies/{m.movie(r).slug}/", visitor=m.member(r)),
        True,
    ),
    "page thread member": (
        4,
        lambda c, m, r: c.get(f"/discussions/{m.thread(r)}/", visitor=m.member(r)),
        True,
    ),
    "post rating": (
        5,
        lambda c, m, r: c.post_form(
            f"/movies/{m.movie(r).slug}/rate/", {"score": f"{r.randint(1, 10) / 2:.1f}"}, visitor=m.member(r)
        ),
        False,
    ),
    "post review": (
        2,
        lambda c, m, r: c.post_form(
            f"/movies/{m.movie(r).slug}/review/", {"body": _review_body(r)}, visitor=m.member(r)
        ),
        False,
    ),
    "post reply": (
        2,
        lambda c, m, r: c.post_form(
            f"/discussions/{m.thread(r)}/",
            {"body": "Good point, I had not seen it that way."},
            visitor=m.member(r),
        ),
        False,
    ),
    "post thread": (1, _post_thread, False),
    "api movies search": (
        4,
        lambda c, m, r: c.get(
            f"/api/v1/movies/?search={r.choice(SEARCH_WORDS)}", visitor=m.api(r), accept="application/json"
        ),
        False,
    ),
    "api movie": (
        4,
        lambda c, m, r: c.get(
            f"/api/v1/movies/{m.movie(r).id}/", visitor=m.api(r), accept="application/json"
        ),
        False,
    ),
    "api movie reviews": (
        2,
        lambda c, m, r: c.get(
            f"/api/v1/movies/{m.movie(r).id}/reviews/", visitor=m.api(r), accept="application/json"
        ),
        False,
    ),
    "api recommendations": (
        2,
        lambda c, m, r: c.get("/api/v1/me/recommendations/", visitor=m.api(r), accept="application/json"),
        False,
    ),
}
PAGES = {name for name, (_w, _a, page) in ACTIONS.items() if page}


@dataclass
class StepResult:
    rate: float
    seconds: float
    samples: list[Sample]
    achieved: float

    @property
    def errors(self) -> int:
        return sum(1 for s in self.samples if not s.ok)

    def p(self, pct: float, *, pages_only: bool = False) -> float:
        return percentile([s.ms for s in self.samples if not pages_only or s.endpoint in PAGES], pct)

    @property
    def holds(self) -> bool:
        return self.errors == 0 and self.achieved >= KEEP_UP * self.rate and self.p(99) < RUNAWAY_P99_MS

    def line(self) -> str:
        verdict = "holds" if self.holds else "FAILS"
        return (
            f"target {self.rate:6.1f}/s  achieved {self.achieved:6.1f}/s  requests {len(self.samples):5d}  "
            f"errors {self.errors:3d}  all p50/p95/p99 "
            f"{self.p(50):6.1f}/{self.p(95):6.1f}/{self.p(99):6.1f} ms  "
            f"pages p99 {self.p(99, pages_only=True):6.1f} ms  -> {verdict}"
        )


def run_step(base_url: str, mix: Mix, *, rate: float, seconds: float, threads: int, seed: int) -> StepResult:
    """Send `rate` requests per second for `seconds`, drawn from ACTIONS by weight."""
    names = list(ACTIONS)
    weights = [ACTIONS[n][0] for n in names]
    plan_rng = random.Random(seed)
    total = int(rate * seconds)
    plan = plan_rng.choices(names, weights=weights, k=total)
    jobs: queue.Queue[tuple[float, str] | None] = queue.Queue()
    recorder = Recorder()
    errors_seen: list[str] = []

    def work(n: int) -> None:
        client = Client(base_url, timeout=30)
        rng = random.Random(seed * 1000 + n)
        while (job := jobs.get()) is not None:
            due, name = job
            _weight, action, _page = ACTIONS[name]
            answer = action(client, mix, rng)
            ok = 200 <= answer.status < 400
            recorder.add(name, (time.perf_counter() - due) * 1000, answer.status, ok)
            if not ok and len(errors_seen) < 5:
                errors_seen.append(f"{name}: {answer.status} {answer.error or answer.body[:200]!r}")
        client.close()

    pool = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(threads)]
    for thread in pool:
        thread.start()
    start = time.perf_counter()
    for i, name in enumerate(plan):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        jobs.put((due, name))
    for _ in pool:
        jobs.put(None)
    for thread in pool:
        thread.join(seconds + 120)
    elapsed = time.perf_counter() - start
    for line in errors_seen:
        print(f"    error: {line}")
    samples = recorder.snapshot()
    return StepResult(rate=rate, seconds=seconds, samples=samples, achieved=len(samples) / elapsed)


def ramp(
    base_url: str,
    mix: Mix,
    *,
    start_rate: float,
    max_rate: float,
    factor: float,
    seconds: float,
    threads: int,
    out=print,
) -> list[StepResult]:
    """Steps from `start_rate` times `factor` each, until a step fails or `max_rate` is passed."""
    results: list[StepResult] = []
    rate = start_rate
    step = 0
    while rate <= max_rate + 1e-9:
        step += 1
        result = run_step(base_url, mix, rate=rate, seconds=seconds, threads=threads, seed=step)
        results.append(result)
        out(f"  step {step}: {result.line()}  (load average {os.getloadavg()[0]:.2f})")
        if not result.holds or factor <= 1:
            break
        rate = round(rate * factor, 1)
        time.sleep(2)  # let the workers catch up a little between steps
    return results


def report(results: list[StepResult], out=print) -> StepResult | None:
    """Print the table of the highest step that held (and of the step that failed); return it."""
    held = [r for r in results if r.holds]
    best = held[-1] if held else None
    # The rate the site serves as promised: no error and pages p99 within the goal.
    in_goal = [r for r in held if r.p(99, pages_only=True) <= PAGE_P99_GOAL_MS]
    if in_goal and in_goal[-1] is not best:
        goal = in_goal[-1]
        out(
            f"\nHighest rate with 0 errors and pages p99 <= {PAGE_P99_GOAL_MS:.0f} ms: "
            f"{goal.rate:.1f} requests/s for {goal.seconds:.0f} s"
        )
        out(format_table(summarise(goal.samples), seconds=goal.seconds))
    elif not in_goal:
        out(f"\nNo step kept pages p99 <= {PAGE_P99_GOAL_MS:.0f} ms.")
    if best is not None:
        out(f"\nHighest rate held with 0 errors: {best.rate:.1f} requests/s for {best.seconds:.0f} s")
        out(format_table(summarise(best.samples), seconds=best.seconds))
        verdict = "met" if best.p(99, pages_only=True) <= PAGE_P99_GOAL_MS else "NOT met"
        out(f"page p99 {best.p(99, pages_only=True):.1f} ms: goal <= {PAGE_P99_GOAL_MS:.0f} ms {verdict}")
    else:
        out("\nNo step held (errors, or the site could not keep up with the first rate).")
    failed = [r for r in results if not r.holds]
    if failed:
        out(f"\nThe step that failed ({failed[0].rate:.1f} requests/s):")
        out(format_table(summarise(failed[0].samples), seconds=failed[0].seconds))
    return best


def wait_for_analyses(user_ids: list[int], since, *, timeout: float, out=print):
    """Wait until the queues are empty and every review posted since `since` is analysed."""
    from drills.members import reviews_check
    from drills.stack import queued_tasks

    deadline = time.monotonic() + timeout
    started = time.monotonic()
    while True:
        check = reviews_check(user_ids=user_ids, since=since)
        queues = queued_tasks()
        # Every posted review analysed is what counts; other work (a backfill the sweep feeds)
        # may still be queued.
        done = not check.missing
        if done or time.monotonic() > deadline:
            out(f"  after {time.monotonic() - started:5.0f} s: {check.line()}; queued {queues}")
            return check
        out(f"  draining ({time.monotonic() - started:5.0f} s): {check.line()}; queued {queues}")
        time.sleep(10)


def run(args) -> int:
    from django.utils import timezone

    from drills.members import members_ensure, popular_movies, threads_seed, visitor_for
    from drills.stack import Stack, prepare_database

    print(f"Load drill; load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not args.attach:
        prepare_database(sys.stdout)
    users = members_ensure(args.users)
    movies = popular_movies(2000)
    mix = Mix(movies=movies, members=[visitor_for(u) for u in users], threads=threads_seed(users, movies, 20))
    user_ids = [u.pk for u in users]
    stack = None
    if args.attach:
        base_url = args.attach.rstrip("/")
    else:
        print(f"Starting gunicorn -w {args.web_workers}, a quick and a slow Celery worker...")
        stack = Stack("load", web_workers=args.web_workers).start()
        base_url = stack.base_url
    try:
        print("Warm-up (not counted): 10 s at the first rate")
        run_step(base_url, mix, rate=args.rate, seconds=10, threads=args.threads, seed=0)
        since = timezone.now()
        print(f"Ramp: {args.seconds:.0f} s per step from {args.rate}/s, x{args.factor} each step")
        results = ramp(
            base_url,
            mix,
            start_rate=args.rate,
            max_rate=args.max_rate,
            factor=args.factor,
            seconds=args.seconds,
            threads=args.threads,
        )
        best = report(results)
        print(
            "\nWaiting for the queues to drain and every posted review to be analysed "
            f"(max {args.drain_timeout:.0f} s)"
        )
        check = wait_for_analyses(user_ids, since, timeout=args.drain_timeout)
        print(
            f"\nNothing lost? {check.line()}"
            + (f" (missing ids {check.missing[:20]})" if check.missing else "")
        )
        print(f"Load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        if stack is not None:
            stack.stop()
    return 0 if best is not None and not check.missing else 1
