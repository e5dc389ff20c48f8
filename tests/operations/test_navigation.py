"""Officials can move between the parts: operations, warnings, call-out, register."""

from sot.operations import demo as ops_demo


def test_point_page_links_to_callout_and_warnings(client, are_officer):
    event = ops_demo.load()
    client.force_login(are_officer)
    page = client.get(f"/drift/handelser/{event.pk}/punkter/kall/").content.decode()
    assert "/utskick/aktiveringar/" in page and "/varningar/punkt/kall/" in page
    assert 'href="/varningar/"' in page and 'href="/admin/"' in page


def test_operator_gets_no_official_links(client, kall_operator):
    event = ops_demo.load()
    client.force_login(kall_operator)
    page = client.get(f"/drift/handelser/{event.pk}/punkter/kall/").content.decode()
    assert "/utskick/aktiveringar/" not in page and 'href="/varningar/"' not in page


def test_dashboard_shows_warning_sources_health_and_open_suggestions(
    client, are_officer
):
    from django.utils import timezone

    from sot.warnings import demo as warnings_demo
    from sot.warnings import polling

    ops_demo.load()
    warnings_demo.load()  # an exercise warning with suggestions for Åre and Krokom
    source = polling.ensure_sources()[0]
    source.last_attempt_at = source.last_error_at = timezone.now()
    source.last_error = "HTTP 503"
    source.failures = 3
    source.save()
    client.force_login(are_officer)
    page = client.get("/drift/oversikt/").content.decode()
    assert "Varningskällor" in page and source.name in page
    assert '<strong class="stale">Fel</strong>' in page
    assert "1 förslag från varningar väntar på beslut" in page


def test_operator_dashboard_has_no_feed_section(client, kall_operator):
    client.force_login(kall_operator)
    assert client.get("/drift/oversikt/").status_code in (302, 403)


def test_point_page_lists_the_warnings_in_force(client, are_officer):
    from sot.warnings import demo as warnings_demo

    event = ops_demo.load()
    warnings_demo.load()  # an exercise wind warning over Kall
    client.force_login(are_officer)
    page = client.get(f"/drift/handelser/{event.pk}/punkter/kall/").content.decode()
    assert "Varningar som gäller här" in page
    assert "Inga varningar gäller för punkten." not in page
    hallen = client.get(f"/drift/handelser/{event.pk}/punkter/hallen/").content.decode()
    assert "Inga varningar gäller för punkten." in hallen
