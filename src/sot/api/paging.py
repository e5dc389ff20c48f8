"""Paging for the API's lists: ``?limit=`` and ``?offset=``, a ``Link: <...>;
rel="next"`` header while more remain, and ``?limit=all`` for the whole set in one
request (GIS clients). Without ``limit`` a page holds ``DEFAULT_LIMIT`` items."""

from __future__ import annotations

from urllib.parse import urlencode

from ninja import Field, Schema

from sot.errors import Invalid

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000


class PageParams(Schema):
    """The paging parameters, declared so that the OpenAPI document shows them
    (``Query[PageParams]`` in a handler; :func:`page` reads them)."""

    limit: str | None = Field(
        None,
        description="Items per page (1-10000, default 100), or 'all' for every one; "
        'a Link header (rel="next") points at the next page',
    )
    offset: int | None = Field(None, description="Items to skip (paging)")


def _int(name: str, raw: str, low: int, high: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(f"{name} is a whole number or 'all'", code=name) from None
    if not low <= value <= high:
        raise Invalid(f"{name} is between {low} and {high}", code=name)
    return value


def page(request, queryset) -> tuple[list, dict[str, str]]:
    """The items of the requested page and the headers to send with them
    (``Link`` to the next page, ``X-Total-Count`` when counted)."""
    raw = request.GET.get("limit", "")
    offset = _int("offset", request.GET.get("offset", "0") or "0", 0, 10**9)
    if raw == "all":
        items = list(queryset[offset:])
        return items, {}
    limit = _int("limit", raw, 1, MAX_LIMIT) if raw else DEFAULT_LIMIT
    items = list(queryset[offset : offset + limit + 1])
    headers: dict[str, str] = {}
    if len(items) > limit:
        items = items[:limit]
        params = request.GET.copy()
        params["limit"] = str(limit)
        params["offset"] = str(offset + limit)
        url = (
            request.build_absolute_uri(request.path)
            + "?"
            + urlencode(sorted(params.lists()), doseq=True)
        )
        headers["Link"] = f'<{url}>; rel="next"'
    return items, headers
