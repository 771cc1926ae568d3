"""Load-test a signed-in member's homepage (with stored recommendations) against a trivial page.

Serves the site with gunicorn on this machine's loopback and drives it with wrk (Debian
package `wrk`): same run, same server, 16 concurrent clients by default. The two pages are
measured in alternation (``--rounds``, healthz first in each), and each figure is the median
over the rounds; the throughput ratio is the median of each round's ratio, so a change in the
machine's background load between two runs weighs on both pages alike.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.utils.crypto import get_random_string

from community.movies.models import Movie
from recommender.models import Recommendation
from recommender.services.recommendations import current_model, recommendations_refresh
from recommender.services.recommender_model import recommender_train

from ._bench import bench_member

# wrk prints 50/75/90/99 with --latency; p95 and the request count need a script.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT p50=%d p95=%d p99=%d requests=%d seconds=%f errors=%d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout + summary.errors.status))
end
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Command(BaseCommand):
    help = "Homepage p50/p95/p99 and requests/s for a signed-in member, beside a trivial page."

    def add_arguments(self, parser):
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--duration", type=int, default=10, help="seconds per page and round")
        parser.add_argument("--rounds", type=int, default=3, help="alternations of the two pages")
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
        parser.add_argument(
            "--cache-url",
            default=settings.CACHE_URL,
            help="CACHE_URL for the served site (e.g. redis://127.0.0.1:6379/2); default: per-process memory",
        )

    def handle(self, *args, **options):
        if not settings.IS_POSTGRES:
            raise CommandError("Run the benchmark on PostgreSQL: set DATABASE_URL.")
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed (Debian: apt-get install wrk).")
        if not Movie.objects.exists():
            raise CommandError("No movies: run `manage.py import_data` first.")
        if current_model() is None:
            self.stdout.write("No recommender model yet: training one (train_recommender) ...")
            recommender_train()
        user = self._bench_member()
        cookie = self._session_cookie(user)
        port = _free_port()
        server = self._start_gunicorn(port, options["workers"], cookie, options["cache_url"])
        try:
            base = f"http://127.0.0.1:{port}"
            home = urllib.request.Request(base + "/", headers={"Cookie": cookie})  # noqa: S310
            body = urllib.request.urlopen(home, timeout=30).read().decode()  # noqa: S310 (loopback)
            if user.username not in body or not Recommendation.objects.filter(user=user).exists():
                raise CommandError("The homepage did not render the member's recommendations.")
            rounds = [
                (self._wrk(base + "/healthz", "", options), self._wrk(base + "/", cookie, options))
                for _ in range(max(1, options["rounds"]))
            ]
        finally:
            server.terminate()
            server.wait(timeout=30)
        self._print(rounds, options)

    def _bench_member(self):
        """A member who rated the 20 most rated movies like MovieLens rater #1 would."""
        user = bench_member("bench_member", lambda i: Decimal("4.5") if i % 3 else Decimal("2.0"))
        stored = recommendations_refresh(user_id=user.pk)
        self.stdout.write(f"bench_member has {stored} stored recommendations")
        return user

    def _session_cookie(self, user) -> str:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        # A browser also keeps the CSRF cookie it was given; without it every page would mint
        # a new CSRF secret (and a new cache key for the member's rows).
        csrf_secret = get_random_string(32, allowed_chars=CSRF_ALLOWED_CHARS)
        return (
            f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf_secret}"
        )

    def _start_gunicorn(self, port: int, workers: int, cookie: str, cache_url: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "CACHE_URL": cache_url,
            "DEBUG": "0",
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
        }
        # Production settings serve hashed static files: collect them first.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            env=env,
            cwd=settings.BASE_DIR,
            check=True,
        )
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "community.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ]
        server = subprocess.Popen(cmd, env=env, cwd=settings.BASE_DIR)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
                # Warm every worker (imports, template loading, database connection).
                warm = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Cookie": cookie})  # noqa: S310
                for _ in range(workers * 4):
                    urllib.request.urlopen(warm, timeout=30)  # noqa: S310
                return server
            except OSError:
                time.sleep(0.5)
        server.kill()
        raise CommandError("gunicorn did not start within 60 s")

    def _wrk(self, url: str, cookie: str, options) -> dict[str, float]:
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "report.lua"
            script.write_text(WRK_SCRIPT)
            cmd = [
                "wrk",
                "-t",
                "2",
                "-c",
                str(options["connections"]),
                "-d",
                f"{options['duration']}s",
                "-s",
                str(script),
                url,
            ]
            if cookie:
                cmd[1:1] = ["-H", f"Cookie: {cookie}"]
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        match = re.search(
            r"RESULT p50=(\d+) p95=(\d+) p99=(\d+) requests=(\d+) seconds=([\d.]+) errors=(\d+)", out
        )
        if not match:
            raise CommandError(f"could not read wrk's output:\n{out}")
        p50, p95, p99, requests, seconds, errors = match.groups()
        return {
            "p50": int(p50) / 1000,
            "p95": int(p95) / 1000,
            "p99": int(p99) / 1000,
            "rps": int(requests) / float(seconds),
            "errors": int(errors),
        }

    def _print(self, rounds: list[tuple[dict[str, float], dict[str, float]]], options) -> None:
        self.stdout.write(
            f"\n{options['connections']} connections, "
            f"{len(rounds)} rounds of {options['duration']} s per page, "
            f"gunicorn with {options['workers']} workers, {os.cpu_count()} cores, "
            f"cache {options['cache_url'] or 'per-process memory'}\n"
        )
        self.stdout.write(
            f"{'page (median of rounds)':<28}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>9}{'errors':>8}"
        )
        pages = []
        for i, name in enumerate(("trivial page (/healthz)", "member homepage (/)")):
            runs = [r[i] for r in rounds]
            median = {k: statistics.median(run[k] for run in runs) for k in ("p50", "p95", "p99", "rps")}
            errors = sum(int(run["errors"]) for run in runs)
            pages.append(median)
            self.stdout.write(
                f"{name:<28}{median['p50']:>9.1f}{median['p95']:>9.1f}{median['p99']:>9.1f}"
                f"{median['rps']:>9.0f}{errors:>8}"
            )
        ratios = [home["rps"] / trivial["rps"] for trivial, home in rounds]
        self.stdout.write(
            "rounds' ratios: " + " ".join(f"{r:.2f}" for r in ratios) + "\n"
            f"homepage p99={pages[1]['p99']:.1f}ms throughput_ratio={statistics.median(ratios):.2f} "
            "(goals: p99 <= 60 ms, ratio >= 0.5)"
        )
