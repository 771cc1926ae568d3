from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from community.core.members import signed_in_member
from community.core.viewutils import call_service
from community.moderation import selectors, services
from community.moderation.forms import ReportForm
from community.moderation.models import Kind


@login_required
def report_create(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """A small page with the report form; works without JavaScript."""
    target = selectors.reportable_get(kind=kind, pk=pk)
    back = selectors.target_url(target)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        report = call_service(
            form,
            services.report_create,
            reporter=signed_in_member(request),
            target=target,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        if report is not None:
            messages.success(request, "Thank you: moderators will look at your report.")
            return redirect(back)
    context = {
        "form": form,
        "target": target,
        "kind_label": Kind(kind).label.lower(),
        "excerpt": services.target_text(target),
        "back": back,
    }
    return render(request, "moderation/report_form.html", context, status=400 if form.errors else 200)
