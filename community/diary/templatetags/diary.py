"""{% diary_panel movie %}: the movie page's "Log" form and the member's previous watches."""

from __future__ import annotations

from typing import Any

from django import template

from community.diary.forms import DiaryLogForm
from community.diary.selectors import previous_watches

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
