"""Bulk import of residents' subscriptions with proof of consent (#15): every row
checked first, clear per-row errors, all or nothing, a STOPP never undone."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from sot.outreach import imports
from sot.outreach.models import Subscription
from sot.registry.tables import ImportFailed

HEADER = "channel;address;point;municipality;language;consent_method;consent_at;consent_source\n"


def _run(tmp_path, text: str, *extra: str) -> tuple[str, str]:
    path = tmp_path / "prenumeranter.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "subscribers", str(path), *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_cli_import_records_consent_per_row(tmp_path, jamtland):
    out, _ = _run(
        tmp_path,
        "sms;070-123 45 67;kall;;;sms;2025-11-03 18:20;gamla-sms-tjansten id 4411\n"
        "email;Bo@Example.se;;2321;en;email_confirmed;2025-10-01T08:00:00+00:00;"
        "nyhetsbrev-export rad 17\n"
        "sms;+46702223344;;Krokom;;signed_form;2024-05-20;blankett 2024/118\n",
    )
    assert "created 3" in out
    subs = {s.address: s for s in Subscription.objects.all()}
    assert set(subs) == {"+46701234567", "bo@example.se", "+46702223344"}
    phone = subs["+46701234567"]
    assert (phone.state, phone.point.slug, phone.consent_method) == (
        "active",
        "kall",
        "sms",
    )
    assert phone.consent_source == "gamla-sms-tjansten id 4411"
    # a time without a zone is Swedish time
    assert phone.consent_at.isoformat() == "2025-11-03T17:20:00+00:00"
    assert phone.confirmed_at == phone.consent_at
    mail = subs["bo@example.se"]
    assert (mail.channel, mail.language, mail.municipality.code) == (
        "email",
        "en",
        "2321",
    )
    assert mail.consent_method == "email_confirmed"
    assert subs["+46702223344"].municipality.name == "Krokom"
    assert len({s.token for s in subs.values()}) == 3


def test_rows_without_consent_refuse_the_whole_file(tmp_path, jamtland):
    with pytest.raises(CommandError):
        out, err = _run(
            tmp_path,
            "sms;0701234567;kall;;;sms;2025-11-03 18:20;id 1\n"
            "sms;0701234568;kall;;;;;\n"
            "sms;0701234569;kall;;;sms;2025-11-03 18:20;\n"
            "sms;0701234570;kall;;;muntligt;2025-11-03 18:20;id 4\n",
        )
    assert not Subscription.objects.exists()


def test_every_problem_is_reported_by_row_and_column(jamtland):
    rows = imports.read_file(
        (
            HEADER
            + "sms;0701234567;kall;;;sms;2025-11-03 18:20;id 1\n"
            + "sms;0701234568;kall;;;;;\n"
            + "fax;12;;;;sms;2025-11-03;id 3\n"
            + "email;bo@example.se;kall;2321;;sms;2099-01-01;id 4\n"
            + "sms;0701234569;okand;;xx;signed_form;igår;id 5\n"
            + "sms;070-123 45 67;kall;;;sms;2025-11-04;id 6\n"
        ).encode(),
        "f.csv",
    )
    with pytest.raises(ImportFailed) as failed:
        imports.import_subscribers(rows=rows)
    got = {(e.row, e.field) for e in failed.value.errors}
    assert got == {
        (3, "consent_method"),
        (3, "consent_at"),
        (3, "consent_source"),
        (4, "channel"),
        (4, "point"),  # neither point nor municipality
        (5, "point"),  # point and municipality both given
        (5, "consent_method"),  # an SMS keyword does not prove an e-mail address
        (5, "consent_at"),  # in the future
        (6, "point"),
        (6, "language"),
        (6, "consent_at"),
        (7, "address"),  # the same subscription as row 2
    }
    messages = [str(e) for e in failed.value.errors]
    assert "rad 3, consent_method: Samtycke saknas: ange hur det gavs." in messages
    assert "rad 7, address: Samma prenumeration som rad 2." in messages
    assert not Subscription.objects.exists()


def test_existing_subscriptions_and_a_stopp_that_stays(tmp_path, jamtland):
    from sot.registry.models import Point

    kall = Point.objects.get(slug="kall")
    for address, state in (
        ("+46701111111", "active"),
        ("+46702222222", "pending"),
        ("+46703333333", "stopped"),
    ):
        Subscription.objects.create(
            channel="sms", address=address, point=kall, state=state
        )
    out, _ = _run(
        tmp_path,
        "sms;+46701111111;kall;;;signed_form;2025-01-01;a\n"
        "sms;+46702222222;kall;;;signed_form;2025-01-01;b\n"
        "sms;+46703333333;kall;;;signed_form;2025-01-01;c\n"
        "sms;+46704444444;kall;;;signed_form;2025-01-01;d\n",
    )
    assert "created 1, activated 1, unchanged 1" in out
    assert "(kept stopped) 1" in out
    states = dict(Subscription.objects.values_list("address", "state"))
    assert states == {
        "+46701111111": "active",
        "+46702222222": "active",
        "+46703333333": "stopped",
        "+46704444444": "active",
    }
    pending = Subscription.objects.get(address="+46702222222")
    assert (pending.consent_method, pending.consent_source) == ("signed_form", "b")


def test_dry_run_writes_nothing(tmp_path, jamtland):
    out, _ = _run(
        tmp_path, "sms;0701234567;kall;;;sms;2025-11-03 18:20;id 1\n", "--dry-run"
    )
    assert "would create 1" in out
    assert not Subscription.objects.exists()


def test_self_service_subscriptions_record_their_consent(jamtland):
    from sot.outreach.subscriptions import sms_subscribe

    sms_subscribe(phone="+46701234567", target="KALL")
    sub = Subscription.objects.get()
    assert sub.consent_method == "sms"
    assert sub.consent_source == "sot: SMS START KALL"
    assert sub.consent_at is not None
