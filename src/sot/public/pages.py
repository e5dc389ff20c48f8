"""Render the public pages to bytes, for the live views and the static snapshot alike.

A ``PublicData`` reads each part (events, messages, points, counts) from the database
only when a page asks for it, limited to the points the page shows (``where``); each
``render_*`` function takes it and a language and returns the page. Nothing is
cached between requests. ``static=True`` renders for the
snapshot: absolute times instead of "25 min sedan" (which would go stale on disk)
and a search form that posts to the live site.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from functools import cache, cached_property
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static as static_url
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from sot.operations.core import notecheck
from sot.public import alerts, conf, state
from sot.public.core import svgmap, tiles, words
from sot.public.core.model import (
    FUEL_LABELS,
    OPEN_STATES,
    PAYMENT_LABELS,
    SERVICE_LABELS,
    STATE_LABELS,
    Fallbacks,
    PublicMessageData,
    PublicPoint,
    PublicState,
    label,
)
from sot.public.texts import phrases
from sot.registry.models import County, Municipality
from sot.vocabulary import swedish_order

#: Public states counted as open (the start page's "open now" list).
OPEN_KEYS = {str(s) for s in OPEN_STATES}
ICONS = {PublicState.OPEN: "●", PublicState.LIMITED: "▲", PublicState.CLOSED: "■"}
CSS_PATH = Path(__file__).parent / "templates" / "public" / "site.css"


@cache
def css() -> str:
    """The site's CSS, minified a little (inlined into every page)."""
    lines = [line.strip() for line in CSS_PATH.read_text().splitlines()]
    return "".join(lines)


class PublicData:
    """What the public pages show, each part read from the database only when a page
    asks for it (and once per instance). ``where`` limits the points to those a page
    shows (Point lookups, e.g. ``{"slug": "kall"}``); the snapshot loads everything
    once and renders every page from it. Every part takes a fixed number of queries,
    whatever the number of points."""

    def __init__(self, now: datetime | None = None, *, where: dict | None = None):
        self.now = now or timezone.now()
        self.where = where
        self._svg: dict = {}
        self._outlines: dict = {}  # simplified area outlines, per instance
        # what reads the parts that do not depend on ``where`` (None: this one;
        # never ``self``, which would make every instance, and all it loaded, a
        # reference cycle left to the cyclic garbage collector)
        self._parent: PublicData | None = None

    @property
    def _root(self) -> PublicData:
        return self if self._parent is None else self._parent

    @classmethod
    def load(cls, now: datetime | None = None, *, where: dict | None = None):
        return cls(now, where=where)

    def narrow(self, where: dict) -> PublicData:
        """The points ``where`` selects, at the same moment, with the events,
        messages, counties and counts read once for both, when either asks for
        them (a page of a few points rendered beside pages of the whole install,
        as an incremental publish does)."""
        child = type(self)(self.now, where=where)
        child._parent = self._root
        for name in ("_counts", "_fallbacks"):
            child.__dict__[name] = self._root.__dict__.setdefault(name, {})
        child._outlines = self._root._outlines
        return child

    @cached_property
    def running(self) -> list:
        if self._root is not self:
            return self._root.running
        return state.running_events(self.now)

    @cached_property
    def events(self) -> list[state.EventInfo]:
        if self._root is not self:
            return self._root.events
        return state.event_infos(self.now, state.public_events(self.running))

    @cached_property
    def points(self) -> list[PublicPoint]:
        return state.sort_for_public(
            state.public_points(self.now, self.running, where=self.where)
        )

    @cached_property
    def messages(self) -> list[PublicMessageData]:
        if self._root is not self:
            return self._root.messages
        # a point's message shows while its event is the one shown for the point:
        # the states of the points that have messages (not of every point)
        ids = state.message_point_ids(self.now)
        states = (
            state.point_states(self.now, self.running, where={"pk__in": ids})
            if ids
            else {}
        )
        return state.public_messages(self.now, self.running, states)

    @cached_property
    def located(self) -> list[state.Located]:
        return state.located_points(self.running, self.now)

    @cached_property
    def counties(self) -> list[tuple[str, str]]:
        """(code, name) of the counties with public points."""
        if self._root is not self:
            return self._root.counties
        return state.install_counties()

    @property
    def national(self) -> bool:
        """More than one county: the start page and the map go by county."""
        return len(self.counties) > 1

    @property
    def county(self) -> str:
        """The install's one county's name; "" for a national install or when the
        county is not in the register (never its bare code: "utanför 23")."""
        if len(self.counties) != 1:
            return ""
        code, name = self.counties[0]
        return "" if name == code else name

    @cached_property
    def areas(self) -> list[svgmap.Area]:
        if self.national:
            return state.county_areas(c for c, _n in self.counties)
        return state.areas(counties=[c for c, _n in self.counties])

    @cached_property
    def municipality_areas(self) -> list[svgmap.Area]:
        """The boundaries of the install's municipalities (for the search)."""
        if not self.national:
            return self.areas
        return state.areas(counties=[c for c, _n in self.counties])

    @cached_property
    def municipalities(self) -> list[tuple[str, str]]:
        """(code, name) of the municipalities in the install's counties."""
        if self._root is not self:
            return self._root.municipalities
        return sorted(
            Municipality.objects.filter(
                county_code__in=[c for c, _n in self.counties]
            ).values_list("code", "name"),
            key=lambda m: swedish_order(m[1]),
        )

    @cached_property
    def municipality_counties(self) -> dict[str, str]:
        """The county code of each municipality in the install's counties."""
        if self._root is not self:
            return self._root.municipality_counties
        return dict(
            Municipality.objects.filter(
                county_code__in=[c for c, _n in self.counties]
            ).values_list("code", "county_code")
        )

    @cached_property
    def fallbacks(self) -> Fallbacks:
        """Where to turn when the network is down: the county's numbers (of the
        install's one county, or of the county of the points a page shows)."""
        codes = {c for c, _n in self.counties}
        if len(codes) != 1 and self.where is not None:
            codes = {p.municipality_code[:2] for p in self.points}
        if len(codes) != 1:
            return Fallbacks()
        return self.county_fallbacks(next(iter(codes)))

    def county_fallbacks(self, code: str) -> Fallbacks:
        """One county's numbers (read once per instance and its narrowed ones)."""
        cache = self.__dict__.setdefault("_fallbacks", {})
        if code not in cache:
            c = County.objects.filter(code=code).first()
            cache[code] = (
                Fallbacks()
                if c is None
                else Fallbacks(
                    radio=c.crisis_radio,
                    info_number=c.info_number,
                    emergency_number=c.emergency_number,
                    sms_number=c.sms_number,
                )
            )
        return cache[code]

    def fallbacks_for(self, point: PublicPoint) -> Fallbacks:
        """The numbers of the point's own county, whichever points are loaded (a
        national snapshot's point page shows what the live one does)."""
        return self.county_fallbacks(point.municipality_code[:2])

    @cached_property
    def warnings(self) -> list:
        """The warnings in force over the install's municipalities (or over the
        municipalities of the points a page shows)."""
        if self.where is not None:
            codes = {p.municipality_code for p in self.points}
        else:
            codes = {c for c, _n in self.municipalities}
        return alerts.in_force(codes) if codes else []

    def counts(self, key: str) -> dict[str, tuple[int, int]]:
        """{code: (open, total)} by ``municipality__county_code`` or
        ``municipality__code``; read once per instance."""
        cache = self.__dict__.setdefault("_counts", {})
        if key not in cache:
            cache[key] = state.counts_by(key, self.running)
        return cache[key]

    def activated_in_county(self, code: str) -> list[PublicPoint]:
        """The county's points in running events (a large county's page)."""
        cache = self.__dict__.setdefault("_activated", {})
        if code not in cache:
            cache[code] = self.narrow(
                {
                    "municipality__county_code": code,
                    "pk__in": state.activated_point_ids(self.running),
                }
            ).points
        return cache[code]

    def svg(self, *, large: bool, lang: str, areas=None, points=None) -> str:
        key = (large, lang, id(areas), id(points))
        if key not in self._svg:
            prefix = "/en" if lang == "en" else ""
            self._svg[key] = svgmap.render(
                self.areas if areas is None else areas,
                (() if self.national else self.points) if points is None else points,
                width=800 if large else 300,
                large=large,
                lang=lang,
                point_href=prefix + "/punkt/{slug}/",
                outlines=self._outlines,
            )
        return self._svg[key]

    def point(self, slug: str) -> PublicPoint | None:
        if self.where is None and "points" not in self.__dict__:
            return PublicData(self.now, where={"slug": slug}).point(slug)
        return next((p for p in self.points if p.slug == slug), None)


def note_conflict(pt: PublicPoint, lang: str) -> str:
    """When the point's public note says what its report denies (``note_conflicts``,
    found in :func:`sot.public.state.point_public_state`): which topics, and that
    the table holds; "" otherwise."""
    if not pt.note_conflicts:
        return ""
    t = phrases(lang)
    names = {s.key: s.label(lang, SERVICE_LABELS) for s in pt.services}
    names |= {s.key: s.label(lang, FUEL_LABELS) for s in pt.fuel}
    names[notecheck.STATE_TOPIC] = t["state_word"]
    topics = ", ".join(names.get(c, c) for c in pt.note_conflicts)
    return t["note_conflict"].format(topics=topics)


def _status_class(available, limited) -> str:
    if available is None:
        return "muted"
    if available:
        return "lim" if limited else "yes"
    return "no"


def own_words(text: str, lang: str, english: str = "") -> SafeString | str:
    """Text typed by an official or operator: on an English page, the English
    version when there is one, else the Swedish text marked ``lang="sv"`` and said
    to be in Swedish (screen readers then read it with Swedish rules)."""
    if not text or lang != "en":
        return text
    if english:
        return english
    return format_html('<span lang="sv">{}</span> <small>(in Swedish)</small>', text)


_PHONE = re.compile(r"(?<![\w+])(\+?\d[\d \-]{1,}\d)(?!\w)")


def phone_links(text) -> SafeString:
    """Escape ``text`` and make every phone number in it a ``tel:`` link."""

    def link(m: re.Match) -> str:
        digits = re.sub(r"[^\d+]", "", m.group(1))
        return f'<a href="tel:{digits}">{m.group(1)}</a>'

    return mark_safe(_PHONE.sub(link, str(conditional_escape(text))))  # noqa: S308


def fallback_lines(fb: Fallbacks, example: str, lang: str) -> list[SafeString]:
    """The county's fallbacks as sentences, numbers as ``tel:``/``sms:`` links."""
    t = phrases(lang)
    lines = []
    if fb.radio:
        lines.append(conditional_escape(t["fb_radio"].format(radio=fb.radio)))
    for key, number in (
        ("fb_info", fb.info_number),
        ("fb_emergency", fb.emergency_number),
    ):
        if number:
            lines.append(phone_links(t[key].format(number=number)))
    if fb.sms_number:
        digits = re.sub(r"[^\d+]", "", fb.sms_number)
        text = conditional_escape(
            t["fb_sms"].format(
                keyword=fb.sms_keyword, number=fb.sms_number, example=example
            )
        )
        number = conditional_escape(fb.sms_number)
        lines.append(
            mark_safe(  # noqa: S308
                str(text).replace(
                    str(number), f'<a href="sms:{digits}">{number}</a>', 1
                )
            )
        )
    return lines


def present_warnings(
    data: PublicData, lang: str, *, slug: str = "", municipality: str = ""
) -> list[dict]:
    """The warnings in force (over one point when ``slug`` is given, over one
    municipality when ``municipality`` is). Like the exercise banner, an exercise
    warning is left out while a real event touches the page: the point's own event
    when it is in one, otherwise any event the page shows; and it is shown only while
    an exercise runs over one of its municipalities (ending the exercise takes its
    warnings off every page, though the feed's message is valid for weeks)."""
    out = []
    exercising = {
        m.code for e in data.running if e.is_exercise for m in e.municipalities.all()
    }
    point = data.point(slug) if slug else None
    if point is not None and point.event_id is not None:
        real_event = not point.exercise
    else:
        real_event = any(not e.exercise for e in data.events)
    source = data.warnings
    if municipality and data.where is not None:
        shown = {p.municipality_code for p in data.points}
        if municipality not in shown:  # no point of it loaded: ask for it alone
            source = alerts.in_force({municipality})
    for w in source:
        if w.exercise and (
            real_event or not exercising.intersection(w.municipality_codes)
        ):
            continue
        if point is not None and not (
            slug in w.point_slugs or point.municipality_code in w.municipality_codes
        ):
            continue
        if municipality and municipality not in w.municipality_codes:
            continue
        level = alerts.LEVELS.get(w.level)
        valid = ""
        if w.expires:
            valid = ("till " if lang != "en" else "until ") + words.clock(
                w.expires, None, lang
            )
        out.append(
            {
                "level": (level[1] if lang == "en" else level[0]) if level else "",
                "cls": w.level.lower(),
                "headline": own_words(w.headline_sv, lang, w.headline_en),
                "issuer": w.issuer,
                "url": w.url,
                "valid": valid,
                "exercise": w.exercise,
            }
        )
    return out


def county_name(name: str, lang: str) -> str:
    """``Jämtlands län`` -> ``Jämtland County`` on English pages."""
    if lang != "en" or not name.endswith(" län"):
        return name
    base = name[: -len(" län")]
    return (base[:-1] if base.endswith("s") else base) + " County"


def present_point(
    pt: PublicPoint,
    lang: str,
    now: datetime,
    *,
    static: bool,
    distance_m: float | None = None,
) -> dict:
    """The template's view of one point."""
    prefix = "/en" if lang == "en" else ""
    live = pt.state not in (PublicState.STANDBY,)
    if pt.updated_at is None:
        updated = ""
    elif static:
        updated = ("uppdaterad " if lang != "en" else "updated ") + words.clock(
            pt.updated_at, now, lang
        )
    else:
        updated = words.updated_phrase(pt.updated_at, now, lang)
    t = phrases(lang)
    next_update = ""
    if pt.next_update and pt.state not in (PublicState.CLOSED, PublicState.STANDBY):
        when = datetime.fromisoformat(pt.next_update)
        next_update = t["next_update"].format(when=words.clock(when, now, lang))
    last_reported = ""
    if pt.stale:
        last_reported = words.last_reported(
            label(STATE_LABELS, pt.last_state, lang) if pt.last_state else "",
            pt.last_reported_at,
            now,
            lang,
        )
    return {
        "slug": pt.slug,
        "name": pt.name,
        "url": f"{prefix}/punkt/{pt.slug}/",
        "state": str(pt.state),
        "state_label": label(STATE_LABELS, pt.state, lang),
        "icon": ICONS.get(pt.state, "○"),
        "updated": updated,
        "next_update": next_update,
        "last_reported": last_reported,
        "village": pt.village,
        "municipality": pt.municipality_name,
        "municipality_code": pt.municipality_code,
        "address": pt.address,
        "lat": f"{pt.lat:.5f}",
        "lon": f"{pt.lon:.5f}",
        "directions": own_words(pt.directions, lang),
        **_present_hours(pt, lang, now),
        "contact": phone_links(own_words(pt.contact, lang)),
        "note": own_words(pt.note, lang),
        "note_conflict": note_conflict(pt, lang),
        "event": own_words(pt.event_name, lang),
        "exercise": pt.exercise,
        "live": live,
        "distance": words.distance(distance_m, lang) if distance_m is not None else "",
        "services": [
            {
                "label": s.label(lang, SERVICE_LABELS),
                "status": s.status_text(lang) if live else "✓",
                "cls": _status_class(s.available, s.limited) if live else "",
            }
            for s in pt.services
        ],
        "fuel": [
            {
                "label": s.label(lang, FUEL_LABELS),
                "status": s.status_text(lang) if live else "✓",
                "cls": _status_class(s.available, s.limited) if live else "",
            }
            for s in pt.fuel
        ],
        "payment": ", ".join(label(PAYMENT_LABELS, k, lang) for k in pt.payment),
    }


def _present_hours(pt: PublicPoint, lang: str, now: datetime) -> dict:
    """Today's hours (event hours, else the register's arrangements, only during an
    event: sot.public.core.hours), the days with their own hours, and the plan."""
    t = phrases(lang)
    today = pt.hours_text(lang)
    note = ""
    if pt.opening_hours_source == "event":
        note = (
            t["hours_until"].format(when=words.clock(pt.opening_hours_until, now, lang))
            if pt.opening_hours_until
            else t["hours_event"]
        )
    elif pt.opening_hours_source == "register":
        today = own_words(today, lang)
        note = t["hours_plan"]
    return {
        "hours": today,
        # the lists (start page, nearest, municipality) show only hours set for
        # the event: short and checked, unlike the register's free text
        "hours_short": today if pt.opening_hours_source == "event" else "",
        "hours_note": note,
        "hours_days": [
            {
                "day": words.day(date.fromisoformat(d), lang),
                "hours": en if lang == "en" else sv,
            }
            for d, sv, en in pt.opening_days
        ],
        "opening": own_words(pt.opening_arrangements, lang),
    }


def present_message(m: PublicMessageData, lang: str, now: datetime) -> dict:
    return {
        "text": own_words(m.text, lang, m.text_en),
        "about": m.point_name or own_words(m.event_name, lang),
        "exercise": m.exercise,
        "when": words.clock(m.published_at, now, lang),
    }


def _other_url(path: str, lang: str) -> str:
    """The same page in the other language (``/x/`` <-> ``/en/x/``)."""
    if lang == "en":
        return path[3:] or "/"
    return "/en" + path


def render_page(
    template: str,
    data: PublicData,
    lang: str,
    path: str,
    *,
    static: bool,
    title: str,
    **context,
) -> bytes:
    t = phrases(lang)
    static_when = ""
    if static:
        static_when = t["snapshot_note"].format(when=words.clock(data.now, None, lang))
    ctx = {
        "lang": lang,
        "t": t,
        "p": "/en" if lang == "en" else "",
        "other_lang": "sv" if lang == "en" else "en",
        "other_url": _other_url(path, lang),
        "css": css(),
        "county": county_name(data.county, lang),
        "title": title,
        "exercise": _exercise_banner(data),
        "static_when": static_when,
        "static": static,
        "find_action": ("/en" if lang == "en" else "") + "/nara/",
        "q": "",
        **context,
    }
    return render_to_string(template, ctx).encode()


def _area_rows(
    data: PublicData, key: str, areas: list[tuple[str, str]], lang: str, url: str
) -> list[dict]:
    """Counties or municipalities with their open/total counts, as links."""
    t = phrases(lang)
    counts = data.counts(key)
    rows = []
    for code, name in areas:
        open_, total = counts.get(code, (0, 0))
        rows.append(
            {
                "url": url.format(code=code),
                "name": county_name(name, lang)
                if key == "municipality__county_code"
                else name,
                "counts": t["n_open"].format(open=open_, total=total),
                "open": open_,
            }
        )
    return rows


def render_start(data: PublicData, lang: str, *, static: bool = False) -> bytes:
    """Search, warnings and events, then the install's own points (a county's
    install) or the counties with their counts (a national install): the page does
    not grow with the country."""
    t = phrases(lang)
    prefix = "/en" if lang == "en" else ""
    path = "/en/" if lang == "en" else "/"
    if data.national:
        counties = _area_rows(
            data,
            "municipality__county_code",
            data.counties,
            lang,
            prefix + "/lan/{code}/",
        )
        n_open = sum(c["open"] for c in counties)
        total = sum(n for _o, n in data.counts("municipality__county_code").values())
        points, svg, munis = [], "", []
    else:
        counties = []
        n_open = sum(1 for p in data.points if p.is_open)
        total = len(data.points)
        points = [present_point(p, lang, data.now, static=static) for p in data.points]
        svg = data.svg(large=False, lang=lang)
        munis = [{"code": c, "name": n} for c, n in data.municipalities]
    return render_page(
        "public/start.html",
        data,
        lang,
        path,
        static=static,
        title=t["site_long"],
        heading=t["site_in"].format(county=county_name(data.county, lang))
        if data.county
        else t["site_long"],
        events=[
            {
                "name": own_words(e.name, lang),
                "message": own_words(e.message, lang),
                "exercise": e.exercise,
            }
            for e in data.events
        ],
        open_of=t["open_of"].format(open=n_open, total=total),
        messages=[present_message(m, lang, data.now) for m in data.messages[:5]],
        open_points=[p for p in points if p["state"] in OPEN_KEYS],
        points=points,
        counties=counties,
        svg=svg,
        municipalities=munis,
        warnings=present_warnings(data, lang),
    )


#: A county page lists every point up to this many; beyond it, the activated ones
#: (and the rest stay one click away on the municipality pages), so that the page
#: stays light in a large county.
COUNTY_LIST_MAX = 60


def render_county(
    data: PublicData, code: str, lang: str, *, static: bool = False
) -> bytes | None:
    """A county's page: its municipalities with counts, and its points."""
    name = dict(data.counties).get(code)
    if name is None:
        return None
    t = phrases(lang)
    prefix = "/en" if lang == "en" else ""
    path = prefix + f"/lan/{code}/"
    munis = sorted(
        Municipality.objects.filter(county_code=code).values_list("code", "name"),
        key=lambda m: swedish_order(m[1]),
    )
    _open, total = data.counts("municipality__county_code").get(code, (0, 0))
    more = total > COUNTY_LIST_MAX
    if "points" in data.__dict__:
        source = data.points
    elif more:  # a large county: load only its points in running events
        source = data.activated_in_county(code)
    else:  # load only the county's points
        source = data.narrow({"municipality__county_code": code}).points
    in_county = [p for p in source if p.municipality_code[:2] == code]
    listed = in_county
    if more:
        listed = [p for p in in_county if p.state != PublicState.STANDBY]
        listed = listed[:COUNTY_LIST_MAX]
    heading = t["points_in"].format(name=county_name(name, lang))
    return render_page(
        "public/county.html",
        data,
        lang,
        path,
        static=static,
        title=heading,
        heading=heading,
        municipalities=_area_rows(
            data, "municipality__code", munis, lang, prefix + "/kommun/{code}/"
        ),
        points=[present_point(p, lang, data.now, static=static) for p in listed],
        more=more,
    )


def render_point(
    data: PublicData, slug: str, lang: str, *, static: bool = False
) -> bytes | None:
    pt = data.point(slug)
    if pt is None:
        return None
    path = ("/en" if lang == "en" else "") + f"/punkt/{slug}/"
    msgs = [
        present_message(m, lang, data.now)
        for m in data.messages
        if m.point_slug == slug
        or (m.event_id and m.event_id == pt.event_id and not m.point_slug)
    ]
    return render_page(
        "public/point.html",
        data,
        lang,
        path,
        static=static,
        title=pt.name,
        pt=present_point(pt, lang, data.now, static=static),
        messages=msgs,
        fallbacks=fallback_lines(data.fallbacks_for(pt), pt.village or pt.name, lang),
        warnings=present_warnings(data, lang, slug=slug),
        subscribe_url=(settings.SITE_URL if static else "")
        + f"/prenumerera/?punkt={slug}",
        exercise=pt.exercise
        or (pt.state == PublicState.STANDBY and _exercise_banner(data)),
    )


def _exercise_banner(data: PublicData) -> bool:
    """The exercise banner: an exercise runs and no real event does."""
    return any(e.exercise for e in data.events) and not any(
        not e.exercise for e in data.events
    )


def render_municipality(
    data: PublicData, code: str, lang: str, *, static: bool = False
) -> bytes | None:
    name = (
        dict(data.municipalities).get(code)
        if "municipalities" in data.__dict__
        else Municipality.objects.filter(code=code)
        .values_list("name", flat=True)
        .first()
    )
    if name is None:
        return None
    t = phrases(lang)
    path = ("/en" if lang == "en" else "") + f"/kommun/{code}/"
    pts = [
        present_point(p, lang, data.now, static=static)
        for p in data.points
        if p.municipality_code == code
    ]
    slugs = {p["slug"] for p in pts}
    msgs = [
        present_message(m, lang, data.now)
        for m in data.messages
        if m.municipality_code == code or m.point_slug in slugs
    ]
    heading = t["points_in"].format(name=name if lang == "en" else f"{name} kommun")
    if lang == "en":
        heading = t["points_in"].format(name=f"{name} municipality")
    return render_page(
        "public/municipality.html",
        data,
        lang,
        path,
        static=static,
        title=heading,
        heading=heading,
        points=pts,
        messages=msgs,
        warnings=present_warnings(data, lang, municipality=code),
    )


#: The slippy map's files under ``static/`` (Leaflet vendored from npm, and ours),
#: loaded by the map page only when a tile URL is set; copied into the snapshot.
STATIC_DIR = Path(__file__).parent / "static"
MAP_ASSETS = (
    "public/leaflet/leaflet.js",
    "public/leaflet/leaflet.css",
    "public/map.js",
)


@cache
def asset_version(name: str) -> str:
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]


def asset_url(name: str, *, static: bool = False) -> str:
    """The URL of a static asset, with its content hash so that caches refresh on
    change. The snapshot keeps the files under ``/static/`` (see ``site.py``)."""
    base = "/static/" + name if static else static_url(name)
    return f"{base}?v={asset_version(name)}"


def _tile_mosaic(data: PublicData, lang: str, *, static: bool = False) -> dict | None:
    """The tiled background map, only when ``SOT_TILE_URL`` is set: a static mosaic
    that ``map.js`` turns into a Leaflet slippy map when JavaScript runs."""
    url = conf.tile_url()
    if not url:
        return None
    m = tiles.mosaic(data.points, url)
    if m is None:
        return None
    prefix = "/en" if lang == "en" else ""
    return {
        "width": m.width_px,
        "height": m.height_px,
        "tiles": [{"url": u, "left": x, "top": y} for u, x, y in m.tiles],
        "markers": [
            {
                "url": f"{prefix}/punkt/{p.slug}/",
                "left": x,
                "top": y,
                "name": p.name,
                "state": str(p.state),
                "icon": ICONS.get(p.state, "○"),
                "label": label(STATE_LABELS, p.state, lang),
                "lat": f"{p.lat:.6f}",
                "lon": f"{p.lon:.6f}",
            }
            for p, x, y in m.markers
        ],
        "attribution": conf.tile_attribution(),
        "tile_url": url,
        "assets": {
            name.rsplit("/", 1)[-1].replace(".", "_"): asset_url(name, static=static)
            for name in MAP_ASSETS
        },
    }


def render_map(data: PublicData, lang: str, *, static: bool = False) -> bytes:
    """The map: every point for a county's install; the counties (each linking to
    its own page and map) for a national one."""
    t = phrases(lang)
    prefix = "/en" if lang == "en" else ""
    path = prefix + "/karta/"
    national = data.national
    return render_page(
        "public/map.html",
        data,
        lang,
        path,
        static=static,
        title=t["map"],
        svg=data.svg(large=True, lang=lang),
        mosaic=None if national else _tile_mosaic(data, lang, static=static),
        points=[]
        if national
        else [present_point(p, lang, data.now, static=static) for p in data.points],
        counties=_area_rows(
            data,
            "municipality__county_code",
            data.counties,
            lang,
            prefix + "/lan/{code}/",
        )
        if national
        else [],
    )


def render_messages(data: PublicData, lang: str, *, static: bool = False) -> bytes:
    t = phrases(lang)
    path = ("/en" if lang == "en" else "") + "/meddelanden/"
    return render_page(
        "public/messages.html",
        data,
        lang,
        path,
        static=static,
        title=t["messages"],
        messages=[present_message(m, lang, data.now) for m in data.messages],
    )


def render_open_data(data: PublicData, lang: str, *, static: bool = False) -> bytes:
    t = phrases(lang)
    path = ("/en" if lang == "en" else "") + "/oppna-data/"
    return render_page(
        "public/open_data.html",
        data,
        lang,
        path,
        static=static,
        title=t["open_data"],
        ogc_url=settings.SITE_URL + "/ogc/",
    )
