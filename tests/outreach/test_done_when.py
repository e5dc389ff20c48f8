"""Issue #7 "Done when", played on the full demo through the `sot` commands.

In the demo, activating Kall asks for four volunteers with generator or first-aid
skills, twelve are messaged through the console channel, answers typed in as inbound
SMS stop the call-out at four yes, the Kall operator's SMS sets Kall open with diesel
out, and a subscribed resident gets one SMS saying so.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from sot.operations.models import Activation, StatusReport
from sot.outreach.models import CallOut


def sot(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_done_when(outbox, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from sot.outreach import demo

    sot("demo")
    sot("demo")  # idempotent
    kall = Activation.objects.get(point__slug="kall", event__name="Övning Storm")
    assert kall.event.ends_at is None

    printed = sot(
        "callout",
        "kall",
        "--needed",
        "4",
        "--skills",
        "generator,first_aid",
        "--by",
        "are",
    )
    callout = CallOut.objects.get()
    assert callout.recipients.count() == 12
    assert "12 SMS skickade" in printed
    assert len(outbox) == 12 and all(callout.ref in m["body"] for m in outbox)

    phones = [r.member.phone for r in callout.recipients.order_by("rank")]
    for phone, answer in zip(
        phones, ["JA", "NEJ", "JA", "SENARE", "JA", "JA"], strict=False
    ):
        sot("sms_in", phone, answer)
    sot("sms_in", phones[6], "JA")  # too late
    callout.refresh_from_db()
    assert callout.state == "filled"
    assert callout.recipients.filter(status="yes").count() == 4
    assert callout.recipients.filter(status="surplus").count() == 1

    outbox.clear()
    before = StatusReport.objects.count()
    printed = sot("sms_in", demo.OPERATOR_PHONE, "KALL ÖPPEN DIESEL NEJ")
    assert StatusReport.objects.count() == before + 1
    report = StatusReport.objects.order_by("-id").first()
    assert (report.source, report.reported_by.username) == ("sms", "kall")
    assert report.state == "open"
    assert report.fuel_products["diesel"] == "no"
    assert "Svar: Mottaget" in printed
    to_resident = [m for m in outbox if m["to"] == demo.RESIDENT_PHONE]
    assert len(to_resident) == 1
    body = to_resident[0]["body"]
    assert body.startswith("ÖVNING SOT-punkt Kall")
    assert "slut: diesel" in body
    # and the logbook of the exercise tells the story without names
    log = " ".join(kall.event.log.values_list("text", flat=True))
    assert "12 tillfrågade" in log and "fyllt: 4 av 4" in log
    assert "Anna Berg" not in log
