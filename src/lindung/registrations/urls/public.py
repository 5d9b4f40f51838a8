"""The public side: self-registration and its reference, the status look-up, and registration
by a village operator or an officer for people of their area."""

from django.urls import path

from lindung.registrations.views import public

urlpatterns = [
    path("", public.self_register, name="self"),
    path("terdaftar/", public.self_done, name="self-done"),
    path("status/", public.status, name="status"),
    path("desa/", public.village, name="village"),
]
