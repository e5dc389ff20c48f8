from django.urls import path

from sot.box import views

app_name = "box"

urlpatterns = [
    path("box/", views.home, name="home"),
    path("en/box/", views.home, {"lang": "en"}, name="home_en"),
    path("lage/", views.snapshot, name="snapshot"),
    path("lage/<path:path>", views.snapshot, name="snapshot_file"),
    *[path(p, views.captive) for p in views.CAPTIVE_PATHS],
]
