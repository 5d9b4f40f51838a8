from django.urls import path

from lindung.contributions.bills import views

app_name = "bills"

urlpatterns = [
    path("", views.bill_list, name="list"),
    path("<int:pk>/", views.bill_detail, name="detail"),
]
