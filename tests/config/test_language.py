"""Swedish first: an English browser still gets Swedish until English is chosen."""


def test_swedish_by_default_even_for_an_english_browser(client, are_officer):
    client.force_login(are_officer)
    page = client.get("/drift/oversikt/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "sv"
    assert "Översikt" in page.content.decode()


def test_public_page_for_an_english_browser_is_swedish_and_cacheable(client, jamtland):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.status_code == 200 and page["Content-Language"] == "sv"
    assert "Cookie" not in page.get("Vary", "")


def test_english_when_chosen(client, are_officer):
    client.force_login(are_officer)
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/drift/oversikt/"}
    )
    assert response.status_code == 302
    page = client.get("/drift/oversikt/")
    assert page["Content-Language"] == "en"
    assert "Cookie" in page["Vary"]
    assert ">Svenska</button>" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "sv", "next": "/"})
    assert client.get("/drift/oversikt/")["Content-Language"] == "sv"


def test_admin_follows_the_choice(client, are_officer):
    client.force_login(are_officer)
    assert "Välkommen" in client.get("/admin/").content.decode()
    client.cookies["django_language"] = "en"
    assert "Welcome" in client.get("/admin/").content.decode()
