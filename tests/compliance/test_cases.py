"""Case workflow (no skipped steps, enforced in the service and so in pages and API), due dates,
notes, attachments, letters rendered to PDF in Indonesian, the SLA table and effect tracking."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindung.compliance import letters, selectors, services
from lindung.compliance.models import CaseEvent, Letter, LetterTemplate, Step
from lindung.compliance.services import ComplianceError
from lindung.core.models import AuditLog
from lindung.core.scope import SYSTEM
from tests.compliance.conftest import AS_OF
from tests.compliance.factories import business
from tests.registry.factories import OWN_VILLAGE, EmployerFactory, MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
D = dt.date


@pytest.fixture
def employer(region_tree, wages):
    emp = EmployerFactory(village=region_tree[OWN_VILLAGE], nib="1000000000009",
                          name="PT Kasus Contoh", size_class="small")  # fmt: skip
    for _ in range(2):
        MembershipFactory(employer=emp, work_region=region_tree[OWN_VILLAGE], wage=3_000_000,
                          jht=False, start_date=D(2024, 1, 1))  # fmt: skip
    business("1000000000009", "PT Kasus Contoh", OWN_VILLAGE, workers=6)
    services.run_checks(actor=SYSTEM, as_of=AS_OF)
    return emp


@pytest.fixture
def case(employer):
    return services.open_case(actor=SYSTEM, employer=employer, on=D(2025, 7, 1))


def test_open_case_keeps_the_evidence_and_sets_the_first_due_date(case):
    assert case.step == Step.IDENTIFIED and case.number.startswith("KP-2025-")
    assert set(case.checks.split(",")) == {"pds_programme", "pds_wage", "pds_workers"}
    assert case.evidence["pds_workers"]["reported_workers"] == 6
    assert case.due_date == D(2025, 7, 15)  # 14 days (settings default, unconfirmed cadence)
    assert case.business.nib == "1000000000009" and case.risk_score > 0
    assert AuditLog.objects.filter(action="compliance.case.open").count() == 1


def test_one_open_case_per_subject_and_findings_are_required(case, employer, region_tree):
    with pytest.raises(ComplianceError):
        services.open_case(actor=SYSTEM, employer=employer)
    other = EmployerFactory(village=region_tree[OWN_VILLAGE])
    with pytest.raises(ComplianceError, match="temuan"):
        services.open_case(actor=SYSTEM, employer=other)


def test_steps_go_one_by_one_to_referral_and_resolution(case):
    day = D(2025, 7, 1)
    for step in (Step.REMINDER, Step.WARNING_1, Step.WARNING_2):
        day += dt.timedelta(days=5)
        case = services.move_case(actor=SYSTEM, case=case, to=step, on=day)
        assert case.step == step and case.step_since == day
    assert case.due_date == day + dt.timedelta(days=10)
    with pytest.raises(ComplianceError, match="rujukan"):
        services.move_case(actor=SYSTEM, case=case, to=Step.REFERRED, on=day)
    case = services.move_case(actor=SYSTEM, case=case, to=Step.REFERRED, on=day, referral="tmp2t")
    case = services.move_case(actor=SYSTEM, case=case, to=Step.RESOLVED, on=day)
    assert case.closed_on == day and case.due_date is None and not case.is_open
    steps = list(CaseEvent.objects.filter(case=case, kind="step").values_list("to_step", flat=True))
    assert steps == ["reminder", "warning_1", "warning_2", "referred", "resolved"]


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], Step.WARNING_1),  # identified → warning 1 skips the reminder
        ([], Step.REFERRED),
        ([Step.REMINDER], Step.WARNING_2),
        ([Step.REMINDER, Step.WARNING_1], Step.IDENTIFIED),  # never backwards
        ([Step.RESOLVED], Step.REMINDER),  # an ended case stays ended
    ],
)
def test_skipped_or_backward_steps_are_refused(case, path, refused):
    for step in path:
        case = services.move_case(actor=SYSTEM, case=case, to=step, on=D(2025, 7, 2))
    with pytest.raises(ComplianceError, match="dilewati"):
        services.move_case(actor=SYSTEM, case=case, to=refused, on=D(2025, 7, 3), referral="tmp2t")
    case.refresh_from_db()
    assert case.step == (path[-1] if path else Step.IDENTIFIED)


def test_closing_needs_a_reason_and_dates_cannot_go_back(case):
    with pytest.raises(ComplianceError, match="alasan"):
        services.move_case(actor=SYSTEM, case=case, to=Step.CLOSED, on=D(2025, 7, 2))
    with pytest.raises(ComplianceError, match="tanggal"):
        services.move_case(actor=SYSTEM, case=case, to=Step.REMINDER, on=D(2025, 6, 1))
    case = services.move_case(actor=SYSTEM, case=case, to=Step.CLOSED, note="usaha tutup")
    assert case.step == Step.CLOSED


def test_page_and_api_refuse_a_skip_too(client, make_user, case):
    client.force_login(make_user("bpjs_branch"))
    response = client.post(reverse("compliance:case-move", args=[case.pk]), {"to": "warning_2"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.step == Step.IDENTIFIED
    url = reverse("compliance_api:case-move", args=[case.pk])
    assert client.post(url, {"to": "warning_1"}).status_code == 400
    assert client.post(url, {"to": "reminder"}).json()["step"] == "reminder"


def pdf_text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_letter_pdf_in_formal_indonesian(case, client, make_user):
    with pytest.raises(ComplianceError):
        services.issue_letter(actor=SYSTEM, case=case, kind="reminder")  # not at that step yet
    case = services.move_case(actor=SYSTEM, case=case, to=Step.REMINDER, on=D(2025, 7, 2))
    letter = services.issue_letter(actor=SYSTEM, case=case, kind="reminder", on=D(2025, 7, 2))
    assert letter.number == f"{letter.pk:06d}/IMB/KEP/VII/2025"
    client.force_login(make_user("regency_officer"))
    response = client.get(reverse("compliance:letter-pdf", args=[letter.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = " ".join(pdf_text(response.content).split())
    assert "Imbauan Pemenuhan Kewajiban" in text and "PT Kasus Contoh" in text
    assert "2 Juli 2025" in text and letter.number in text
    assert "Jumlah tenaga kerja yang dilaporkan" in text and "6 orang" in text


def test_issued_letter_does_not_change_when_the_template_is_edited(case):
    case = services.move_case(actor=SYSTEM, case=case, to=Step.REMINDER, on=D(2025, 7, 2))
    letter = services.issue_letter(actor=SYSTEM, case=case, kind="reminder", on=D(2025, 7, 2))
    template = LetterTemplate.objects.get(kind="reminder")
    services.save_template(actor=SYSTEM, template=template, title="Baru", body="<p>baru</p>")
    letter.refresh_from_db()
    assert "Imbauan Pemenuhan" in letter.html and "baru" not in letter.html
    with pytest.raises(ComplianceError, match="templat"):
        services.save_template(actor=SYSTEM, template=template, title="x", body="{% if %}")


def test_referral_letters_follow_the_referral(case):
    for step in (Step.REMINDER, Step.WARNING_1, Step.WARNING_2):
        case = services.move_case(actor=SYSTEM, case=case, to=step, on=D(2025, 7, 2))
        services.issue_letter(actor=SYSTEM, case=case, kind=step, on=D(2025, 7, 2))
    case = services.move_case(actor=SYSTEM, case=case, to=Step.REFERRED, referral="attorney")
    with pytest.raises(ComplianceError):
        services.issue_letter(actor=SYSTEM, case=case, kind="tmp2t")
    letter = services.issue_letter(actor=SYSTEM, case=case, kind="attorney")
    assert "Kejaksaan Negeri Kota Bandar Lampung" in letter.html
    assert Letter.objects.filter(case=case).count() == 4
    # the earlier letters are cited by number
    first = Letter.objects.filter(case=case).order_by("id").first()
    assert first.number in letter.html


def test_letter_template_context_holds_no_models(case):
    context = letters.context_for(case, None)
    assert "Kedaton" in context["subject"]["village"]
    body = "{{ subject.name }}|{{ case.number }}|{{ letter.number }}"
    assert (
        letters.render_body(body, context)
        == f"PT Kasus Contoh|{case.number}|000000/CONTOH/KEP/I/2026"
    )
    assert letters.render_body("{{ case.employer.owner }}", context) == ""


def test_notes_assignment_and_attachments(case, client, make_user, settings):
    inspector = make_user("bpjs_branch")
    services.assign_case(actor=SYSTEM, case=case, assignee=inspector)
    services.add_note(actor=inspector, case=case, text="Kunjungan lapangan 3 Juli")
    upload = SimpleUploadedFile("berita-acara.pdf", b"%PDF-1.4 test", "application/pdf")
    item = services.add_attachment(actor=inspector, case=case, upload=upload)
    assert item.file.path.startswith(str(settings.COMPLIANCE_FILES_DIR))
    settings.COMPLIANCE_MAX_ATTACHMENT_BYTES = 4
    with pytest.raises(ComplianceError, match="terlalu besar"):
        services.add_attachment(
            actor=inspector, case=case, upload=SimpleUploadedFile("a", b"12345")
        )
    client.force_login(inspector)
    response = client.get(reverse("compliance:attachment", args=[item.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    mine = selectors.cases_filtered(inspector, {"mine": "1"})
    assert mine.is_valid() and list(mine.qs) == [case]
    page = client.get(reverse("compliance:cases") + "?mine=1")
    assert [c.pk for c in page.context["page"]] == [case.pk]
    assert case.number in page.content.decode()


def test_sla_counts_overdue_cases_per_step(case, employer, region_tree):
    other = EmployerFactory(village=region_tree[OWN_VILLAGE])
    MembershipFactory(employer=other, work_region=region_tree[OWN_VILLAGE], wage=1_000_000)
    services.run_checks(actor=SYSTEM, as_of=AS_OF)
    second = services.open_case(actor=SYSTEM, employer=other, on=D(2025, 7, 10))
    services.move_case(actor=SYSTEM, case=second, to=Step.REMINDER, on=D(2025, 7, 10))
    rows = {r.step: r for r in selectors.sla(SYSTEM, today=D(2025, 7, 20))}
    assert (rows["identified"].open, rows["identified"].overdue) == (1, 1)  # due 15 July
    assert (rows["reminder"].open, rows["reminder"].overdue) == (1, 0)  # due 24 July


def test_effect_counts_workers_wages_and_programmes_added(case, employer, region_tree):
    MembershipFactory(employer=employer, work_region=region_tree[OWN_VILLAGE], wage=3_300_000,
                      jht=True, jp=True, start_date=D(2025, 8, 1))  # fmt: skip
    effect = selectors.effect(case, today=D(2025, 9, 1))
    assert (effect.workers_then, effect.workers_now, effect.workers_added) == (2, 3, 1)
    assert effect.wages_added == 3_300_000 and effect.jht_added == 1 and effect.jp_added == 1


def test_unregistered_case_effect_follows_the_nib(region_tree, wages):
    entry = business("1000000000077", "CV Baru Daftar", OWN_VILLAGE, workers=5)
    services.run_checks(actor=SYSTEM, as_of=AS_OF)
    case = services.open_case(actor=SYSTEM, business=entry, on=D(2025, 7, 1))
    assert selectors.effect(case, today=D(2025, 9, 1)).registered is False
    emp = EmployerFactory(village=region_tree[OWN_VILLAGE], nib="1000000000077")
    MembershipFactory(employer=emp, work_region=region_tree[OWN_VILLAGE], start_date=D(2025, 8, 1))
    effect = selectors.effect(case, today=D(2025, 9, 1))
    assert effect.registered and effect.workers_added == 1
