"""Moderation's section of "download my data" (registered by ModerationConfig.ready())."""

from __future__ import annotations

from typing import Any

from community.accounts.models import User
from community.core.exports import Shape, model_exclude, section_register, when

MODERATION = 60


def _reports(user: User) -> list[dict[str, Any]]:
    from community.moderation.models import Report

    return [
        {
            "kind": r.kind,
            "post_id": r.target_id,
            "reason": r.reason,
            "note": r.note,
            "status": r.status,
            "created_at": when(r.created_at),
        }
        for r in Report.objects.filter(reporter=user).order_by("created_at", "pk")
    ]


def register() -> None:
    section_register(
        "reports",
        _reports,
        models=("moderation.Report",),
        shape=Shape.OBJECTS,
        help_text="Posts you reported to site staff, with the reason and what became of the report.",
        order=MODERATION,
    )
    model_exclude(
        "moderation.ModerationAction",
        reason="the audit log of what staff did about posts, kept as written; not the member's data",
    )
