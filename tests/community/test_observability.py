"""Structured logs with a request id that follows a request into its tasks; failed tasks in the admin."""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from community.celery import app
from community.core.logging import TASK_HEADER, JsonFormatter, RequestIdFilter
from community.core.models import FailedTask
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_log():
    """The production log handler (JSON lines, request id filter) on the root logger; the lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    yield lines
    root.removeHandler(handler)
    root.setLevel(old_level)


# --- request ids ------------------------------------------------------------------------


def test_every_answer_carries_a_fresh_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_client_cannot_choose_its_request_id_when_no_proxy_is_trusted(client, settings):
    settings.NUM_PROXIES = 0
    settings.TRUSTED_PROXIES = []
    response = client.get("/healthz", HTTP_X_REQUEST_ID="chosen-by-the-client")
    assert response["X-Request-ID"] != "chosen-by-the-client"


def test_behind_a_configured_proxy_its_request_id_is_kept_if_it_looks_like_one(client, settings):
    settings.NUM_PROXIES = 1
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234.abc")["X-Request-ID"] == "lb-1234.abc"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x" level="ERROR')["X-Request-ID"]
    assert forged != 'x" level="ERROR' and len(forged) == 32


def test_log_lines_are_json_with_time_level_logger_message_and_the_request_id(client, json_log):
    response = client.get("/healthz")
    request_id = response["X-Request-ID"]
    access = [line for line in json_log() if line["logger"] == "community.request"]
    assert len(access) == 1
    line = access[0]
    assert {"time", "level", "logger", "message", "request_id"} <= set(line)
    assert line["request_id"] == request_id and line["level"] == "INFO"
    assert line["message"] == "GET /healthz 200" and line["status"] == 200 and line["path"] == "/healthz"


def test_django_s_own_line_about_a_failed_request_carries_its_request_id_and_the_next_line_none(
    client, json_log
):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    (line,) = [entry for entry in json_log() if entry["logger"] == "django.request"]
    assert line["message"] == "Not Found: /no-such-page/" and line["request_id"] == response["X-Request-ID"]
    logging.getLogger("tests.observability").warning("between requests")
    assert json_log()[-1]["request_id"] == "-"


def test_a_log_line_with_an_exception_keeps_its_traceback_in_one_json_line(json_log):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("tests.observability").exception("it failed")
    (line,) = [entry for entry in json_log() if entry["logger"] == "tests.observability"]
    assert line["level"] == "ERROR" and line["request_id"] == "-"
    assert "ValueError: boom" in line["exc_info"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [({"DEBUG": "0"}, "json"), ({"DEBUG": "1"}, "text"), ({"DEBUG": "0", "LOG_FORMAT": "text"}, "text")],
)
def test_production_logs_json_and_development_plain_text(env, expected, tmp_path):
    environment = {key: value for key, value in os.environ.items() if key != "LOG_FORMAT"}
    environment.update(
        SECRET_KEY="x" * 50, ALLOW_PER_PROCESS_CACHE="1", CINECIRCLE_CACHE_DIR=str(tmp_path), **env
    )
    # The settings module alone, as gunicorn and the worker read it: LOG_FORMAT feeds LOGGING.
    out = subprocess.run(
        [sys.executable, "-c", "import community.settings as s; print(s.LOG_FORMAT)"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == expected


# --- the request id follows the request into its tasks -----------------------------------


def _published_for(request_id: str) -> list[dict]:
    """The task messages on the broker's default queue that carry this request id (removed)."""
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    found = []
    for raw in client.lrange(settings.CELERY_TASK_DEFAULT_QUEUE, 0, -1):
        message = json.loads(raw)
        if message["headers"].get(TASK_HEADER) == request_id:
            client.lrem(settings.CELERY_TASK_DEFAULT_QUEUE, 1, raw)
            found.append(message)
    return found


@pytest.mark.django_db(transaction=True)  # commits inside the request, as in production
def test_a_review_posted_queues_its_analysis_with_the_request_id_and_the_task_logs_it(
    client, json_log, monkeypatch
):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("reads the published message from Redis")
    from recommender.tasks import analysis

    user, movie = UserFactory(), MovieFactory()
    client.force_login(user)
    response = client.post(
        reverse("reviews:create", kwargs={"slug": movie.slug}), {"body": "A slow burn that pays off."}
    )
    request_id = response["X-Request-ID"]
    access = [line for line in json_log() if line["logger"] == "community.request"]
    assert [line["request_id"] for line in access] == [request_id]

    messages = {m["headers"]["task"]: m for m in _published_for(request_id)}
    analyse = messages["recommender.tasks.analysis.analyse_review"]
    args, kwargs, _embed = json.loads(base64.b64decode(analyse["body"]))

    # The worker's side: the task runs with the message's headers and logs under the same id.
    monkeypatch.setattr(analysis, "_model_ready", lambda: False)
    result = analysis.analyse_review.apply(args=args, kwargs=kwargs, headers=analyse["headers"])
    assert result.get() == "warming-up"
    task_lines = [line for line in json_log() if line["logger"] == "recommender.tasks.analysis"]
    assert task_lines and all(line["request_id"] == request_id for line in task_lines)
    assert task_lines[0]["task"] == "recommender.tasks.analysis.analyse_review"


def test_a_task_queued_outside_any_request_carries_no_request_id():
    from community.core.logging import request_id_var, task_before_publish

    headers: dict = {}
    task_before_publish(headers=headers)
    assert TASK_HEADER not in headers
    token = request_id_var.set("abc123")
    try:
        task_before_publish(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers[TASK_HEADER] == "abc123"


# --- failed tasks in the admin -------------------------------------------------------------


@app.task(name="tests.observability.always_fails", bind=True, max_retries=2)
def always_fails(self, movie_id: int, *, reason: str = "") -> None:
    raise RuntimeError(f"could not do it for {movie_id}: {reason}")


def test_a_task_that_fails_for_good_is_recorded_with_its_arguments_and_error():
    result = always_fails.apply(args=[42], kwargs={"reason": "disk full"}, task_id="failing-1")
    assert result.failed()
    failed = FailedTask.objects.get(task_id="failing-1")
    assert failed.task_name == "tests.observability.always_fails"
    assert failed.args == [42] and failed.kwargs == {"reason": "disk full"}
    assert failed.exception_type == "builtins.RuntimeError"
    assert failed.exception_message == "could not do it for 42: disk full"
    assert "RuntimeError" in failed.traceback and not failed.resolved and failed.failures == 1


def test_the_same_task_failing_again_updates_its_row():
    always_fails.apply(args=[1], task_id="failing-2")
    first = FailedTask.objects.get(task_id="failing-2")
    always_fails.apply(args=[1], kwargs={"reason": "again"}, task_id="failing-2")
    again = FailedTask.objects.get(task_id="failing-2")
    assert again.failures == 2 and again.first_failed_at == first.first_failed_at
    assert again.last_failed_at >= first.last_failed_at and "again" in again.exception_message


def test_a_task_retried_until_it_gives_up_is_recorded_with_its_retries(monkeypatch):
    from django.db import OperationalError

    from recommender.tasks import analysis

    def broken(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(analysis, "_model_ready", lambda: True)
    monkeypatch.setattr(analysis.analysis, "review_analyse", broken)
    # autoretry_for=TRANSIENT, max_retries=6: this run is the last one it allows.
    result = analysis.analyse_review.apply(args=[123], task_id="failing-3", retries=6)
    assert result.failed()
    failed = FailedTask.objects.get(task_id="failing-3")
    assert failed.exception_type == "django.db.utils.OperationalError" and failed.retries == 6
    assert failed.args == [123]


def test_staff_can_find_a_failed_task_and_retry_it_from_the_admin(client, monkeypatch):
    always_fails.apply(args=[7], kwargs={"reason": "timeout"}, task_id="failing-4")
    always_fails.apply(args=[8], task_id="failing-5")
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)

    listing = client.get("/admin/core/failedtask/", {"q": "timeout"})
    assert listing.status_code == 200
    content = listing.content.decode()
    assert "tests.observability.always_fails" in content and "1 result" in content

    sent = []

    class Sent:
        id = "new-task-id"

    def send_task(name, args=None, kwargs=None, **options):
        sent.append((name, args, kwargs))
        return Sent()

    monkeypatch.setattr(app, "send_task", send_task)
    row = FailedTask.objects.get(task_id="failing-4")
    response = client.post(
        "/admin/core/failedtask/",
        {"action": "retry_tasks", "_selected_action": [row.pk]},
        follow=True,
    )
    assert response.status_code == 200 and "Queued 1 task(s) again." in response.content.decode()
    assert sent == [("tests.observability.always_fails", [7], {"reason": "timeout"})]
    row.refresh_from_db()
    assert row.resolved and row.retried_as == "new-task-id" and row.retried_at is not None
    assert not FailedTask.objects.get(task_id="failing-5").resolved


def test_retrying_while_the_broker_is_down_says_so_and_keeps_the_task_unresolved(client, monkeypatch):
    from kombu.exceptions import OperationalError as BrokerError

    always_fails.apply(args=[9], task_id="failing-6")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    def refuse(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(app, "send_task", refuse)
    row = FailedTask.objects.get(task_id="failing-6")
    response = client.post(
        "/admin/core/failedtask/", {"action": "retry_tasks", "_selected_action": [row.pk]}, follow=True
    )
    assert "Could not queue tests.observability.always_fails" in response.content.decode()
    row.refresh_from_db()
    assert not row.resolved


def test_members_cannot_see_failed_tasks(member_client):
    response = member_client.get("/admin/core/failedtask/")
    assert response.status_code == 302 and "/admin/login/" in response.url
