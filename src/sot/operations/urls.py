from django.urls import path

from sot.operations import offline, views

app_name = "operations"

urlpatterns = [
    path("drift/", views.home, name="home"),
    path("drift/oversikt/", views.dashboard, name="dashboard"),
    path("drift/nationellt/", views.national_overview, name="national"),
    path("drift/punkt/", views.operator, name="operator"),
    path("drift/sw.js", offline.service_worker, name="service_worker"),
    path("drift/manifest.webmanifest", offline.manifest, name="manifest"),
    path("drift/handelser/ny/", views.event_new, name="event_new"),
    path("drift/handelser/<int:event_id>/", views.event_detail, name="event"),
    path(
        "drift/handelser/<int:event_id>/atgard/<str:action>/",
        views.event_action,
        name="event_action",
    ),
    path(
        "drift/handelser/<int:event_id>/punkter/<slug:slug>/",
        views.point_in_event,
        name="point",
    ),
    path(
        "drift/handelser/<int:event_id>/punkter/<slug:slug>/rapport/",
        views.report,
        name="report",
    ),
    path(
        "drift/handelser/<int:event_id>/punkter/<slug:slug>/oppettider/",
        views.opening_hours,
        name="hours",
    ),
    path(
        "drift/handelser/<int:event_id>/lagesrapport/",
        views.situation_report,
        name="sitrep",
    ),
    path("drift/handelser/<int:event_id>/bransle/", views.fuel_list, name="fuel"),
    path("drift/handelser/<int:event_id>/logg.txt", views.log_since, name="log_text"),
    path("drift/checklistor/<int:checklist_id>/", views.checklist, name="checklist"),
    path(
        "drift/punkter/<slug:slug>/provkorning/",
        views.generator_test,
        name="generator_test",
    ),
    path("drift/mallar/", views.templates, name="templates"),
]
