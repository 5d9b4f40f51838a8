"""The register's writes (issue 21 §1–3): a body's file through the import pipeline (every bad
row reported with its line, a repeat changes nothing, another village's body refused), a
regency's own category rule, and the uncovered sent as registration requests."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from lindung.core.imports.pipeline import run_import
from lindung.core.models import ImportRejection
from lindung.publicworkers import services
from lindung.publicworkers.importers import PublicWorkerImporter
from lindung.publicworkers.models import PublicWorker, ReconciliationStatus, WageBasis
from lindung.registrations import services as registrations
from lindung.registrations.models import Channel, Payer, Registration
from lindung.registry.models import Segment
from tests.publicworkers.factories import BIRTH, covered, listed, village_government
from tests.registry.factories import FOREIGN_VILLAGE, OWN_VILLAGE, nik_for

pytestmark = pytest.mark.engine
HEADER = ["nik", "nama", "kategori", "honorarium", "sumber_anggaran", "kode_badan", "mulai"]


def register_file(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def officials(village: str) -> list[list[str]]:
    """Three good rows (lines 2–4), then a short NIK, an unknown category and another
    village's body (lines 5–7)."""
    rows = [
        (nik_for(village, 1, BIRTH), "Kepala Desa Satu", "village_head", "3.400.000", "APBDes", ""),
        (nik_for(village, 2, BIRTH), "Sekretaris Desa", "Perangkat desa", "2.500.000", "Dana Desa",
         ""),
        (nik_for(village, 3, BIRTH), "Ketua RT Tiga", "rt_rw_head", "500.000", "APBDes", ""),
        ("12345", "NIK Pendek", "rt_rw_head", "500.000", "APBDes", ""),
        (nik_for(village, 5, BIRTH), "Kategori Asing", "lurah", "500.000", "APBDes", ""),
        (nik_for(village, 6, BIRTH), "Desa Lain", "rt_rw_head", "500.000", "APBDes",
         f"DESA-{FOREIGN_VILLAGE}"),
    ]  # fmt: skip
    return [[*row, "2025-01-01"] for row in rows]


def test_a_village_operator_imports_its_officials(region_tree, make_user, tmp_path):
    operator = make_user("village_operator")
    village = region_tree[OWN_VILLAGE]
    path = register_file(tmp_path / "aparat.csv", officials(OWN_VILLAGE))
    job = run_import(PublicWorkerImporter(), path, actor=operator)
    assert (job.rows_imported, job.rows_rejected) == (3, 3)
    lines = dict(ImportRejection.objects.filter(job=job).values_list("line", "column"))
    assert lines == {5: "nik", 6: "category", 7: "body"}
    workers = PublicWorker.objects.order_by("nik")
    assert {w.body.code for w in workers} == {f"DESA-{OWN_VILLAGE}"}
    assert all(w.village_id == village.code and w.reconciled_on for w in workers)
    assert {w.category_id for w in workers} == {"village_head", "village_official", "rt_rw_head"}
    # The same file again changes nothing.
    repeat = register_file(tmp_path / "lagi.csv", officials(OWN_VILLAGE))
    again = run_import(PublicWorkerImporter(), repeat, actor=operator)
    assert (again.rows_imported, again.rows_unchanged) == (0, 3)


def test_a_regency_rule_overrides_the_default(region_tree, make_user):
    officer = make_user("regency_officer")
    body = village_government(region_tree[OWN_VILLAGE])
    worker = listed(body, 1, "rt_rw_head", honorarium=500_000)
    services.refresh_unchecked(PublicWorker.objects.all(), on=dt.date(2025, 9, 1))
    worker.refresh_from_db()
    assert worker.monthly_contribution == 16_800  # BPU JKK+JKM on the default Rp 1.000.000
    services.set_rule(actor=officer, category=worker.category, regency=region_tree["18.71"],
                      segment=Segment.BPU, programmes=["JKK", "JKM", "JHT"],
                      wage_basis=WageBasis.FIXED, wage_amount=1_000_000,
                      source="Perbup contoh 2025")  # fmt: skip
    worker.refresh_from_db()
    assert worker.monthly_contribution > 16_800  # JHT added
    with pytest.raises(PermissionDenied):
        services.set_rule(actor=officer, category=worker.category, regency=region_tree["18.72"],
                          segment=Segment.BPU, programmes=["JKK", "JKM"],
                          wage_basis=WageBasis.HONORARIUM, wage_amount=None,
                          source="x")  # fmt: skip


def test_the_uncovered_become_registration_requests(region_tree, make_user):
    operator = make_user("village_operator")
    body = village_government(region_tree[OWN_VILLAGE])
    head = listed(body, 1, "village_head", honorarium=3_400_000)
    official = listed(body, 2, "village_official")
    rt = listed(body, 3, "rt_rw_head")
    active = listed(body, 4, "village_official")
    covered(active)
    services.refresh_unchecked(PublicWorker.objects.all())
    workers = list(PublicWorker.objects.select_related("body", "category"))
    sent = services.send_for_registration(actor=operator, workers=workers)
    assert sorted(r.nik for r in sent.requests) == sorted([head.nik, official.nik, rt.nik])
    assert sent.refused == []
    by_nik = {r.nik: r for r in Registration.objects.all()}
    assert by_nik[head.nik].segment == Segment.PU and by_nik[head.nik].employer == body.employer
    assert by_nik[head.nik].programmes == "JKK JKM JHT" and by_nik[head.nik].wage == 3_400_000
    assert by_nik[rt.nik].segment == Segment.BPU and by_nik[rt.nik].wage == 1_000_000
    assert {r.channel for r in sent.requests} == {Channel.VILLAGE}
    assert {r.payer for r in sent.requests} == {Payer.GOVERNMENT}
    assert PublicWorker.objects.get(pk=head.pk).registration_id == by_nik[head.nik].pk
    # Sending again skips those with an open request.
    again = services.send_for_registration(
        actor=operator, workers=list(PublicWorker.objects.select_related("body", "category"))
    )
    assert again.requests == [] and again.refused == []
    # Nor are those the branch confirmed from a month still to come (covered from then on).
    branch = make_user("bpjs_branch")
    registrations.send(actor=branch, requests=sent.requests)
    for request in Registration.objects.filter(nik__in=[head.nik, official.nik, rt.nik]):
        registrations.confirm(actor=branch, request=request, kpj=f"KPJ9{request.pk:07d}")
    services.refresh_unchecked(PublicWorker.objects.all())
    once_more = services.send_for_registration(
        actor=operator, workers=list(PublicWorker.objects.select_related("body", "category"))
    )
    assert once_more.requests == []


def test_a_pu_category_of_a_body_without_npp_is_refused_with_its_reason(region_tree, make_user):
    body = village_government(region_tree[OWN_VILLAGE], with_npp=False)
    head = listed(body, 1, "village_head")
    sent = services.send_for_registration(actor=make_user("village_operator"), workers=[head])
    assert sent.requests == [] and "NPP" in sent.refused[0][1]


def test_another_village_is_out_of_reach(region_tree, make_user):
    foreign = village_government(region_tree[FOREIGN_VILLAGE])
    worker = listed(foreign, 1, "rt_rw_head")
    with pytest.raises(PermissionDenied):
        services.send_for_registration(actor=make_user("village_operator"), workers=[worker])


def test_the_cli_prints_coverage_per_category(region_tree):
    body = village_government(region_tree[OWN_VILLAGE])
    workers = [listed(body, n, "rt_rw_head") for n in range(1, 5)]
    covered(workers[0], segment=Segment.BPU)
    out = io.StringIO()
    call_command("public-workers", "coverage", "--region", "18.71", "--date", "2025-09-01",
                 "--format", "json", stdout=out)  # fmt: skip
    data = json.loads(out.getvalue())
    rt = next(c for c in data["categories"] if c["category"] == "rt_rw_head")
    assert (rt["total"], rt["covered"], rt["coverage_pct"]) == (4, 1, 25.0)
    assert set(rt) >= {"category", "label", "total", "covered", "coverage_pct"}
    assert (data["total"]["total"], data["total"]["covered"]) == (4, 1)
    assert PublicWorker.objects.filter(status=ReconciliationStatus.ACTIVE).count() == 0  # live


def test_the_import_page_lists_the_rejected_rows(region_tree, make_user, tmp_path, client):
    operator = make_user("village_operator")
    job = run_import(
        PublicWorkerImporter(), register_file(tmp_path / "a.csv", officials(OWN_VILLAGE)),
        actor=operator,
    )  # fmt: skip
    client.force_login(operator)
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert [f'data-line="{n}"' in page for n in (5, 6, 7)] == [True, True, True]
    assert 'style="width: 100%"' in page  # a done job's bar is full from the first paint
