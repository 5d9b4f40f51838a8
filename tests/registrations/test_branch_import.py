"""The branch's answer file (import kind ``registration_confirmations``): confirmations become
memberships, rejections keep their reason, bad rows are reported with line and reason, a repeated
import changes nothing, coverage refreshes after it, and whoever started a request is told once
(the user in the app; a self-registrant by e-mail, without the NIK, or by SMS)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindung.core.imports import kinds
from lindung.core.imports.pipeline import run_import
from lindung.core.models import AuditLog, ImportJob, ImportRejection, Job
from lindung.notifications.models import Notification
from lindung.registrations import services
from lindung.registrations.importers import KIND, RegistrationConfirmationImporter, register_kinds
from lindung.registrations.models import Channel, Payer, Registration, Status
from lindung.registry.models import Membership, Person
from tests.registrations.factories import FIRST_MONTH, bpu_draft, submitted
from tests.registry.factories import FOREIGN_VILLAGE, OWN_VILLAGE, MembershipFactory, PersonFactory

HEADER = "referensi,no_kpj,alasan"


class RecordingGateway:
    """An SMS gateway that keeps what it was asked to send."""

    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, to: str, text: str) -> None:
        self.sent.append((to, text))


@pytest.fixture(autouse=True)
def _channels(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LINDUNG_SMS_BACKEND = f"{__name__}.RecordingGateway"
    RecordingGateway.sent.clear()
    register_kinds()


@pytest.fixture
def branch(region_tree, make_user):
    return make_user("bpjs_branch")  # scope 18.71


@pytest.fixture
def operator(region_tree, make_user):
    return make_user("village_operator", email="operator@example.org")  # 18.71.01.1003


def sent(request: Registration, actor: Any = None) -> Registration:
    services.send(actor=actor, requests=[request])
    request.refresh_from_db()
    return request


def by_operator(operator: Any, village: Any, n: int) -> Registration:
    return services.submit(
        actor=operator,
        channel=Channel.VILLAGE,
        draft=bpu_draft(village, n),
        payer=Payer.SELF,
    )


def self_registered(village: Any, n: int, **contact: str) -> Registration:
    return services.submit(
        actor=None,
        channel=Channel.SELF,
        draft=bpu_draft(village, n),
        payer=Payer.SELF,
        consent=services.ConsentGiven(text_version="2025-01"),
        **contact,
    )


def answer(tmp_path: Path, *lines: str, name: str = "jawaban.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def run(path: Path, actor: Any) -> ImportJob:
    return run_import(RegistrationConfirmationImporter(), path, actor=actor)


@pytest.fixture
def world(region_tree, branch, operator):
    own = region_tree[OWN_VILLAGE]
    return {
        "confirm": sent(by_operator(operator, own, 31)),
        "reject": sent(self_registered(own, 32, email="warga@example.org")),
        "sms": sent(self_registered(own, 33, phone="081234567890")),
        "checked": submitted(own, 34),  # not sent yet
        "foreign": sent(submitted(region_tree[FOREIGN_VILLAGE], 35)),
    }


def test_the_kind_is_registered_for_the_branch_and_writes_memberships(make_user, region_tree):
    assert kinds.writes_memberships(KIND)
    assert KIND in dict(kinds.choices_for(make_user("bpjs_branch")))
    assert KIND in dict(kinds.choices_for(make_user("admin")))
    for role in ("regency_officer", "village_operator", "employer", "auditor"):
        assert KIND not in dict(kinds.choices_for(make_user(role))), role


def test_confirms_rejects_and_reports_bad_rows_with_line_and_reason(
    world, branch, tmp_path, django_capture_on_commit_callbacks
):
    other = PersonFactory(domicile=world["confirm"].village)
    MembershipFactory(person=other, employer=None, segment="BPU", kpj="23000000099")
    path = answer(
        tmp_path,
        f"{world['confirm'].reference},23000000031,",  # 2: confirmed
        f"{world['reject'].reference.lower()},,NIK  tidak ditemukan di Dukcapil",  # 3
        f"{world['sms'].reference},23000000033,",  # 4
        "LDG-ZZZZ-ZZZZ,23000000040,",  # 5: unknown
        f"{world['checked'].reference},23000000034,",  # 6: not sent
        f"{world['foreign'].reference},23000000035,",  # 7: another area
        f"{world['confirm'].reference},23000000031,",  # 8: duplicate of 2
        f"{world['sms'].reference},23000000033,data ganda",  # 9: both
        f"{world['sms'].reference},,",  # 10: neither
        f"{world['checked'].reference},2.3E+10,",  # 11: a number cell
        f"{world['foreign'].reference},23000000099,",  # 12: foreign, before the KPJ check
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = run(path, branch)
    assert (job.state, job.rows_read, job.rows_imported, job.rows_rejected) == ("done", 11, 3, 8)

    confirmed = Registration.objects.get(pk=world["confirm"].pk)
    assert (confirmed.status, confirmed.kpj) == (Status.CONFIRMED, "23000000031")
    membership = confirmed.membership
    assert (membership.kpj, membership.start_date, membership.segment) == (
        "23000000031",
        FIRST_MONTH,
        "BPU",
    )
    assert (membership.jkk, membership.jkm, membership.jht) == (True, True, False)
    person = Person.objects.get(nik=confirmed.nik)  # created: the registry did not know them
    assert membership.person == person and person.village_code == OWN_VILLAGE
    rejected = Registration.objects.get(pk=world["reject"].pk)
    assert (rejected.status, rejected.branch_reason) == (
        Status.REJECTED,
        "NIK tidak ditemukan di Dukcapil",
    )
    assert rejected.membership is None and not Person.objects.filter(nik=rejected.nik).exists()
    for key in ("checked", "foreign"):
        assert Registration.objects.get(pk=world[key].pk).status == world[key].status

    reasons = dict(
        ImportRejection.objects.filter(job=job).order_by("line").values_list("line", "reason")
    )
    assert sorted(reasons) == [5, 6, 7, 8, 9, 10, 11, 12]
    assert "in your area" in reasons[5] and "di wilayah Anda" in reasons[5]
    assert "not sent to the branch (status: checked)" in reasons[6]
    assert "in your area" in reasons[7] and "in your area" in reasons[12]
    assert "duplicate of line 2" in reasons[8]
    assert "not both" in reasons[9] and "is required" in reasons[10]
    assert "scientific notation" in reasons[11]
    assert all(" / " in reason for reason in reasons.values())  # both languages

    decisions = AuditLog.objects.filter(
        action__in=[
            "registrations.confirm",
            "registrations.reject",
            "registrations.import_confirmations",
        ]
    )
    actions = list(decisions.values_list("action", "object_id"))
    assert sorted(actions) == sorted(
        [
            ("registrations.confirm", str(world["confirm"].pk)),
            ("registrations.confirm", str(world["sms"].pk)),
            ("registrations.reject", str(world["reject"].pk)),
            ("registrations.import_confirmations", str(job.pk)),  # the import as a whole
        ]
    )


def test_a_repeated_import_changes_nothing(
    world, branch, tmp_path, django_capture_on_commit_callbacks
):
    path = answer(
        tmp_path,
        f"{world['confirm'].reference},23000000031,",
        f"{world['reject'].reference},,NIK tidak ditemukan",
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = run(path, branch)
    assert first.rows_imported == 2
    state = (
        list(Registration.objects.order_by("pk").values_list("status", "kpj", "decided_at")),
        Membership.objects.count(),
        Person.objects.count(),
        AuditLog.objects.exclude(object_type="core.importjob").count(),
        Notification.objects.count(),
        len(mail.outbox),
    )
    # The same answer again (a new upload of the same file): everything unchanged.
    with django_capture_on_commit_callbacks(execute=True):
        again = run(answer(tmp_path, *path.read_text().splitlines()[1:], name="lagi.csv"), branch)
    assert (again.pk != first.pk, again.rows_imported, again.rows_unchanged) == (True, 0, 2)
    assert again.rows_rejected == 0
    assert state == (
        list(Registration.objects.order_by("pk").values_list("status", "kpj", "decided_at")),
        Membership.objects.count(),
        Person.objects.count(),
        AuditLog.objects.exclude(object_type="core.importjob").count(),
        Notification.objects.count(),
        len(mail.outbox),
    )
    # A different answer to a request already answered is refused, not applied.
    other = answer(tmp_path, f"{world['confirm'].reference},23000000999,", name="x.csv")
    changed = run(other, branch)
    assert (changed.rows_imported, changed.rows_rejected) == (0, 1)
    assert "answered before" in ImportRejection.objects.get(job=changed).reason
    assert Registration.objects.get(pk=world["confirm"].pk).kpj == "23000000031"


def test_a_kpj_of_another_person_is_refused(world, branch, tmp_path):
    other = PersonFactory(domicile=world["confirm"].village)
    MembershipFactory(person=other, employer=None, segment="BPU", kpj="23000000077")
    path = answer(
        tmp_path,
        f"{world['confirm'].reference},23000000077,",
        f"{world['reject'].reference},23000000078,",
        f"{world['sms'].reference},23000000078,",  # the same KPJ as line 3, another person
    )
    job = run(path, branch)
    assert (job.rows_imported, job.rows_rejected) == (1, 2)
    rejected = ImportRejection.objects.filter(job=job).order_by("line")
    assert [(r.line, r.column) for r in rejected] == [(2, "kpj"), (4, "kpj")]
    assert all("belongs to another person" in r.reason for r in rejected)
    assert all("23000000077" not in r.value for r in rejected)  # the KPJ is masked


def test_the_import_refreshes_coverage(world, branch, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = run(answer(tmp_path, f"{world['confirm'].reference},23000000031,"), branch)
    assert Job.objects.filter(kind="coverage.refresh", target=f"after-import:{job.pk}").exists()


def test_the_requester_is_told_once(
    world, branch, operator, tmp_path, django_capture_on_commit_callbacks
):
    path = answer(
        tmp_path,
        f"{world['confirm'].reference},23000000031,",
        f"{world['reject'].reference},,NIK 1871011705880032 tidak ditemukan",
        f"{world['sms'].reference},,Data tidak lengkap",
    )
    with django_capture_on_commit_callbacks(execute=True):
        run(path, branch)
        run(answer(tmp_path, *path.read_text().splitlines()[1:], name="lagi.csv"), branch)

    # The village operator who started the first request: one notification, the KPJ masked.
    (notice,) = Notification.objects.filter(event="registrations.decided")
    assert notice.recipient == operator
    assert world["confirm"].reference in notice.title_id
    assert "dikonfirmasi" in notice.title_id and "confirmed" in notice.title_en
    assert "********031" in notice.body_id and "23000000031" not in notice.body_id
    assert world["confirm"].nik not in notice.body_id + notice.body_en
    assert notice.village_code == OWN_VILLAGE

    # The self-registrant with an e-mail address: one plain e-mail, without the NIK.
    (email,) = mail.outbox
    assert email.to == ["warga@example.org"]
    assert world["reject"].reference in email.subject and "ditolak" in email.subject
    text = email.subject + email.body
    assert "Registration rejected" not in email.subject and "rejected request" in email.body
    assert world["reject"].nik not in text and "1871011705880032" not in text
    assert "****************" in email.body  # the NIK the branch wrote in its reason, masked

    # The self-registrant with only a phone number: one SMS through the gateway.
    (sms,) = RecordingGateway.sent
    assert sms[0] == "081234567890"
    assert world["sms"].reference in sms[1] and "Data tidak lengkap" in sms[1]
    assert world["sms"].nik not in sms[1] and len(sms[1]) <= 320


def test_the_email_waits_for_the_commit(world, branch, tmp_path):
    """The test's transaction never commits: a decision that is not committed tells nobody."""
    run(answer(tmp_path, f"{world['reject'].reference},,Data tidak lengkap"), branch)
    assert mail.outbox == []


def test_the_cli_system_actor_answers_every_area(world, tmp_path):
    job = run(answer(tmp_path, f"{world['foreign'].reference},23000000035,"), None)
    assert job.rows_imported == 1
    assert Registration.objects.get(pk=world["foreign"].pk).status == Status.CONFIRMED


def test_an_uploader_who_lost_the_capability_imports_nothing(world, branch, tmp_path):
    branch.role = "auditor"
    branch.save()
    path = answer(tmp_path, f"{world['confirm'].reference},23000000031,")
    with pytest.raises(Exception, match="may no longer process registrations"):
        run(path, branch)
    assert ImportJob.objects.get(kind=KIND).state == "failed"
    assert Registration.objects.get(pk=world["confirm"].pk).status == Status.SENT


def test_the_branch_uploads_the_answer_on_the_import_page(world, branch, client, settings):
    settings.LINDUNG_JOBS_INLINE = True
    client.force_login(branch)
    page = client.get(reverse("imports:index")).content.decode()
    assert f'value="{KIND}"' in page
    upload = SimpleUploadedFile(
        "jawaban.csv",
        f"{HEADER}\n{world['confirm'].reference},23000000031,\n".encode(),
        content_type="text/csv",
    )
    response = client.post(reverse("imports:upload"), {"kind": KIND, "file": upload})
    job = ImportJob.objects.get(kind=KIND)
    assert response.status_code == 302 and job.state == "done" and job.rows_imported == 1
    assert Registration.objects.get(pk=world["confirm"].pk).status == Status.CONFIRMED
    assert job.actor == branch


def test_an_answer_for_a_person_already_in_the_registry_links_them(world, branch, tmp_path):
    request = world["confirm"]
    person = PersonFactory(
        nik=request.nik, domicile=request.village, birth_date=dt.date(1988, 5, 17)
    )
    run(answer(tmp_path, f"{request.reference},23000000031,"), branch)
    request.refresh_from_db()
    assert (
        request.membership.person == person and Person.objects.filter(nik=request.nik).count() == 1
    )
