"""A corpus of hostile and clumsy import files, built in memory (nothing binary is
kept in the repository). Each entry: (name, filename, bytes, words the refusal must
contain)."""

from __future__ import annotations

import io
import zipfile

HEADER = "id;name;village;municipality_code;lat;lon\n"


def _xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rezip(data: bytes, change) -> bytes:
    """The XLSX with each member passed through ``change(name, bytes)``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info.filename)))
    return out.getvalue()


def huge_dimension_xlsx() -> bytes:
    """A two-cell sheet that claims to span A1:XFD1048576 (17 billion cells)."""
    base = _xlsx([["id", "name"], ["x", "y"]])

    def change(name, content):
        if name.startswith("xl/worksheets/"):
            text = content.decode()
            text = text.replace('<dimension ref="A1:B2"/>', "")
            text = text.replace(
                "<sheetViews>", '<dimension ref="A1:XFD1048576"/><sheetViews>', 1
            )
            return text.encode()
        return content

    return _rezip(base, change)


def zip_bomb_xlsx() -> bytes:
    """A sheet whose XML inflates 8 MB of whitespace from a few kilobytes."""
    base = _xlsx([["id", "name"], ["x", "y"]])

    def change(name, content):
        if name.startswith("xl/worksheets/"):
            return content.replace(b"<sheetData>", b"<sheetData>" + b" " * 8_000_000)
        return content

    return _rezip(base, change)


def corpus() -> list[tuple[str, str, bytes, str]]:
    cp1252 = (
        "namn;telefon;id;name;village;municipality_code;lat;lon\n"
        "Åsa Öberg;0701740650;a;Åsa;Öberg;2321;63.1;13.1\n"
    ).encode("cp1252")
    return [
        ("windows-1252 csv", "p.csv", cp1252, "Windows-1252"),
        (
            "utf-16 csv",
            "p.csv",
            (HEADER + "a;B;C;2321;63;13\n").encode("utf-16"),
            "UTF-8",
        ),
        (
            "csv field over 128 KiB",
            "p.csv",
            (HEADER + "a;" + "x" * 200_000 + ";C;2321;63;13\n").encode(),
            "Rad 2",
        ),
        (
            "csv cell over the cell cap",
            "p.csv",
            (HEADER + "a;" + "x" * 20_000 + ";C;2321;63;13\n").encode(),
            "tecken",
        ),
        (
            "NUL in a csv cell",
            "p.csv",
            (HEADER + "a;B\x00;C;2321;63;13\n").encode(),
            "U+0000",
        ),
        ("empty csv", "p.csv", b"", "tom"),
        ("broken xlsx", "p.xlsx", b"PK\x03\x04 this is not a workbook", "XLSX"),
        ("truncated xlsx", "p.xlsx", _xlsx([["id"], ["a"]])[:300], "XLSX"),
        ("xlsx claiming 17 billion cells", "p.xlsx", huge_dimension_xlsx(), ""),
        ("zip bomb xlsx", "p.xlsx", zip_bomb_xlsx(), "packas upp"),
        (
            "too many rows",
            "p.csv",
            (HEADER + "a;b;c;2321;63;13\n" * 50_001).encode(),
            "rader",
        ),
    ]
