from django.urls import path

from sot.notify import views

app_name = "notify"

urlpatterns = [
    path("notify/sms/twilio/inbound/", views.twilio_inbound, name="twilio-inbound"),
    path("notify/sms/twilio/status/", views.twilio_status, name="twilio-status"),
    path("prenumerera/", views.subscribe, name="subscribe"),
    path("prenumerera/bekrafta/<str:token>/", views.confirm, name="confirm"),
    path("prenumerera/avsluta/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
