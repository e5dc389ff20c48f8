"""Demo: the exercise "Övning Storm" in western Jämtland, so the whole loop is visible.

Eight hours ago Åre's officer opened the exercise and alerted Kall, Hallen and Ottsjö.
Kall opened on generator power, reported three times, got a fuel delivery and is
open now; Hallen reported once six hours ago and has gone stale (verify queue);
Ottsjö is still only alerted. There is a log and one situation report. Idempotent:
if the exercise exists nothing is added. All of it is marked ÖVNING and can be
deleted from the event page without touching real history.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sot.accounts.models import User
from sot.operations import services as ops
from sot.operations.models import FUEL_PRODUCT_KEYS, PAYMENT_METHOD_KEYS, Event, LogKind
from sot.registry.catalogue import FUEL_SERVICES, PAYMENT_SERVICES
from sot.registry.models import Municipality, Point

NAME = "Övning Storm"


def _services(point, **overrides) -> tuple[dict, dict, list]:
    """(services, fuel_products, payment_methods) for a point, all working."""

    codes = list(point.point_services.values_list("service__code", flat=True))
    services = {
        c: "yes" for c in codes if c not in FUEL_SERVICES and c not in PAYMENT_SERVICES
    }
    fuels = {FUEL_PRODUCT_KEYS[c]: "yes" for c in codes if c in FUEL_PRODUCT_KEYS}
    payments = [PAYMENT_METHOD_KEYS[c] for c in codes if c in PAYMENT_METHOD_KEYS]
    services.update(overrides)
    return services, fuels, payments


def load(stdout=None) -> Event | None:
    """Load the exercise unless it exists; returns it (or None if the register lacks
    the demo points)."""

    existing = Event.objects.filter(name=NAME, is_exercise=True).first()
    if existing is not None:
        if stdout is not None:
            stdout.write(f"Drift: övningen ”{NAME}” finns redan.\n")
        return existing
    officer = User.objects.filter(username="are").first()
    operator = User.objects.filter(username="kall").first()
    coordinator = User.objects.filter(username="lansstyrelsen").first()
    points = {
        p.slug: p for p in Point.objects.filter(slug__in=["kall", "hallen", "ottsjo"])
    }
    are = Municipality.objects.filter(code="2321").first()
    if are is None or "kall" not in points or officer is None:
        return None
    kall = points["kall"]
    now = timezone.now().replace(second=0, microsecond=0)

    def t(hours: float):
        return now - timedelta(hours=hours)

    with transaction.atomic():
        event = ops.create_event(
            name=NAME,
            kind="storm",
            is_exercise=True,
            municipalities=[are],
            created_by=officer,
            starts_at=t(8),
            severity="severe",
            decided_by="Åsa Beredskapshandläggare, TiB Åre kommun",
            description=(
                "Övning: SMHI orange varning för storm i västra Jämtland; "
                "omfattande elavbrott väntas i Åre kommun."
            ),
            public_message=(
                "ÖVNING. SOT-punkten i Kall är öppen med reservkraft: livsmedel, "
                "drivmedel, värmestuga och laddning av telefoner."
            ),
        )
        for slug in ("kall", "hallen", "ottsjo"):
            if slug in points:
                ops.activate_point(
                    event=event, point=points[slug], activated_by=officer, at=t(7.8)
                )
        ops.add_log_entry(
            event=event,
            author=officer,
            kind=LogKind.ACTION,
            at=t(7.7),
            text="Operatörerna i Kall, Hallen och Ottsjö larmade per telefon.",
        )
        services, fuels, payments = _services(kall)
        ops.submit_status_report(
            point=kall,
            event=event,
            reported_by=operator,
            source="web",
            state="activating",
            power_source="none",
            observed_at=t(7.5),
            services=dict.fromkeys(services, "unknown"),
            note="Elverket startas.",
        )
        ops.submit_status_report(
            point=kall,
            event=event,
            reported_by=operator,
            source="web",
            state="open",
            power_source="generator",
            generator_fuel_l=700,
            generator_load_pct=55,
            services=services,
            fuel_products=fuels,
            payment_methods=payments,
            indoor_temp_c=19,
            people_present=6,
            capacity_people=40,
            queue="short",
            observed_at=t(7),
            public_note="Värmestugan i skolans matsal är öppen.",
        )
        if "hallen" in points:
            hallen = points["hallen"]
            h_services, h_fuels, h_payments = _services(hallen)
            ops.submit_status_report(
                point=hallen,
                event=event,
                reported_by=officer,
                source="web",
                state="open",
                power_source="grid",
                services=h_services,
                fuel_products=h_fuels,
                payment_methods=h_payments,
                observed_at=t(6),
                note="Rapporterat per telefon av kommunen.",
            )
        ops.add_log_entry(
            event=event,
            author=officer,
            kind=LogKind.DECISION,
            at=t(5.5),
            text="Beslut: bränsle till Kall beställs för minst 48 timmars drift.",
        )
        ops.submit_status_report(
            point=kall,
            event=event,
            reported_by=operator,
            source="sms",
            state="limited",
            state_reason="Kortterminalen fungerar inte, bara kontanter",
            generator_fuel_l=480,
            generator_load_pct=60,
            services=services,
            payment_methods=[p for p in payments if p != "card"],
            people_present=18,
            needs_fuel=True,
            observed_at=t(4.5),
        )
        if coordinator is not None:
            ops.create_situation_report(event=event, created_by=coordinator, as_of=t(4))
        ops.record_fuel_delivery(
            point=kall,
            event=event,
            recorded_by=operator,
            delivered_l=400,
            supplier="Bränsleleverantör (övning)",
            delivered_at=t(3),
        )
        ops.submit_status_report(
            point=kall,
            event=event,
            reported_by=operator,
            source="web",
            state="open",
            services=services,
            payment_methods=payments,
            people_present=23,
            indoor_temp_c=20,
            needs_fuel=False,
            observed_at=t(1),
            note="Kortbetalning fungerar igen via reservlänk.",
            # the SMS report withdrew the public note; the operator writes it again
            public_note="Värmestugan i skolans matsal är öppen.",
        )
        ops.add_log_entry(
            event=event,
            author=officer,
            kind=LogKind.ACTION,
            at=t(0.5),
            text="Hallen svarar inte på telefon; FRG ombedd att åka dit.",
        )
        ops.mark_stale(now=now)
    if stdout is not None:
        stdout.write(
            f"Drift: övningen ”{NAME}” är laddad (Kall öppen på reservkraft, Hallen "
            "inaktuell, Ottsjö larmad). Logga in som are, kall eller lansstyrelsen "
            "och öppna /drift/.\n"
        )
    return event
