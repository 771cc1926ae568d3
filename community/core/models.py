from django.db import models


class FailedTask(models.Model):
    """A Celery task that failed for good (no retries left), kept for staff to read and retry.

    One row per task id: the same task failing again (Celery delivering it once more) updates
    the row. Written by `community.core.failures.on_task_failure`; "Retry" in the admin queues
    the task again with the same arguments.
    """

    task_name = models.CharField(max_length=255, db_index=True)
    task_id = models.CharField(max_length=255, unique=True)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    exception_type = models.CharField(max_length=255, db_index=True)
    exception_message = models.TextField(blank=True)
    traceback = models.TextField(blank=True)
    retries = models.PositiveIntegerField(default=0, help_text="Retries Celery made before giving up.")
    failures = models.PositiveIntegerField(default=1, help_text="Times this task id failed for good.")
    request_id = models.CharField(
        max_length=64, blank=True, help_text="The request that queued it, for the logs."
    )
    first_failed_at = models.DateTimeField()
    last_failed_at = models.DateTimeField(db_index=True)
    resolved = models.BooleanField(default=False, db_index=True)
    retried_at = models.DateTimeField(null=True, blank=True)
    retried_as = models.CharField(max_length=255, blank=True, help_text="Task id of the last retry.")

    class Meta:
        ordering = ["-last_failed_at"]

    def __str__(self) -> str:
        return f"{self.task_name} [{self.task_id}] {self.exception_type}"
