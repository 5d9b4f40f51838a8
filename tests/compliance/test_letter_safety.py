"""Letters cannot carry local files (issue 17, item 1): templates are cleaned to an allow-list
when saved (Django template syntax kept), every rendered body is cleaned again, and every PDF —
new letters and letters issued before the fix alike — goes through ``core.pdf.render_pdf``."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from lindung.compliance import letters, services
from lindung.compliance.admin import LetterTemplateForm
from lindung.compliance.models import Case, Letter, LetterTemplate, Step
from lindung.compliance.services import ComplianceError
from lindung.core.models import AuditLog
from lindung.core.scope import SYSTEM
from tests.compliance.factories import business
from tests.pdf_probe import assert_no_leak, hostile_html
from tests.registry.factories import OWN_VILLAGE

pytestmark = pytest.mark.django_db
D = dt.date
DEFAULTS = importlib.import_module("lindung.compliance.migrations.0002_letter_templates").TEMPLATES


@pytest.fixture
def case(region_tree):
    entry = business("1000000000017", "CV Surat Aman", OWN_VILLAGE, workers=12)
    case = Case(
        number="KP-2025-99001", business=entry, subject_name=entry.name, checks="unregistered",
        step=Step.REMINDER, opened_on=D(2025, 7, 1), step_since=D(2025, 7, 1),
        due_date=D(2025, 7, 15),
        evidence={"unregistered": {"source": "OSS", "year": 2025, "reported_workers": 12}},
    )  # fmt: skip
    case.assign_region_codes(OWN_VILLAGE)
    case.save()
    return case


@pytest.fixture
def reminder():
    return LetterTemplate.objects.get(kind="reminder")


def download(client, make_user, letter: Letter) -> bytes:
    client.force_login(make_user("regency_officer"))
    response = client.get(reverse("compliance:letter-pdf", args=[letter.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def hostile_body(hostile) -> str:
    return f"{hostile.head}<p>Dengan hormat,</p>{hostile.body}<p>{{{{ subject.name }}}}</p>"


def test_a_hostile_template_saved_through_the_service_issues_a_clean_letter(
    case, reminder, client, make_user, tmp_path
):
    hostile = hostile_html(tmp_path)
    services.save_template(
        actor=SYSTEM, template=reminder, title="Imbauan", body=hostile_body(hostile)
    )
    reminder.refresh_from_db()
    for gone in ("<link", "<style", "<base", "<iframe", "<object", "<embed", "file:", "http:",
                 "url(", "secret"):  # fmt: skip
        assert gone not in reminder.body.lower()
    assert "<p>Dengan hormat,</p>" in reminder.body and "{{ subject.name }}" in reminder.body

    letter = services.issue_letter(actor=SYSTEM, case=case, kind="reminder", on=D(2025, 7, 2))
    text = assert_no_leak(download(client, make_user, letter), hostile.marker)
    assert "Dengan hormat" in text and "CV Surat Aman" in text and letter.number in text


def test_a_hostile_template_stored_before_the_fix_issues_a_clean_letter(
    case, reminder, client, make_user, tmp_path
):
    """A template written before cleaning existed (or straight into the table): the rendered
    body is cleaned, and the renderer would refuse the rest anyway."""
    hostile = hostile_html(tmp_path)
    secret = (tmp_path / "secret.txt").as_uri()
    trick = (
        f"{{{{ \"<link rel='attachment' href='{secret}'>\"|safe }}}}"  # HTML made by the template
    )
    LetterTemplate.objects.filter(pk=reminder.pk).update(body=hostile_body(hostile) + trick)
    letter = services.issue_letter(actor=SYSTEM, case=case, kind="reminder", on=D(2025, 7, 2))
    assert "<link" not in letter.html and "file:" not in letter.html
    text = assert_no_leak(download(client, make_user, letter), hostile.marker)
    assert "Dengan hormat" in text and "CV Surat Aman" in text


def test_a_letter_issued_before_the_fix_is_rendered_safely_on_download(
    case, client, make_user, tmp_path
):
    """Issued letters keep their HTML (no PDF is stored); the download renders it again
    through the safe renderer, so a hostile letter of the past no longer carries the file."""
    hostile = hostile_html(tmp_path)
    letter = services.issue_letter(actor=SYSTEM, case=case, kind="reminder", on=D(2025, 7, 2))
    stored = letter.html.replace("</head>", hostile.head + "</head>").replace(
        "</body>", hostile.body + "</body>"
    )
    Letter.objects.filter(pk=letter.pk).update(html=stored)
    audit_before = AuditLog.objects.count()
    text = assert_no_leak(download(client, make_user, letter), hostile.marker)
    assert "Imbauan Pemenuhan Kewajiban" in text and letter.number in text
    assert AuditLog.objects.count() == audit_before  # downloads audit as before (nothing new)


@pytest.mark.parametrize("kind", sorted(DEFAULTS))
def test_default_templates_pass_the_cleaning_unchanged(kind):
    _title, body = DEFAULTS[kind]
    assert letters.clean_template(body) == body
    assert LetterTemplate.objects.get(kind=kind).body == body  # seeded as written


def test_a_cleaned_default_template_renders_the_same_letter(case, reminder):
    before = letters.render_letter(reminder, case)
    services.save_template(
        actor=SYSTEM, template=reminder, title=reminder.title, body=reminder.body
    )
    reminder.refresh_from_db()
    assert letters.render_letter(reminder, case) == before
    assert "<ol><li><strong>Perusahaan wajib belum daftar</strong>" in before


def test_cleaning_keeps_formatting_and_template_syntax():
    body = (
        '<p class="right" style="text-align: right; background: url(file:///x)">'
        "{% if a < b %}kecil{% endif %} &amp; {{ subject.name|upper }}</p>\n"
        "<script>alert(1)</script><iframe src='file:///etc/passwd'></iframe>"
        '<table><thead><tr><th colspan="2">Temuan</th></tr></thead><tbody>'
        "{% for f in findings %}<tr><td>{{ forloop.counter }}</td>"
        '<td class="{% if f.kind %}k{% endif %}">{{ f.text }}</td></tr>{% endfor %}'
        "</tbody></table>{# catatan #}"
        '<img src="/static/core/logo.png" alt="logo"><img src="file:///etc/passwd">'
        '<img src="/static/../config/settings.py"><a href="file:///etc/passwd">tautan</a>'
    )
    cleaned = letters.clean_template(body)
    assert "<script" not in cleaned and "<iframe" not in cleaned and "alert" not in cleaned
    assert "url(" not in cleaned and "file:" not in cleaned and "settings.py" not in cleaned
    assert "<a " not in cleaned and "tautan" in cleaned
    assert '<p class="right">{% if a < b %}kecil{% endif %} &amp; {{ subject.name|upper }}</p>' in (
        cleaned
    )
    assert '<img src="/static/core/logo.png" alt="logo">' in cleaned and "{# catatan #}" in cleaned
    # the loop stays between the rows (HTML parsing would move bare text out of the table)
    assert (
        '{% for f in findings %}<tr><td>{{ forloop.counter }}</td><td class="{% if f.kind %}k'
        in (cleaned)
    )
    letters.check_template(cleaned)
    rendered = letters.render_body(
        cleaned, {"a": 1, "b": 2, "subject": {"name": "cv a&b"},
                  "findings": [{"kind": "x", "text": "satu"}, {"kind": "", "text": "dua"}]},
    )  # fmt: skip
    assert '<td>1</td><td class="k">satu</td></tr><tr><td>2</td><td class="">dua</td>' in (rendered)
    assert "kecil &amp; CV A&amp;B" in rendered


def test_a_marker_cannot_be_forged_to_restore_something_else():
    body = "<p>&lt;!--tpl-0000000000000000-0--&gt; {{ a }}</p><!--tpl-x-0-->"
    assert letters.clean_template(body) == "<p>&lt;!--tpl-0000000000000000-0--&gt; {{ a }}</p>"


def test_a_template_that_no_longer_compiles_after_cleaning_is_refused(reminder):
    with pytest.raises(ComplianceError, match=r"templat tidak valid.*invalid template"):
        services.save_template(
            actor=SYSTEM, template=reminder, title="x",
            body='<p>{% if a %}</p><script>{% endif %}</script>',
        )  # fmt: skip
    reminder.refresh_from_db()
    assert reminder.body == DEFAULTS["reminder"][1]


def test_the_edit_page_says_when_html_was_removed(client, make_user, reminder):
    client.force_login(make_user("bpjs_branch"))
    url = reverse("compliance:template-edit", args=[reminder.pk])
    response = client.post(
        url, {"title": "Imbauan", "body": "<p>a</p>\r\n<p>{{ case.number }}</p>"}
    )
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
    response = client.post(
        url,
        {"title": "Imbauan", "body": '<p>a</p><link rel="attachment" href="file:///etc/passwd">'},
    )
    assert response.status_code == 302
    notes = {m.level_tag: str(m) for m in get_messages(response.wsgi_request)}
    assert "dihapus" in notes["warning"]  # Indonesian, the default language
    reminder.refresh_from_db()
    assert reminder.body == "<p>a</p>"
    response = client.post(url, {"title": "x", "body": "{% if %}<p>"})
    assert response.status_code == 400 and "invalid template" in response.content.decode()


def test_the_admin_form_cleans_too(reminder):
    form = LetterTemplateForm(
        instance=reminder,
        data={"kind": "reminder", "title": "Imbauan",
              "body": '<p>{{ subject.name }}</p><link rel="attachment" href="file:///etc/passwd">'},
    )  # fmt: skip
    assert form.is_valid(), form.errors
    assert form.save().body == "<p>{{ subject.name }}</p>"
    form = LetterTemplateForm(instance=reminder, data={"kind": "reminder", "title": "x",
                                                       "body": "{% if %}"})  # fmt: skip
    assert not form.is_valid() and "invalid template" in str(form.errors)
