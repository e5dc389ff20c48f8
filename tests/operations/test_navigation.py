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
