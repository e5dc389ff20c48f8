"""Bulk import of residents' subscriptions with proof of consent (#15): every row
checked first, clear per-row errors, all or nothing, a STOPP never undone."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from sot.outreach import imports
from sot.outreach.models import Subscription
from sot.registry.tables import ImportFailed

HEADER = (
    "channel;address;point;municipality;language;consent_method;consent_at;"
    "consent_source;consent_text\n"
)


def _run(tmp_path, text: str, *extra: str) -> tuple[str, str]:
    path = tmp_path / "prenumeranter.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import",
        "subscribers",
        str(path),
        "--by",
        "lansstyrelsen",
        *extra,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def test_cli_import_records_consent_per_row(tmp_path, jamtland):
    out, _ = _run(
        tmp_path,
        "sms;070-123 45 67;kall;;;sms;2025-11-03 18:20;gamla-sms-tjansten id 4411;"
        "Villkor SMS-tjänsten v3\n"
        "email;Bo@Example.se;;2321;en;email_confirmed;2025-10-01T08:00:00+00:00;"
        "nyhetsbrev-export rad 17;Nyhetsbrevet 2024\n"
        "sms;+46702223344;;Krokom;;signed_form;2024-05-20;blankett 2024/118;"
        "Blankett B2\n",
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
    assert phone.consent_text == "Villkor SMS-tjänsten v3"
    assert phone.imported_by.username == "lansstyrelsen"
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
            "sms;0701234567;kall;;;sms;2025-11-03 18:20;id 1;terms v1\n"
            "sms;0701234568;kall;;;;;;terms v1\n"
            "sms;0701234569;kall;;;sms;2025-11-03 18:20;;terms v1\n"
            "sms;0701234570;kall;;;muntligt;2025-11-03 18:20;id 4;terms v1\n",
        )
    assert not Subscription.objects.exists()


def test_every_problem_is_reported_by_row_and_column(jamtland):
    rows = imports.read_file(
        (
            HEADER
            + "sms;0701234567;kall;;;sms;2025-11-03 18:20;id 1;terms v1\n"
            + "sms;0701234568;kall;;;;;;\n"
            + "fax;12;;;;sms;2025-11-03;id 3;terms v1\n"
            + "email;bo@example.se;kall;2321;;sms;2099-01-01;id 4;terms v1\n"
            + "sms;0701234569;okand;;xx;signed_form;igår;id 5;terms v1\n"
            + "sms;070-123 45 67;kall;;;sms;2025-11-04;id 6;terms v1\n"
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
        (3, "consent_text"),
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
        "sms;+46701111111;kall;;;signed_form;2025-01-01;a;terms v1\n"
        "sms;+46702222222;kall;;;signed_form;2025-01-01;b;terms v1\n"
        "sms;+46703333333;kall;;;signed_form;2025-01-01;c;terms v1\n"
        "sms;+46704444444;kall;;;signed_form;2025-01-01;d;terms v1\n",
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
        tmp_path,
        "sms;0701234567;kall;;;sms;2025-11-03 18:20;id 1;terms v1\n",
        "--dry-run",
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


def test_a_county_and_the_scope_of_the_importing_official(tmp_path, jamtland):
    """A row may name a county; an officer imports only into their municipality."""
    from sot.registry.models import County

    County.objects.create(code="23", name="Jämtlands län")
    rows = imports.read_file(
        (
            "channel;address;point;municipality;county;consent_method;consent_at;"
            "consent_source;consent_text\n"
            "sms;0701234567;;;Jämtland;sms;2025-11-03;id 1;v1\n"
            "sms;0701234568;kall;;;sms;2025-11-03;id 2;v1\n"
            "sms;0701234569;;Krokom;;sms;2025-11-03;id 3;v1\n"
            "sms;0701234570;kall;;23;sms;2025-11-03;id 4;v1\n"
        ).encode(),
        "f.csv",
    )
    from sot.accounts.models import User

    officer = User.objects.get(username="are")
    with pytest.raises(ImportFailed) as failed:
        imports.import_subscribers(rows=rows, by=officer)
    assert {(e.row, e.field) for e in failed.value.errors} == {
        (2, "county"),  # Åre's officer: not the whole county
        (4, "municipality"),  # nor Krokom
        (5, "point"),  # a point and a county
    }
    assert "Utanför ditt område" in str(failed.value.errors[0])
    done = imports.import_subscribers(
        rows=rows[:3], by=User.objects.get(username="lansstyrelsen")
    )
    assert done.created == 3
    assert Subscription.objects.get(address="+46701234567").county.code == "23"


def test_skip_invalid_keeps_the_valid_rows_and_a_rerun_adds_only_the_rest(
    tmp_path, jamtland
):
    """A migration with rows lacking consent: the valid ones go in, every refused
    row is listed; the corrected file run again makes nothing twice."""
    bad = (
        "sms;0701234567;kall;;;sms;2025-11-03;id 1;v1\n"
        "sms;0701234568;kall;;;;;;\n"  # no proof of consent
        "sms;0701234569;kall;;;sms;2025-11-03;id 3;v1\n"
        "sms;0701234570;kall;;;sms;2025-11-03;;v1\n"  # no source
    )
    out, _ = _run(tmp_path, bad, "--skip-invalid")
    assert out.splitlines()[0].endswith(
        "created 2, activated 0, unchanged 0, stopped by the resident (kept "
        "stopped) 0; 2 rader hoppades över, rätta dem och kör filen igen (det som "
        "redan importerats görs inte om):"
    )
    assert "  rad 3, consent_method: Samtycke saknas: ange hur det gavs." in out
    assert "  rad 5, consent_source: Samtycke saknas: ange var beviset finns." in out
    assert sorted(Subscription.objects.values_list("address", flat=True)) == [
        "+46701234567",
        "+46701234569",
    ]
    fixed = bad.replace(";;;;;;\n", ";;;sms;2025-11-03;id 2;v1\n").replace(
        ";;v1\n", ";id 4;v1\n"
    )
    out, _ = _run(tmp_path, fixed)
    assert "created 2, activated 0, unchanged 2" in out
    out, _ = _run(tmp_path, fixed)  # and once more: idempotent
    assert "created 0, activated 0, unchanged 4" in out
    assert Subscription.objects.count() == 4
    assert Subscription.objects.values("address").distinct().count() == 4


def test_skip_invalid_with_no_valid_row_imports_nothing(tmp_path, jamtland):
    with pytest.raises(CommandError):
        _run(tmp_path, "sms;0701234568;kall;;;;;;\n", "--skip-invalid")
    assert not Subscription.objects.exists()


def test_the_importing_user_is_required_and_must_exist(tmp_path, jamtland):
    path = tmp_path / "p.csv"
    path.write_text(HEADER + "sms;0701234567;kall;;;sms;2025-11-03;id 1;v1\n")
    with pytest.raises(CommandError, match="--by"):
        call_command("import", "subscribers", str(path))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "subscribers", str(path), "--by", "nobody", stderr=err)
    assert "Ingen aktiv användare 'nobody'" in err.getvalue()
    assert not Subscription.objects.exists()
