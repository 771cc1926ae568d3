"""{% diary_panel movie %}: the movie page's "Log" form and the member's previous watches;
{% stats_visible person as flag %}: whether the viewer may open the member's stats pages."""

from __future__ import annotations

from typing import Any

from django import template

from community.diary.forms import DiaryLogForm
from community.diary.selectors import previous_watches
from community.diary.stats import stats_viewable

register = template.Library()


@register.inclusion_tag("diary/_movie_panel.html", takes_context=True)
def diary_panel(context: template.Context, movie: Any) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    return {
        "movie": movie,
        "user": user,
        "watches": previous_watches(user=user, movie=movie),
        "form": DiaryLogForm(prefix=DiaryLogForm.prefix_on_movie_page) if user.is_authenticated else None,
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


@register.simple_tag(takes_context=True)
def stats_visible(context: template.Context, person: Any) -> bool:
    """True for the member themself, and for others when the member shares their stats."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return viewer is not None and stats_viewable(owner=person, viewer=viewer)
