from django.urls import path

from sot.registry import planning_views

app_name = "registry"

urlpatterns = [
    path("planering/", planning_views.planning, name="planning"),
    path(
        "planering/rapport.<str:kind>",
        planning_views.planning_report,
        name="planning-report",
    ),
]
