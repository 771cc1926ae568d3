"""manage.py studio_demo: an analyst account for trying the studio console at once."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from community.accounts.models import User
from community.studios.models import Studio, StudioMembership
from tests.factories import MovieFactory, RatingFactory

pytestmark = pytest.mark.django_db


def _run(*args: str) -> dict[str, str]:
    out = StringIO()
    call_command("studio_demo", *args, stdout=out)
    return dict(re.findall(r"^(\w+):\s+(\S+)", out.getvalue(), flags=re.M))


@pytest.fixture
def studios():
    busy = Studio.objects.create(name="Paramount Pictures", slug="paramount-pictures")
    quiet = Studio.objects.create(name="Quiet Films", slug="quiet-films")
    rated = [MovieFactory(), MovieFactory()]
    for movie in rated:
        RatingFactory(movie=movie)
        movie.rating_count = 1
        movie.save()
    busy.movies.add(*rated)
    quiet.movies.add(MovieFactory(), MovieFactory(), MovieFactory())  # more films, none watched
    return busy, quiet


def test_studio_demo_prints_a_password_that_logs_in_to_the_studio(studios):
    printed = _run("--studio", "paramount pictures")

    assert printed["Username"] == "demo-paramount-pictures"
    assert printed["Open"] == "/studio/paramount-pictures/"
    user = User.objects.get(username="demo-paramount-pictures")
    assert user.kind == User.Kind.MEMBER and user.email_verified
    assert StudioMembership.objects.get(user=user).role == StudioMembership.Role.ANALYST
    client = Client()
    assert client.login(username=printed["Username"], password=printed["Password"])
    assert client.get("/studio/paramount-pictures/members/").status_code == 200


def test_running_it_again_resets_the_password_and_keeps_one_analyst_membership(studios):
    first = _run("--studio", "paramount-pictures")
    second = _run("--studio", "Paramount Pictures")

    assert first["Password"] != second["Password"]
    assert not Client().login(username=first["Username"], password=first["Password"])
    assert Client().login(username=second["Username"], password=second["Password"])
    assert StudioMembership.objects.filter(user__username="demo-paramount-pictures").count() == 1


def test_by_default_it_picks_the_studio_with_the_most_watched_films(studios):
    assert _run()["Username"] == "demo-paramount-pictures"


def test_an_unknown_studio_is_a_clear_error():
    with pytest.raises(CommandError, match='No studio is named "Nowhere"'):
        call_command("studio_demo", "--studio", "Nowhere")
