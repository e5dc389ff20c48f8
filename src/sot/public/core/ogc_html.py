"""HTML for the OGC API - Features service (Part 1, conformance class HTML).

Each resource's JSON document rendered as a small, self-contained page: its title,
its data (collections, conformance classes, features as a table, one feature's
properties, the queryables) and every link, so a person can browse the service
with a browser. No scripts, no outside resources.
"""

from __future__ import annotations

from html import escape

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;"
    "padding:0 1rem;line-height:1.4}table{border-collapse:collapse}"
    "td,th{border:1px solid #999;padding:.2rem .4rem;text-align:left}"
    "code{word-break:break-all}"
)
_TITLES = {
    "landing": "Landningssida (landing page)",
    "conformance": "Överensstämmelse (conformance classes)",
    "collections": "Samlingar (collections)",
    "collection": "Samling (collection)",
    "queryables": "Egenskaper att filtrera på (queryables)",
    "items": "Objekt (features)",
    "item": "Objekt (feature)",
    "error": "Fel (error)",
    "api": "API",
}


def _link_list(links: list[dict]) -> str:
    if not links:
        return ""
    items = "".join(
        f'<li><a href="{escape(link["href"])}">{escape(link.get("title") or link["href"])}'
        f"</a> <small>({escape(link['rel'])}, {escape(link.get('type', ''))})</small></li>"
        for link in links
    )
    return f"<h2>Länkar (links)</h2><ul>{items}</ul>"


def _value(value) -> str:
    if isinstance(value, dict):
        rows = "".join(
            f"<li>{escape(str(k))}: {escape(str(v))}</li>" for k, v in value.items()
        )
        return f"<ul>{rows}</ul>"
    if isinstance(value, list):
        return escape(", ".join(str(v) for v in value))
    return escape("" if value is None else str(value))


def _feature_table(features: list[dict]) -> str:
    if not features:
        return "<p>Inga objekt (no features).</p>"
    head = "<tr><th>id</th><th>name</th><th>state</th><th>coordinates</th></tr>"
    rows = []
    for f in features:
        props = f.get("properties") or {}
        self_href = next(
            (lk["href"] for lk in f.get("links", []) if lk["rel"] == "self"), ""
        )
        href = escape(self_href + ("&" if "?" in self_href else "?") + "f=html")
        coords = (f.get("geometry") or {}).get("coordinates")
        rows.append(
            f'<tr><td><a href="{href}">{escape(str(f.get("id")))}</a></td>'
            f"<td>{_value(props.get('name'))}</td><td>{_value(props.get('state'))}</td>"
            f"<td><code>{_value(coords)}</code></td></tr>"
        )
    return f"<table>{head}{''.join(rows)}</table>"


def _body(kind: str, doc: dict) -> str:
    parts = []
    if doc.get("description"):
        parts.append(f"<p>{escape(str(doc['description']))}</p>")
    if kind == "error":
        parts.append(f"<p><code>{escape(doc['code'])}</code></p>")
    if kind == "conformance":
        items = "".join(f"<li><code>{escape(c)}</code></li>" for c in doc["conformsTo"])
        parts.append(f"<ul>{items}</ul>")
    if kind == "collections":
        items = "".join(
            f'<li><a href="{escape(c["links"][0]["href"])}?f=html">'
            f"{escape(c['title'])}</a> ({escape(c['id'])})</li>"
            for c in doc["collections"]
        )
        parts.append(f"<ul>{items}</ul>")
    if kind == "collection":
        crs = "".join(f"<li><code>{escape(c)}</code></li>" for c in doc["crs"])
        parts.append(f"<h2>CRS</h2><ul>{crs}</ul>")
        bbox = doc["extent"]["spatial"]["bbox"][0]
        parts.append(f"<p>Utbredning (extent, CRS84): <code>{_value(bbox)}</code></p>")
    if kind == "queryables":
        rows = "".join(
            f"<tr><td><code>{escape(name)}</code></td><td>{_value(schema)}</td></tr>"
            for name, schema in doc["properties"].items()
        )
        parts.append(f"<table><tr><th>name</th><th>schema</th></tr>{rows}</table>")
    if kind == "items":
        parts.append(
            f"<p>{doc['numberReturned']} av {doc['numberMatched']} "
            f"({doc['numberReturned']} of {doc['numberMatched']})</p>"
        )
        parts.append(_feature_table(doc["features"]))
    if kind == "item":
        rows = "".join(
            f"<tr><th>{escape(str(k))}</th><td>{_value(v)}</td></tr>"
            for k, v in (doc.get("properties") or {}).items()
        )
        coords = (doc.get("geometry") or {}).get("coordinates")
        parts.append(f"<p>Koordinater (coordinates): <code>{_value(coords)}</code></p>")
        parts.append(f"<table>{rows}</table>")
    parts.append(_link_list(doc.get("links", [])))
    return "".join(parts)


def render(kind: str, doc: dict, *, api_title: str) -> str:
    """The HTML page of ``doc``, a resource of ``kind`` (landing, conformance,
    collections, collection, queryables, items, item, error)."""
    heading = doc.get("title") or _TITLES.get(kind, kind)
    if kind == "item":
        heading = (doc.get("properties") or {}).get("name") or str(doc.get("id"))
    if kind == "error":
        heading = _TITLES["error"]
        doc = {**doc, "description": doc.get("description", "")}
    subtitle = _TITLES.get(kind, kind)
    return (
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(str(heading))} – {escape(api_title)}</title>"
        f"<style>{_STYLE}</style></head><body><main>"
        f"<p>{escape(api_title)} · {escape(subtitle)}</p>"
        f"<h1>{escape(str(heading))}</h1>{_body(kind, doc)}</main></body></html>"
    )
