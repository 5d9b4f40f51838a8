from django.urls import path

from lindung.core.converters import register_choice_converter
from lindung.programmes.views import money, plans

app_name = "programmes"
register_choice_converter("enrolment_format", "csv", "xlsx")

urlpatterns = [
    path("", plans.programme_list, name="list"),
    path("baru/", plans.programme_create, name="create"),
    path("calon/", plans.candidate_list, name="candidates"),
    path("<int:pk>/", plans.programme_detail, name="detail"),
    path("<int:pk>/status/", plans.programme_move, name="move"),
    path("<int:pk>/seleksi/", plans.selection_run, name="select"),
    path("<int:pk>/seleksi/<int:version>/", plans.run_detail, name="run"),
    path("<int:pk>/seleksi/<int:version>/keputusan/", plans.run_decide, name="decide"),
    path("<int:pk>/pendaftaran.<enrolment_format:fmt>", plans.enrolment_file, name="enrolment"),
    path("<int:pk>/tagihan/", money.invoice_issue, name="invoice"),
    path("<int:pk>/tagihan/<int:invoice_id>/bayar/", money.invoice_pay, name="pay"),
    path("<int:pk>/hasil/", money.outcome, name="outcome"),
]
