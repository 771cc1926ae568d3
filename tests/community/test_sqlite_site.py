"""The pages and API that read reviews work on SQLite, the README's first `runsite` (no
DATABASE_URL). The suite runs on PostgreSQL, so the last test runs this file again on a SQLite
database in a subprocess: a movie page with a tagged review once answered 503 there (the tags
were read with PostgreSQL's ARRAY()).
"""

from __future__ import annotations

import pytest

from community.diary.tagging import review_post_tagged
from tests.factories import MovieFactory, UserFactory
from tests.on_sqlite import assert_passes_on_sqlite, not_on_sqlite, only_on_sqlite


@only_on_sqlite
@pytest.mark.django_db
def test_on_sqlite_a_tagged_review_shows_on_the_movie_page_the_profile_and_the_api(client):
    user, movie = UserFactory(username="ana"), MovieFactory(title="Thief")
    review = review_post_tagged(user=user, movie=movie, body="Neon and steel.", tags=["synth", "heist"])
    review_post_tagged(user=UserFactory(), movie=movie, body="No tags here.", tags=[])

    page = client.get(movie.get_absolute_url())
    assert page.status_code == 200
    content = page.content.decode()
    assert "Neon and steel." in content and ">heist</a>" in content and ">synth</a>" in content

    assert client.get(f"/u/{user.username}/").status_code == 200
    data = client.get(f"/api/v1/reviews/{review.pk}/").json()
    assert data["tags"] == ["heist", "synth"]
    listed = client.get(f"/api/v1/movies/{movie.pk}/reviews/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert sorted(tuple(r["tags"]) for r in rows) == [(), ("heist", "synth")]


@not_on_sqlite
def test_reviews_pages_and_api_work_on_sqlite(tmp_path):
    assert_passes_on_sqlite(__file__, tmp_path)
