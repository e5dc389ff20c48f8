"""Atom 1.0 (RFC 4287) feeds: the CAP index and the public messages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sot.public.core.cap import CapMessage
from sot.public.core.model import PublicMessageData

ATOM_NS = "http://www.w3.org/2005/Atom"


def atom_time(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    )


@dataclass(frozen=True)
class Link:
    href: str
    rel: str = "alternate"
    type: str = ""
    hreflang: str = ""


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    updated: datetime
    summary: str = ""
    links: Sequence[Link] = ()
    categories: Sequence[str] = ()
    lang: str = ""
    published: datetime | None = None
    extra: dict = field(default_factory=dict)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    el = ET.SubElement(
        parent, f"{{{ATOM_NS}}}{tag}", {k: v for k, v in attrs.items() if v}
    )
    if text is not None:
        el.text = text
    return el


def feed(
    *,
    feed_id: str,
    title: str,
    self_url: str,
    entries: Iterable[Entry],
    author: str,
    alternate_url: str = "",
    updated: datetime | None = None,
    lang: str = "sv",
) -> bytes:
    """An Atom feed document; ``updated`` defaults to the newest entry (or now)."""
    entries = sorted(entries, key=lambda e: e.updated, reverse=True)
    if updated is None:
        updated = entries[0].updated if entries else datetime.now(UTC)
    ET.register_namespace("", ATOM_NS)
    root = ET.Element(f"{{{ATOM_NS}}}feed")
    root.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    _sub(root, "id", feed_id)
    _sub(root, "title", title)
    _sub(root, "updated", atom_time(updated))
    _sub(_sub(root, "author"), "name", author)
    _sub(root, "link", href=self_url, rel="self", type="application/atom+xml")
    if alternate_url:
        _sub(root, "link", href=alternate_url, rel="alternate", type="text/html")
    for entry in entries:
        el = _sub(root, "entry")
        if entry.lang:
            el.set("{http://www.w3.org/XML/1998/namespace}lang", entry.lang)
        _sub(el, "id", entry.id)
        _sub(el, "title", entry.title)
        _sub(el, "updated", atom_time(entry.updated))
        if entry.published:
            _sub(el, "published", atom_time(entry.published))
        for link in entry.links:
            _sub(
                el,
                "link",
                href=link.href,
                rel=link.rel,
                type=link.type,
                hreflang=link.hreflang,
            )
        for term in entry.categories:
            _sub(el, "category", term=term)
        if entry.summary:
            _sub(el, "summary", entry.summary)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def cap_index(
    messages: Iterable[CapMessage], *, base_url: str, author: str, feed_id: str = ""
) -> bytes:
    """The Atom index of CAP messages; each entry links to ``/cap/<identifier>.xml``."""
    entries = [
        Entry(
            id=f"{base_url}/cap/{m.filename}",
            title=m.headline,
            updated=m.sent,
            published=m.sent,
            summary=f"{m.msg_type} ({m.status})",
            links=[
                Link(
                    f"{base_url}/cap/{m.filename}", "alternate", "application/cap+xml"
                ),
                Link(f"{base_url}/punkt/{m.point_slug}/", "related", "text/html"),
            ],
            categories=[m.msg_type, m.status],
        )
        for m in messages
    ]
    return feed(
        feed_id=feed_id or f"{base_url}/feeds/cap.atom",
        title="SOT-punkter – CAP-meddelanden",
        self_url=f"{base_url}/feeds/cap.atom",
        alternate_url=f"{base_url}/",
        entries=entries,
        author=author,
    )


def messages_feed(
    messages: Iterable[PublicMessageData], *, base_url: str, author: str
) -> bytes:
    """The Atom feed of public messages from the municipalities."""
    entries = []
    for m in messages:
        prefix = "Övning: " if m.exercise else ""
        about = m.point_name or m.event_name
        title = f"{prefix}{about}: {m.text}" if about else prefix + m.text
        link = f"{base_url}/punkt/{m.point_slug}/" if m.point_slug else f"{base_url}/"
        entries.append(
            Entry(
                id=f"{base_url}/meddelanden/#m{m.id}",
                title=title[:200],
                updated=m.published_at,
                published=m.published_at,
                summary=m.text + (f"\n\n{m.text_en}" if m.text_en else ""),
                links=[Link(link, "alternate", "text/html")],
                categories=["exercise"] if m.exercise else [],
            )
        )
    return feed(
        feed_id=f"{base_url}/feeds/meddelanden.atom",
        title="SOT-punkter – meddelanden till allmänheten",
        self_url=f"{base_url}/feeds/meddelanden.atom",
        alternate_url=f"{base_url}/",
        entries=entries,
        author=author,
    )
