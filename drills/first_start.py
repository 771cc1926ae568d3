"""The whole first start from a clean cache, as a new member meets it (issue 15).

`python -m drills first-start` runs `manage.py runsite` on a free port with CINECIRCLE_CACHE_DIR
pointing at an empty folder (so the data, the wheels and every model are fetched and prepared
again), SQLite and the filesystem broker unless told otherwise. Then, as a member would:

- site answering: GET / answers 200;
- first personal picks: a member rates 5 popular films through the API and polls their
  recommendation rows until one holds a pick;
- first review analysed: the member posts a review and it has an analysis (which model);
- first draft ready: a review draft is asked for (again every 20 s while the answer is 503,
  warming up) and polled until it is ready;
- all models final: the preparation's status file says "ready" with the full sentiment
  version current (its backfill of every review is then queued on the bulk queue);
- draft during the backfill: a draft for another rated film, asked at that moment, and how long
  it took.

Each milestone is printed as it is reached (seconds from the launch and from the site
answering, and the load average), so a run stopped early still gives its figures; a table and
machine lines `first_start step=...` close the run. The site and its workers run in their own
process group, stopped at the end; their output is in <logs>/runsite.log.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drills.client import Answer, Client, Visitor

REPO = Path(__file__).resolve().parent.parent
QUICK_SENTIMENT_PREFIX = "quick-tfidf-"  # recommender.llm.sentiment.quick.QUICK_PREFIX
STATUS_FILE = Path("models") / "prepare-status.json"
DRAFT_RETRY_SECONDS = 20
POLL_SECONDS = 2.0
REVIEW_TEXT = (
    "A gripping, beautifully shot film. The performances are superb and the score stays with you "
    "long after the credits; the middle drags a little, but the ending more than makes up for it."
)

STEPS = (
    ("site_answering", "Site answering (GET / is 200)"),
    ("first_picks", "First personal picks"),
    ("first_review_analysed", "First review analysed"),
    ("first_draft_ready", "First draft ready"),
    ("all_models_final", "All models final"),
    ("draft_during_backfill", "Draft during the backfill"),
)


# --- what is pure (tested in tests/drills/test_first_start.py) ---------------------------------


@dataclass
class PrepStatus:
    """The preparation's status file as the drill reads it."""

    stage: str = ""
    part: str = ""
    done: int = 0
    total: int = 0
    detail: str = ""
    error: str = ""
    sentiment_version: str = ""

    @property
    def final(self) -> bool:
        """Every model ready, the full sentiment version current (not the quick TF-IDF one)."""
        return (
            self.stage == "ready"
            and bool(self.sentiment_version)
            and not self.sentiment_version.startswith(QUICK_SENTIMENT_PREFIX)
        )

    @property
    def failed(self) -> bool:
        return self.stage == "failed"

    def describe(self) -> str:
        text = self.stage or "(not started)"
        if self.part:
            text += f" / {self.part}"
        if self.total:
            text += f" {self.done}/{self.total}"
        elif self.detail:
            text += f" ({self.detail})"
        return text


def status_parse(text: str) -> PrepStatus:
    """The status file's JSON (possibly empty or half written: then nothing is known yet)."""
    try:
        data = json.loads(text)
    except ValueError:
        return PrepStatus()
    if not isinstance(data, dict):
        return PrepStatus()
    versions = data.get("versions") if isinstance(data.get("versions"), dict) else {}

    def _int(value: Any) -> int:
        try:
            return int(value)
        except (TypeError, ValueError):
            return 0

    return PrepStatus(
        stage=str(data.get("stage") or ""),
        part=str(data.get("part") or ""),
        done=_int(data.get("done")),
        total=_int(data.get("total")),
        detail=str(data.get("detail") or ""),
        error=str(data.get("error") or ""),
        sentiment_version=str((versions or {}).get("sentiment") or ""),
    )


def status_read(cache: Path) -> PrepStatus:
    try:
        return status_parse((cache / STATUS_FILE).read_text())
    except OSError:
        return PrepStatus()


@dataclass
class Milestone:
    step: str
    from_launch: float
    from_answer: float | None
    load: float
    note: str = ""

    def machine_line(self) -> str:
        answer = "na" if self.from_answer is None else f"{self.from_answer:.1f}"
        note = f" note={json.dumps(self.note)}" if self.note else ""
        return (
            f"first_start step={self.step} seconds_from_launch={self.from_launch:.1f} "
            f"seconds_from_answer={answer} load1={self.load:.2f}{note}"
        )


def minutes(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds:,.1f} s ({seconds / 60:.1f} min)" if seconds >= 60 else f"{seconds:.1f} s"


def format_table(milestones: dict[str, Milestone], *, extra: dict[str, str] | None = None) -> str:
    """One row per step, in order; a step not reached says so."""
    rows = [("Step", "From launch", "From site answering", "Load (1 min)", "Note")]
    for step, label in STEPS:
        m = milestones.get(step)
        if m is None:
            rows.append((label, "not reached", "", "", ""))
        else:
            rows.append((label, minutes(m.from_launch), minutes(m.from_answer), f"{m.load:.2f}", m.note))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for key, value in (extra or {}).items():
        lines.append(f"{key}: {value}")
    return "\n".join(lines)


# --- the run -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load1() -> float:
    return os.getloadavg()[0]


def environment(cache: Path, database_url: str | None) -> dict[str, str]:
    """A new user's environment: defaults everywhere, only the cache folder (and the database when
    asked) set; the drills' own settings (PostgreSQL, Redis) are left out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRILL_")}
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "LLM_BACKEND", "CINECIRCLE_FAKE_MODELS"):
        env.pop(name, None)
    env["CINECIRCLE_CACHE_DIR"] = str(cache)
    env["PYTHONUNBUFFERED"] = "1"
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def settings_env(args: argparse.Namespace) -> dict[str, str]:
    """Set up before Django in the drill's own process, so it reads the site's database."""
    cache = Path(args.cache) if args.cache else Path(tempfile.mkdtemp(prefix="cc-first-start-"))
    if cache.exists() and any(cache.iterdir()) and not args.allow_used_cache:
        raise SystemExit(f"{cache} is not empty: a first start needs a clean cache (or --allow-used-cache)")
    cache.mkdir(parents=True, exist_ok=True)
    args.cache = str(cache)
    return environment(cache, args.database_url)


class Drill:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.cache = Path(args.cache)
        self.logs = Path(args.logs) if args.logs else self.cache.parent / f"{self.cache.name}-logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.port = args.port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.deadline = args.max_minutes * 60
        self.milestones: dict[str, Milestone] = {}
        self.stages: list[tuple[float, str]] = []
        self.launched = 0.0
        self.answered: float | None = None
        self.site: subprocess.Popen | None = None
        self.extra: dict[str, str] = {}

    # -- timing
    def now(self) -> float:
        return time.monotonic() - self.launched

    def reached(self, step: str, note: str = "") -> None:
        if step in self.milestones:
            return
        t = self.now()
        m = Milestone(
            step=step,
            from_launch=t,
            from_answer=None if self.answered is None else t - self.answered,
            load=load1(),
            note=note,
        )
        self.milestones[step] = m
        print(m.machine_line(), flush=True)

    def over(self) -> bool:
        return self.now() > self.deadline

    def site_alive(self) -> bool:
        return self.site is not None and self.site.poll() is None

    # -- the site
    def launch(self) -> None:
        env = environment(self.cache, self.args.database_url)
        log = (self.logs / "runsite.log").open("ab")
        cmd = [sys.executable, "manage.py", "runsite", f"127.0.0.1:{self.port}"]
        print(f"first_start launch cmd={' '.join(cmd)!r} cache={self.cache} logs={self.logs}", flush=True)
        self.launched = time.monotonic()
        self.site = subprocess.Popen(
            cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def stop(self) -> None:
        if self.site is None:
            return
        pgid = self.site.pid  # its own session: the group holds runserver and the three workers
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                return
            end = time.monotonic() + wait
            while time.monotonic() < end:
                try:
                    os.killpg(pgid, 0)
                except ProcessLookupError:
                    return
                self.site.poll()
                time.sleep(0.5)

    def wait_answering(self, client: Client) -> bool:
        while not self.over():
            if not self.site_alive():
                print("first_start error=runsite exited before answering; see runsite.log", flush=True)
                return False
            answer = client.get("/")
            if answer.status == 200:
                self.answered = self.now()
                self.reached("site_answering")
                return True
            self.watch_status()
            time.sleep(0.5)
        return False

    # -- the preparation's progress
    def watch_status(self) -> PrepStatus:
        status = status_read(self.cache)
        label = status.stage + (f"/{status.part}" if status.part else "")
        if status.stage and (not self.stages or self.stages[-1][1] != label):
            self.stages.append((self.now(), label))
            answer = "na" if self.answered is None else f"{self.now() - self.answered:.1f}"
            print(
                f"first_start stage={label} seconds_from_launch={self.now():.1f} "
                f"seconds_from_answer={answer} load1={load1():.2f}",
                flush=True,
            )
        return status

    # -- the member
    def member(self) -> tuple[Visitor, list[Any]]:
        from drills.members import members_ensure, popular_movies, visitor_for

        user = _retry_locked(lambda: members_ensure(1)[0])
        visitor = _retry_locked(lambda: visitor_for(user))
        films = popular_movies(8)
        if len(films) < 8:
            raise SystemExit("the site has fewer than 8 films: was the data imported?")
        return visitor, films

    def run(self) -> int:
        self.launch()
        client = Client(self.base, timeout=60)
        try:
            if not self.wait_answering(client):
                return 1
            visitor, films = self.member()
            rated, reviewed = films[:5], films[5]
            draft_first, draft_backfill = rated[0], rated[1]
            for n, film in enumerate(rated):
                answer = api(
                    client,
                    "PUT",
                    f"/api/v1/movies/{film.id}/rating/",
                    visitor,
                    {"score": "4.5" if n % 2 else "4.0"},
                )
                expect(answer, (200,), f"rating {film.title}")
            print(
                f"first_start rated={len(rated)} seconds_from_answer={self.now() - (self.answered or 0):.1f}",
                flush=True,
            )
            answer = api(
                client, "POST", f"/api/v1/movies/{reviewed.id}/reviews/", visitor, {"body": REVIEW_TEXT}
            )
            expect(answer, (201,), "review")
            review_id = json.loads(answer.body)["id"]
            self.loop(client, visitor, review_id, draft_first.id, draft_backfill.id)
        finally:
            self.extra["load average at the end (1, 5, 15 min)"] = ", ".join(
                f"{x:.2f}" for x in os.getloadavg()
            )
            self.extra["cache"] = str(self.cache)
            self.extra["site log"] = str(self.logs / "runsite.log")
            self.extra["stages"] = ", ".join(f"{label} at {t:.0f} s" for t, label in self.stages)
            print(format_table(self.milestones, extra=self.extra), flush=True)
            for m in self.milestones.values():
                print(m.machine_line(), flush=True)
            self.stop()
            client.close()
            if self.args.remove_cache:
                shutil.rmtree(self.cache, ignore_errors=True)
        return 0 if all(step in self.milestones for step, _ in STEPS) else 1

    def loop(
        self, client: Client, visitor: Visitor, review_id: int, first_film: int, later_film: int
    ) -> None:
        from django.apps import apps

        analysis = apps.get_model("recommender", "ReviewAnalysis")
        first_draft: Draft | None = None
        later_draft: Draft | None = None
        while not self.over():
            if not self.site_alive():
                print("first_start error=runsite exited; see runsite.log", flush=True)
                return
            status = self.watch_status()
            if status.failed:
                self.extra["preparation failed"] = status.error or status.detail
            if "first_picks" not in self.milestones:
                answer = api(client, "GET", "/api/v1/me/recommendations/", visitor)
                if answer.status == 200:
                    rows = json.loads(answer.body)
                    picks = sum(len(r.get("items", [])) for r in rows)
                    if picks:
                        self.reached("first_picks", f"{picks} picks in {len(rows)} rows")
            if "first_review_analysed" not in self.milestones:
                row = (
                    analysis.objects.filter(review_id=review_id).values("model_name", "model_version").first()
                )
                if row:
                    self.reached("first_review_analysed", f"{row['model_name']} {row['model_version']}")
            if first_draft is None:
                first_draft = Draft(first_film)
            if "first_draft_ready" not in self.milestones and first_draft.step(client, visitor):
                self.reached("first_draft_ready", first_draft.note())
            if status.final and "all_models_final" not in self.milestones:
                self.reached("all_models_final", f"sentiment {status.sentiment_version}")
                later_draft = Draft(later_film)
            if later_draft is not None and later_draft.step(client, visitor):
                self.reached("draft_during_backfill", later_draft.note())
                self.extra["draft during the backfill, asked to ready"] = minutes(later_draft.latency())
            if all(step in self.milestones for step, _ in STEPS):
                return
            time.sleep(POLL_SECONDS)
        print(f"first_start error=stopped at --max-minutes {self.args.max_minutes}", flush=True)


@dataclass
class Draft:
    """One review draft as a member asks for it: POST again every 20 s while warming up (503),
    then poll the text until it is ready or failed."""

    movie_id: int
    poll_url: str = ""
    last_post: float = -1e9
    asked_at: float | None = None  # the first POST
    accepted_at: float | None = None  # the POST answered 202
    done_at: float | None = None
    result: dict[str, Any] = field(default_factory=dict)
    refusals: int = 0

    def step(self, client: Client, visitor: Visitor) -> bool:
        """True once the draft is finished (ready or failed)."""
        if self.done_at is not None:
            return True
        now = time.monotonic()
        if not self.poll_url:
            if now - self.last_post < DRAFT_RETRY_SECONDS:
                return False
            self.last_post = now
            if self.asked_at is None:
                self.asked_at = now
            answer = api(client, "POST", f"/api/v1/movies/{self.movie_id}/review-draft/", visitor)
            if answer.status == 202:
                self.accepted_at = now
                body = json.loads(answer.body)
                self.poll_url = urlpath(body.get("poll_url") or f"/api/v1/generated-texts/{body['id']}/")
                self.result = body
            elif answer.status == 503:
                self.refusals += 1
                return False
            else:
                expect(answer, (202, 503), "review draft")
                return False
        answer = api(client, "GET", self.poll_url, visitor)
        if answer.status == 200:
            self.result = json.loads(answer.body)
            if self.result.get("status") in ("ready", "failed"):
                self.done_at = time.monotonic()
                return True
        return False

    def latency(self) -> float | None:
        if self.asked_at is None or self.done_at is None:
            return None
        return self.done_at - self.asked_at

    def note(self) -> str:
        parts = [str(self.result.get("status", ""))]
        if self.result.get("is_fallback"):
            parts.append("fallback")
        if self.result.get("model_name"):
            parts.append(str(self.result["model_name"]))
        parts.append(f"{self.refusals} x 503 first")
        if self.accepted_at is not None and self.done_at is not None:
            parts.append(f"{self.done_at - self.accepted_at:.1f} s from 202 to ready")
        return ", ".join(p for p in parts if p)


def urlpath(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def api(
    client: Client, method: str, path: str, visitor: Visitor, data: dict[str, Any] | None = None
) -> Answer:
    body = None if data is None else json.dumps(data).encode()
    headers = {"Content-Type": "application/json"} if body is not None else {}
    # The API is used with the member's token only (no session cookie, so no CSRF check).
    token_only = Visitor(token=visitor.token, user_id=visitor.user_id, csrf=visitor.csrf)
    return client.request(
        method, path, visitor=token_only, body=body, headers=headers, accept="application/json"
    )


def expect(answer: Answer, statuses: tuple[int, ...], what: str) -> None:
    if answer.status not in statuses:
        raise SystemExit(f"{what}: answered {answer.status} {answer.error} {answer.body[:300]!r}")


def _retry_locked(fn: Any, attempts: int = 10) -> Any:
    """SQLite: the workers hold the write lock in long transactions on a first start."""
    from django.db import OperationalError

    for n in range(attempts):
        try:
            return fn()
        except OperationalError:
            if n == attempts - 1:
                raise
            time.sleep(3)
    return None


def _interrupt(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def run(args: argparse.Namespace) -> int:
    # SIGTERM, and SIGINT even when started in the background (where it is ignored), end the
    # run the same way: the table of what was reached, then the site and its workers stopped.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    try:
        return Drill(args).run()
    except KeyboardInterrupt:
        print("first_start error=interrupted", flush=True)
        return 1
