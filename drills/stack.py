"""The stack a drill runs against: gunicorn, the two Celery workers (and beat) on loopback.

Everything the drill starts runs in a process group of its own and is stopped by its id at the
end. Production-like settings: DEBUG=0, a secret key, ALLOWED_HOSTS=127.0.0.1, Redis as broker
and as the shared cache, JSON logs, the manifest static storage. Only the rate limits are
raised (every simulated visitor comes from 127.0.0.1) and HTTPS is not forced (loopback).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Logs, static files and beat's schedule of each run (only the drills read them).
WORKDIR = Path(os.environ.get("DRILL_WORKDIR", "/tmp/cinecircle-drills"))  # noqa: S108

# The drill's own database, broker and cache (redis db numbers kept apart from the test suite's).
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cc_load"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/12"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/13"
REDIS_PORT = 6379
REDIS_START = [
    "redis-server",
    "--daemonize", "yes",
    "--bind", "127.0.0.1", "-::1",
    "--port", str(REDIS_PORT),
    "--save", "",
    "--appendonly", "no",
    "--dir", "/var/lib/redis",
    "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip
# Generous limits: the drill's visitors all connect from 127.0.0.1 (docs/drills.md says so).
DRILL_THROTTLES = {
    "THROTTLE_ANON": "1000000/min",
    "THROTTLE_USER": "1000000/min",
    "THROTTLE_LOGIN": "1000000/min",
    "THROTTLE_SIGNUP": "1000000/min",
}


def drill_settings_env() -> dict[str, str]:
    """The environment of the drill and of every process it starts (before Django is set up)."""
    return {
        "DATABASE_URL": os.environ.get("DRILL_DATABASE_URL", DEFAULT_DATABASE_URL),
        "CELERY_BROKER_URL": os.environ.get("DRILL_BROKER_URL", DEFAULT_BROKER_URL),
        "CACHE_URL": os.environ.get("DRILL_CACHE_URL", DEFAULT_CACHE_URL),
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get(
            "DRILL_SECRET_KEY", "drill-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
        ),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(WORKDIR / "static"),
        # The quick worker analyses with the real sentiment model, without the 2.9 GB generator.
        "SENTIMENT_JUDGE": "off",
        "LLM_BACKEND": "real",
        "TORCH_THREADS": "1",
        **DRILL_THROTTLES,
        # A model cache of its own when given (one with a trained sentiment model).
        **(
            {"CINECIRCLE_CACHE_DIR": os.environ["DRILL_CACHE_DIR"]}
            if os.environ.get("DRILL_CACHE_DIR")
            else {}
        ),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log_path: Path
    cmd: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None


@dataclass
class Stack:
    """gunicorn + a quick, a slow and a bulk Celery worker (+ beat), started and stopped by the drill."""

    name: str
    web_workers: int = 3
    beat: bool = False
    web_env: dict[str, str] = field(default_factory=dict)  # e.g. DATABASE_URL through a proxy
    worker_env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    processes: list[Process] = field(default_factory=list)
    # Like a process supervisor in production (systemd Restart=always): a Celery process that
    # exits is started again, and the drill reports each restart.
    supervise: bool = True
    restarts: list[str] = field(default_factory=list)
    _stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Stack:
        self.port = self.port or free_port()
        self.logdir = WORKDIR / self.name
        self.logdir.mkdir(parents=True, exist_ok=True)
        python = sys.executable
        celery = [python, "-m", "celery", "-A", "community"]
        worker = [*celery, "worker", "--loglevel=INFO", "--without-gossip", "--without-mingle"]
        quick, slow, bulk = "celery", "celery.slow", "celery.bulk"
        self._spawn(
            "quick-worker",
            [*worker, "--concurrency=1", f"-n=drill-quick-{self.name}@%h", "-Q", quick],
            self.worker_env,
        )
        self._spawn(
            "slow-worker",
            [*worker, "--concurrency=1", f"-n=drill-slow-{self.name}@%h", "-Q", slow],
            self.worker_env,
        )
        self._spawn(
            "bulk-worker",
            [*worker, "--concurrency=1", f"-n=drill-bulk-{self.name}@%h", "-Q", bulk],
            self.worker_env,
        )
        if self.beat:
            schedule = self.logdir / "beat-schedule"
            self._spawn(
                "beat", [*celery, "beat", "--loglevel=INFO", f"--schedule={schedule}"], self.worker_env
            )
        web = [
            python, "-m", "gunicorn", "community.wsgi",
            "-w", str(self.web_workers),
            "-b", f"127.0.0.1:{self.port}",
            "--timeout", "60",
        ]  # fmt: skip
        self._spawn("gunicorn", web, self.web_env)
        self.wait_ready()
        if self.supervise:
            threading.Thread(target=self._watch, daemon=True).start()
        return self

    def _watch(self) -> None:
        while not self._stopping.wait(1.0):
            for i, process in enumerate(list(self.processes)):
                if process.name == "gunicorn" or process.alive() or self._stopping.is_set():
                    continue
                lines = process.log().splitlines()
                tail = [line for line in lines if "Unrecoverable" in line or "Error" in line]
                why = tail[-1][:200] if tail else f"exit code {process.popen.returncode}"
                self.restarts.append(f"{process.name} exited ({why}); started again")
                print(f"  supervisor: {process.name} exited; starting it again")
                log_path = process.log_path.with_name(f"{process.name}-{len(self.restarts)}.log")
                with log_path.open("w") as log:
                    popen = subprocess.Popen(
                        process.cmd,
                        cwd=ROOT,
                        env={**os.environ, **process.extra},
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                self.processes[i] = Process(process.name, popen, log_path, process.cmd, process.extra)

    def _spawn(self, name: str, cmd: list[str], extra: dict[str, str]) -> Process:
        log_path = self.logdir / f"{name}.log"
        env = {**os.environ, **extra}
        with log_path.open("w") as log:
            popen = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        process = Process(name, popen, log_path, cmd, extra)
        self.processes.append(process)
        return process

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        pending = {p.name for p in self.processes}
        while pending:
            for process in self.processes:
                if process.name not in pending:
                    continue
                if not process.alive():
                    raise RuntimeError(f"{process.name} exited at start:\n{process.log()[-3000:]}")
                if process.name == "gunicorn":
                    if web_answers(self.base_url):
                        pending.discard(process.name)
                elif process.name == "beat" or " ready." in process.log():
                    pending.discard(process.name)
            if time.monotonic() > deadline:
                raise RuntimeError(f"not ready within {timeout} s: {sorted(pending)} (logs in {self.logdir})")
            time.sleep(0.3)

    def stop(self) -> None:
        """SIGTERM each process group this stack started, then SIGKILL what is left after 30 s."""
        self._stopping.set()
        for process in reversed(self.processes):
            if process.alive():
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.popen.pid, signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait()
        self.processes.clear()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def web_answers(base_url: str) -> bool:
    from drills.client import Client

    answer = Client(base_url, timeout=5).get("/robots.txt")
    return answer.status != 0


def prepare_database(out) -> None:
    """Migrate the drill's database, import the data on first use, collect the static files."""
    from django.core.management import call_command

    from community.movies.models import Movie

    call_command("migrate", interactive=False, verbosity=0)
    if not Movie.objects.exists():
        out.write("Importing the datasets into the drill's database (from the local cache)...\n")
        call_command("import_data")
    call_command("collectstatic", interactive=False, verbosity=0)


# --- the broker ----------------------------------------------------------------------------


def broker_client():
    import redis
    from django.conf import settings

    return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=5)


def queued_tasks() -> dict[str, int]:
    """Tasks waiting in each queue and delivered but not yet acknowledged."""
    client = broker_client()
    return {
        "celery": int(client.llen("celery")),
        "celery.slow": int(client.llen("celery.slow")),
        "celery.bulk": int(client.llen("celery.bulk")),
        "unacked": int(client.hlen("unacked")),
    }


def redis_answers() -> bool:
    result = subprocess.run(
        ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True, timeout=5, check=False
    )
    return result.stdout.strip() == "PONG"


def redis_stop() -> None:
    """Shut the shared Redis server down without saving (it keeps nothing on disk anyway)."""
    subprocess.run(
        ["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"],
        capture_output=True,
        timeout=10,
        check=False,
    )
    deadline = time.monotonic() + 10
    while redis_answers() and time.monotonic() < deadline:
        time.sleep(0.1)


def redis_start() -> float:
    """Start Redis as the machines run it; returns the seconds until it answers PING."""
    started = time.monotonic()
    subprocess.run(REDIS_START, capture_output=True, timeout=10, check=True)
    while not redis_answers():
        if time.monotonic() - started > 20:
            raise RuntimeError("Redis did not come back within 20 s")
        time.sleep(0.05)
    return time.monotonic() - started
