from django.urls import path

from sot.warnings import views

app_name = "warnings"

urlpatterns = [
    path("varningar/", views.dashboard, name="dashboard"),
    path("varningar/<int:pk>/", views.warning_detail, name="warning"),
    path("varningar/<int:pk>/avsluta/", views.warning_end, name="warning_end"),
    path("varningar/forslag/", views.suggestions, name="suggestions"),
    path("varningar/forslag/<int:pk>/", views.suggestion_detail, name="suggestion"),
    path("varningar/regler/", views.rules, name="rules"),
    path("varningar/regler/ny/", views.rule_edit, name="rule_new"),
    path("varningar/regler/<int:pk>/", views.rule_edit, name="rule"),
    path("varningar/punkt/<slug:slug>/", views.point_warnings, name="point"),
]
