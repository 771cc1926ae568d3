"""The member's API tokens on the website: list, make (the key shown once), revoke."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from community.accounts import tokens
from community.core.members import signed_in_member
from community.core.viewutils import call_service


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=tokens.TOKEN_NAME_MAX_LENGTH,
        help_text="What it is for, e.g. “my ratings script”.",
    )


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    member = signed_in_member(request)
    form = TokenCreateForm(request.POST or None)
    new_key = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            made = call_service(form, tokens.token_create, user=member, name=form.cleaned_data["name"])
            if made is not None:
                new_key = made[1]
                form = TokenCreateForm()
        if form.errors:
            status = 400
    context = {
        "form": form,
        "new_key": new_key,
        "tokens": [(token, tokens.expires_at(token)) for token in tokens.tokens_of(user=member)],
        "idle_days": tokens.idle_limit().days,
        "limit": tokens.TOKENS_PER_MEMBER,
    }
    response = render(request, "accounts/tokens.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the page may hold a key shown only once
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if tokens.token_revoke(user=signed_in_member(request), token_id=token_id):
        messages.success(request, "The token was revoked; apps using it can no longer sign in with it.")
    else:
        messages.error(request, "That token does not exist or was already revoked.")
    return redirect("accounts:tokens")
