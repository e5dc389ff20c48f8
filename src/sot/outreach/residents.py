"""Residents' SMS questions: "SOT JÄRPEN", "SOT 83005", "SOT KALL" (issue #13).

Anyone may ask (like START/STOPP); the answer comes from the same public data and
search as the public pages (:mod:`sot.public.finder`), so an SMS never says more or
other than the web page. The texts are built in :mod:`sot.outreach.core.resident`.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from sot.outreach.core.commands import fold
from sot.outreach.core.resident import PointRow, message_text, nearest_text, point_text
from sot.public import finder, pages
from sot.public.core import nearest, words
from sot.public.core.model import FUEL_LABELS, SERVICE_LABELS, PublicPoint, PublicState

STATE_WORDS = {
    PublicState.OPEN: ("ÖPPEN", "OPEN"),
    PublicState.LIMITED: ("ÖPPEN MED BEGRÄNSNINGAR", "OPEN, LIMITED"),
    PublicState.CLOSED: ("STÄNGD", "CLOSED"),
    PublicState.PREPARING: ("ÖPPNAR SNART", "OPENING SOON"),
    PublicState.STANDBY: ("INTE AKTIVERAD", "NOT ACTIVATED"),
    PublicState.UNKNOWN: ("OKÄNT LÄGE", "STATUS UNKNOWN"),
}


def _restricted(name: str, service, lang: str) -> str:
    """``diesel (endast räddningstjänst till 18:00)`` when a restriction is in force."""
    detail = service.reason(lang)
    if service.until is not None:
        until = timezone.localtime(service.until).strftime("%H:%M")
        detail = f"{detail} {'until' if lang == 'en' else 'till'} {until}".strip()
    return f"{name} ({detail})" if detail else name


def row(point: PublicPoint, lang: str, distance_m: float | None = None) -> PointRow:
    """What the SMS says about one point."""
    pair = STATE_WORDS.get(point.state, (str(point.state), str(point.state)))
    state = pair[1] if lang == "en" else pair[0]
    live = point.state not in (PublicState.STANDBY,)
    works, limited, missing = [], [], []
    for table, services in (
        (SERVICE_LABELS, point.services),
        (FUEL_LABELS, point.fuel),
    ):
        for s in services:
            if not live or s.available is None:
                continue
            name = s.label(lang, table).lower()
            if s.limited:
                limited.append(_restricted(name, s, lang))
            else:
                (works if s.available else missing).append(name)
    updated = ""
    if point.updated_at is not None:
        updated = timezone.localtime(point.updated_at).strftime("%H:%M")
    next_update = ""
    if point.next_update and point.is_open:
        next_update = words.clock(datetime.fromisoformat(point.next_update), None, lang)
    return PointRow(
        name=point.name,
        state=state,
        distance=words.distance(distance_m, lang) if distance_m is not None else "",
        works=tuple(works),
        limited=tuple(limited),
        missing=tuple(missing),
        updated=updated,
        next_update=next_update,
        opening=point.hours_text(lang),
        exercise=point.exercise,
    )


def _open_instead(data, point: PublicPoint, lang: str) -> list[PointRow]:
    """For a point that does not serve now: the nearest open point (at most two),
    so that "SOT VALSJÖBYN" while Valsjöbyn is not activated says where to go."""
    if point.is_open:
        return []
    ranked = [
        (p, d)
        for p, d in nearest.nearest_points(point.lat, point.lon, data.located, limit=3)
        if p.slug != point.slug
    ][:2]
    if not ranked:
        return []
    shown = pages.PublicData(data.now, where={"slug__in": [p.slug for p, _ in ranked]})
    full = {p.slug: p for p in shown.points}
    return [
        PointRow(
            name=full[p.slug].name,
            state="",
            distance=words.distance(d, lang),
            exercise=full[p.slug].exercise,
        )
        for p, d in ranked
        if p.slug in full and full[p.slug].is_open
    ]


def answer(target: str | None, *, lang: str = "sv") -> tuple[str, str]:
    """(outcome for the log, reply) for ``SOT <target>``."""

    if not target or not target.strip():
        return "resident question without a place", message_text(lang, "ask")
    data = pages.PublicData()
    key = fold(" ".join(target.split()))
    for p in data.located:  # light rows; only the point asked for is loaded
        names = {p.name, p.village, p.slug.replace("-", " ")}
        if key in {fold(n) for n in names if n}:
            full = pages.PublicData(data.now, where={"slug": p.slug}).points
            if full:
                return f"resident asked for {p.slug}", point_text(
                    lang, row(full[0], lang), _open_instead(data, full[0], lang)
                )
    found = finder.find(data, target, limit=3)
    res = found.resolution
    if res.origin is None:
        return f"resident question not found: {target[:40]}", message_text(
            lang, "not_found", query=target.strip()[:40]
        )
    if res.status == "outside" and not found.ranked:
        area = pages.county_name(data.county, lang) or "området"
        return f"resident question outside: {target[:40]}", message_text(
            lang, "outside", place=res.origin.label, area=area
        )
    rows = [row(p, lang, d) for p, d in found.ranked]
    text = nearest_text(
        lang,
        res.origin.label,
        rows,
        any_state=found.any_state,
        rough=res.origin.approximate or res.origin.estimated,
    )
    return f"resident asked near {res.origin.label}", text
