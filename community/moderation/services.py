"""Writes on moderation: members report posts; staff hide, restore and dismiss, all logged.

A post is a review, a discussion thread, a reply or a comment on a list (``Target``). Hiding
sets ``hidden_at`` and ``hidden_reason`` on the post; every read that shows posts filters them out through
``community.moderation.hiding`` (``.visible()`` / ``.visible_to(user)``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from community.accounts.models import User
from community.core import events, pagecache
from community.core.validation import clean_text
from community.discussions.models import Reply, Thread
from community.lists.models import ListComment
from community.moderation.models import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, Kind, ModerationAction, Report
from community.reviews.models import Review

log = logging.getLogger(__name__)

Target = Review | Thread | Reply | ListComment

ALREADY_REPORTED = "You already reported this."
# The homepage's "recent reviews" block, kept for everyone for a few seconds (community.core.views).
RECENT_REVIEWS_KEY = "home:recent-reviews"


def target_kind(target: Target) -> str:
    if isinstance(target, Review):
        return Kind.REVIEW
    if isinstance(target, Thread):
        return Kind.THREAD
    if isinstance(target, ListComment):
        return Kind.LIST_COMMENT
    return Kind.REPLY


def target_author_id(target: Target) -> int | None:
    return target.user_id if isinstance(target, Review) else target.author_id


def target_text(target: Target) -> str:
    """The words a moderator acts on (kept in the audit log as they were)."""
    if isinstance(target, Thread):
        return f"{target.title}\n\n{target.body}".strip()
    return target.body


def _target_filter(target: Target) -> dict[str, Any]:
    return {target_kind(target): target}


def _require_staff(user: User) -> None:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise PermissionDenied("Only site staff can moderate.")


def _clean_reason(reason: object) -> str:
    return clean_text(reason, field="reason", max_length=REASON_MAX_LENGTH)


def report_create(*, reporter: User, target: Target, reason: str, note: str = "") -> Report:
    """Report someone else's post, once per member and post.

    Raises ValidationError ({"reason": ...}, {"note": ...} or a non-field "You already
    reported this.") for bad input and repeats; PermissionDenied for visitors.
    """
    if not reporter.is_authenticated or not reporter.is_active:
        raise PermissionDenied("Log in to report a post.")
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": "Choose one of the reasons."})
    note = str(note or "").replace("\x00", "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": f"Keep it under {NOTE_MAX_LENGTH:,} characters (it has {len(note):,})."}
        )
    if target_author_id(target) == reporter.pk:
        raise ValidationError("You cannot report your own post.")
    if target.hidden_at is not None:
        raise ValidationError("Moderators have already hidden this.")
    if Report.objects.filter(reporter=reporter, **_target_filter(target)).exists():
        raise ValidationError(ALREADY_REPORTED)
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter,
                reason=reason,
                note=note,
                created_at=timezone.now(),
                **_target_filter(target),
            )
    except IntegrityError:  # the same member, twice at once
        raise ValidationError(ALREADY_REPORTED) from None


def _log(*, staff: User, action: str, target: Target, reason: str, report_count: int = 0) -> ModerationAction:
    author_id = target_author_id(target)
    author = User.objects.filter(pk=author_id).values_list("username", flat=True).first() if author_id else ""
    return ModerationAction.objects.create(
        actor=staff,
        actor_username=staff.get_username(),
        created_at=timezone.now(),
        action=action,
        kind=target_kind(target),
        object_id=target.pk,
        author_username=author or "",
        reason=reason,
        snapshot=target_text(target),
        report_count=report_count,
    )


def _close_reports(*, staff: User, target: Target, status: str) -> int:
    return Report.objects.filter(status=Report.Status.OPEN, **_target_filter(target)).update(
        status=status, resolved_at=timezone.now(), resolved_by=staff
    )


def _after_visibility_change(target: Target, *, hidden: bool) -> None:
    """Keep what shows the post in step: counters, caches, the recommender's inputs."""
    from community.discussions.services import thread_counts_refresh
    from community.movies.services import movie_stats_refresh

    if isinstance(target, Review):
        movie_stats_refresh(movie_ids=[target.movie_id])
        events.send_on_commit(
            events.review_visibility_changed,
            review_id=target.pk,
            user_id=target.user_id,
            movie_id=target.movie_id,
            hidden=hidden,
        )
        transaction.on_commit(lambda: cache.delete(RECENT_REVIEWS_KEY), robust=True)
        if not hidden:
            # It may have been edited while hidden (the analysis skips hidden reviews): have it
            # analysed again if its text changed, as after any edit.
            events.send_on_commit(
                events.review_saved,
                review_id=target.pk,
                user_id=target.user_id,
                movie_id=target.movie_id,
                text_changed=True,
            )
    elif isinstance(target, Reply):
        thread_counts_refresh(thread_ids=[target.thread_id])
    # The author's own cached pages show the post marked (or not any more).
    pagecache.member_pages_changed(target_author_id(target))


def content_hide(*, staff: User, target: Target, reason: str) -> ModerationAction:
    """Hide a post from everyone but its author, closing its open reports; logged.

    Hiding a hidden post again only updates the reason (and is logged too).
    """
    _require_staff(staff)
    why = _clean_reason(reason)
    with transaction.atomic():
        target = type(target).objects.select_for_update().get(pk=target.pk)
        was_hidden = target.hidden_at is not None
        target.hidden_at = target.hidden_at or timezone.now()
        target.hidden_reason = why
        target.save(update_fields=["hidden_at", "hidden_reason"])
        closed = _close_reports(staff=staff, target=target, status=Report.Status.HIDDEN)
        entry = _log(
            staff=staff, action=ModerationAction.Action.HIDE, target=target, reason=why, report_count=closed
        )
        if not was_hidden:
            _after_visibility_change(target, hidden=True)
    log.info("moderation: %s hid %s %s", staff.pk, entry.kind, target.pk)
    return entry


def content_restore(*, staff: User, target: Target, reason: str) -> ModerationAction:
    """Show a hidden post again (and close any report still open on it); logged."""
    _require_staff(staff)
    why = _clean_reason(reason)
    with transaction.atomic():
        target = type(target).objects.select_for_update().get(pk=target.pk)
        was_hidden = target.hidden_at is not None
        target.hidden_at = None
        target.hidden_reason = ""
        target.save(update_fields=["hidden_at", "hidden_reason"])
        closed = _close_reports(staff=staff, target=target, status=Report.Status.RESTORED)
        entry = _log(
            staff=staff,
            action=ModerationAction.Action.RESTORE,
            target=target,
            reason=why,
            report_count=closed,
        )
        if was_hidden:
            _after_visibility_change(target, hidden=False)
    log.info("moderation: %s restored %s %s", staff.pk, entry.kind, target.pk)
    return entry


def report_dismiss(*, staff: User, report: Report, reason: str) -> ModerationAction | None:
    """Close an open report without acting on the post; logged. None if it was already closed."""
    _require_staff(staff)
    why = _clean_reason(reason)
    with transaction.atomic():
        updated = Report.objects.filter(pk=report.pk, status=Report.Status.OPEN).update(
            status=Report.Status.DISMISSED, resolved_at=timezone.now(), resolved_by=staff
        )
        if not updated:
            return None
        target = report.target
        return _log(
            staff=staff, action=ModerationAction.Action.DISMISS, target=target, reason=why, report_count=1
        )
