"""Writes on film lists: the lists, their films, collaborators, likes and comments.

Who may do what:
- the owner edits the list (title, description, ranked, visibility, collaborative), deletes it,
  invites and removes collaborators;
- an accepted collaborator of a collaborative list adds, removes, annotates and reorders its
  films, and may leave; never deletes the list nor changes who sees it;
- any member who can see a public list likes it and comments on it; a comment's author edits
  and deletes it.

Importing and exporting the Letterboxd list format: ``import_letterboxd_list`` and
``export_letterboxd_list`` (written in community/lists/transfer.py, offered here).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from community.accounts.models import User, Visibility
from community.accounts.verification import posting_limit_check
from community.core.validation import clean_text
from community.lists import selectors
from community.lists.models import (
    COMMENT_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    FilmList,
    ListCollaborator,
    ListComment,
    ListEntry,
    ListLike,
)
from community.lists.transfer import ListImportResult as ListImportResult
from community.lists.transfer import UnmatchedFilm as UnmatchedFilm
from community.lists.transfer import export_letterboxd_list as export_letterboxd_list
from community.lists.transfer import import_letterboxd_list as import_letterboxd_list
from community.moderation.services import content_hide, content_restore
from community.movies.models import Movie
from community.notifications.models import Notification
from community.notifications.services import notification_emit

ALREADY_ON_LIST = "This film is already on the list."
ONLY_OWNER = "Only the list's owner can do that."
ONLY_EDITORS = "Only the list's owner and its collaborators can change its films."
ONLY_PUBLIC = "Only public lists can be liked and commented on."


def _require_member(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Log in to do that.")


def _require_owner(film_list: FilmList, user: User) -> None:
    _require_member(user)
    if film_list.owner_id is None or film_list.owner_id != user.pk:
        raise PermissionDenied(ONLY_OWNER)


def _require_editor(film_list: FilmList, user: User) -> None:
    _require_member(user)
    if not selectors.can_manage_entries(film_list=film_list, user=user):
        raise PermissionDenied(ONLY_EDITORS)


def _clean_visibility(value: str) -> str:
    if value not in Visibility.values:
        allowed = ", ".join(f'"{v}"' for v in Visibility.values)
        raise ValidationError({"visibility": f"Choose one of {allowed}."})
    return value


def _clean_optional(value: object, *, field: str, max_length: int) -> str:
    text = str(value or "").replace("\x00", "").replace("\r\n", "\n").strip()
    if len(text) > max_length:
        raise ValidationError({field: f"Keep it under {max_length:,} characters (it has {len(text):,})."})
    return text


def _touch(film_list: FilmList) -> None:
    film_list.updated_at = timezone.now()
    FilmList.objects.filter(pk=film_list.pk).update(updated_at=film_list.updated_at)


def _lock(film_list: FilmList) -> None:
    """Serialise changes to one list's order (two members adding at once get distinct places)."""
    list(FilmList.objects.select_for_update().filter(pk=film_list.pk).values_list("pk", flat=True))


# --- lists ---


def list_create(
    *,
    owner: User,
    title: str,
    description: str = "",
    ranked: bool = False,
    visibility: str = Visibility.PUBLIC,
    collaborative: bool = False,
) -> FilmList:
    """Start a list. Raises ValidationError naming the field for a bad title, description or
    visibility."""
    _require_member(owner)
    now = timezone.now()
    return FilmList.objects.create(
        owner=owner,
        title=clean_text(title, field="title", max_length=TITLE_MAX_LENGTH),
        description=_clean_optional(description, field="description", max_length=DESCRIPTION_MAX_LENGTH),
        ranked=bool(ranked),
        visibility=_clean_visibility(visibility),
        collaborative=bool(collaborative),
        created_at=now,
        updated_at=now,
    )


def list_update(
    *,
    film_list: FilmList,
    user: User,
    title: str,
    description: str,
    ranked: bool,
    visibility: str,
    collaborative: bool,
) -> FilmList:
    """The owner changes the list's details and who sees it."""
    _require_owner(film_list, user)
    film_list.title = clean_text(title, field="title", max_length=TITLE_MAX_LENGTH)
    film_list.description = _clean_optional(
        description, field="description", max_length=DESCRIPTION_MAX_LENGTH
    )
    film_list.ranked = bool(ranked)
    film_list.visibility = _clean_visibility(visibility)
    film_list.collaborative = bool(collaborative)
    film_list.updated_at = timezone.now()
    film_list.save(
        update_fields=["title", "description", "ranked", "visibility", "collaborative", "updated_at"]
    )
    return film_list


def list_has_others_comments(film_list: FilmList) -> bool:
    return film_list.comments.exclude(author_id=film_list.owner_id).exists()


def _orphan(film_list: FilmList) -> None:
    """Keep a list for the comments others wrote on it, without the owner's words: no owner
    (shown as "deleted member"), no description, no notes, no collaborators."""
    film_list.owner = None
    film_list.description = ""
    film_list.collaborative = False
    film_list.letterboxd_url = ""
    film_list.save(update_fields=["owner", "description", "collaborative", "letterboxd_url"])
    film_list.entries.update(note="")
    film_list.collaborators.all().delete()
    film_list.likes.all().delete()


def list_delete(*, film_list: FilmList, user: User) -> bool:
    """The owner deletes the list; returns whether it is gone entirely.

    A public list other members commented on stays for their comments (their words, not the
    owner's): it loses its owner, description, notes and collaborators, and keeps its title
    and films so the comments keep their sense. Any other list goes with its films, likes,
    comments and invitations.
    """
    _require_owner(film_list, user)
    with transaction.atomic():
        if film_list.visibility == Visibility.PUBLIC and list_has_others_comments(film_list):
            _orphan(film_list)
            return False
        film_list.delete()
    return True


def lists_owner_leaving(*, user: User) -> None:
    """Before an account is deleted (community.accounts.services.account_delete): nothing the
    member deletes takes someone else's words with it.

    - A collaborative list with accepted collaborators passes to the one who accepted first
      (their films and notes are theirs too); the leaver's description and notes go.
    - A public list others commented on stays for those comments, without owner (as
      ``list_delete``).
    - Every other list goes. Notes the member wrote on others' lists are emptied; the films they
      added stay on those lists (they belong to the lists' owners), without a name.
    """
    for film_list in FilmList.objects.filter(owner=user).select_for_update():
        heir = (
            film_list.collaborators.filter(status=ListCollaborator.Status.ACCEPTED)
            .exclude(member=user)
            .order_by("accepted_at", "pk")
            .first()
            if film_list.collaborative
            else None
        )
        if heir is not None:
            film_list.owner_id = heir.member_id
            film_list.description = ""
            film_list.save(update_fields=["owner", "description"])
            film_list.entries.filter(added_by=user).update(note="")
            heir.delete()
        elif film_list.visibility == Visibility.PUBLIC and list_has_others_comments(film_list):
            _orphan(film_list)
        else:
            film_list.delete()
    ListEntry.objects.filter(added_by=user).exclude(film_list__owner=user).update(note="")


# --- films on a list ---


def entry_add(*, film_list: FilmList, user: User, movie: Movie, note: str = "") -> ListEntry:
    """Put a film at the end of the list (once: ValidationError on ``movie`` the second time)."""
    _require_editor(film_list, user)
    text = _clean_optional(note, field="note", max_length=NOTE_MAX_LENGTH)
    with transaction.atomic():
        _lock(film_list)
        if ListEntry.objects.filter(film_list=film_list, movie=movie).exists():
            raise ValidationError({"movie": ALREADY_ON_LIST})
        last = ListEntry.objects.filter(film_list=film_list).aggregate(m=Max("position"))["m"] or 0
        try:
            with transaction.atomic():
                entry = ListEntry.objects.create(
                    film_list=film_list,
                    movie=movie,
                    position=last + 1,
                    note=text,
                    added_by=user,
                    created_at=timezone.now(),
                )
        except IntegrityError:
            raise ValidationError({"movie": ALREADY_ON_LIST}) from None
        _touch(film_list)
    return entry


def entry_update(*, entry: ListEntry, user: User, note: str) -> ListEntry:
    """Change the note on one film of the list."""
    _require_editor(entry.film_list, user)
    entry.note = _clean_optional(note, field="note", max_length=NOTE_MAX_LENGTH)
    entry.save(update_fields=["note"])
    _touch(entry.film_list)
    return entry


def entry_remove(*, entry: ListEntry, user: User) -> None:
    """Take a film off the list; the films after it move up one place."""
    film_list = entry.film_list
    _require_editor(film_list, user)
    with transaction.atomic():
        _lock(film_list)
        deleted, _ = ListEntry.objects.filter(pk=entry.pk).delete()
        if deleted:
            ListEntry.objects.filter(film_list=film_list, position__gt=entry.position).update(
                position=F("position") - 1
            )
        _touch(film_list)


def entry_move(*, entry: ListEntry, user: User, direction: str) -> ListEntry:
    """Swap the film with its neighbour above ("up") or below ("down"); at an end, nothing moves."""
    film_list = entry.film_list
    _require_editor(film_list, user)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": 'Choose "up" or "down".'})
    with transaction.atomic():
        _lock(film_list)
        entry.refresh_from_db(fields=["position"])
        target = entry.position - 1 if direction == "up" else entry.position + 1
        neighbour = ListEntry.objects.filter(film_list=film_list, position=target).first()
        if neighbour is not None:
            ListEntry.objects.filter(pk=neighbour.pk).update(position=entry.position)
            ListEntry.objects.filter(pk=entry.pk).update(position=target)
            entry.position = target
            _touch(film_list)
    return entry


def entries_reorder(*, film_list: FilmList, user: User, entry_ids: list[int]) -> list[ListEntry]:
    """Put the list's films in the given order: ``entry_ids`` names each of them exactly once."""
    _require_editor(film_list, user)
    with transaction.atomic():
        _lock(film_list)
        entries = {e.pk: e for e in ListEntry.objects.filter(film_list=film_list)}
        if len(entry_ids) != len(set(entry_ids)) or set(entry_ids) != set(entries):
            raise ValidationError(
                {"entry_ids": "Give every film of the list exactly once, in the new order."}
            )
        for position, pk in enumerate(entry_ids, start=1):
            entries[pk].position = position
        ListEntry.objects.bulk_update(list(entries.values()), ["position"])
        _touch(film_list)
    return [entries[pk] for pk in entry_ids]


# --- collaborators ---


def collaborator_invite(*, film_list: FilmList, user: User, member: User) -> ListCollaborator:
    """The owner invites a member to a collaborative list; they accept or decline. Inviting
    someone already invited is harmless."""
    _require_owner(film_list, user)
    if not film_list.collaborative:
        raise ValidationError({"username": "Make the list collaborative first."})
    if member.pk == user.pk:
        raise ValidationError({"username": "You own this list already."})
    if not member.is_active or member.is_imported:
        raise ValidationError({"username": "No member with this username."})
    with transaction.atomic():
        invitation, created = ListCollaborator.objects.get_or_create(
            film_list=film_list, member=member, defaults={"invited_at": timezone.now()}
        )
        if created:
            notification_emit(
                recipient_id=member.pk, actor=user, verb=Notification.Verb.LIST_INVITED, invitation=invitation
            )
    return invitation


def invitation_accept(*, invitation: ListCollaborator, user: User) -> ListCollaborator:
    """The invitee accepts: from now on they change the list's films."""
    _require_member(user)
    if invitation.member_id != user.pk:
        raise PermissionDenied("This invitation is for someone else.")
    if invitation.status != ListCollaborator.Status.ACCEPTED:
        invitation.status = ListCollaborator.Status.ACCEPTED
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["status", "accepted_at"])
    return invitation


def collaborator_remove(*, film_list: FilmList, user: User, member: User) -> bool:
    """The owner withdraws an invitation or removes a collaborator; a member declines an
    invitation or leaves. Returns whether a row went."""
    _require_member(user)
    if user.pk != member.pk:
        _require_owner(film_list, user)
    deleted, _ = ListCollaborator.objects.filter(film_list=film_list, member=member).delete()
    return bool(deleted)


# --- likes and comments ---


def _require_public_and_visible(film_list: FilmList, user: User) -> None:
    if film_list.visibility != Visibility.PUBLIC:
        raise ValidationError(ONLY_PUBLIC)


def list_like_set(*, film_list: FilmList, user: User, liked: bool) -> bool:
    """Like (or stop liking) a public list; returns whether the member likes it now. Repeating
    either is harmless."""
    _require_member(user)
    if liked:
        _require_public_and_visible(film_list, user)
        ListLike.objects.get_or_create(
            user=user, film_list=film_list, defaults={"created_at": timezone.now()}
        )
        return True
    ListLike.objects.filter(user=user, film_list=film_list).delete()
    return False


def comment_create(*, film_list: FilmList, user: User, body: str) -> ListComment:
    """Comment on a public list (a few a day until the account's address is verified)."""
    _require_member(user)
    _require_public_and_visible(film_list, user)
    text = clean_text(body, field="body", max_length=COMMENT_MAX_LENGTH)
    now = timezone.now()
    with transaction.atomic():
        posting_limit_check(user=user, posted=ListComment.objects.filter(author=user), noun="comments")
        comment = ListComment.objects.create(
            film_list=film_list, author=user, body=text, created_at=now, updated_at=now
        )
        notification_emit(
            recipient_id=film_list.owner_id,
            actor=user,
            verb=Notification.Verb.LIST_COMMENTED,
            list_comment=comment,
        )
    return comment


def _require_comment_author(comment: ListComment, user: User) -> None:
    _require_member(user)
    if comment.author_id != user.pk:
        raise PermissionDenied("Only the author can change this comment.")


def comment_update(*, comment: ListComment, user: User, body: str) -> ListComment:
    _require_comment_author(comment, user)
    comment.body = clean_text(body, field="body", max_length=COMMENT_MAX_LENGTH)
    comment.updated_at = timezone.now()
    comment.save(update_fields=["body", "updated_at"])
    return comment


def comment_delete(*, comment: ListComment, user: User) -> None:
    _require_comment_author(comment, user)
    comment.delete()


def comment_visibility_set(*, staff: User, comment: ListComment, reason: str, hidden: bool) -> ListComment:
    """Site staff hide a comment from everyone but its author (who sees the reason), or show it
    again: through the moderation services, like reviews and discussion posts, so the action is
    in the audit log and closes the comment's open reports. Used by the admin's actions."""
    if hidden:
        content_hide(staff=staff, target=comment, reason=reason)
    else:
        content_restore(staff=staff, target=comment, reason=reason)
    comment.refresh_from_db(fields=["hidden_at", "hidden_reason"])
    return comment
