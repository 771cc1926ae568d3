"""Subscriptions to community's events. Each receiver queues a task and does nothing else."""

from django.dispatch import receiver  # noqa: F401

from community.core import events  # noqa: F401
