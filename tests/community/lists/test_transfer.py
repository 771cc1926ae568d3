"""Importing and exporting the Letterboxd list format."""

import pytest
from django.core.exceptions import ValidationError

from community.accounts.models import Visibility
from community.lists import letterboxd
from community.lists.models import FilmList
from community.lists.services import export_letterboxd_list, import_letterboxd_list
from tests.community.lists.factories import FilmListFactory, ListEntryFactory, entries_of
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db

EXPORT = """Letterboxd list export v7
Date,Name,Tags,URL,Description
2024-05-01,Heists,crime,https://letterboxd.com/me/list/heists/,"About <i>a job</i>.<br/>Ranked &amp; noted."

Position,Name,Year,URL,Description
2,Rififi,1955,https://letterboxd.com/film/rififi/,
1,Heat,1995,https://letterboxd.com/film/heat-1995/,"The <b>best</b> one"
3,"Usual Suspects, The",1995,https://letterboxd.com/film/the-usual-suspects/,
4,Inside Man,2007,https://letterboxd.com/film/inside-man/,
5,No Such Film,2001,https://letterboxd.com/film/no-such-film/,
"""


@pytest.fixture
def catalog():
    return {
        "heat": MovieFactory(title="Heat", year=1995),
        "rififi": MovieFactory(title="Rififi (Du rififi chez les hommes)", year=1955),
        "suspects": MovieFactory(title="The Usual Suspects", year=1995),
        "inside": MovieFactory(title="Inside Man", year=2006),
        "heat_tv": MovieFactory(title="Heat", year=1972),
    }


def test_a_list_export_is_read_by_header_name_with_its_films_in_ranked_order(catalog):
    member = UserFactory()
    result = import_letterboxd_list(member, EXPORT)
    film_list = result.film_list
    assert result.created and result.matched == 4
    assert result.unmatched == [letterboxd_unmatched("No Such Film", 2001, 5)]
    assert film_list.owner == member and film_list.title == "Heists" and film_list.ranked
    assert film_list.description == "About a job.\nRanked & noted."
    assert film_list.letterboxd_url == "https://letterboxd.com/me/list/heists/"
    assert film_list.visibility == Visibility.PUBLIC
    assert entries_of(film_list) == [
        ("Heat", 1, "The best one"),
        ("Rififi (Du rififi chez les hommes)", 2, ""),
        ("The Usual Suspects", 3, ""),
        ("Inside Man", 4, ""),  # a year off, and the only Inside Man
    ]


def letterboxd_unmatched(name, year, position):
    from community.lists.services import UnmatchedFilm

    return UnmatchedFilm(name, year, position)


def test_columns_in_another_order_and_extra_columns_are_read_by_name(catalog):
    text = (
        "Letterboxd list export v7\r\n"
        "URL,Name,Description,Date,Tags,Extra\r\n"
        ",Unranked picks,,2024-01-01,,x\r\n"
        "\r\n"
        "Year,URL,Name,Position,Description,Date Added\r\n"
        "1995,,Heat,,,2024-01-02\r\n"
        "1955,,Rififi,,Tense,2024-01-02\r\n"
    )
    result = import_letterboxd_list(UserFactory(), "\ufeff" + text)
    assert not result.film_list.ranked
    assert entries_of(result.film_list) == [
        ("Heat", 1, ""),
        ("Rififi (Du rififi chez les hommes)", 2, "Tense"),
    ]


def test_a_year_one_off_is_not_matched_when_two_films_fit():
    MovieFactory(title="Crash", year=1996)
    MovieFactory(title="Crash", year=1994)
    assert letterboxd.films_match([("Crash", 1995), ("Crash", 1996), ("Crash", None)]) == [
        None,
        letterboxd.films_match([("Crash", 1996)])[0],
        None,
    ]


def test_importing_the_same_list_twice_updates_it_without_duplicates(catalog):
    member = UserFactory()
    first = import_letterboxd_list(member, EXPORT)
    film_list = first.film_list
    film_list.visibility = Visibility.ONLY_ME  # the member's choice here survives a re-import
    film_list.save()
    extra = ListEntryFactory(film_list=film_list, movie=MovieFactory(title="Thief"), position=5)
    second = import_letterboxd_list(member, EXPORT)
    assert not second.created and second.film_list.pk == film_list.pk
    assert FilmList.objects.filter(owner=member).count() == 1
    film_list.refresh_from_db()
    assert film_list.visibility == Visibility.ONLY_ME
    assert [t for t, _, _ in entries_of(film_list)][-1] == extra.movie.title  # kept, after the file's films
    assert film_list.entries.count() == 5
    # Another member importing the same file gets a list of their own.
    assert import_letterboxd_list(UserFactory(), EXPORT).created


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not a Letterboxd list export"),
        ("Date,Name,Year\n2024-01-01,Heat,1995\n", "not a Letterboxd list export"),
        ("Letterboxd list export v7\nDate,Title\n2024-01-01,x\n", "lacks the column(s) Name"),
        ("Letterboxd list export v7\nDate,Name\n2024-01-01,x\n\nPosition,Title\n1,Heat\n", "Name"),
        ("Letterboxd list export v7\nDate,Name\n2024,\n", "no name"),
        ('Letterboxd list export v7\nDate,Name\n2024,"' + "x" * 200_000 + '"\n', "could not be read"),
    ],
)
def test_bad_files_say_what_is_wrong_and_change_nothing(text, message):
    member = UserFactory()
    with pytest.raises(ValidationError) as caught:
        import_letterboxd_list(member, text)
    assert message in str(caught.value.message_dict["file"])
    assert not FilmList.objects.exists()


def test_export_then_import_into_a_new_account_gives_an_equal_list(catalog):
    owner = UserFactory()
    film_list = FilmListFactory(
        owner=owner, title='Crime, "mostly"', description="Line one\nLine <two> & more", ranked=True
    )
    ListEntryFactory(film_list=film_list, movie=catalog["suspects"], position=1, note='Twist, "the" end')
    ListEntryFactory(film_list=film_list, movie=catalog["heat"], position=2, note="")
    ListEntryFactory(film_list=film_list, movie=catalog["heat_tv"], position=3, note="The other Heat")
    text = export_letterboxd_list(film_list)
    assert text.startswith("Letterboxd list export v7\nDate,Name,Tags,URL,Description\n")
    assert "\n\nPosition,Name,Year,URL,Description\n" in text

    copy = import_letterboxd_list(UserFactory(), text)
    assert copy.matched == 3 and copy.unmatched == []
    assert (copy.film_list.title, copy.film_list.description, copy.film_list.ranked) == (
        film_list.title,
        film_list.description,
        True,
    )
    assert entries_of(copy.film_list) == entries_of(film_list)


def test_an_unranked_list_round_trips_unranked_and_in_order(catalog):
    film_list = FilmListFactory(ranked=False)
    ListEntryFactory(film_list=film_list, movie=catalog["inside"], position=1)
    ListEntryFactory(film_list=film_list, movie=catalog["heat"], position=2)
    copy = import_letterboxd_list(
        UserFactory(), export_letterboxd_list(film_list, site_url="https://cc.example")
    )
    assert not copy.film_list.ranked
    assert copy.film_list.letterboxd_url == f"https://cc.example{film_list.get_absolute_url()}"
    assert [t for t, _, _ in entries_of(copy.film_list)] == ["Inside Man", "Heat"]


def test_a_film_repeated_in_the_file_is_on_the_list_once(catalog):
    text = EXPORT.replace("4,Inside Man,2007", "4,Heat,1995")
    result = import_letterboxd_list(UserFactory(), text)
    assert result.matched == 3
    assert [t for t, _, _ in entries_of(result.film_list)].count("Heat") == 1
