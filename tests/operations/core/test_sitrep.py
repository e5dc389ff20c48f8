"""The situation report text (sot.operations.core.sitrep)."""

from datetime import UTC, datetime, timedelta

from sot.operations.core.sitrep import (
    EXERCISE_BANNER,
    Sitrep,
    SitrepLogEntry,
    SitrepPoint,
    format_time,
    render_markdown,
    render_text,
)
from sot.operations.core.status import PointState

# 13:00 UTC on 30 Nov 2026 is 14:00 in Stockholm (CET, UTC+1).
AS_OF = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)


def make(exercise=True) -> Sitrep:
    return Sitrep(
        event_name="Övning Storm",
        event_kind="Storm",
        as_of=AS_OF,
        sender="Åre kommun",
        exercise=exercise,
        number=2,
        since=AS_OF - timedelta(hours=3),
        municipalities=("Åre",),
        severity="allvarlig",
        started_at=AS_OF - timedelta(hours=6),
        decided_by="Anna Berg, beredskapssamordnare",
        points=(
            SitrepPoint(
                name="Kall",
                village="Kall",
                municipality="Åre",
                state=PointState.OPEN,
                power_source="generator",
                fuel_hours=31.4,
                runs_dry_at=AS_OF + timedelta(hours=31.4),
                last_report_at=AS_OF - timedelta(minutes=40),
                needs=("diesel",),
                people_present=12,
                capacity=40,
                indoor_temp_c=19.5,
            ),
            SitrepPoint(
                name="Hallen",
                municipality="Åre",
                state=PointState.UNKNOWN,
                power_source="grid",
                last_report_at=AS_OF - timedelta(hours=5),
                stale=True,
            ),
        ),
        log=(
            SitrepLogEntry(
                at=AS_OF - timedelta(hours=2), author="Anna Berg", text="Kall öppnad."
            ),
        ),
        next_report_at=AS_OF + timedelta(hours=3),
    )


def test_format_time_in_stockholm():
    assert format_time(AS_OF) == "30 nov 2026 kl. 14:00"
    assert format_time(AS_OF, with_date=False) == "kl. 14:00"


def test_plain_text_reads_like_a_report():
    text = render_text(make())
    lines = text.splitlines()
    assert lines[0] == EXERCISE_BANNER and lines[-1] == EXERCISE_BANNER
    assert "LÄGESRAPPORT nr 2 – Övning Storm" in text
    assert "Tidpunkt: 30 nov 2026 kl. 14:00" in text
    assert "2 SOT-punkter i händelsen: 1 öppen, 1 med okänt läge." in text
    assert "Kortast bränsletid: Kall, 31 h (tomt 1 dec 2026 kl. 21:24)." in text
    assert "Läge: ÖPPEN" in text
    assert "Ström: reservkraft (elverk)" in text
    assert "Bränsle: räcker ca 31 h, tomt 1 dec 2026 kl. 21:24" in text
    assert "Personer på plats: 12 av 40" in text
    assert "Senaste rapport: kl. 13:20 (40 min sedan)" in text
    assert "INAKTUELL, verifieras" in text
    assert "   Kall: diesel" in text
    assert "4. LOGGBOK SEDAN 30 NOV 2026 KL. 11:00" in text
    assert "kl. 12:00 Anna Berg: Kall öppnad." in text
    assert "Nästa lägesrapport: 30 nov 2026 kl. 17:00" in text


def test_real_event_has_no_exercise_banner():
    assert "ÖVNING" not in render_text(make(exercise=False))
    assert "ÖVNING" not in render_markdown(make(exercise=False))


def test_markdown_table_and_escaping():
    md = render_markdown(make())
    assert md.startswith(f"**{EXERCISE_BANNER}**")
    assert "# LÄGESRAPPORT nr 2 – Övning Storm" in md
    assert "| Kall | Åre | Öppen | reservkraft (elverk) | 31 h, tomt" in md
    assert "**kl. 09:00 (5 h), inaktuell**" in md
    assert "## Loggbok sedan 30 nov 2026 kl. 11:00" in md


def test_summary_counts_in_swedish_plural():
    from dataclasses import replace

    base = make(exercise=False)
    kall = base.points[0]
    points = (
        kall,
        replace(kall, name="Hallen"),
        replace(kall, name="Ottsjö", state=PointState.ALERTED, power_source=""),
    )
    text = render_text(replace(base, points=points))
    assert "3 SOT-punkter i händelsen: 2 öppna, 1 larmad." in text


def test_empty_event():
    s = Sitrep(event_name="Storm", event_kind="Storm", as_of=AS_OF, sender="X")
    text = render_text(s)
    assert "Inga SOT-punkter är aktiverade i händelsen." in text
    assert "Inga nya loggposter." in text
