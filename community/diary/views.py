"""The diary's pages: logging from the movie page, the diary by month, tags, and the
Letterboxd import and export. Thin: each validates, calls one service or selector, renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from community.accounts.selectors import user_get_public
from community.core.members import signed_in_member
from community.core.viewutils import add_service_errors, paginate, template_tag_available
from community.diary import charts, exports, imports, selectors, services, stats
from community.diary.forms import DiaryEntryForm, DiaryLogForm, ImportForm, ResolveForm, StatsSharingForm
from community.diary.models import DiaryEntry, ImportJob
from community.movies.models import Movie

PER_PAGE = 50


def _diary_page(request: HttpRequest, owner, *, template: str = "diary/diary.html") -> HttpResponse:
    entries = selectors.diary_entries(owner=owner, viewer=request.user)
    page = paginate(request, entries, per_page=PER_PAGE)
    is_owner = request.user.is_authenticated and request.user.pk == owner.pk
    show_stats = is_owner or stats.stats_shared(owner=owner)
    context = {"owner": owner, "page": page, "is_owner": is_owner, "show_stats": show_stats}
    return render(request, template, context)


@login_required
def my_diary(request: HttpRequest) -> HttpResponse:
    return _diary_page(request, signed_in_member(request))


def member_diary(request: HttpRequest, username: str) -> HttpResponse:
    return _diary_page(request, user_get_public(username=username))


def tag_cloud(request: HttpRequest, username: str) -> HttpResponse:
    owner = user_get_public(username=username)
    tags = selectors.tag_cloud(owner=owner, viewer=request.user)
    top = max((getattr(t, "uses", 1) for t in tags), default=1)
    # each tag's size on the cloud, a css step 1..5
    cloud = [{"slug": t.slug, "uses": t.uses, "size": 1 + round(4 * t.uses / top)} for t in tags]  # type: ignore[attr-defined]
    return render(request, "diary/tags.html", {"owner": owner, "tags": cloud})


def films_by_tag(request: HttpRequest, username: str, tag: str) -> HttpResponse:
    owner = user_get_public(username=username)
    films = selectors.tagged_films(owner=owner, viewer=request.user, slug=tag)
    page = paginate(request, films.entries, per_page=PER_PAGE)
    context = {"owner": owner, "tag": films.slug, "page": page, "reviews": films.reviews}
    return render(request, "diary/tag.html", context)


@login_required
@require_POST
def log(request: HttpRequest, slug: str) -> HttpResponse:
    movie = get_object_or_404(Movie, slug=slug)
    form = DiaryLogForm(request.POST, prefix=DiaryLogForm.prefix_on_movie_page)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.diary_entry_log(user=signed_in_member(request), movie=movie, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Logged {movie.title} on {data['watched_on']:%-d %b %Y}.")
            return redirect(f"{movie.get_absolute_url()}#watches")
    return render(request, "diary/log.html", {"movie": movie, "form": form}, status=400)


def _own_entry(request: HttpRequest, entry_id: int) -> DiaryEntry:
    entry = get_object_or_404(DiaryEntry.objects.select_related("movie"), pk=entry_id)
    if entry.user_id != request.user.pk:
        raise Http404
    return entry


@login_required
def entry_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _own_entry(request, entry_id)
    initial = {
        "watched_on": entry.watched_on,
        "rewatch": entry.rewatch,
        "rating": f"{entry.rating:.1f}" if entry.rating is not None else "",
        "tags": ", ".join(t.slug for t in entry.tags.all()),
        "visibility": entry.visibility,
    }
    form = DiaryEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.diary_entry_update(
                entry=entry,
                user=signed_in_member(request),
                watched_on=data["watched_on"],
                rewatch=data["rewatch"],
                rating=data["rating"] or None,
                clear_rating=not data["rating"],
                tags=data["tags"],
                visibility=data["visibility"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Diary entry saved.")
            return redirect("diary:mine")
    status = 400 if form.errors else 200
    return render(request, "diary/entry_edit.html", {"entry": entry, "form": form}, status=status)


@login_required
@require_POST
def entry_delete(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _own_entry(request, entry_id)
    services.diary_entry_delete(entry=entry, user=signed_in_member(request))
    messages.success(request, f"Removed your watch of {entry.movie.title} on {entry.watched_on:%-d %b %Y}.")
    return redirect("diary:mine")


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    member = signed_in_member(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.import_job_create(
                user=member,
                data=upload.read(),
                filename=upload.name or "upload",
                visibility=form.cleaned_data["visibility"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("diary:import_job", job_id=job.pk)
    jobs = ImportJob.objects.filter(user=member).only("pk", "filename", "status", "created_at")[:5]
    status = 400 if form.errors else 200
    return render(request, "diary/import.html", {"form": form, "jobs": jobs}, status=status)


def _own_job(request: HttpRequest, job_id: int) -> ImportJob:
    job = selectors.import_job_for(user=signed_in_member(request), job_id=job_id)
    if job is None:
        raise Http404
    return job


@login_required
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _own_job(request, job_id)
    context = {"job": job, "table": imports.summary_table(job), "unmatched": list(enumerate(job.unmatched))}
    response = render(request, "diary/import_job.html", context)
    if job.status in (ImportJob.Status.PENDING, ImportJob.Status.RUNNING):
        response["Refresh"] = "2"  # the progress bar without a script (the page's meta says the same)
    return response


@login_required
def import_status(request: HttpRequest, job_id: int) -> JsonResponse:
    job = _own_job(request, job_id)
    return JsonResponse(
        {"status": job.status, "processed": job.processed, "total": job.total, "percent": job.percent}
    )


@login_required
@require_POST
def import_resolve(request: HttpRequest, job_id: int, index: int) -> HttpResponse:
    job = _own_job(request, job_id)
    form = ResolveForm(request.POST)
    choice = form.cleaned_data["choice"] if form.is_valid() else ""
    movie_id = None if choice == "skip" else (int(choice) if choice.isdigit() else -1)
    try:
        imports.import_unmatched_resolve(
            user=signed_in_member(request), job=job, index=index, movie_id=movie_id
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        context = {
            "job": job,
            "table": imports.summary_table(job),
            "unmatched": list(enumerate(job.unmatched)),
        }
        return render(request, "diary/import_job.html", context, status=400)
    return redirect(reverse("diary:import_job", args=[job.pk]) + "#unmatched")


@login_required
@require_POST
def export_letterboxd(request: HttpRequest) -> HttpResponse:
    member = signed_in_member(request)
    response = HttpResponse(exports.letterboxd_export(user=member), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="cinecircle-letterboxd-{member.pk}.zip"'
    return response


# --- year in review and stats ------------------------------------------------------------------


def _stats_page(request: HttpRequest, username: str, year: int | None) -> HttpResponse:
    owner = user_get_public(username=username)
    if (year is not None and not stats.year_is_valid(year)) or not stats.stats_viewable(
        owner=owner, viewer=request.user
    ):
        raise Http404
    figures = stats.year_in_review(owner=owner, viewer=request.user, year=year)
    is_owner = request.user.is_authenticated and request.user.pk == owner.pk
    context = {
        "owner": owner,
        "stats": figures,
        "charts": charts.year_in_review_charts(figures),
        "is_owner": is_owner,
        "sharing_form": StatsSharingForm(initial={"shared": stats.stats_shared(owner=owner), "year": year})
        if is_owner
        else None,
        # The recommender fills the taste slot when installed; its tag asks visibility itself.
        "use_taste_tag": template_tag_available("recommender", "taste_summary"),
    }
    return render(request, "diary/stats.html", context)


def stats_all_time(request: HttpRequest, username: str) -> HttpResponse:
    return _stats_page(request, username, None)


def stats_year(request: HttpRequest, username: str, year: int) -> HttpResponse:
    return _stats_page(request, username, year)


@login_required
def my_stats(request: HttpRequest) -> HttpResponse:
    return redirect("diary:stats", username=signed_in_member(request).username)


@login_required
@require_POST
def stats_sharing(request: HttpRequest) -> HttpResponse:
    member = signed_in_member(request)
    form = StatsSharingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That choice could not be saved; try again.")
        return redirect("diary:stats", username=member.username)
    services.stats_sharing_set(user=member, shared=form.cleaned_data["shared"])
    messages.success(
        request,
        "Your year in review and stats can now be seen by others (only the entries each may see)."
        if form.cleaned_data["shared"]
        else "Your year in review and stats are now seen by you only.",
    )
    year = form.cleaned_data["year"]
    if year and stats.year_is_valid(year):
        return redirect("diary:stats_year", username=member.username, year=year)
    return redirect("diary:stats", username=member.username)
