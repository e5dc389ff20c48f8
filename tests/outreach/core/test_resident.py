"""The residents' SMS texts fit two GSM-7 segments whatever the data (no database)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sot.outreach.core import resident
from sot.outreach.core.gsm import segment_info

LONG = "Blåsjöfjäll Livs Stora Blåsjön"  # 30 characters, the longest realistic name
SERVICES = ("livsmedel", "värme", "laddning av telefon", "dricksvatten", "toaletter",
            "information", "värmestuga", "första hjälpen", "diesel", "bensin 95")  # fmt: skip


def _row(name=LONG, **kw):
    return resident.PointRow(
        name=name, state="ÖPPEN MED BEGRÄNSNINGAR", distance="123 km",
        works=SERVICES, limited=SERVICES[:4], missing=SERVICES[4:],
        updated="14:05", next_update="16:05", opening="Alla dagar 8-22 " * 5, **kw,
    )  # fmt: skip


def test_three_long_points_are_cut_to_two_segments():
    text = resident.nearest_text("sv", "Skinnskatteberg", [_row(), _row(), _row()])
    assert segment_info(text).segments <= 2 and segment_info(text).encoding == "gsm7"
    assert text.startswith("SOT nära Skinnskatteberg: " + LONG)


def test_short_answer_keeps_everything():
    row = resident.PointRow("Kall", "ÖPPEN", "18 km", ("mat", "diesel"), ("laddning",))
    text = resident.nearest_text("sv", "Järpen", [row])
    assert text == (
        "SOT nära Järpen: Kall ÖPPEN 18 km: finns mat, diesel; begränsat laddning. "
        "Svara SOT och punktens namn för mer."
    )
    assert segment_info(text).segments == 1


def test_point_state_in_english_fits():
    text = resident.point_text("en", _row())
    assert text.startswith(f"SOT {LONG}: ÖPPEN MED BEGRÄNSNINGAR (upd. 14:05).")
    assert segment_info(text).segments <= 2


@given(
    name=st.text(min_size=1, max_size=60),
    place=st.text(min_size=1, max_size=60),
    services=st.lists(st.text(min_size=1, max_size=30), max_size=12),
)
def test_any_text_fits_two_gsm7_segments(name, place, services):
    row = resident.PointRow(name, "ÖPPEN", "5 km", tuple(services), tuple(services))
    for text in (
        resident.nearest_text("sv", place, [row, row, row]),
        resident.point_text("sv", row),
        resident.message_text("sv", "not_found", query=place),
    ):
        info = segment_info(text)
        assert info.encoding == "gsm7" and info.segments <= 2
