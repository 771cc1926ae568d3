import pytest

from community.studios.models import Studio, StudioMembership
from tests.factories import MovieFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def studio(member):
    studio = Studio.objects.create(name="Northlight", slug="northlight")
    studio.movies.add(MovieFactory(), MovieFactory())
    StudioMembership.objects.create(studio=studio, user=member, role=StudioMembership.Role.OWNER)
    Studio.objects.create(name="Elsewhere", slug="elsewhere")
    return studio


def test_a_member_lists_only_their_studios(api, studio):
    results = api.get("/api/v1/studios/").json()["results"]
    assert results == [
        {"id": studio.pk, "slug": "northlight", "name": "Northlight", "my_role": "owner", "movie_count": 2}
    ]


def test_a_member_reads_their_studio(api, studio):
    assert api.get("/api/v1/studios/northlight/").json()["movie_count"] == 2


def test_a_studio_is_closed_to_outsiders_whether_or_not_it_exists(api, other_api, studio):
    assert other_api.get("/api/v1/studios/northlight/").status_code == 404
    assert api.get("/api/v1/studios/elsewhere/").status_code == 404
    assert api.get("/api/v1/studios/no-such-studio/").status_code == 404


def test_studios_need_authentication(anon, studio):
    assert anon.get("/api/v1/studios/").status_code == 401
    assert anon.get("/api/v1/studios/northlight/").status_code == 401


def test_a_member_lists_their_studios_movies_only(api, other_api, studio, django_assert_max_num_queries):
    MovieFactory()  # not the studio's
    api.get("/api/v1/me/")  # the token's first use is noted once (last_used_at), not counted here
    with django_assert_max_num_queries(5):
        response = api.get("/api/v1/studios/northlight/movies/")
    assert response.json()["count"] == 2
    assert other_api.get("/api/v1/studios/northlight/movies/").status_code == 404
