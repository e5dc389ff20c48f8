from django.urls import path

from sot.outreach import pages, views

app_name = "outreach"

urlpatterns = [
    path("notify/sms/twilio/inbound/", views.twilio_inbound, name="twilio-inbound"),
    path("notify/sms/twilio/status/", views.twilio_status, name="twilio-status"),
    path(
        "utskick/aktiveringar/<int:activation_id>/utrop/",
        pages.activation_callouts,
        name="activation-callouts",
    ),
    path(
        "utskick/utrop/<int:callout_id>/avsluta/", pages.cancel, name="callout-cancel"
    ),
    path(
        "utskick/lan/<str:code>/varningar/",
        pages.county_warnings,
        name="county-warnings",
    ),
    path("utskick/ovnings-sms/", pages.sms_console, name="sms-console"),
    path("prenumerera/", views.subscribe, name="subscribe"),
    path("prenumerera/bekrafta/<str:token>/", views.confirm, name="confirm"),
    path("prenumerera/avsluta/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
