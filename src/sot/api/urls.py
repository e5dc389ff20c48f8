from django.urls import path

from sot.api.main import api

urlpatterns = [path("", api.urls)]
