"""The notifications page, marking read, the digest choice (every write is a POST form that
works without JavaScript), and the digest's one-click unsubscribe link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from community.core.members import signed_in_member
from community.core.viewutils import paginate, redirect_back, wants_json
from community.notifications import selectors, services
from community.notifications.forms import NotificationSettingsForm

PER_PAGE = 20
UNSUBSCRIBE_PAGE = "notifications/digest_unsubscribe.html"


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    member = signed_in_member(request)
    page = paginate(request, selectors.notifications_for(user=member), per_page=PER_PAGE)
    context = {"page": page, "items": selectors.items(page.object_list)}
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    member = signed_in_member(request)
    notification = selectors.notification_get(user=member, pk=pk)
    services.notification_mark_read(user=member, notification=notification)
    if wants_json(request):
        return JsonResponse({"id": notification.pk, "unread": selectors.unread_count(user=member)})
    return redirect_back(request, reverse("notifications:index"))


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    member = signed_in_member(request)
    changed = services.notifications_mark_all_read(user=member)
    if wants_json(request):
        return JsonResponse({"marked": changed, "unread": selectors.unread_count(user=member)})
    if changed:
        messages.success(request, f"Marked {changed} notification{'s' if changed != 1 else ''} as read.")
    return redirect_back(request, reverse("notifications:index"))


@login_required
@require_POST
def settings_update(request: HttpRequest) -> HttpResponse:
    """The settings page's "Notifications" form."""
    member = signed_in_member(request)
    form = NotificationSettingsForm(request.POST)
    if form.is_valid():
        services.notification_settings_update(user=member, email_digest=form.cleaned_data["email_digest"])
        if form.cleaned_data["email_digest"]:
            messages.success(request, "You will get a daily email digest of unread notifications.")
        else:
            messages.success(request, "Email digests are off.")
    return redirect(reverse("accounts:settings") + "#notifications-h")


# Exempt from CSRF: mail providers POST "List-Unsubscribe=One-Click" without any cookie (RFC
# 8058). Safe: the signed link, not a session, says whose digest it is, and all it can do is
# turn that member's mail off.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The digest's unsubscribe link. GET only shows a button, since link scanners fetch every
    link in a mail; POST (that button, or the mail provider's one click) turns the digest off."""
    try:
        if request.method == "POST":
            services.digest_unsubscribe(token=token)
        else:
            services.digest_unsubscribe_member(token=token)
    except ValidationError as exc:
        return render(request, UNSUBSCRIBE_PAGE, {"error": exc.messages[0]}, status=400)
    return render(request, UNSUBSCRIBE_PAGE, {"done": request.method == "POST"})
