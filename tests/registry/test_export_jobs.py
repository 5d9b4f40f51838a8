"""A registry export larger than LINDUNG_EXPORT_INLINE_ROWS is written by the worker: audited when
queued, scoped and filtered as the list, downloaded by its owner only, deleted when it expires."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lindung.core.jobs.files import job_folder, purge_job_files
from lindung.core.models import AuditLog, Job, JobState
from lindung.registry.masking import mask_nik
from tests.registry.factories import FOREIGN_VILLAGE, OWN_VILLAGE, PersonFactory, nik_for

REASON = "Rekap bulanan desa"


@pytest.fixture
def persons(region_tree, settings, tmp_path):
    settings.LINDUNG_EXPORT_INLINE_ROWS = 3
    settings.LINDUNG_JOB_FILES_DIR = tmp_path  # this test's files only (the purge counts them)
    own = [
        PersonFactory(nik=nik_for(OWN_VILLAGE, n), name=f"Warga {n}", sex="F" if n % 2 else "M")
        for n in range(1, 8)
    ]
    PersonFactory(nik=nik_for(FOREIGN_VILLAGE, 1), domicile=region_tree[FOREIGN_VILLAGE])
    return own


def _download(client, job: Job) -> bytes:
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200, response.status_code
    assert response["Cache-Control"] == "no-store"
    return b"".join(response.streaming_content)


def test_large_export_becomes_a_job_the_owner_downloads(client, persons, make_user, settings):
    officer = make_user("regency_officer")
    client.force_login(officer)
    url = reverse("registry:person-export", args=["csv"])
    response = client.post(url, {"sex": "F", "reason": REASON})
    job = Job.objects.get(kind="registry.export")
    assert response.status_code == 302 and response["Location"] == reverse(
        "jobs:detail", args=[job.pk]
    )
    assert job.state == JobState.QUEUED  # the worker writes it, not the request
    (audit,) = AuditLog.objects.filter(action="registry.persons.export")
    assert audit.after == {"format": "csv", "filters": {"sex": "F"}, "rows": 4, "masked": True}

    settings.LINDUNG_JOBS_INLINE = True
    from lindung.core.jobs.runtime import execute

    assert execute(job.pk) == JobState.DONE
    job.refresh_from_db()
    assert job.result["rows"] == 4 and job.result["file"].endswith(".csv")
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'id="job-result"' in page and job.result["file"] in page
    body = _download(client, job).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][1] == "NIK" and len(rows) == 5
    expected = {mask_nik(p.nik) for p in persons if p.sex == "F"}
    assert {r[1] for r in rows[1:]} == expected  # masked, filtered, no foreign person
    assert AuditLog.objects.filter(action="core.job.download", object_id=str(job.pk)).count() == 1


def test_xlsx_export_job_parses_back(client, persons, make_user, settings):
    settings.LINDUNG_JOBS_INLINE = True
    client.force_login(make_user("regency_officer"))
    client.post(reverse("registry:person-export", args=["xlsx"]), {"reason": REASON})
    job = Job.objects.get(kind="registry.export")
    assert job.state == JobState.DONE and job.result["rows"] == 7
    book = load_workbook(io.BytesIO(_download(client, job)), read_only=True)
    rows = [r for sheet in book.worksheets for r in sheet.iter_rows(values_only=True)]
    assert len(rows) == 8 and rows[0][1] == "NIK"


def test_only_the_owner_downloads_and_a_personal_search_streams(
    client, persons, make_user, settings
):
    settings.LINDUNG_JOBS_INLINE = True
    owner, colleague, admin = (
        make_user("regency_officer"),
        make_user("regency_officer"),
        make_user("admin"),
    )
    client.force_login(owner)
    client.post(reverse("registry:person-export", args=["csv"]), {"reason": REASON})
    job = Job.objects.get(kind="registry.export")
    for other in (colleague, admin):  # both see the job, neither gets its file
        client.force_login(other)
        assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 200
        assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 403
    # A NIK or name search never goes into a job's arguments: it streams, however many rows.
    client.force_login(owner)
    response = client.post(
        reverse("registry:person-export", args=["csv"]), {"name": "Warga", "reason": REASON}
    )
    assert response.status_code == 200 and response.streaming
    assert Job.objects.filter(kind="registry.export").count() == 1
    assert all("Warga" not in str(j.arguments) for j in Job.objects.all())


def test_a_second_export_waits_for_the_first(client, persons, make_user):
    client.force_login(make_user("regency_officer"))
    url = reverse("registry:person-export", args=["csv"])
    client.post(url, {"reason": REASON})
    response = client.post(url, {"reason": REASON}, follow=True)
    assert Job.objects.filter(kind="registry.export").count() == 1
    assert "sedang berjalan" in response.content.decode()
    assert AuditLog.objects.filter(action="registry.persons.export").count() == 1


def test_expired_files_are_purged_and_the_page_says_so(client, persons, make_user, settings):
    settings.LINDUNG_JOBS_INLINE = True
    client.force_login(make_user("regency_officer"))
    client.post(reverse("registry:person-export", args=["csv"]), {"reason": REASON})
    job = Job.objects.get(kind="registry.export")
    assert job_folder(job.pk).is_dir()
    assert purge_job_files() == 0  # just made: kept
    later = timezone.now() + dt.timedelta(hours=settings.LINDUNG_JOB_FILE_HOURS + 1)
    assert purge_job_files(later) == 1 and not job_folder(job.pk).exists()
    response = client.get(reverse("jobs:download", args=[job.pk]), follow=True)
    assert "sudah dihapus" in response.content.decode()
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'id="job-file"' in page and 'id="job-result"' not in page
