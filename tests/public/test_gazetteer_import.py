"""Gazetteer and postcode imports keep a file whole or not at all: a row that cannot
be read is reported with its row and column, and nothing of the file is stored (a
row is never dropped silently)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from sot.public import imports
from sot.public.models import GazetteerPlace, Postcode


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.django_db
def test_a_bad_place_row_refuses_the_whole_file_with_row_and_column(tmp_path):
    path = _write(
        tmp_path,
        "orter.csv",
        "namn,lat,lon\n"
        "Huså,63.4549,13.3317\n"
        ",63.2,13.0\n"
        "Ottsjö,sextiotre,13.0502\n"
        "Kall,63.48,913.1\n"
        "Hallen,nan,14.0\n",
    )
    with pytest.raises(imports.ImportError_) as caught:
        imports.import_places(path)
    where = [(p.row, p.column) for p in caught.value.problems]
    assert where == [(3, "namn"), (4, "lat"), (5, "lon"), (6, "lat")]
    assert "rad 4, lat: är inget tal" in str(caught.value)
    assert "4 rader kunde inte läsas; inget sparades" in str(caught.value)
    assert not GazetteerPlace.objects.exists()


@pytest.mark.django_db
def test_a_bad_postcode_row_refuses_the_whole_file(tmp_path):
    path = _write(
        tmp_path,
        "postnummer.csv",
        "postnummer;postort;lat;lon\n830 05;Järpen;63.3466;13.4722\n8300;X;63.1;13.1\n",
    )
    with pytest.raises(CommandError, match="rad 3, postnummer"):
        call_command("import_postcodes", str(path))
    assert not Postcode.objects.exists()


@pytest.mark.django_db
def test_a_file_not_in_utf8_is_refused_with_a_hint(tmp_path):
    path = _write(
        tmp_path, "orter.csv", "namn,lat,lon\nÖstersund,63.18,14.64\n", "cp1252"
    )
    with pytest.raises(CommandError, match="inte UTF-8"):
        call_command("import_places", str(path))
    assert not GazetteerPlace.objects.exists()


@pytest.mark.django_db
def test_good_files_are_stored_whole(tmp_path):
    places = _write(
        tmp_path,
        "orter.csv",
        "namn;lat;lon\nHuså;63,4549;13,3317\nÖstersund;63.18;14.64\n",
    )
    assert imports.import_places(places) == 2
    assert set(GazetteerPlace.objects.values_list("name", flat=True)) == {
        "Huså",
        "Östersund",
    }
    codes = _write(tmp_path, "pn.csv", "postnummer,lat,lon\n83005,63.34,13.47\n")
    assert imports.import_postcodes(codes) == 1
    assert Postcode.objects.get(code="83005").lat == pytest.approx(63.34)


def _geonames_line(gid, name, lat, lon, fclass, fcode, kommun, pop="0"):
    fields = [gid, name, name, "", lat, lon, fclass, fcode, "SE", "", "07", kommun]
    return "\t".join(
        [*fields, "", "", pop, "", "400", "Europe/Stockholm", "2024-01-01"]
    )


#: Typed by hand in the layout of GeoNames' SE.txt (tab-separated, no header, 19
#: columns); coordinates approximate, a lake to show that only places are kept.
GEONAMES_SE = (
    "\n".join(
        [
            _geonames_line("1001", "Huså", "63.4549", "13.3317", "P", "PPL", "2321"),
            _geonames_line("1002", "Ottsjö", "63.2170", "13.0500", "P", "PPL", "2321"),
            _geonames_line(
                "1003", "Borgvattnet", "63.4290", "15.8160", "P", "PPL", "2303"
            ),
            _geonames_line("1004", "Husåsjön", "63.4500", "13.3000", "H", "LK", "2321"),
        ]
    )
    + "\n"
)


@pytest.mark.django_db
def test_a_geonames_dump_imports_its_populated_places(tmp_path):
    path = _write(tmp_path, "SE.txt", GEONAMES_SE)
    call_command("import_places", str(path), "--source", "GeoNames SE")
    stored = {
        p.name: (p.lat, p.lon, p.kind, p.municipality_code)
        for p in GazetteerPlace.objects.all()
    }
    assert stored == {
        "Huså": (63.4549, 13.3317, "PPL", "2321"),
        "Ottsjö": (63.2170, 13.0500, "PPL", "2321"),
        "Borgvattnet": (63.4290, 15.8160, "PPL", "2303"),
    }


@pytest.mark.django_db
def test_a_bad_geonames_row_is_reported_by_its_line(tmp_path):
    bad = _geonames_line("1005", "Kall", "sextiotre", "13.2", "P", "PPL", "2321")
    path = _write(tmp_path, "SE.txt", GEONAMES_SE + bad + "\n")
    with pytest.raises(CommandError, match="rad 5, latitude: är inget tal"):
        call_command("import_places", str(path))
    assert not GazetteerPlace.objects.exists()


def test_search_by_a_village_from_a_geonames_dump(client, kall_open, tmp_path):
    path = _write(tmp_path, "SE.txt", GEONAMES_SE)
    call_command("import_places", str(path))
    page = client.get("/nara/", {"q": "Husa"}).content.decode()
    # Huså's own position (63.4549, 13.3317), not Åre's centre: 5.3 km to Kall
    assert "från Huså" in page and "5,3 km" in page


@pytest.mark.django_db
def test_a_geonames_postal_dump_imports_its_postcodes(tmp_path):
    # Typed by hand in the layout of GeoNames' postal-code SE.txt (12 columns,
    # tab-separated, no header); values approximate.
    rows = [
        ["SE", "830 67", "Valsjöbyn", "Jämtland", "Z", "Krokom", "2309"],
        ["SE", "840 80", "Lillhärdal", "Jämtland", "Z", "Härjedalen", "2361"],
    ]
    coords = [["64.0667", "14.1333", "4"], ["61.85", "14.0667", "4"]]
    text = "".join(
        "\t".join([*r, "", "", *c]) + "\n" for r, c in zip(rows, coords, strict=True)
    )
    path = _write(tmp_path, "SE.txt", text)
    call_command("import_postcodes", str(path))
    stored = {p.code: (p.locality, p.lat, p.lon) for p in Postcode.objects.all()}
    assert stored == {
        "83067": ("Valsjöbyn", 64.0667, 14.1333),
        "84080": ("Lillhärdal", 61.85, 14.0667),
    }
