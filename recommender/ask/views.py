"""The /ask/ page: a form, the conversation's turns with their chips and picks, and a status
URL that static/js/ask.js polls while the picks' sentences are written."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from community.core.members import signed_in_member

from . import selectors, services
from .forms import AskForm, BroadenForm


def _page_url(conversation_id: int) -> str:
    return f"{reverse('recommender:ask')}?c={conversation_id}"


def _conversation_param(request: HttpRequest) -> int | None:
    value = request.GET.get("c", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@login_required
def ask(request: HttpRequest) -> HttpResponse:
    member = signed_in_member(request)
    status = 200
    if request.method == "POST":
        form = AskForm(request.POST)
        if form.is_valid():
            try:
                turn = services.ask_request(
                    user=member,
                    text=form.cleaned_data["text"],
                    conversation_id=form.cleaned_data["conversation"],
                )
            except services.AskNotFound:
                raise Http404 from None
            return redirect(f"{_page_url(turn.conversation_id)}#turn-{turn.number}")
        status = 400
        current = selectors.conversation(
            user_id=member.pk, conversation_id=form.cleaned_data.get("conversation")
        )
    else:
        fresh = request.GET.get("new") == "1"
        current = (
            None
            if fresh
            else selectors.conversation(user_id=member.pk, conversation_id=_conversation_param(request))
        )
        form = AskForm(initial={"conversation": current.pk if current else None})
    turns = selectors.turn_views(list(current.turns.order_by("number"))) if current else []
    context = {
        "form": form,
        "current": current,
        "turns": turns,
        "page_path": request.get_full_path(),
        "others": [
            c for c in selectors.conversations(user_id=member.pk) if not current or c.pk != current.pk
        ],
    }
    return render(request, "recommender/ask.html", context, status=status)


@login_required
@require_POST
def broaden(request: HttpRequest) -> HttpResponse:
    form = BroadenForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose a chip to remove.", status=400)
    try:
        turn = services.ask_broaden(
            user=signed_in_member(request), turn_id=form.cleaned_data["turn"], chip=form.cleaned_data["chip"]
        )
    except services.AskNotFound:
        raise Http404 from None
    return redirect(f"{_page_url(turn.conversation_id)}#turn-{turn.number}")


@login_required
@require_POST
def conversation_delete(request: HttpRequest, conversation_id: int) -> HttpResponse:
    try:
        services.ask_conversation_delete(user=signed_in_member(request), conversation_id=conversation_id)
    except services.AskNotFound:
        raise Http404 from None
    return redirect(f"{reverse('recommender:ask')}?new=1")


@login_required
def turn_status(request: HttpRequest, turn_id: int) -> HttpResponse:
    turn = selectors.turn(user_id=signed_in_member(request).pk, turn_id=turn_id)
    if turn is None:
        raise Http404
    view = selectors.turn_views([turn])[0]
    html = render_to_string(
        "recommender/ask_turn.html",
        {"t": view, "page_path": _page_url(turn.conversation_id)},
        request=request,
    )
    return JsonResponse({"status": "pending" if turn.pending else "ready", "html": html})
