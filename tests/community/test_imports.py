import pytest

from community.movies.importers import display_title, normalise_title, rt_slug


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Usual Suspects, The", "The Usual Suspects"),
        ("Cinema Paradiso (Nuovo cinema Paradiso)", "Cinema Paradiso (Nuovo cinema Paradiso)"),
        ("Dinner Game, The (Dîner de cons, Le)", "The Dinner Game (Dîner de cons, Le)"),
        ("Heat", "Heat"),
    ],
)
def test_movielens_titles_read_the_way_people_write_them(raw, expected):
    assert display_title(raw) == expected


def test_titles_from_different_datasets_normalise_to_the_same_key():
    assert normalise_title("Usual Suspects, The") == normalise_title("The Usual Suspects")
    assert normalise_title("Seven (a.k.a. Se7en)") == "seven"
    assert normalise_title("Amélie") == normalise_title("Amelie")


def test_rotten_tomatoes_slugs_drop_apostrophes_and_alternate_titles():
    assert rt_slug("Adam Sandler's Eight Crazy Nights") == "adam_sandlers_eight_crazy_nights"
    assert rt_slug("About Schmidt") == "about_schmidt"
    assert rt_slug("Road to Perdition, The (2002)") == "the_road_to_perdition"


def test_a_wikipedia_lead_about_the_titles_namesake_is_no_plot():
    from community.movies.plots import lead_describes_the_film

    city = "Casablanca is the largest city of Morocco and the country's chief port, founded in 1515."
    film = "Casablanca is a 1942 American romantic drama film directed by Michael Curtiz."
    assert not lead_describes_the_film(city, year=1942)
    assert lead_describes_the_film(film, year=1942)
    assert not lead_describes_the_film(film, year=1992)  # another film of the same name
    assert lead_describes_the_film(film, year=None)
