"""Demo data for messaging: Åre's volunteer group (FRG) around Kall, phone numbers
for the demo officer and Kall's operator, and a resident who subscribes to Kall.

Every phone number is in the range 070-174 06 05 to 070-174 06 99 that the Swedish
Post and Telecom Authority (PTS) reserves for fiction: none belongs to anyone.
Idempotent: running it again changes nothing.

With it the issue's "Done when" can be played (see docs/messaging.md):

    sot demo
    sot callout kall --needed 4 --skills generator,first_aid   # 12 SMS
    sot sms_in +46701740605 JA   (x4: the call-out stops at four yes)
    sot sms_in +46701740690 "KALL ÖPPEN DIESEL NEJ"            # the operator
    # the subscribed resident (+46701740699) gets one SMS: Kall is open, no diesel
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sot.accounts.models import User
from sot.outreach.models import (
    Channel,
    Member,
    Subscription,
    SubscriptionState,
    Training,
)
from sot.registry.models import Municipality, Organisation, OrganisationKind, Point

OPERATOR_PHONE = "+46701740690"
OFFICER_PHONE = "+46701740691"
RESIDENT_PHONE = "+46701740699"

# name, phone suffix, skills, FRG basic course date (or None), km north, km east
VOLUNTEERS = [
    ("Anna Berg", "05", ["generator", "electrician"], dt.date(2024, 3, 9), 0.5, 0.2),
    ("Bengt Ek", "06", ["first_aid"], dt.date(2023, 10, 14), 1.0, -0.4),
    ("Cecilia Holm", "07", ["first_aid", "driver"], dt.date(2025, 4, 5), 2.0, 1.0),
    ("David Lund", "08", ["generator"], None, 0.8, 0.1),
    ("Eva Nord", "09", ["first_aid", "languages"], dt.date(2022, 9, 3), 3.5, -2.0),
    ("Fredrik Sjö", "10", ["generator", "driver"], dt.date(2024, 11, 16), 6.0, 3.0),
    ("Greta Strand", "11", ["first_aid"], None, 4.0, 0.0),
    ("Hassan Ali", "12", ["driver", "languages"], dt.date(2025, 2, 1), 1.2, 0.3),
    ("Ingrid Vik", "13", ["first_aid", "radio"], dt.date(2021, 5, 22), 9.0, -5.0),
    ("Johan Älv", "14", ["generator"], dt.date(2023, 4, 15), 12.0, 4.0),
    ("Karin Ås", "15", ["first_aid"], dt.date(2024, 6, 8), 15.0, -3.0),
    ("Lars Öberg", "16", ["electrician", "generator"], None, 20.0, 10.0),
    ("Maria Dahl", "17", ["first_aid"], dt.date(2020, 2, 29), 25.0, 0.0),
    ("Nils Forsberg", "18", ["radio"], dt.date(2025, 8, 30), 0.3, 0.0),
    ("Olga Petrova", "19", ["first_aid", "languages"], dt.date(2025, 9, 6), 30.0, 5.0),
    ("Per Rask", "20", ["generator"], dt.date(2022, 3, 12), 40.0, -8.0),
]
AVAILABLE_NOT = {"20"}  # away this week


@transaction.atomic
def load(stdout=None) -> None:
    kall = Point.objects.filter(slug="kall").select_related("municipality").first()
    if kall is None:
        return
    are: Municipality = kall.municipality
    group, _ = Organisation.objects.get_or_create(
        name=f"FRG {are.name}",
        defaults={
            "kind": OrganisationKind.VOLUNTEER_GROUP,
            "municipality": are,
            "county_code": are.county_code,
        },
    )
    created = 0
    for name, suffix, skills, frg, km_n, km_e in VOLUNTEERS:
        phone = f"+467017406{suffix}"
        member, new = Member.objects.get_or_create(
            municipality=are,
            phone=phone,
            defaults={
                "name": name,
                "group": group,
                "skills": skills,
                "lat": kall.lat + km_n / 111.2,
                "lon": kall.lon + km_e / 49.6,
                "available": suffix not in AVAILABLE_NOT,
                "language": "en" if name == "Olga Petrova" else "sv",
                "spoken_languages": ["en", "ru"] if name == "Olga Petrova" else [],
            },
        )
        if new:
            created += 1
            member.points.add(kall)
            if frg is not None:
                Training.objects.create(
                    member=member, course="frg_basic", completed_on=frg
                )
            if "first_aid" in skills:
                Training.objects.create(
                    member=member, course="first_aid", completed_on=dt.date(2025, 1, 18)
                )
    for username, phone in (("kall", OPERATOR_PHONE), ("are", OFFICER_PHONE)):
        User.objects.filter(username=username, phone="").update(phone=phone)
    Subscription.objects.get_or_create(
        channel=Channel.SMS,
        address=RESIDENT_PHONE,
        point=kall,
        defaults={"state": SubscriptionState.ACTIVE},
    )
    if stdout is not None:
        stdout.write(
            f"Utskick: {created} nya frivilliga i FRG {are.name}; operatören i Kall har "
            f"{OPERATOR_PHONE}, en invånare ({RESIDENT_PHONE}) prenumererar på Kall.\n"
        )
