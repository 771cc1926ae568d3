import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")

app = Celery("cinecircle")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def _log_like_the_site(**kwargs: object) -> None:
    """Workers log through settings.LOGGING (JSON lines with the request id in production)
    instead of Celery's own format; connecting this signal keeps Celery's hands off."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


def _connect_task_hooks() -> None:
    from community.core import failures
    from community.core import logging as request_logging

    # The request id follows a request into the tasks it queues (community/core/logging.py).
    signals.before_task_publish.connect(request_logging.task_before_publish, weak=False)
    signals.task_prerun.connect(request_logging.task_prerun, weak=False)
    signals.task_postrun.connect(request_logging.task_postrun, weak=False)
    # A task that failed for good is kept for staff to see and retry (admin: Failed tasks).
    signals.task_failure.connect(failures.on_task_failure, weak=False)


_connect_task_hooks()
