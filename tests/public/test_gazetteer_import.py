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
