"""Pages reached from mail: the password reset (Django's views with the site's templates and a
per-address limit) and the links that verify an email address."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from community.accounts import verification
from community.accounts.forms_email import PasswordResetForm, SetPasswordForm
from community.core.api.throttles import PasswordResetRateThrottle, throttle_web
from community.core.members import signed_in_member


def _wait_message(wait: int) -> str:
    minutes = max(1, -(-wait // 60))
    return f"Too many requests from your network. Try again in {minutes} minute{'s' if minutes != 1 else ''}."


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link. Whether or not the address belongs to an account, the answer is
    the same page, and only members who can log in get mail."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        wait = throttle_web(request, PasswordResetRateThrottle())
        if wait:
            form = self.get_form()
            form.is_valid()
            form.add_error(None, _wait_message(wait))
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        self.extra_email_context = {"timeout_minutes": _timeout_minutes()}
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timeout_minutes"] = _timeout_minutes()
        return context


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timeout_minutes"] = _timeout_minutes()
        return context


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's check of the link (expiry, single use: the token hashes the password and the
    last login), then ``verification.password_reset_complete``."""

    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timeout_minutes"] = _timeout_minutes()
        return context

    def render_to_response(self, context, **response_kwargs):
        if not context.get("validlink"):
            response_kwargs.setdefault("status", 400)
        return super().render_to_response(context, **response_kwargs)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _timeout_minutes() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 60)


@never_cache
def email_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Follow a verification link: verify the address or swap in the pending one."""
    try:
        user, outcome = verification.email_verify(token=token)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:settings" if request.user.is_authenticated else "home")
    if outcome is verification.Outcome.CHANGED:
        messages.success(request, f"Your email address is now {user.email}.")
    elif outcome is verification.Outcome.VERIFIED:
        messages.success(request, f"Thank you: {user.email} is verified.")
    else:
        messages.info(request, f"{user.email} was already verified.")
    # Redirect, so the link's token does not stay in the address bar or a Referer header.
    if request.user.is_authenticated and request.user.pk == user.pk:
        return redirect(reverse("accounts:settings") + "#email-h")
    return redirect("home")


@login_required
@require_POST
def email_verification_resend(request: HttpRequest) -> HttpResponse:
    user = signed_in_member(request)
    wait = throttle_web(request, PasswordResetRateThrottle())
    if wait:
        messages.error(request, _wait_message(wait))
        return redirect(reverse("accounts:settings") + "#email-h")
    address = verification.email_verification_send(user=user, site_url=request.build_absolute_uri("/"))
    if address:
        messages.success(request, f"We sent a new link to {address}.")
    else:
        messages.info(request, "There is no address waiting to be verified.")
    return redirect(reverse("accounts:settings") + "#email-h")


@login_required
@require_POST
def email_change_cancel(request: HttpRequest) -> HttpResponse:
    if verification.email_change_cancel(user=signed_in_member(request)):
        messages.success(request, "The change of address was cancelled; its link no longer works.")
    return redirect(reverse("accounts:settings") + "#email-h")
