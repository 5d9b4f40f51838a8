from django.urls import path

from lindung.core.converters import register_choice_converter
from lindung.programmes import views, views_money

app_name = "programmes"
register_choice_converter("enrolment_format", "csv", "xlsx")

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("baru/", views.programme_create, name="create"),
    path("calon/", views.candidate_list, name="candidates"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/status/", views.programme_move, name="move"),
    path("<int:pk>/seleksi/", views.selection_run, name="select"),
    path("<int:pk>/seleksi/<int:version>/", views.run_detail, name="run"),
    path("<int:pk>/seleksi/<int:version>/keputusan/", views.run_decide, name="decide"),
    path("<int:pk>/pendaftaran.<enrolment_format:fmt>", views.enrolment_file, name="enrolment"),
    path("<int:pk>/tagihan/", views_money.invoice_issue, name="invoice"),
    path("<int:pk>/tagihan/<int:invoice_id>/bayar/", views_money.invoice_pay, name="pay"),
    path("<int:pk>/hasil/", views_money.outcome, name="outcome"),
]
