from django.urls import path

from sot.plans import views

app_name = "plans"

urlpatterns = [
    path("planering/", views.index, name="index"),
    path("planering/korning/<int:run_id>/", views.run_detail, name="run"),
    path(
        "planering/korning/<int:run_id>/<str:name>",
        views.run_file,
        name="run-file",
    ),
    path("planering/rapport.<str:kind>", views.workdir_report, name="report"),
]
