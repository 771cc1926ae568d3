"""Studio members, managed by the studio's owners: /studio/<slug>/members/.

The console itself (/studio/ and /studio/<slug>/...) lives in recommender/insight. Anyone
outside the studio gets 404 here, whether or not the studio exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from community.core.members import signed_in_member
from community.core.viewutils import call_service
from community.studios.forms import MemberInviteForm, StudioSettingsForm
from community.studios.models import StudioMembership
from community.studios.selectors import studio_member_list, studio_membership_get
from community.studios.services import studio_member_invite, studio_member_remove, studio_settings_update


def _owner_membership(request: HttpRequest, slug: str) -> StudioMembership:
    mine = studio_membership_get(user=signed_in_member(request), slug=slug)
    if mine.role != StudioMembership.Role.OWNER:
        raise PermissionDenied("Only the studio's owners can change its members.")
    return mine


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """Everyone in the studio with their role; owners also get the invite form."""
    member = signed_in_member(request)
    mine = studio_membership_get(user=member, slug=slug)
    studio = mine.studio
    is_owner = mine.role == StudioMembership.Role.OWNER
    form = MemberInviteForm(request.POST or None) if is_owner else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only the studio's owners can change its members.")
        if form.is_valid():
            added = call_service(
                form,
                studio_member_invite,
                studio=studio,
                by=member,
                identifier=form.cleaned_data["identifier"],
                role=form.cleaned_data["role"],
            )
            if added is not None:
                role = added.get_role_display().lower()
                messages.success(request, f"{added.user.username} joined {studio.name} as {role}.")
                return redirect("studios:members", slug=studio.slug)
        status = 400
    context = {
        "studio": studio,
        "is_owner": is_owner,
        "memberships": list(studio_member_list(studio=studio)),
        "me": member,
        "form": form,
        "settings_form": StudioSettingsForm(initial={"show_spoiler_quotes": studio.show_spoiler_quotes})
        if is_owner
        else None,
    }
    return render(request, "studios/members.html", context, status=status)


@login_required
def member_remove(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """GET asks to confirm; POST removes. The last owner stays (the reason is shown)."""
    mine = _owner_membership(request, slug)
    studio = mine.studio
    target = StudioMembership.objects.select_related("user").filter(studio=studio, user_id=user_id).first()
    if target is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            studio_member_remove(studio=studio, by=mine.user, user=target.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"{target.user.username} no longer belongs to {studio.name}.")
            return redirect("studios:members", slug=studio.slug)
    context = {"studio": studio, "target": target, "error": error}
    return render(request, "studios/member_remove.html", context, status=400 if error else 200)


@login_required
def settings_update(request: HttpRequest, slug: str) -> HttpResponse:
    """POST from the members page's settings form (owners only; analysts 403, outsiders 404)."""
    mine = studio_membership_get(user=signed_in_member(request), slug=slug)
    if request.method != "POST":
        return redirect("studios:members", slug=mine.studio.slug)
    form = StudioSettingsForm(request.POST)
    form.is_valid()  # a missing checkbox is "off"; the form has no other way to fail
    studio = studio_settings_update(
        studio=mine.studio,
        by=mine.user,
        show_spoiler_quotes=form.cleaned_data.get("show_spoiler_quotes", False),
    )
    state = "now shows" if studio.show_spoiler_quotes else "no longer shows"
    messages.success(request, f"The console {state} quotes from reviews marked as spoilers.")
    return redirect("studios:members", slug=studio.slug)
