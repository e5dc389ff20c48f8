"""The warnings pages and API: who sees what, deciding on a suggestion, rules, upload."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from sot.warnings.importing import import_bytes
from sot.warnings.models import Suggestion, SuggestionRule, SuggestionState


def load(written, name, **kw):
    return import_bytes(
        data=(written / name).read_bytes(), filename=name, via="cli", **kw
    )


def test_officer_opens_an_event_from_a_suggestion(
    rules, written, client, are_officer, krokom_officer
):
    load(written, "smhi_ibww_jamtland_orange_wind.json")
    client.force_login(are_officer)
    listing = client.get("/varningar/forslag/").content.decode()
    assert "Åre" in listing and "Krokom" not in listing
    (suggestion,) = Suggestion.objects.filter(municipality__code="2321")
    krokoms = Suggestion.objects.get(municipality__code="2309")
    assert client.get(f"/varningar/forslag/{krokoms.pk}/").status_code == 403
    page = client.get(f"/varningar/forslag/{suggestion.pk}/").content.decode()
    assert "4711-9001" in page and "Öppna en händelse" in page

    response = client.post(
        f"/varningar/forslag/{suggestion.pk}/",
        {"decision": "event_opened", "note": "Kör"},
    )
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.ACCEPTED and suggestion.event is not None
    assert response.status_code == 302
    assert response["Location"].endswith(f"/drift/handelser/{suggestion.event_id}/")
    event = suggestion.event
    assert event.external_ref == "smhi:4711-9001"
    assert event.kind == "storm" and event.severity == "severe"
    assert sorted(a.point.slug for a in event.activations.all()) == ["kall", "ottsjo"]
    assert event.area["type"] == "MultiPolygon"
    # A second decision is refused; Krokom's suggestion is untouched.
    client.post(f"/varningar/forslag/{suggestion.pk}/", {"decision": "dismissed"})
    suggestion.refresh_from_db()
    assert suggestion.decision == "event_opened"
    krokoms.refresh_from_db()
    assert krokoms.state == SuggestionState.OPEN


def test_api_lists_and_decides(rules, written, client, krokom_officer, kall_operator):
    load(written, "smhi_ibww_jamtland_orange_wind.json")
    assert client.get("/api/v1/warnings").status_code == 401
    client.force_login(krokom_officer)
    (warning,) = client.get("/api/v1/warnings").json()
    assert warning["level"] == "ORANGE" and "valsjobyn" in warning["point_ids"]
    detail = client.get(f"/api/v1/warnings/{warning['id']}").json()
    assert detail["areas"][0]["geometries"][0]["type"] == "Polygon"
    (suggestion,) = client.get("/api/v1/warnings/suggestions").json()
    assert suggestion["municipality_code"] == "2309"
    assert suggestion["warning_identifier"] == "4711-9001"
    assert suggestion["point_ids"] == ["rotviken", "valsjobyn"]
    decided = client.post(
        f"/api/v1/warnings/suggestions/{suggestion['id']}/decision",
        {"decision": "readiness_raised"},
        content_type="application/json",
    ).json()
    assert decided["state"] == "accepted" and decided["event_id"] is None
    again = client.post(
        f"/api/v1/warnings/suggestions/{suggestion['id']}/decision",
        {"decision": "dismissed"},
        content_type="application/json",
    )
    assert again.status_code == 409
    points = client.get("/api/v1/warnings/points/valsjobyn").json()
    assert [w["identifier"] for w in points] == ["4711-9001"]
    # An operator may see warnings but has no suggestions and may not import.
    client.force_login(kall_operator)
    assert client.get("/api/v1/warnings/suggestions").json() == []
    refused = client.post(
        "/api/v1/warnings/import", b"[]", content_type="application/json"
    )
    assert refused.status_code == 403


def test_api_import(rules, written, client, coordinator):
    client.force_login(coordinator)
    body = (written / "outage_jamtland.csv").read_bytes()
    result = client.post(
        "/api/v1/warnings/import?status=exercise", body, content_type="text/csv"
    ).json()
    assert [m["point_ids"] for m in result["messages"]] == [["kall"], ["borgvattnet"]]
    assert {m["status"] for m in result["messages"]} == {"exercise"}
    bad = client.post(
        "/api/v1/warnings/import", b"{oops", content_type="application/json"
    )
    assert bad.status_code == 422 and "refused document" in bad.json()["detail"]


def test_coordinator_uploads_and_edits_rules(
    rules, written, client, coordinator, are_officer
):
    client.force_login(coordinator)
    upload = SimpleUploadedFile(
        "ovning.xml", (written / "cap_exercise_kommun.xml").read_bytes(), "text/xml"
    )
    page = client.post("/varningar/", {"file": upload, "format": "", "status": ""})
    text = page.content.decode()
    assert page.status_code == 200 and "sot-ovning-2024-01" in text
    assert "rotviken, valsjobyn" in text
    broken = SimpleUploadedFile("x.json", b"[1,", "application/json")
    text = client.post("/varningar/", {"file": broken}).content.decode()
    assert "kunde inte läsas" in text

    rule = SuggestionRule.objects.get(order=20)
    assert rule.county_code == "23"  # the county's own copy of the default rule
    assert client.get(f"/varningar/regler/{rule.pk}/").status_code == 200
    changed = client.post(
        f"/varningar/regler/{rule.pk}/",
        {
            "name": rule.name,
            "order": "20",
            "county_code": "23",
            "sources": ["smhi", "cap"],
            "hazards": ["wind", "snow"],
            "min_level": "YELLOW",
            "include_exercises": "on",
            "action": "raise_readiness",
        },
    )
    assert changed.status_code == 302
    rule.refresh_from_db()
    assert rule.min_level == "YELLOW" and not rule.enabled
    response = client.post(
        "/varningar/regler/ny/",
        {
            "name": "Gul snövarning i Jämtland",
            "enabled": "on",
            "order": "5",
            "county_code": "23",
            "hazards": ["snow"],
            "min_level": "YELLOW",
            "include_exercises": "on",
            "action": "raise_readiness",
        },
    )
    assert response.status_code == 302
    assert SuggestionRule.objects.get(order=5).hazards == ["snow"]
    other = client.post(
        "/varningar/regler/ny/",
        {"name": "x", "order": "6", "county_code": "01", "action": "raise_readiness"},
    )
    assert "ditt län" in other.content.decode()
    client.force_login(are_officer)
    assert client.get("/varningar/regler/ny/").status_code == 403
    assert client.get(f"/varningar/regler/{rule.pk}/").status_code == 403
    assert "Gul snövarning" in client.get("/varningar/regler/").content.decode()


def test_point_page_lists_warnings_in_force(rules, written, client, kall_operator):
    load(written, "smhi_ibww_several_areas_hole_edge.json")
    client.force_login(kall_operator)
    page = client.get("/varningar/punkt/kall/").content.decode()
    assert "Kall och österut" in page  # Kall lies on the edge of this area
    assert "utom Ottsjö" not in page
    assert client.get("/varningar/punkt/ottsjo/").status_code == 403
