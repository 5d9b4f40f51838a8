"""The registration file for the branch: its columns come from the data file, it holds full NIKs
(masked everywhere else), taking it is audited and sends its requests once, and a large one is
made by the worker for its owner only."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lindung.core.models import AuditLog, Job, JobState
from lindung.core.nik import mask_nik
from lindung.registrations import handoff, services
from lindung.registrations.models import Registration, Status
from tests.registrations.factories import submitted
from tests.registry.factories import FOREIGN_VILLAGE, OWN_VILLAGE

REASON = "Berkas pendaftaran kolektif untuk kantor cabang"
LAYOUT = Path(handoff.__file__).parent / "data" / "registration_file.csv"


def layout_headers(path: Path = LAYOUT) -> list[str]:
    """The headers the data file lists, read without the code under test."""
    lines = [line for line in path.read_text("utf-8").splitlines() if not line.startswith("#")]
    return [row["header"] for row in csv.DictReader(line for line in lines if line.strip())]


@pytest.fixture
def branch(region_tree, make_user):
    return make_user("bpjs_branch")  # scope 18.71


@pytest.fixture
def requests(region_tree):
    own = region_tree[OWN_VILLAGE]
    return [
        submitted(own, 21, name="Rina Lestari"),
        submitted(own, 22, name="Joko Santoso", programmes=["JKK", "JKM", "JHT"]),
    ]


@pytest.fixture
def foreign(region_tree):
    return submitted(region_tree[FOREIGN_VILLAGE], 23, name="Asing Jauh Sekali")


def take_file(client, fmt: str = "csv", **data):
    return client.post(reverse("registrations:branch-file", args=[fmt]), {"reason": REASON, **data})


def read_csv(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # BOM: Excel opens UTF-8 correctly
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_columns_come_from_the_data_file_and_hold_full_niks(client, branch, requests):
    client.force_login(branch)
    response = take_file(client)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    rows = read_csv(response)
    assert list(rows[0]) == layout_headers() == handoff.headers()
    by_reference = {row["REFERENSI"]: row for row in rows}
    assert set(by_reference) == {r.reference for r in requests}
    first = by_reference[requests[0].reference]
    assert first["NIK"] == requests[0].nik and len(first["NIK"]) == 16  # in full
    assert (first["NAMA"], first["TGL_LAHIR"], first["JENIS_KELAMIN"]) == (
        "Rina Lestari",
        "17-05-1988",
        "L",
    )
    assert (first["KODE_DESA"], first["BULAN_MULAI"], first["UPAH/PENGHASILAN"]) == (
        OWN_VILLAGE,
        "03-2025",
        "1000000",
    )
    assert by_reference[requests[1].reference]["PROGRAM"] == "JKK+JKM+JHT"


def test_a_changed_layout_changes_the_file(client, branch, requests, tmp_path, monkeypatch):
    layout = tmp_path / "layout.csv"
    layout.write_text(
        "# a branch's template, confirmed\nheader,field,format\n"
        "NO_KTP,nik,\nTANGGAL_LAHIR,birth_date,%Y/%m/%d\nREF,reference,\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(handoff, "LAYOUT_FILE", layout)
    client.force_login(branch)
    rows = read_csv(take_file(client))
    assert list(rows[0]) == ["NO_KTP", "TANGGAL_LAHIR", "REF"] == layout_headers(layout)
    assert {r["TANGGAL_LAHIR"] for r in rows} == {"1988/05/17"}


def test_the_xlsx_has_the_same_columns_text_niks_and_the_unconfirmed_note(client, branch, requests):
    client.force_login(branch)
    response = take_file(client, "xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    sheet = list(workbook["peserta"].iter_rows(values_only=True))
    assert list(sheet[0]) == layout_headers()
    niks = {row[0] for row in sheet[1:]}
    assert niks == {r.nik for r in requests}  # text cells: no digit lost
    note = " ".join(str(c) for row in workbook["catatan"].iter_rows(values_only=True) for c in row)
    assert "unconfirmed" in note and "belum dikonfirmasi" in note.lower()


def test_the_page_masks_what_the_file_holds_in_full(client, branch, requests):
    client.force_login(branch)
    body = client.get(reverse("registrations:branch")).content.decode()
    for request in requests:
        assert request.reference in body
        assert request.nik not in body
        assert mask_nik(request.nik) in body
    assert "Rina Lestari" not in body and "R*** L***" in body
    assert "belum dikonfirmasi" in body  # the layout is unconfirmed, the page says so
    assert re.search(r'id="ready-count">\s*2 ', body)  # both are ready for the file


def test_taking_the_file_is_audited_and_sends_its_requests_once(client, branch, requests):
    client.force_login(branch)
    before = AuditLog.objects.count()
    assert len(read_csv(take_file(client))) == 2
    for request in requests:
        request.refresh_from_db()
        assert request.status == Status.SENT and request.sent_at is not None
    audits = list(AuditLog.objects.filter(action="registrations.send"))
    assert AuditLog.objects.count() == before + 2 == before + len(audits)
    for entry in audits:
        assert entry.reason == REASON and entry.after["file"] == "csv"
        assert entry.actor_id == branch.pk
        assert all(r.nik not in str(entry.after) for r in requests)  # masked in the log

    # A second file does not hold them again: nothing is ready, nothing written.
    response = take_file(client)
    assert response.status_code == 302
    assert AuditLog.objects.count() == before + 2
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("no checked requests" in m for m in messages)

    # A request checked later is the next file's only row.
    later = submitted(requests[0].village, 24)
    rows = read_csv(take_file(client))
    assert [r["REFERENSI"] for r in rows] == [later.reference]


def test_the_file_holds_the_area_of_the_branch_only(client, branch, requests, foreign):
    client.force_login(branch)
    rows = read_csv(take_file(client))
    assert foreign.reference not in {r["REFERENSI"] for r in rows}
    foreign.refresh_from_db()
    assert foreign.status == Status.CHECKED
    # A filter narrows it further: a channel no request has gives nothing to send.
    assert take_file(client, channel="employer").status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [({"reason": ""}, "reason"), ({"reason": "x"}, ""), ({"within": "18.7"}, "region")],
)
def test_a_bad_reason_or_filter_sends_nothing(client, branch, requests, data, message):
    client.force_login(branch)
    response = take_file(client, **data)
    assert response.status_code == 302 and response.url.startswith(reverse("registrations:branch"))
    assert not Registration.objects.filter(status=Status.SENT).exists()
    assert not AuditLog.objects.filter(action="registrations.send").exists()
    assert list(response.wsgi_request._messages)


def test_an_unknown_format_is_404(client, branch, requests):
    client.force_login(branch)
    assert take_file(client, "pdf").status_code == 404


def test_a_large_file_is_made_by_the_worker_for_its_owner_only(
    client, branch, requests, settings, make_user
):
    settings.LINDUNG_REGISTRATION_FILE_INLINE_ROWS = 1
    settings.LINDUNG_JOBS_INLINE = True
    client.force_login(branch)
    response = take_file(client)
    job = Job.objects.get(kind="registrations.file")
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert job.state == JobState.DONE and job.result["rows"] == 2
    assert Registration.objects.filter(status=Status.SENT).count() == 2
    assert AuditLog.objects.filter(action="registrations.send").count() == 2
    assert job.arguments["reason"] == REASON and "nik" not in str(job.arguments).lower()

    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    content = b"".join(download.streaming_content).decode("utf-8")
    assert all(r.nik in content for r in requests)
    colleague = make_user("bpjs_branch")  # same area, not the owner
    client.force_login(colleague)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code in (403, 404)


def test_a_large_file_request_answers_at_once(client, branch, requests, settings):
    settings.LINDUNG_REGISTRATION_FILE_INLINE_ROWS = 1
    settings.LINDUNG_JOBS_INLINE = False
    client.force_login(branch)
    response = take_file(client, "xlsx")
    job = Job.objects.get(kind="registrations.file")
    assert response.status_code == 302 and job.state == JobState.QUEUED
    # Nothing is sent until the worker writes the file.
    assert not Registration.objects.filter(status=Status.SENT).exists()
    # A second large file of the same officer waits for the first.
    again = take_file(client, "xlsx")
    assert again.status_code == 302 and Job.objects.filter(kind="registrations.file").count() == 1


def test_send_unchecked_leaves_requests_that_moved(branch, requests):
    services.withdraw(actor=branch, request=requests[0])
    sent = services.send_unchecked(actor=branch, requests=requests, reason=REASON)
    assert [r.pk for r in sent] == [requests[1].pk]
