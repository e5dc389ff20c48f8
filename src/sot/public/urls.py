"""The public site (Swedish at the root, English under /en/), the feeds and /ogc/."""

from django.urls import path

from sot.public import views

app_name = "public"


def _pages(prefix: str, lang: str, suffix: str) -> list:
    kw = {"lang": lang}
    return [
        path(f"{prefix}", views.start, kw, name=f"start{suffix}"),
        path(f"{prefix}punkt/<slug:slug>/", views.point, kw, name=f"point{suffix}"),
        path(
            f"{prefix}kommun/<str:code>/",
            views.municipality,
            kw,
            name=f"municipality{suffix}",
        ),
        path(f"{prefix}lan/<str:code>/", views.county, kw, name=f"county{suffix}"),
        path(f"{prefix}karta/", views.map_page, kw, name=f"map{suffix}"),
        path(f"{prefix}nara/", views.nearest, kw, name=f"nearest{suffix}"),
        path(f"{prefix}orter/", views.places, kw, name=f"places{suffix}"),
        path(
            f"{prefix}orter/<str:code>/",
            views.places_in,
            kw,
            name=f"places_in{suffix}",
        ),
        path(f"{prefix}meddelanden/", views.messages, kw, name=f"messages{suffix}"),
        path(f"{prefix}oppna-data/", views.open_data, kw, name=f"open_data{suffix}"),
    ]


urlpatterns = [
    *_pages("", "sv", ""),
    *_pages("en/", "en", "_en"),
    path("punkt/<slug:slug>/anslag.pdf", views.point_notice, name="notice"),
    path("anslag/lista.pdf", views.county_list, name="county_list"),
    path("punkter.geojson", views.points_geojson, name="geojson"),
    path("punkter.csv", views.points_csv, name="csv"),
    path("feeds/cap.atom", views.cap_atom, name="cap_atom"),
    path("cap/<str:identifier>.xml", views.cap_message, name="cap_message"),
    path("feeds/meddelanden.atom", views.messages_atom, name="messages_atom"),
    path("ogc/", views.ogc_landing, name="ogc"),
    path("ogc", views.ogc_landing),
    path("ogc/conformance", views.ogc_conformance, name="ogc_conformance"),
    path("ogc/api", views.ogc_api_definition, name="ogc_api"),
    path("ogc/collections", views.ogc_collections, name="ogc_collections"),
    path(
        "ogc/collections/<str:collection_id>",
        views.ogc_collection,
        name="ogc_collection",
    ),
    path(
        "ogc/collections/<str:collection_id>/queryables",
        views.ogc_queryables,
        name="ogc_queryables",
    ),
    path(
        "ogc/collections/<str:collection_id>/items", views.ogc_items, name="ogc_items"
    ),
    path(
        "ogc/collections/<str:collection_id>/items/<str:feature_id>",
        views.ogc_item,
        name="ogc_item",
    ),
    # anything else under /ogc/ is the service's own JSON (or HTML) 404
    path("ogc/<path:rest>", views.ogc_not_found, name="ogc_not_found"),
]
