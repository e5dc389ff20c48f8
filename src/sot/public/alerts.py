"""Warnings in force for residents: SMHI, VMA, Krisinformation, power outages (#13).

The warnings app takes them in and matches them to municipalities and points; the
public pages show those in force over the install's area with their level, validity
and a link to the issuer. Tests and exercises from a feed are left out unless the
message is marked as an exercise (then shown as such).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sot.warnings.models import MessageState, StatusChoice, WarningMessage

#: Where a resident reads more when a message carries no web address of its own.
ISSUER = {
    "smhi": ("SMHI", "https://www.smhi.se/vader/varningar-och-brandrisk"),
    "krisinformation": ("Krisinformation", "https://www.krisinformation.se/"),
    "vma": ("VMA, Sveriges Radio", "https://www.krisinformation.se/"),
    "outage": ("Elnätsbolaget", ""),
    "cap": ("", ""),
}
LEVELS = {
    "MESSAGE": ("Meddelande", "Message"),
    "YELLOW": ("Gul varning", "Yellow warning"),
    "ORANGE": ("Orange varning", "Orange warning"),
    "RED": ("Röd varning", "Red warning"),
}


@dataclass(frozen=True)
class PublicWarning:
    id: int
    source: str
    issuer: str
    level: str
    headline_sv: str
    headline_en: str
    onset: datetime | None
    expires: datetime | None
    url: str
    exercise: bool
    municipality_codes: tuple[str, ...]
    point_slugs: tuple[str, ...]


def in_force(codes: set[str]) -> list[PublicWarning]:
    """The warnings in force over any of the municipalities ``codes``."""

    qs = (
        WarningMessage.objects.filter(state=MessageState.IN_FORCE)
        .exclude(status=StatusChoice.TEST)
        .filter(municipalities__code__in=codes)
        .prefetch_related("municipalities", "points")
        .distinct()
        .order_by("-sent")
    )
    out = []
    for w in qs:
        issuer, home = ISSUER.get(w.source, ("", ""))
        out.append(
            PublicWarning(
                id=w.pk,
                source=w.source,
                issuer=issuer or w.sender[:60],
                level=w.level or "",
                headline_sv=w.headline_sv or w.headline_en or w.identifier,
                headline_en=w.headline_en,
                onset=w.onset,
                expires=w.expires,
                url=w.web if w.web.startswith(("https://", "http://")) else home,
                exercise=w.status == StatusChoice.EXERCISE,
                municipality_codes=tuple(m.code for m in w.municipalities.all()),
                point_slugs=tuple(p.slug for p in w.points.all()),
            )
        )
    return out
