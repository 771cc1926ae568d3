"""The language-model panels: "Draft my review" and discussion suggestions.

Both sit on the movie page; the draft panel also sits on the review form page. Asking is a
plain form POST that redirects back to the page the panel is on; static/js/ai.js sends the
same POST with fetch and then polls the status URL, which answers the panel's HTML.
Without JavaScript the draft panel's buttons submit the review form beside it to these views
(`formaction`), so what the member typed there comes along: it is kept in the session and the
page the redirect lands on shows it again (community.reviews.forms.typed_review_keep).
Community's pages show these panels through the `recommender_llm` template tags, so the
community floor still imports nothing from the recommender.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from community.accounts.models import User
from community.core.members import signed_in_member
from community.core.viewutils import wants_json
from community.discussions.selectors import thread_list
from community.movies.models import Movie
from community.movies.selectors import movie_get
from community.reviews.forms import typed_review_keep
from community.reviews.selectors import rating_for
from recommender import selectors_llm
from recommender.models import GeneratedText
from recommender.preparation import preparation
from recommender.services.budget import GenerationBudgetSpent
from recommender.services.generation import (
    GenerationRefused,
    generated_text_discard,
    generated_text_request,
)

# URL word -> (kind, template of the panel, anchor on the movie page)
PANELS = {
    "review-draft": (GeneratedText.Kind.REVIEW_DRAFT, "recommender/ai_review_draft.html", "ai-review-draft"),
    "discussion-suggestions": (
        GeneratedText.Kind.DISCUSSION_SUGGESTIONS,
        "recommender/ai_discussion_suggestions.html",
        "ai-suggestions",
    ),
}

# Pages other than the movie page that show a panel, by the `on` value their panel sends
# along (in the status URL's query and as a field of its forms), with the page's URL name.
# The panel then shows that page's variant and a request without JavaScript returns there.
HOST_PAGES = {"review-form": "reviews:create"}

MOVIE_PAGE_THREADS = 5  # the movie page lists the five most recently active threads


def _panel(panel: str) -> tuple[str, str, str]:
    if panel not in PANELS:
        raise Http404
    return PANELS[panel]


def _host(request: HttpRequest) -> str:
    """The `on` value a panel sent (a key of HOST_PAGES), or "" for the movie page."""
    on = request.POST.get("on") or request.GET.get("on") or ""
    return on if on in HOST_PAGES else ""


def _page_url(movie: Movie, on: str) -> str:
    return reverse(HOST_PAGES[on], kwargs={"slug": movie.slug}) if on else movie.get_absolute_url()


def panel_context(
    *,
    user: User,
    movie: Movie,
    panel: str,
    on: str = "",
    rated: bool | None = None,
    listed_thread_ids: list[int] | None = None,
) -> dict[str, Any]:
    """What a panel shows.

    `on` names the page the panel sits on (a key of HOST_PAGES; "" is the movie page).
    A page that has read them already may pass `rated` (the member rated the movie) and
    `listed_thread_ids` (the threads it lists under Discussions, not suggested again).
    """
    kind, _, anchor = _panel(panel)
    prep = preparation()
    text = selectors_llm.generated_text(user_id=user.pk, movie_id=movie.pk, kind=kind)
    context: dict[str, Any] = {
        "movie": movie,
        "panel": panel,
        "anchor": anchor,
        "on": on,
        "on_query": f"?on={on}" if on else "",  # `on` is a key of HOST_PAGES: nothing to escape
        # A ready draft goes into the movie page's review box (ai_review_form keeps what the
        # member typed there instead); elsewhere it is shown to read and copy.
        "draft_in_box": not on,
        "text": text,
        "status": text.status if text is not None else "none",
        "warming_up": prep.warming_up,
        "warming_up_notice": prep.notice,
        "preparation": prep,
    }
    if kind == GeneratedText.Kind.REVIEW_DRAFT:
        if rated is None:
            rated = rating_for(user=user, movie=movie) is not None
        context["rated"] = rated
    else:
        context["questions"] = selectors_llm.suggested_questions(text)
        if listed_thread_ids is None:
            listed_thread_ids = [t.pk for t in thread_list(movie=movie)[:MOVIE_PAGE_THREADS]]
        context["similar_threads"] = selectors_llm.suggested_threads(text, exclude_ids=listed_thread_ids)
    return context


def panel_html(request: HttpRequest, *, user: User, movie: Movie, panel: str, **known: Any) -> str:
    _, template, _ = _panel(panel)
    context = panel_context(user=user, movie=movie, panel=panel, **known)
    return render_to_string(template, context, request=request)


def _panel_json(
    request: HttpRequest, *, member: User, movie: Movie, panel: str, message: str = ""
) -> JsonResponse:
    context = panel_context(user=member, movie=movie, panel=panel, on=_host(request))
    context["message"] = message
    html = render_to_string(_panel(panel)[1], context, request=request)
    response = JsonResponse({"status": context["status"], "message": message, "html": html})
    response["Cache-Control"] = "no-store"
    return response


def _answer(
    request: HttpRequest,
    *,
    member: User,
    movie: Movie,
    panel: str,
    message: str = "",
    level: int = messages.INFO,
) -> HttpResponse:
    """The panel as JSON for fetch(), else a redirect back to it on the page it is on."""
    if wants_json(request):
        return _panel_json(request, member=member, movie=movie, panel=panel, message=message)
    if message:
        messages.add_message(request, level, message)
    return redirect(f"{_page_url(movie, _host(request))}#{_panel(panel)[2]}")


def _keep_typed_review(request: HttpRequest, *, member: User, movie: Movie, draft: str = "") -> None:
    """Keep the review form fields a request without JavaScript brought along for the page it
    returns to. `draft` is the draft being discarded: in the box as the page put it, it is no
    text of the member's (ai.js empties the box then too)."""
    if not wants_json(request):
        typed_review_keep(request, user=member, movie=movie, data=request.POST, leave_out_body=draft)


@login_required
@require_http_methods(["GET", "POST"])
def generated_text_status(request: HttpRequest, slug: str, panel: str) -> HttpResponse:
    """The signed-in member's own text of this kind: {"status": ..., "html": the panel}.

    A POST is the panel's "Check again" without JavaScript, which submits the review form: it
    returns to the page with what the member typed.
    """
    _panel(panel)
    movie = movie_get(slug=slug)
    member = signed_in_member(request)
    if request.method == "POST":
        _keep_typed_review(request, member=member, movie=movie)
        return _answer(request, member=member, movie=movie, panel=panel)
    return _panel_json(request, member=member, movie=movie, panel=panel)


@login_required
@require_POST
def generated_text_ask(request: HttpRequest, slug: str, panel: str) -> HttpResponse:
    kind, _, _ = _panel(panel)
    movie = movie_get(slug=slug)
    member = signed_in_member(request)
    _keep_typed_review(request, member=member, movie=movie)
    try:
        # The API's rule too: refused, already pending (shows its progress, costs nothing),
        # or queued against the member's generation budget.
        generated_text_request(user=member, movie=movie, kind=kind)
    except GenerationRefused as refused:
        return _answer(request, member=member, movie=movie, panel=panel, message=str(refused))
    except GenerationBudgetSpent as spent:
        # The member's one budget, shared with the API and the explanations of their rows.
        return _answer(
            request, member=member, movie=movie, panel=panel, message=str(spent), level=messages.ERROR
        )
    return _answer(request, member=member, movie=movie, panel=panel)


@login_required
@require_POST
def generated_text_forget(request: HttpRequest, slug: str, panel: str) -> HttpResponse:
    kind, _, _ = _panel(panel)
    movie = movie_get(slug=slug)
    member = signed_in_member(request)
    current = selectors_llm.generated_text(user_id=member.pk, movie_id=movie.pk, kind=kind)
    _keep_typed_review(request, member=member, movie=movie, draft=current.text if current is not None else "")
    generated_text_discard(user=member, movie=movie, kind=kind)
    message = "The AI draft was discarded." if panel == "review-draft" else "The suggestions were discarded."
    return _answer(request, member=member, movie=movie, panel=panel, message=message, level=messages.SUCCESS)
