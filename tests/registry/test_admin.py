"""The newcomer's walk through the admin: the Åre officer edits Kall and sees it in the
history; another municipality's point stays out of reach."""

from tests.support.forms import form_data

from sot.registry import services
from sot.registry.models import ChangeRecord, County, Organisation, Point


def _post_form(client, url, changes):
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.content.decode(), "point_form")
    data.update({k: [v] for k, v in changes.items()})
    return client.post(url, data)


def test_officer_edits_kall_through_the_admin_and_sees_the_history(
    client, are_officer, kall
):
    client.force_login(are_officer)
    url = f"/admin/registry/point/{kall.pk}/change/"
    response = _post_form(
        client, url, {"opening_arrangements": "Öppet 08–20 vid elavbrott"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    kall.refresh_from_db()
    assert kall.opening_arrangements == "Öppet 08–20 vid elavbrott"
    record = ChangeRecord.objects.get(object_id="kall", action="update")
    assert record.user == are_officer and record.source == "admin"
    assert record.changes == {
        "opening_arrangements": [
            "Öppnar när kommunen aktiverar punkten vid ett längre elavbrott.",
            "Öppet 08–20 vid elavbrott",
        ]
    }
    history = client.get(f"/admin/registry/point/{kall.pk}/history/").content.decode()
    assert "Öppet 08–20 vid elavbrott" in history


def test_admin_form_asks_before_saving_outside_the_municipality(
    client, are_officer, kall
):
    client.force_login(are_officer)
    url = f"/admin/registry/point/{kall.pk}/change/"
    response = _post_form(client, url, {"lat": "64.068", "lon": "14.139"})  # in Krokom
    assert response.status_code == 200
    assert "utanför Åre kommuns gräns" in response.content.decode()
    kall.refresh_from_db()
    assert kall.lat == 63.4726
    response = _post_form(
        client, url, {"lat": "64.068", "lon": "14.139", "confirm_outside": "on"}
    )
    assert response.status_code == 302


def test_admin_accepts_sweref_coordinates(client, are_officer, kall):
    client.force_login(are_officer)
    url = f"/admin/registry/point/{kall.pk}/change/"
    response = _post_form(client, url, {"sweref_e": "411000", "sweref_n": "7039000"})
    assert response.status_code == 302
    kall.refresh_from_db()
    e, n = kall.sweref99tm
    assert abs(e - 411000) < 0.5 and abs(n - 7039000) < 0.5


def test_admin_import_reports_rows_and_keeps_nothing(client, coordinator):
    client.force_login(coordinator)
    csv = "id;name;village;municipality_code;lat;lon\nny;Ny;By;2321;63.1;13.1\nny2;Två;By;0000;63.1;13.1\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sot.registry import imports

    response = client.post(
        "/admin/registry/point/import/",
        {"file": SimpleUploadedFile("p.csv", csv.encode(), content_type="text/csv")},
    )
    assert response.status_code == 302  # to the job's page; the worker runs it
    imports.run_job(int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    page = client.get(response["Location"]).content.decode()
    assert "Ingenting importerades" in page
    assert "municipality_code" in page and "<td>3</td>" in page
    assert not Point.objects.filter(slug__in=["ny", "ny2"]).exists()


def test_changing_an_organisation_is_recorded(client, are_officer):
    org = Organisation.objects.get(name="Åre kommun")
    client.force_login(are_officer)
    url = f"/admin/registry/organisation/{org.pk}/change/"
    data = form_data(client.get(url).content.decode(), "organisation_form")
    data["org_number"] = ["212000-2627"]
    assert client.post(url, data).status_code == 302
    record = ChangeRecord.objects.get(model="registry.organisation", action="update")
    assert record.changes == {"org_number": ["", "212000-2627"]}


def test_admin_pages_for_a_visitor_who_is_not_signed_in(client, jamtland):
    assert client.get("/admin/login/").status_code == 200
    response = client.get("/admin/registry/point/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_admin_writes_points_only_through_save_point(
    client, are_officer, kall, monkeypatch
):
    """Adding and changing a point in the admin (with its services inline) goes
    through services.save_point: permissions, validation and history in one place
    (#10)."""
    from sot.registry.models import Municipality, Service

    calls = []
    real = services.save_point

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, "save_point", spy)
    client.force_login(are_officer)
    food = Service.objects.get(code="food")
    page = client.get("/admin/registry/point/add/").content.decode()
    data = form_data(page, "point_form")
    data.update(
        {
            "slug": ["ny-punkt"],
            "name": ["Ny punkt"],
            "village": ["Undersåker"],
            "municipality": [str(Municipality.objects.get(code="2321").pk)],
            "lat": ["63.3386"],
            "lon": ["13.2846"],
            "lifecycle": ["planned"],
            "point_services-0-service": [str(food.pk)],
            "point_services-0-capacity_people": ["40"],
        }
    )
    response = client.post("/admin/registry/point/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    point = Point.objects.get(slug="ny-punkt")
    assert [
        (ps.service.code, ps.capacity_people) for ps in point.point_services.all()
    ] == [("food", 40)]
    created = ChangeRecord.objects.get(object_id="ny-punkt", action="create")
    assert created.source == "admin" and created.user == are_officer
    assert created.changes["services"] == [None, ["food:40"]]
    assert len(calls) == 1 and calls[0]["point"] is None
    # a change: one more call, the history has what changed
    response = _post_form(
        client,
        f"/admin/registry/point/{point.pk}/change/",
        {"point_services-0-capacity_people": "60", "name": "Ny punkt 2"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert len(calls) == 2 and calls[1]["point"].pk == point.pk
    update = ChangeRecord.objects.get(object_id="ny-punkt", action="update")
    assert update.changes == {
        "name": ["Ny punkt", "Ny punkt 2"],
        "services": [["food:40"], ["food:60"]],
    }


def test_the_admin_deletes_counties_only_through_delete_county(
    client, superuser, monkeypatch
):
    """One county from its delete page (delete_model) and the rest with "delete
    selected" (delete_queryset): both through the service."""
    calls = []
    real = services.delete_county

    def spy(**kwargs):
        calls.append(kwargs["county"].code)
        return real(**kwargs)

    monkeypatch.setattr(services, "delete_county", spy)
    jamtland = County.objects.get(code="23")
    others = (
        County.objects.create(code="22", name="Västernorrland"),
        County.objects.create(code="24", name="Västerbotten"),
    )
    client.force_login(superuser)
    response = client.post(
        f"/admin/registry/county/{jamtland.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(
        "/admin/registry/county/",
        {
            "action": "delete_selected",
            "_selected_action": [c.pk for c in others],
            "post": "yes",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(calls) == ["22", "23", "24"] and not County.objects.exists()
    assert (
        ChangeRecord.objects.filter(model="registry.county", action="delete").count()
        == 3
    )
