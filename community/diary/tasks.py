from celery import shared_task

from community.diary.imports import import_job_run


@shared_task(name="community.diary.letterboxd_import", acks_late=True)
def letterboxd_import(job_id: int) -> str:
    """Run one Letterboxd import job (safe to run twice: a job already taken or done is skipped)."""
    job = import_job_run(job_id=job_id)
    return "skipped" if job is None else job.status
