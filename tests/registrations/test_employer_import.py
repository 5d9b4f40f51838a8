"""An employer's file of workers (kind ``employer-registrations``): uploaded on the portal for a
chosen firm, run as a job through the import pipeline; every bad row is reported with its line and
reason, the good rows become requests (each audited), and the same file again changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindung.core.imports.pipeline import run_import
from lindung.core.models import AuditLog, ImportJob, Job
from lindung.registrations.employer_importer import WORK, EmployerRegistrationImporter
from lindung.registrations.employer_selectors import IMPORT_KIND
from lindung.registrations.models import Channel, Payer, Registration, Status
from lindung.registry.models import Segment
from tests.registry.factories import (
    FOREIGN_VILLAGE,
    OWN_VILLAGE,
    EmployerFactory,
    MembershipFactory,
    PersonFactory,
    nik_for,
)

HEADER = ["nik", "nama", "jenis_kelamin", "tanggal_lahir", "kode_desa", "pekerjaan", "upah",
          "program", "bulan_pertama"]  # fmt: skip
BIRTH = dt.date(1993, 7, 2)


@pytest.fixture
def village(region_tree):
    return region_tree[OWN_VILLAGE]


@pytest.fixture
def boss(make_user):
    return make_user("employer")


@pytest.fixture
def firm(boss, village):
    return EmployerFactory(npp="NPP0000300", village=village, owner=boss.organisation)


@pytest.fixture
def portal(client, boss, settings):
    settings.LINDUNG_JOBS_INLINE = True  # the job runs in the request
    client.force_login(boss)
    return client


def row(n: int, **overrides: str) -> list[str]:
    values = {
        "nik": nik_for(OWN_VILLAGE, n, BIRTH),
        "nama": f"Pekerja Berkas {n}",
        "jenis_kelamin": "L",
        "tanggal_lahir": "02/07/1993",
        "kode_desa": OWN_VILLAGE,
        "pekerjaan": "Penjahit",
        "upah": "3.400.000",
        "program": "JKK, JKM, JHT",
        "bulan_pertama": "2025-03",
    }
    values.update(overrides)
    return [values[h] for h in HEADER]


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def active_nik(village, firm) -> str:
    """A worker already active in PU (at another firm)."""
    nik = nik_for(OWN_VILLAGE, 9, BIRTH)
    MembershipFactory(
        person=PersonFactory(nik=nik, domicile=village, birth_date=BIRTH),
        employer=EmployerFactory(village=village),
        work_region=village,
    )
    return nik


def mixed_file(active_nik: str) -> bytes:
    """Lines 2–8: six good rows and one of each bad kind on lines 3, 5, 7, 9."""
    rows = [
        row(1),
        row(2, nik="1871010000000000"),  # line 3: invalid NIK
        row(3),
        row(4, kode_desa="18.71.01.9999"),  # line 5: unknown village
        row(5),
        row(6, upah="tiga juta"),  # line 7: wage not a number
        row(7),
        row(9, nik=active_nik),  # line 9: already active
        row(11),
        row(13, kode_desa=FOREIGN_VILLAGE),  # a worker living in another regency
    ]
    return csv_bytes(rows)


def upload(portal, firm, content: bytes, name: str = "pekerja.csv"):
    url = reverse("registrations:employer-upload", args=[firm.npp])
    response = portal.post(url, {"file": SimpleUploadedFile(name, content, "text/csv")})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))
    return job, response


def test_bad_rows_are_reported_and_good_rows_kept(portal, boss, firm, active_nik):
    job, response = upload(portal, firm, mixed_file(active_nik))
    assert (job.kind, job.actor, job.state) == (IMPORT_KIND, boss, "done")
    assert (job.rows_read, job.rows_imported, job.rows_unchanged, job.rows_rejected) == (
        10,
        6,
        0,
        4,
    )
    reasons = {r.line: (r.column, r.value, r.reason) for r in job.rejections.all()}
    assert sorted(reasons) == [3, 5, 7, 9]
    assert reasons[3][0] == "nik" and "NIK" in reasons[3][2]
    assert reasons[5][0] == "village" and "18.71.01.9999" in reasons[5][2]
    assert reasons[7][0] == "wage" and "Rupiah" in reasons[7][2]
    assert reasons[9][0] == "nik" and "aktif" in reasons[9][2]
    assert all(" / " in reason for _c, _v, reason in reasons.values())
    assert active_nik not in str(reasons)  # masked
    requests = Registration.objects.order_by("nik")
    assert requests.count() == 6
    assert {
        (r.channel, r.segment, r.payer, r.employer_id, r.requested_by_id) for r in requests
    } == {(Channel.EMPLOYER, Segment.PU, Payer.EMPLOYER, firm.pk, boss.pk)}
    assert all(r.monthly_contribution > 0 and r.status == Status.CHECKED for r in requests)
    assert {r.village_code for r in requests} == {OWN_VILLAGE, FOREIGN_VILLAGE}
    assert AuditLog.objects.filter(action="registrations.submit").count() == 6
    assert AuditLog.objects.filter(action="import.employer_registrations").count() == 1
    # The file's page lists the rejected rows; the portal lists the requests and the file.
    page = portal.get(response.url).content.decode()
    assert all(f'data-line="{line}"' in page for line in (3, 5, 7, 9))
    assert 'id="rows-imported">6<' in page
    portal_page = portal.get(reverse("registrations:employer")).content.decode()
    assert portal_page.count("data-reference=") == 6 and "pekerja.csv" in portal_page


def test_the_same_file_again_changes_nothing(portal, firm, active_nik):
    content = mixed_file(active_nik)
    upload(portal, firm, content)
    before = list(Registration.objects.order_by("pk").values_list("pk", "reference", "status"))
    again, _response = upload(portal, firm, content)
    assert (again.rows_imported, again.rows_unchanged, again.rows_rejected) == (0, 6, 4)
    assert (
        list(Registration.objects.order_by("pk").values_list("pk", "reference", "status")) == before
    )
    assert AuditLog.objects.filter(action="registrations.submit").count() == 6
    # A changed row for a NIK already being registered is refused, not stored twice.
    changed = csv_bytes([row(1, upah="3.600.000")])
    third, _response = upload(portal, firm, changed, "ubah.csv")
    assert (third.rows_imported, third.rows_rejected) == (0, 1)
    assert "sedang diproses" in third.rejections.get().reason


def test_duplicates_and_other_firms_are_rejected(portal, firm, village, boss):
    other = EmployerFactory(npp="NPP0000399", village=village)  # not the user's
    second_own = EmployerFactory(npp="NPP0000301", village=village, owner=boss.organisation)
    header = [*HEADER, "npp"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerow([*row(21), ""])  # the chosen firm
    writer.writerow([*row(21), ""])  # line 3: the same NIK again
    writer.writerow([*row(23), firm.npp])
    writer.writerow([*row(25), other.npp])  # line 5: someone else's firm
    writer.writerow([*row(27), second_own.npp])  # line 6: own, but not the chosen one
    job, _response = upload(portal, firm, out.getvalue().encode())
    reasons = {r.line: r for r in job.rejections.all()}
    assert sorted(reasons) == [3, 5, 6]
    assert "baris 2" in reasons[3].reason and reasons[5].column == reasons[6].column == "npp"
    assert set(Registration.objects.values_list("employer__npp", flat=True)) == {firm.npp}


def test_jp_defaults_for_a_medium_firm_and_warnings_are_kept(portal, firm):
    firm.size_class = "medium"
    firm.save()
    job, _response = upload(portal, firm, csv_bytes([row(31, program=""), row(33, program="JKK")]))
    assert job.rows_imported == 2
    first, second = Registration.objects.order_by("nik")
    assert first.programmes == "JKK JKM JHT JP" and first.status == Status.CHECKED
    assert second.status == Status.SUBMITTED and any("JP" in w for w in second.warnings)


def test_the_generic_pipeline_uses_the_users_only_firm(boss, firm, tmp_path: Path):
    path = tmp_path / "pekerja.csv"
    path.write_bytes(csv_bytes([row(41), row(43)]))
    job = run_import(EmployerRegistrationImporter(), path, actor=boss)
    assert (job.state, job.rows_imported) == ("done", 2)
    assert set(Registration.objects.values_list("employer", flat=True)) == {firm.pk}


def test_a_file_without_an_employer_user_fails_whole(firm, tmp_path: Path, make_user):
    path = tmp_path / "pekerja.csv"
    path.write_bytes(csv_bytes([row(51)]))
    with pytest.raises(Exception, match="pemberi kerja"):
        run_import(EmployerRegistrationImporter(firm.pk), path, actor=make_user("auditor"))
    assert not Registration.objects.exists()


def test_the_reject_report_is_the_owners_and_audited(portal, firm, active_nik, make_user, client):
    job, _response = upload(portal, firm, mixed_file(active_nik))
    url = reverse("registrations:employer-file-rejects", args=[job.pk])
    response = portal.get(url)
    report = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [int(r["line"]) for r in report] == [3, 5, 7, 9]
    assert active_nik not in response.content.decode()
    assert AuditLog.objects.filter(action="import.reject_report").count() == 1
    client.force_login(make_user("employer"))  # another employer: not found
    assert client.get(url).status_code == 404
    assert client.get(reverse("registrations:employer-file", args=[job.pk])).status_code == 404


def test_upload_refuses_other_formats(portal, firm):
    url = reverse("registrations:employer-upload", args=[firm.npp])
    response = portal.post(
        url, {"file": SimpleUploadedFile("pekerja.pdf", b"%PDF", "application/pdf")}
    )
    assert response.status_code == 400 and not ImportJob.objects.exists()


def test_an_unfinished_file_resumes_for_its_own_firm_only(portal, boss, firm, village):
    second = EmployerFactory(npp="NPP0000302", village=village, owner=boss.organisation)
    content = csv_bytes([row(61), row(63)])
    unfinished = ImportJob.objects.create(
        kind=IMPORT_KIND, file_name="pekerja.csv", file_sha256=hashlib.sha256(content).hexdigest(),
        actor=boss, state="failed", error="x / x",
    )  # fmt: skip
    Job.objects.create(
        kind="import", target="t", label="pekerja.csv", owner=boss, state="failed", task_path=WORK,
        arguments={"import_job": unfinished.pk, "employer": firm.pk},
    )  # fmt: skip
    url = reverse("registrations:employer-upload", args=[second.npp])
    refused = portal.post(url, {"file": SimpleUploadedFile("pekerja.csv", content, "text/csv")})
    assert refused.status_code == 409 and not Registration.objects.exists()
    job, _response = upload(portal, firm, content)
    assert job.pk == unfinished.pk and (job.state, job.rows_imported) == ("done", 2)
