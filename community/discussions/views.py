from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from community.core.members import signed_in_member
from community.core.viewutils import call_service, paginate
from community.discussions import selectors, services
from community.discussions.forms import ReplyForm, ThreadForm
from community.discussions.models import TITLE_MAX_LENGTH
from community.discussions.related import related_threads
from community.movies.selectors import movie_get


def discussion_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.thread_list(viewer=request.user), per_page=25)
    return render(request, "discussions/list.html", {"page": page})


def movie_threads(request: HttpRequest, slug: str) -> HttpResponse:
    movie = movie_get(slug=slug)
    page = paginate(request, selectors.thread_list(movie=movie, viewer=request.user), per_page=25)
    return render(request, "discussions/list.html", {"page": page, "movie": movie})


@login_required
def thread_create(request: HttpRequest, slug: str) -> HttpResponse:
    movie = movie_get(slug=slug)
    # ?title= prefills the title (the movie page's suggested questions); the member still edits and posts.
    form = ThreadForm(
        request.POST or None, initial={"title": request.GET.get("title", "")[:TITLE_MAX_LENGTH]}
    )
    if request.method == "POST" and form.is_valid():
        thread = call_service(
            form, services.thread_create, user=request.user, movie=movie, **form.cleaned_data
        )
        if thread is not None:
            return redirect(thread)
    status = 400 if form.errors else 200
    return render(request, "discussions/thread_form.html", {"form": form, "movie": movie}, status=status)


def thread_detail(request: HttpRequest, pk: int) -> HttpResponse:
    thread = selectors.thread_get(pk=pk, viewer=request.user)
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={thread.get_absolute_url()}")
        if form.is_valid():
            reply = call_service(
                form, services.reply_create, user=request.user, thread=thread, **form.cleaned_data
            )
            if reply is not None:
                last_page = (thread.reply_count - 1) // 50 + 1
                return redirect(f"{thread.get_absolute_url()}?page={last_page}#reply-{reply.pk}")
    page = paginate(request, selectors.thread_replies(thread=thread, viewer=request.user), per_page=50)
    status = 400 if form.errors else 200
    context = {"thread": thread, "page": page, "form": form, "related": related_threads(thread)}
    return render(request, "discussions/thread.html", context, status=status)


def _login_url() -> str:
    from django.conf import settings
    from django.shortcuts import resolve_url

    return resolve_url(settings.LOGIN_URL)


def _own(obj, request: HttpRequest):
    if obj.author_id is None or obj.author_id != request.user.pk:
        raise PermissionDenied("Only the author can change this post.")
    return obj


@login_required
def thread_edit(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _own(selectors.thread_get(pk=pk, viewer=request.user), request)
    form = ThreadForm(request.POST or None, initial={"title": thread.title, "body": thread.body})
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, services.thread_update, thread=thread, user=request.user, **form.cleaned_data
        )
        if saved is not None:
            messages.success(request, "Your post was updated.")
            return redirect(thread)
    status = 400 if form.errors else 200
    context = {"form": form, "movie": thread.movie, "thread": thread}
    return render(request, "discussions/thread_form.html", context, status=status)


@login_required
def thread_delete(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _own(selectors.thread_get(pk=pk, viewer=request.user), request)
    if request.method == "POST":
        if services.thread_delete(thread=thread, user=signed_in_member(request)):
            messages.success(request, "Your discussion was deleted.")
        else:
            messages.success(
                request, "Your opening post was deleted; the discussion stays for the others' replies."
            )
        return redirect("discussions:movie", slug=thread.movie.slug)
    what = (
        f"your opening post of “{thread.title}” (the discussion and the replies of other members stay)"
        if services.thread_has_others_replies(thread)
        else f"the discussion “{thread.title}” and its replies"
    )
    return render(
        request,
        "confirm_delete.html",
        {
            "what": what,
            "cancel_url": thread.get_absolute_url(),
        },
    )


@login_required
def reply_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reply = _own(selectors.reply_get(pk=pk, viewer=request.user), request)
    form = ReplyForm(request.POST or None, initial={"body": reply.body})
    if request.method == "POST" and form.is_valid():
        saved = call_service(form, services.reply_update, reply=reply, user=request.user, **form.cleaned_data)
        if saved is not None:
            messages.success(request, "Your reply was updated.")
            return redirect(f"{reply.thread.get_absolute_url()}#reply-{reply.pk}")
    status = 400 if form.errors else 200
    return render(request, "discussions/reply_form.html", {"form": form, "reply": reply}, status=status)


@login_required
def reply_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reply = _own(selectors.reply_get(pk=pk, viewer=request.user), request)
    if request.method == "POST":
        services.reply_delete(reply=reply, user=signed_in_member(request))
        messages.success(request, "Your reply was deleted.")
        return redirect(reply.thread)
    return render(
        request, "confirm_delete.html", {"what": "your reply", "cancel_url": reply.thread.get_absolute_url()}
    )
