"""Reading Letterboxd files: by header name, with a BOM, with HTML reviews; bad files refused whole."""

from __future__ import annotations

import io
import zipfile

import pytest

from community.diary import letterboxd
from community.diary.letterboxd import BadFile, parse_upload
from tests.community.diary.factories import DIARY_HEADER, REVIEWS_HEADER, csv_bytes, zip_of


def test_columns_are_found_by_name_whatever_their_order_and_a_bom_is_ignored():
    header = ["Watched Date", "Name", "Tags", "Rating", "Year", "Rewatch", "Letterboxd URI", "Date"]
    data = csv_bytes(
        header,
        [["2024-02-03", "Heat", "crime, Rainy Day", "4.5", "1995", "Yes", "x", "2024-02-04"]],
        bom=True,
    )
    rows, problems = parse_upload(data, filename="diary.csv")
    assert problems == []
    assert rows == [
        {
            "kind": "diary",
            "name": "Heat",
            "year": 1995,
            "date": "2024-02-04",
            "watched_on": "2024-02-03",
            "rewatch": True,
            "tags": ["crime", "Rainy Day"],
            "rating": "4.5",
            "file": "diary.csv",
            "line": 2,
        }
    ]


def test_review_html_keeps_its_lines_and_escapes_what_is_not_allowed():
    text = letterboxd.review_text(
        "One<br/>two <i>three</i><blockquote>quoted</blockquote>"
        '<script>alert(1)</script> <b onclick="x">b</b>'
    )
    assert text == "One\ntwo three\n\nquoted\n\n<script>alert(1)</script> b"
    assert letterboxd.review_text(letterboxd.review_html("a < b & c\nnext")) == "a < b & c\nnext"


def test_a_zip_is_read_by_its_file_names_and_lists_and_deleted_files_are_told_apart():
    data = zip_of(
        {
            "export/diary.csv": csv_bytes(
                DIARY_HEADER, [["2024-01-01", "Heat", "1995", "", "", "", "", "2024-01-01"]]
            ),
            "export/likes/films.csv": csv_bytes(
                ["Date", "Name", "Year", "Letterboxd URI"], [["2024-01-01", "Heat", "1995", ""]]
            ),
            "export/lists/my-list.csv": b"Letterboxd list export v7\n",
            "export/deleted/diary.csv": csv_bytes(
                DIARY_HEADER, [["2024-01-01", "Gone", "1995", "", "", "", "", ""]]
            ),
            "export/profile.csv": b"Username\nme\n",
        }
    )
    rows, _ = parse_upload(data, filename="letterboxd.zip")
    assert [(r["kind"], r.get("name")) for r in rows] == [
        ("diary", "Heat"),
        ("likes", "Heat"),
        ("list", None),
    ]


def test_rows_with_bad_values_are_skipped_with_a_message_and_the_rest_read():
    data = csv_bytes(
        REVIEWS_HEADER,
        [["", "Heat", "1995", "", "7", "", "x", "", ""], ["", "Ran", "1985", "", "4", "", "Epic", "", ""]],
    )
    rows, problems = parse_upload(data, filename="reviews.csv")
    assert [r["name"] for r in rows] == ["Ran"]
    assert problems == ["reviews.csv line 2: rating '7' is not between 0.5 and 5 in half stars; skipped."]


def _zip_with_declared_size(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("diary.csv", b"Name,Year\n" + b" " * size)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "photo.zip", "not a ZIP"),
        (b"Date,Title\n2024-01-01,Heat\n", "diary.csv", "no Name, Year columns"),
        (b"", "diary.csv", "empty"),
        (b"\xff\xfe\x00bad", "ratings.csv", "not UTF-8"),
        (b"x" * (letterboxd.MAX_UPLOAD_BYTES + 1), "diary.csv", "larger than 20 MB"),
        (zip_of({"notes.txt": b"hello"}), "x.zip", "no Letterboxd files"),
        (b"Date,Name,Year,Letterboxd URI\n", "mystery.csv", "Cannot tell which"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(data, filename, message):
    with pytest.raises(BadFile, match=message):
        parse_upload(data, filename=filename)


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    bomb = _zip_with_declared_size(30 * 2**20)  # 30 MB of spaces: a few KB compressed
    assert len(bomb) < 200_000
    with pytest.raises(BadFile, match="inflates"):
        parse_upload(bomb, filename="export.zip")


def test_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr(letterboxd, "MAX_ROWS", 3)
    data = csv_bytes(["Name", "Year"], [["Heat", "1995"]] * 4)
    with pytest.raises(BadFile, match="more than 3 rows"):
        parse_upload(data, filename="watched.csv")
