"""The Letterboxd export format, read and written in one place (import and export both use it).

Reading: ``parse_upload`` takes the uploaded bytes (a ZIP as Letterboxd exports it, or one of its
CSV files) and answers plain, JSON-ready rows, or raises ``BadFile`` with a message for the
member; a bad file is refused as a whole before anything is written. Columns are found by their
header name, never by position. Writing: ``csv_text`` and ``zip_bytes`` build the same files.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath
from typing import Any

import nh3

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # what the member may upload (ZIP or CSV)
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024  # all files of a ZIP together, once inflated
MAX_RATIO = 100  # inflated / compressed for one ZIP member: more is a zip bomb
MAX_ROWS = 50_000  # per file
MAX_FILES = 2_000  # entries in the ZIP (a member's lists are one file each)

# The files read, with the columns each must have (others are ignored; order never matters).
FILES: dict[str, tuple[str, ...]] = {
    "diary": ("Name", "Year"),
    "reviews": ("Name", "Year", "Review"),
    "ratings": ("Name", "Year", "Rating"),
    "watched": ("Name", "Year"),
    "watchlist": ("Name", "Year"),
    "likes": ("Name", "Year"),
}
# Each file's columns when written, as Letterboxd writes them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "diary": ("Date", "Name", "Year", "Letterboxd URI", "Rating", "Rewatch", "Tags", "Watched Date"),
    "ratings": ("Date", "Name", "Year", "Letterboxd URI", "Rating"),
    "reviews": (
        "Date",
        "Name",
        "Year",
        "Letterboxd URI",
        "Rating",
        "Rewatch",
        "Review",
        "Tags",
        "Watched Date",
    ),
    "watchlist": ("Date", "Name", "Year", "Letterboxd URI"),
    "likes": ("Date", "Name", "Year", "Letterboxd URI"),
}
REVIEW_TAGS = {"br", "i", "em", "b", "strong", "blockquote", "p"}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*?(/?)>")


class BadFile(ValueError):
    """The upload cannot be imported; the message says why, for the member."""


def file_kind(path: str) -> str | None:
    """Which Letterboxd file a ZIP path or upload name is: 'diary', ..., 'likes', 'list' or None."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    if not parts or any(p in {"deleted", "orphaned", "__MACOSX"} for p in parts[:-1]):
        return None
    name = parts[-1].lower()
    if not name.endswith(".csv"):
        return None
    if len(parts) >= 2 and parts[-2].lower() == "likes":
        return "likes" if name == "films.csv" else None
    if len(parts) >= 2 and parts[-2].lower() == "lists":
        return "list"
    stem = name[: -len(".csv")]
    return stem if stem in FILES else None


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadFile(f"{name} is not UTF-8 text: is it really a Letterboxd CSV file?") from None


def _reader(text: str, name: str) -> tuple[list[str], Iterable[list[str]]]:
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(rows)
    except StopIteration:
        raise BadFile(f"{name} is empty.") from None
    except csv.Error as exc:
        raise BadFile(f"{name} is not a readable CSV file ({exc}).") from None
    return [h.strip() for h in header], rows


def _date(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _rating(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    try:
        score = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"rating {value!r} is not a number") from None
    if not score.is_finite() or score * 2 != int(score * 2) or not Decimal("0.5") <= score <= 5:
        raise ValueError(f"rating {value!r} is not between 0.5 and 5 in half stars")
    return str(score.quantize(Decimal("0.1")))


def _year(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 1870 <= int(value) <= 2100:
        raise ValueError(f"year {value!r} is not a year")
    return int(value)


def tags_split(value: str) -> list[str]:
    """Letterboxd's Tags cell ("noir, rainy day") as a list."""
    return [t.strip() for t in value.split(",") if t.strip()]


def review_text(raw: str) -> str:
    """Letterboxd's review HTML as CineCircle's review text (plain text with line breaks).

    nh3 keeps only br, i, em, b, strong, blockquote and p; any other markup is escaped first, so
    it survives as the visible text the member typed and never runs. The kept tags become the
    line breaks and paragraphs the site shows (reviews are plain text, escaped when rendered).
    """

    def escape_unknown(match: re.Match[str]) -> str:
        tag = match.group(0)
        return tag if match.group(2).lower() in REVIEW_TAGS else html.escape(tag)

    safe = nh3.clean(_TAG.sub(escape_unknown, raw.replace("\r\n", "\n")), tags=REVIEW_TAGS, attributes={})
    safe = re.sub(r"<br\s*/?>", "\n", safe, flags=re.IGNORECASE)
    safe = re.sub(r"</?(p|blockquote)>", "\n\n", safe, flags=re.IGNORECASE)
    safe = re.sub(r"</?(i|em|b|strong)>", "", safe, flags=re.IGNORECASE)
    text = html.unescape(safe)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def review_html(text: str) -> str:
    """CineCircle's review text as Letterboxd writes it (escaped, line breaks as <br/>)."""
    return html.escape(text, quote=False).replace("\n", "<br/>")


def _row(kind: str, cells: Mapping[str, str]) -> dict[str, Any]:
    get = lambda column: (cells.get(column) or "").strip()  # noqa: E731
    name = get("Name")
    if not name:
        raise ValueError("the film has no name")
    row: dict[str, Any] = {"kind": kind, "name": name[:300], "year": _year(get("Year"))}
    row["date"] = _date(get("Date"))
    if kind in {"diary", "reviews"}:
        row["watched_on"] = _date(get("Watched Date"))
        row["rewatch"] = get("Rewatch").lower() in {"yes", "true", "1"}
        row["tags"] = tags_split(get("Tags"))
    if kind in {"diary", "reviews", "ratings"}:
        row["rating"] = _rating(get("Rating"))
    if kind == "reviews":
        row["review"] = review_text(cells.get("Review") or "")
    return row


def parse_csv(data: bytes, *, name: str, kind: str) -> tuple[list[dict[str, Any]], list[str]]:
    """One file's rows, and a message per row that could not be read (skipped)."""
    header, reader = _reader(_decode(data, name), name)
    missing = [c for c in FILES[kind] if c not in header]
    if missing:
        raise BadFile(
            f"{name} has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}: "
            f"is it a Letterboxd {kind} export?"
        )
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    try:
        for line, values in enumerate(reader, start=2):
            if line - 1 > MAX_ROWS:
                raise BadFile(f"{name} has more than {MAX_ROWS:,} rows.")
            if not any(v.strip() for v in values):
                continue
            try:
                row = _row(kind, dict(zip(header, values, strict=False)))
            except ValueError as exc:
                problems.append(f"{name} line {line}: {exc}; skipped.")
                continue
            row["file"], row["line"] = name, line
            rows.append(row)
    except csv.Error as exc:
        raise BadFile(f"{name} is not a readable CSV file ({exc}).") from None
    return rows, problems


def _csv_kind_from_header(data: bytes, name: str) -> str:
    header, _ = _reader(_decode(data[:65536], name), name)
    if "Review" in header:
        return "reviews"
    if "Rewatch" in header or "Watched Date" in header:
        return "diary"
    if "Rating" in header:
        return "ratings"
    raise BadFile(
        f"Cannot tell which Letterboxd file {name} is: name it as in the export "
        "(watched.csv, watchlist.csv or likes-films.csv) or upload the whole ZIP."
    )


def _zip_files(data: bytes) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BadFile(
            "This is not a ZIP file. Upload the ZIP Letterboxd sent you, or one of its CSV files."
        ) from None
    infos = [i for i in archive.infolist() if not i.is_dir()]
    if len(infos) > MAX_FILES:
        raise BadFile(f"The ZIP holds more than {MAX_FILES:,} files; a Letterboxd export holds far fewer.")
    # Sizes are checked before anything is inflated (a zip bomb declares them honestly or is cut
    # off below when it lies).
    if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES:
        raise BadFile(
            f"The ZIP unpacks to more than {MAX_UNCOMPRESSED_BYTES // 2**20} MB: "
            "that is not a Letterboxd export."
        )
    wanted = [i for i in infos if file_kind(i.filename)]
    for info in wanted:
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 2**20:
            raise BadFile(
                f"{info.filename} inflates {info.file_size // max(info.compress_size, 1)}-fold: refused."
            )
    out: list[tuple[str, bytes]] = []
    for info in wanted:
        try:
            with archive.open(info) as member:
                body = member.read(info.file_size + 1)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as exc:
            raise BadFile(f"{info.filename} cannot be read from the ZIP ({exc}).") from None
        if len(body) > info.file_size:
            raise BadFile(f"{info.filename} is larger than the ZIP says: refused.")
        out.append((info.filename, body))
    if not out:
        raise BadFile("The ZIP holds no Letterboxd files (diary.csv, ratings.csv, reviews.csv, ...).")
    return out


def parse_upload(data: bytes, *, filename: str) -> tuple[list[dict[str, Any]], list[str]]:
    """All rows of an upload (ZIP or one CSV) and the messages of rows skipped; raises BadFile.

    Lists come back whole, as ``{"kind": "list", "file": ..., "text": ...}``, for the lists app.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise BadFile(f"The file is larger than {MAX_UPLOAD_BYTES // 2**20} MB.")
    if not data:
        raise BadFile("The file is empty.")
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".zip"):
        files = _zip_files(data)
    else:
        kind = file_kind(filename) or (
            "likes" if filename.lower() in {"likes-films.csv", "films.csv"} else None
        )
        files = [(f"{kind}.csv" if kind else filename, data)]
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for name, body in files:
        kind = file_kind(name) or _csv_kind_from_header(body, name)
        if kind == "list":
            rows.append({"kind": "list", "file": name, "text": _decode(body, name)})
            continue
        found, skipped = parse_csv(body, name=name, kind=kind)
        rows.extend(found)
        problems.extend(skipped)
    return rows, problems


def csv_text(kind: str, rows: Iterable[Mapping[str, object]]) -> str:
    """One Letterboxd file from rows keyed by its column names."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS[kind], extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def zip_bytes(files: Mapping[str, str]) -> bytes:
    """A ZIP of {file name: CSV text}, as Letterboxd's export is laid out."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()
