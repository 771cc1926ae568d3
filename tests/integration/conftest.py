"""A real Celery worker process, consuming from Redis and writing to the test database."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LiveWorker:
    queue: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the live worker tests need PostgreSQL (set DATABASE_URL)")
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def start_worker(
    tmp_path: Path,
    *,
    extra_env: dict[str, str] | None = None,
    concurrency: int = 1,
    queue: str | None = None,
    name: str = "worker",
    timeout: float = 90,
) -> LiveWorker:
    """Start `celery worker` on a queue of its own, so other workers on this Redis never steal its tasks."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("the live worker tests need Redis (set CELERY_BROKER_URL)")
    queue = queue or f"test-{uuid.uuid4().hex[:12]}"
    log_path = tmp_path / f"{name}-{queue}.log"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_QUEUE": queue,
        "DB_CONN_MAX_AGE": "0",
        **(extra_env or {}),
    }
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "community",
        "worker",
        "--loglevel=INFO",
        f"--concurrency={concurrency}",
        "--without-gossip",
        "--without-mingle",
        f"--hostname={name}-{queue}@%h",
        "-Q",
        # the default, the slow and the bulk queue (settings.CELERY_SLOW_QUEUE, CELERY_BULK_QUEUE)
        f"{queue},{queue}.slow,{queue}.bulk",
    ]
    with log_path.open("w") as log:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = LiveWorker(queue=queue, process=process, log_path=log_path)
    deadline = time.monotonic() + timeout
    while " ready." not in worker.log():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the Celery worker did not start:\n{worker.log()}")
        time.sleep(0.2)
    return worker


def stop_worker(worker: LiveWorker) -> None:
    if worker.process.poll() is None:
        worker.process.terminate()
        try:
            worker.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait()


@pytest.fixture
def live_worker(tmp_path: Path) -> Iterator[LiveWorker]:
    worker = start_worker(tmp_path)
    yield worker
    stop_worker(worker)


def wait_for(predicate, *, timeout: float = 60, interval: float = 0.2, worker: LiveWorker | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    detail = f"\nworker log:\n{worker.log()}" if worker else ""
    pytest.fail(f"condition not met within {timeout} s{detail}")
