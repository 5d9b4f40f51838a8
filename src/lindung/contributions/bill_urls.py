from django.urls import path

from lindung.contributions import bill_views

app_name = "bills"

urlpatterns = [
    path("", bill_views.bill_list, name="list"),
    path("<int:pk>/", bill_views.bill_detail, name="detail"),
]
