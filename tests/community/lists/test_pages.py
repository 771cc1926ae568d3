"""The lists pages: forms keep what was typed, escaping, CSRF, permissions, the movie page box."""

import pytest
from django.test import Client
from django.urls import reverse

from community.accounts.models import Visibility
from community.lists.models import FilmList, ListEntry
from tests.community.lists.factories import FilmListFactory, ListCollaboratorFactory, ListEntryFactory
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_lists_page_shows_popular_and_recent_public_lists_and_empty_states(client):
    response = client.get(reverse("lists:index"))
    assert response.status_code == 200 and "No public lists yet." in response.content.decode()
    shown = FilmListFactory(title="Shown <b>bold</b>")
    ListEntryFactory(film_list=shown)
    secret = FilmListFactory(title="Secret", visibility=Visibility.ONLY_ME)
    ListEntryFactory(film_list=secret)
    content = client.get(reverse("lists:index")).content.decode()
    assert "Shown &lt;b&gt;bold&lt;/b&gt;" in content and "Secret" not in content
    found = client.get(reverse("lists:index"), {"q": "bold"}).content.decode()
    assert "Shown &lt;b&gt;" in found
    assert "No lists found." in client.get(reverse("lists:index"), {"q": "secret"}).content.decode()
    assert client.get(reverse("lists:index"), {"page": "x"}).status_code == 200


def test_creating_a_list_with_errors_keeps_what_was_typed(member_client):
    response = member_client.post(
        reverse("lists:create"),
        {"title": "  ", "description": "My <script>picks</script>", "visibility": "public"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "field-error" in content and "My &lt;script&gt;picks&lt;/script&gt;" in content
    response = member_client.post(
        reverse("lists:create"),
        {"title": "Best", "description": "", "visibility": "nobody"},
    )
    assert response.status_code == 400 and not FilmList.objects.exists()
    response = member_client.post(
        reverse("lists:create"), {"title": "Best", "visibility": "followers", "ranked": "on"}
    )
    film_list = FilmList.objects.get()
    assert response.status_code == 302 and film_list.ranked and film_list.visibility == "followers"


def test_forms_need_the_csrf_token(user):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(reverse("lists:create"), {"title": "x", "visibility": "public"}).status_code == 403


def test_the_list_page_numbers_ranked_films_escapes_notes_and_moves_without_javascript(client, user):
    film_list = FilmListFactory(owner=user, ranked=True)
    first = ListEntryFactory(film_list=film_list, position=1, note="<img src=x onerror=alert(1)>")
    second = ListEntryFactory(film_list=film_list, position=2)
    client.force_login(user)
    content = client.get(film_list.get_absolute_url()).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in content
    assert 'aria-label="Number 2"' in content and "Move " in content
    response = client.post(reverse("lists:entry_move", args=[film_list.pk, second.pk]), {"direction": "up"})
    assert response.status_code == 302
    assert list(film_list.entries.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]


def test_private_lists_are_404_and_others_cannot_change_a_list(client, user):
    private = FilmListFactory(visibility=Visibility.ONLY_ME)
    entry = ListEntryFactory(film_list=private)
    client.force_login(user)
    assert client.get(private.get_absolute_url()).status_code == 404
    assert client.post(reverse("lists:entry_remove", args=[private.pk, entry.pk])).status_code == 404
    public = FilmListFactory()
    entry = ListEntryFactory(film_list=public)
    assert client.post(reverse("lists:entry_remove", args=[public.pk, entry.pk])).status_code == 403
    assert client.get(reverse("lists:edit", args=[public.pk])).status_code == 403
    assert ListEntry.objects.filter(pk=entry.pk).exists()


def test_adding_a_film_from_the_movie_page_and_the_box_of_lists(client, user):
    movie = MovieFactory(title="Heat")
    mine = FilmListFactory(owner=user, title="Mine")
    shared = FilmListFactory(title="Shared", collaborative=True)
    ListCollaboratorFactory(film_list=shared, member=user)
    FilmListFactory(title="Not mine")
    client.force_login(user)
    page = client.get(movie.get_absolute_url()).content.decode()
    assert "Add to a list" in page and ">Mine<" in page and ">Shared<" in page and "Not mine" not in page
    response = client.post(
        reverse("lists:film_add"), {"list": mine.pk, "movie": movie.slug, "next": movie.get_absolute_url()}
    )
    assert response.status_code == 302 and response["Location"] == movie.get_absolute_url()
    again = client.post(reverse("lists:film_add"), {"list": mine.pk, "movie": movie.slug}, follow=True)
    assert "already on the list" in again.content.decode()
    assert mine.entries.count() == 1
    page = client.get(movie.get_absolute_url()).content.decode()
    assert "On lists" in page and f'href="{mine.get_absolute_url()}"' in page


def test_the_list_page_finds_films_by_title_to_add(client, user):
    film_list = FilmListFactory(owner=user)
    MovieFactory(title="Collateral")
    client.force_login(user)
    content = client.get(film_list.get_absolute_url(), {"film": "collat"}).content.decode()
    assert "Collateral" in content and reverse("lists:film_add") in content


def test_comments_are_escaped_and_bad_ones_keep_the_text(client, user):
    film_list = FilmListFactory()
    client.force_login(user)
    response = client.post(film_list.get_absolute_url(), {"body": "<b>nice</b>"})
    assert response.status_code == 302
    assert "&lt;b&gt;nice&lt;/b&gt;" in client.get(film_list.get_absolute_url()).content.decode()
    response = client.post(film_list.get_absolute_url(), {"body": "x" * 2001})
    assert response.status_code == 400 and "x" * 2001 in response.content.decode()


def test_collaborators_are_invited_and_accept_from_their_lists_page(client, user):
    film_list = FilmListFactory(owner=user, collaborative=True, visibility=Visibility.ONLY_ME)
    invitee = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("lists:collaborators", args=[film_list.pk]), {"action": "invite", "username": "nobody-here"}
    )
    assert response.status_code == 400 and "No member with this username." in response.content.decode()
    client.post(
        reverse("lists:collaborators", args=[film_list.pk]),
        {"action": "invite", "username": invitee.username},
    )
    client.force_login(invitee)
    assert film_list.title in client.get(reverse("lists:mine")).content.decode()
    invitation = film_list.collaborators.get()
    client.post(reverse("lists:invitation_answer", args=[invitation.pk]), {"action": "accept"})
    assert client.get(film_list.get_absolute_url()).context["can_edit"]


def test_importing_a_list_file_shows_what_matched(client, user):
    MovieFactory(title="Heat", year=1995)
    text = "Letterboxd list export v7\nDate,Name,Tags,URL,Description\n2024-01-01,Mine,,,\n\n"
    text += "Position,Name,Year,URL,Description\n1,Heat,1995,,\n2,Nope,2000,,\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(user)
    response = client.post(
        reverse("lists:import"), {"file": SimpleUploadedFile("list.csv", text.encode(), "text/csv")}
    )
    content = response.content.decode()
    assert response.status_code == 200 and "1 film matched" in content and "Nope" in content
    bad = client.post(reverse("lists:import"), {"file": SimpleUploadedFile("x.csv", b"hello", "text/csv")})
    assert bad.status_code == 400 and "not a Letterboxd list export" in bad.content.decode()


def test_the_export_download_is_the_letterboxd_format(client):
    film_list = FilmListFactory(title="Heists")
    ListEntryFactory(film_list=film_list, movie=MovieFactory(title="Heat", year=1995))
    response = client.get(reverse("lists:export", args=[film_list.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().startswith("Letterboxd list export v7\n")
    assert ",Heat,1995," in response.content.decode()


def test_the_movie_page_box_reads_two_queries_whatever_the_rows(rf, user, django_assert_num_queries):
    from django.template import Context, Template

    movie = MovieFactory()
    for _ in range(7):
        ListEntryFactory(film_list=FilmListFactory(), movie=movie)
    FilmListFactory(owner=user)
    request = rf.get(movie.get_absolute_url())
    request.user = user
    with django_assert_num_queries(2):
        html = Template("{% load lists %}{% movie_lists movie %}").render(
            Context({"request": request, "movie": movie})
        )
    assert html.count('<li><a href="/lists/') == 5 and "All lists with this film" in html
