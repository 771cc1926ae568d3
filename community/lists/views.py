"""The lists pages. Thin: a form, one service or selector, a template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from community.accounts.models import User
from community.core.members import signed_in_member
from community.core.viewutils import call_service, paginate, redirect_back, safe_next
from community.lists import selectors, services
from community.lists.forms import (
    CommentForm,
    EntryNoteForm,
    FilmListForm,
    FilmSearchForm,
    InviteForm,
    ListImportForm,
    ListSearchForm,
)
from community.lists.models import FilmList, ListComment, ListEntry
from community.movies.models import Movie
from community.movies.selectors import movie_search_filter, movie_search_order


def _with_first_films(lists):
    """Each list with its first four films (the cards' poster placeholders), in one more query."""
    firsts = ListEntry.objects.select_related("movie").order_by("position", "pk")
    return lists.prefetch_related(Prefetch("entries", queryset=firsts, to_attr="all_entries"))


def list_index(request: HttpRequest) -> HttpResponse:
    form = ListSearchForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    movie = None
    if request.GET.get("movie"):
        movie = Movie.objects.filter(slug=request.GET["movie"][:320]).first()
    searching = bool(query or movie)
    context: dict = {"form": form, "query": query, "movie": movie, "searching": searching}
    if searching:
        found = _with_first_films(selectors.list_search(viewer=request.user, query=query, movie=movie))
        context["page"] = paginate(request, found, per_page=24)
    else:
        context["popular"] = list(_with_first_films(selectors.popular_lists())[:6])
        context["page"] = paginate(request, _with_first_films(selectors.recent_lists()), per_page=24)
    return render(request, "lists/index.html", context)


@login_required
def my_lists(request: HttpRequest) -> HttpResponse:
    member = signed_in_member(request)
    lists = _with_first_films(selectors.with_counts(selectors.own_lists(user=member)))
    context = {
        "page": paginate(request, lists, per_page=24),
        "invitations": list(selectors.invitations_for(user=member)[:20]),
    }
    return render(request, "lists/mine.html", context)


@login_required
def list_create(request: HttpRequest) -> HttpResponse:
    form = FilmListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        film_list = call_service(form, services.list_create, owner=request.user, **form.cleaned_data)
        if film_list is not None:
            messages.success(request, "Your list was created. Add films from here or from any movie's page.")
            return redirect(film_list)
    status = 400 if form.errors else 200
    return render(request, "lists/form.html", {"form": form}, status=status)


@login_required
def list_edit(request: HttpRequest, pk: int) -> HttpResponse:
    film_list = selectors.list_get(pk=pk, viewer=request.user)
    if film_list.owner_id != request.user.pk:
        return _forbidden(request, services.ONLY_OWNER)
    initial = {
        "title": film_list.title,
        "description": film_list.description,
        "ranked": film_list.ranked,
        "visibility": film_list.visibility,
        "collaborative": film_list.collaborative,
    }
    form = FilmListForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, services.list_update, film_list=film_list, user=request.user, **form.cleaned_data
        )
        if saved is not None:
            messages.success(request, "Your list was saved.")
            return redirect(film_list)
    status = 400 if form.errors else 200
    return render(request, "lists/form.html", {"form": form, "film_list": film_list}, status=status)


@login_required
def list_delete(request: HttpRequest, pk: int) -> HttpResponse:
    film_list = selectors.list_get(pk=pk, viewer=request.user)
    if film_list.owner_id != request.user.pk:
        return _forbidden(request, services.ONLY_OWNER)
    if request.method == "POST":
        if services.list_delete(film_list=film_list, user=signed_in_member(request)):
            messages.success(request, "Your list was deleted.")
        else:
            messages.success(request, "Your list was deleted; its title and films stay for others' comments.")
        return redirect("lists:mine")
    kept = film_list.visibility == "public" and services.list_has_others_comments(film_list)
    what = (
        f"your list “{film_list.title}” (its title and films stay, without your name, "
        "for the comments other members wrote)"
        if kept
        else f"the list “{film_list.title}” with its films, likes and comments"
    )
    return render(request, "confirm_delete.html", {"what": what, "cancel_url": film_list.get_absolute_url()})


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    raise PermissionDenied(message)


def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    film_list = selectors.list_get(pk=pk, viewer=request.user)
    comment_form = CommentForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={film_list.get_absolute_url()}")
        if comment_form.is_valid():
            comment = call_service(
                comment_form,
                services.comment_create,
                film_list=film_list,
                user=request.user,
                **comment_form.cleaned_data,
            )
            if comment is not None:
                return redirect(f"{film_list.get_absolute_url()}#comment-{comment.pk}")
    can_edit = selectors.can_manage_entries(film_list=film_list, user=request.user)
    film_form = FilmSearchForm(request.GET or None)
    found: list[Movie] = []
    if can_edit and film_form.is_valid() and film_form.cleaned_data["film"]:
        query = film_form.cleaned_data["film"]
        found = list(
            movie_search_order(movie_search_filter(Movie.objects.all(), query=query), query=query)[:10]
        )
    entries = paginate(request, selectors.list_entries(film_list=film_list), per_page=100)
    context = {
        "film_list": film_list,
        "entries": entries,
        "last_position": getattr(film_list, "entry_count", 0),
        "comments": list(selectors.list_comments(film_list=film_list, viewer=request.user)[:200]),
        "comment_form": comment_form,
        "film_form": film_form,
        "found": found,
        "can_edit": can_edit,
        "is_owner": request.user.is_authenticated and film_list.owner_id == request.user.pk,
        "liked": selectors.has_liked(film_list=film_list, user=request.user),
    }
    return render(request, "lists/detail.html", context, status=400 if comment_form.errors else 200)


def _login_url() -> str:
    from django.conf import settings
    from django.shortcuts import resolve_url

    return resolve_url(settings.LOGIN_URL)


@login_required
@require_POST
def list_like(request: HttpRequest, pk: int) -> HttpResponse:
    film_list = selectors.list_get(pk=pk, viewer=request.user)
    try:
        services.list_like_set(
            film_list=film_list, user=signed_in_member(request), liked=request.POST.get("action") != "unlike"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect_back(request, film_list.get_absolute_url())


@login_required
@require_POST
def film_add(request: HttpRequest) -> HttpResponse:
    """Add a film to one of the member's lists: from the movie page's "Add to a list" or the list
    page's film search. Errors come back as a message on the page the member was on."""
    member = signed_in_member(request)
    movie = Movie.objects.filter(slug=request.POST.get("movie", "")[:320]).first()
    list_id = request.POST.get("list", "")
    film_list = (
        selectors.own_lists(user=member).filter(pk=int(list_id)).first() if list_id.isdigit() else None
    )
    fallback = (
        film_list.get_absolute_url() if film_list else (movie.get_absolute_url() if movie else "/lists/")
    )
    if movie is None or film_list is None:
        messages.error(request, "Choose one of your lists." if movie else "No such film.")
        return redirect_back(request, fallback)
    try:
        services.entry_add(film_list=film_list, user=member, movie=movie, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Added {movie.title} to “{film_list.title}”.")
    return redirect(safe_next(request) or fallback)


def _entry(request: HttpRequest, pk: int, entry_pk: int) -> tuple[FilmList, ListEntry]:
    film_list = selectors.list_get(pk=pk, viewer=request.user)
    entry = selectors.entry_get(film_list=film_list, pk=entry_pk)
    entry.film_list = film_list
    return film_list, entry


@login_required
@require_POST
def entry_move(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    film_list, entry = _entry(request, pk, entry_pk)
    try:
        services.entry_move(
            entry=entry, user=signed_in_member(request), direction=request.POST.get("direction", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{film_list.get_absolute_url()}#entry-{entry.pk}")


@login_required
@require_POST
def entry_remove(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    film_list, entry = _entry(request, pk, entry_pk)
    services.entry_remove(entry=entry, user=signed_in_member(request))
    messages.success(request, f"Removed {entry.movie.title} from the list.")
    return redirect(film_list)


@login_required
def entry_note(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    film_list, entry = _entry(request, pk, entry_pk)
    if not selectors.can_manage_entries(film_list=film_list, user=request.user):
        return _forbidden(request, services.ONLY_EDITORS)
    form = EntryNoteForm(request.POST or None, initial={"note": entry.note})
    if request.method == "POST" and form.is_valid():
        saved = call_service(form, services.entry_update, entry=entry, user=request.user, **form.cleaned_data)
        if saved is not None:
            return redirect(f"{film_list.get_absolute_url()}#entry-{entry.pk}")
    status = 400 if form.errors else 200
    context = {"form": form, "film_list": film_list, "entry": entry}
    return render(request, "lists/entry_note.html", context, status=status)


@login_required
def collaborators(request: HttpRequest, pk: int) -> HttpResponse:
    film_list = selectors.list_get(pk=pk, viewer=request.user)
    member = signed_in_member(request)
    is_owner = film_list.owner_id == member.pk
    form = InviteForm(request.POST if request.POST.get("action") == "invite" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "invite" and form.is_valid():
            invitee = User.objects.filter(username__iexact=form.cleaned_data["username"]).first()
            if invitee is None:
                form.add_error("username", "No member with this username.")
            elif call_service(
                form, services.collaborator_invite, film_list=film_list, user=member, member=invitee
            ):
                messages.success(
                    request, f"{invitee.username} is invited; they accept from their lists page."
                )
                return redirect("lists:collaborators", pk=film_list.pk)
        elif action == "remove":
            other = get_object_or_404(
                User, pk=request.POST.get("member", "0") if request.POST.get("member", "").isdigit() else 0
            )
            services.collaborator_remove(film_list=film_list, user=member, member=other)
            if other.pk == member.pk:
                messages.success(request, "You left the list.")
                return redirect("lists:mine")
            return redirect("lists:collaborators", pk=film_list.pk)
    status = 400 if form.errors else 200
    context = {
        "film_list": film_list,
        "form": form,
        "is_owner": is_owner,
        "rows": list(selectors.collaborators_of(film_list=film_list)),
    }
    return render(request, "lists/collaborators.html", context, status=status)


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.invitations_for(user=request.user))
    return render(request, "lists/invitations.html", {"invitations": rows})


@login_required
@require_POST
def invitation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    member = signed_in_member(request)
    invitation = selectors.invitation_get(pk=pk, user=member)
    if request.POST.get("action") == "accept":
        services.invitation_accept(invitation=invitation, user=member)
        messages.success(request, f"You now work on “{invitation.film_list.title}”.")
        return redirect(invitation.film_list)
    services.collaborator_remove(film_list=invitation.film_list, user=member, member=member)
    messages.success(request, "Invitation declined.")
    return redirect("lists:invitations")


@login_required
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(
        ListComment.objects.select_related("film_list").filter(author=request.user.pk), pk=pk
    )
    if request.method == "POST":
        services.comment_delete(comment=comment, user=signed_in_member(request))
        messages.success(request, "Your comment was deleted.")
        return redirect(comment.film_list)
    return render(
        request,
        "confirm_delete.html",
        {"what": "your comment", "cancel_url": comment.film_list.get_absolute_url()},
    )


def list_export(request: HttpRequest, pk: int) -> HttpResponse:
    film_list = selectors.list_get(pk=pk, viewer=request.user)
    text = services.export_letterboxd_list(film_list, site_url=request.build_absolute_uri("/"))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = slugify(film_list.title) or f"list-{film_list.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@login_required
def list_import(request: HttpRequest) -> HttpResponse:
    form = ListImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = call_service(
            form, services.import_letterboxd_list, member=request.user, csv_text=form.cleaned_data["file"]
        )
    status = 400 if form.errors else 200
    return render(request, "lists/import.html", {"form": form, "result": result}, status=status)
