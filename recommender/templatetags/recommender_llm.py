"""``{% ai_review_form movie form rating %}``, ``{% ai_review_draft movie rating %}`` and
``{% ai_discussion_suggestions movie %}``.

They read what the generation tasks stored; neither runs a model. They render for signed-in
members only (a visitor gets an empty string).
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from community.reviews.forms import ReviewForm
from recommender.views_llm import panel_context, panel_html

register = template.Library()


@register.simple_tag(takes_context=True)
def ai_review_form(context, movie, form, rating) -> str:
    """The "Draft my review" panel above the review form; a ready draft fills the form's text.

    `rating` is the member's rating of the movie (None if unrated), as the page read it. Text
    the form already holds (what the member typed before a request without JavaScript) stays
    in the box; the draft is then shown beside it to read and copy.
    """
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    panel = panel_context(user=request.user, movie=movie, panel="review-draft", rated=rating is not None)
    if panel["status"] == "ready" and panel["rated"] and (form is None or not form.is_bound):
        typed = {} if form is None else form.initial
        if typed.get("body"):
            panel["draft_in_box"] = False
        else:
            form = ReviewForm(initial={**typed, "body": panel["text"].text})
    panel["form"] = form or ReviewForm()
    return render_to_string("recommender/ai_review_form.html", panel, request=request)


@register.simple_tag(takes_context=True)
def ai_review_draft(context, movie, rating) -> str:
    """The "Draft my review" panel for the review form page, which has its own form below it.

    A ready draft is shown to read and copy, and ai.js offers to put it into the form's text
    box; the server never fills the box, so what the member typed stays as it is.
    `rating` is the member's rating of the movie (None if unrated), as the page read it.
    """
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    return panel_html(
        request,
        user=request.user,
        movie=movie,
        panel="review-draft",
        on="review-form",
        rated=rating is not None,
    )


@register.simple_tag(takes_context=True)
def ai_discussion_suggestions(context, movie, listed_threads=None) -> str:
    """Suggested questions; `listed_threads` (those the page lists) are not suggested again."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    listed = None if listed_threads is None else [t.pk for t in listed_threads]
    return panel_html(
        request, user=request.user, movie=movie, panel="discussion-suggestions", listed_thread_ids=listed
    )
