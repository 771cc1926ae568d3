import csv
from pathlib import Path

import pytest

from community.studios.importers import load_studios
from community.studios.models import Studio
from community.studios.names import canonical_name, clean_name, split_production
from tests.factories import MovieFactory

FIXTURE = Path(__file__).parent / "fixtures" / "studios_production.csv"


def _rows() -> list[tuple[str, str]]:
    with FIXTURE.open(newline="") as f:
        return [(row["imdbID"], row["Production"]) for row in csv.DictReader(f)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Warner Bros. Pictures", "Warner Bros."),
        ("Warner Bros. Entertainment", "Warner Bros."),
        ("warner bros", "Warner Bros."),
        ("20th Century Fox", "20th Century Studios"),
        ("Twentieth Century-Fox Film Corporation", "20th Century Studios"),
        ("Fox Searchlight Pictures", "Searchlight Pictures"),
        ("Syncopy Inc.", "Syncopy"),
        ("Acme Films, LLC", "Acme Films"),
        ("Two Arts Ltd.", "Two Arts"),
        ("  Paramount   Pictures ;", "Paramount Pictures"),
        ("The Wayans Bros.", "The Wayans Bros."),
    ],
)
def test_known_variants_and_suffixes_become_one_name(raw, expected):
    assert canonical_name(raw) == expected


def test_a_production_field_is_split_on_commas_and_spaced_slashes_but_not_inside_names():
    assert split_production("Warner Bros. Entertainment, Warner Bros. Pictures") == ["Warner Bros."]
    assert split_production("The Kennedy/Marshall Company, Amblin Entertainment / DreamWorks SKG") == [
        "The Kennedy/Marshall Company",
        "Amblin Entertainment",
        "DreamWorks",
    ]
    assert split_production("Concord Production, Inc.") == ["Concord Production"]
    assert split_production("") == split_production(None) == []


def test_a_bare_suffix_is_no_company():
    assert clean_name("Inc.") == ""


@pytest.mark.django_db
def test_companies_become_studios_linked_to_their_catalog_films_and_a_second_run_changes_nothing():
    movies = {n: MovieFactory(imdb_id=f"tt000000{n}") for n in range(1, 9)}

    result = load_studios(progress=False, rows=_rows())

    names = set(Studio.objects.values_list("name", flat=True))
    assert names == {
        "Warner Bros.",
        "20th Century Studios",
        "Regency Enterprises",
        "Syncopy",
        "The Kennedy/Marshall Company",
        "Paramount Pictures",
        "StudioCanal",
    }
    assert result.created == {"studios": 7, "studio links": 11}
    warner = Studio.objects.get(name="Warner Bros.")
    assert warner.slug == "warner-bros"
    assert set(warner.movies.all()) == {movies[1], movies[4]}
    assert set(Studio.objects.get(slug="studiocanal").movies.all()) == {movies[6], movies[7], movies[8]}
    assert set(Studio.objects.get(name="20th Century Studios").movies.all()) == {movies[2], movies[3]}

    again = load_studios(progress=False, rows=_rows())
    assert again.created == {"studios": 0, "studio links": 0}
    assert Studio.objects.count() == 7
    assert Studio.movies.through.objects.count() == 11


@pytest.mark.django_db
def test_an_existing_studio_is_reused_whatever_its_case():
    movie = MovieFactory(imdb_id="tt0000006")
    existing = Studio.objects.create(name="Studiocanal", slug="studiocanal-sa")

    load_studios(progress=False, rows=_rows())

    assert Studio.objects.filter(name__iexact="studiocanal").count() == 1
    assert list(existing.movies.all()) == [movie]
