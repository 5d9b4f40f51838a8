"""Case letters: formal Indonesian text from editable templates, rendered to PDF by WeasyPrint.

A template's body is Django template text rendered by a bare engine (no loaders, autoescape on)
on a context of plain values only — no model instances, so a template cannot reach anything the
letter does not show. The page around it (letterhead, number, addressee, signature) is
``compliance/letter.html``. The HTML is kept on the ``Letter`` row at issue; the PDF is rendered
from it on download, so a later edit of the template never changes an issued letter.

Templates are edited by users, so their HTML is held to an allow-list (:data:`TAGS`,
:data:`ATTRIBUTES`: no ``<link>``, ``<script>``, ``<style>``, ``<iframe>``, ``<object>``, no
URL but a ``/static/`` image) twice: when a template is saved (:func:`clean_template`, which
keeps the Django template syntax intact) and on the rendered body of every letter
(:func:`clean_html`, since ``{{ "<link …>"|safe }}`` is template syntax, not HTML). The PDF is
rendered by ``core.pdf.render_pdf``, whose URL fetcher loads nothing but the project's static
files; that also covers letters issued before these rules, as their stored HTML is rendered
through it again on every download (no PDF is ever stored).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any
from urllib.parse import unquote

import nh3
from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import tag_re
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from lindung.compliance import conf
from lindung.compliance.models import Case, Check, Letter, LetterTemplate
from lindung.core.i18n import bilingual
from lindung.core.numbers import date_text, rupiah_text
from lindung.core.pdf import render_pdf
from lindung.regions.models import Region

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
CODES = {"reminder": "IMB", "warning_1": "TEG-I", "warning_2": "TEG-II", "attorney": "SKK",
         "tmp2t": "TMP2T"}  # fmt: skip

_ENGINE = Engine(autoescape=True, debug=False, loaders=[], libraries={})


def date_id(day: dt.date | None) -> str:
    """``25 November 2026``: formal letters write the month in Indonesian."""
    return date_text(day, english=False) if day else "-"


def rupiah(value: int | None) -> str:
    return rupiah_text(value or 0, english=False)


def letter_number(pk: int, kind: str, on: dt.date) -> str:
    """``000012/TEG-I/KEP/XI/2026``: sequence / letter code / compliance / month / year."""
    return f"{pk:06d}/{CODES.get(kind, kind.upper())}/KEP/{ROMAN[on.month - 1]}/{on.year}"


def finding_texts(evidence: dict[str, dict[str, Any]]) -> list[dict[str, str]]:
    """One Indonesian sentence per finding of the case, with its numbers."""
    out = []
    for kind in Check.values:
        e = evidence.get(kind)
        if e is None:
            continue
        if kind == Check.UNREGISTERED:
            text = (
                f"Usaha Saudara tercatat pada {e.get('source')} tahun {e.get('year')} dengan "
                f"{e.get('reported_workers')} tenaga kerja, tetapi belum terdaftar sebagai "
                "pemberi kerja peserta BPJS Ketenagakerjaan."
            )
        elif kind == Check.PDS_WORKERS:
            text = (
                f"Jumlah tenaga kerja yang dilaporkan pada {e.get('source')} tahun "
                f"{e.get('year')} sebanyak {e.get('reported_workers')} orang, sedangkan yang "
                f"terdaftar aktif sebanyak {e.get('registered_workers')} orang (selisih "
                f"{e.get('unregistered_workers')} orang)."
            )
        elif kind == Check.PDS_WAGE:
            wage = e.get("minimum_wage") or {}
            text = (
                f"Sebanyak {e.get('members_below_minimum')} dari {e.get('members')} pekerja "
                f"dilaporkan dengan upah di bawah {wage.get('kind', 'upah minimum')} "
                f"{wage.get('year', '')} sebesar {rupiah(wage.get('amount'))}; rata-rata upah "
                "yang dilaporkan kepada BPJS Ketenagakerjaan "
                f"{rupiah(e.get('registered_avg_wage'))}"
                + (
                    f", sedangkan rata-rata upah yang dilaporkan kepada instansi lain "
                    f"{rupiah(e.get('declared_avg_wage'))}."
                    if e.get("declared_avg_wage")
                    else "."
                )
            )
        elif kind == Check.PDS_PROGRAMME:
            missing = ", ".join(f"{p} {n} orang" for p, n in e.get("missing", {}).items() if n)
            text = (
                f"Sebanyak {e.get('members_missing_a_programme')} dari {e.get('members')} "
                f"pekerja belum diikutsertakan pada seluruh program wajib ({missing})."
            )
        else:
            text = (
                f"Terdapat tunggakan iuran sebesar {rupiah(e.get('unpaid'))} dari "
                f"{e.get('bills')} tagihan, dengan jatuh tempo terlama "
                f"{date_id(_date(e.get('oldest_due')))} ({e.get('months_late')} bulan), serta "
                f"denda keterlambatan {rupiah(e.get('fine'))}."
            )
        out.append({"kind": kind, "title": TITLES_ID[kind], "text": text})
    return out


TITLES_ID = {
    Check.UNREGISTERED: "Perusahaan wajib belum daftar",
    Check.PDS_WORKERS: "Perusahaan daftar sebagian tenaga kerja (PDS TK)",
    Check.PDS_WAGE: "Perusahaan daftar sebagian upah (PDS Upah)",
    Check.PDS_PROGRAMME: "Perusahaan daftar sebagian program (PDS Program)",
    Check.ARREARS: "Tunggakan iuran",
}


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def context_for(case: Case, letter: Letter | None) -> dict[str, Any]:
    """Plain values only (see the module docstring)."""
    names = dict(
        Region.objects.filter(
            code__in=[case.village_code, case.district_code, case.regency_code, case.province_code]
        ).values_list("code", "name")
    )
    employer = case.employer
    previous = []
    if letter is not None:
        previous = [
            {"number": n, "date": date_id(d)}
            for n, d in case.letters.exclude(pk=letter.pk)
            .order_by("issued_on", "id")
            .values_list("number", "issued_on")
        ]
    arrears = case.evidence.get(Check.ARREARS)
    return {
        "letter": {
            "number": letter.number if letter else "000000/CONTOH/KEP/I/2026",
            "date": date_id(letter.issued_on if letter else dt.date.today()),
        },
        "case": {
            "number": case.number,
            "opened_on": date_id(case.opened_on),
            "due_date": date_id(case.due_date),
            "deadline_days": conf.step_days().get(case.step, 14),
        },
        "subject": {
            "name": case.subject_name,
            "npp": employer.npp if employer else "",
            "nib": (employer.nib if employer else "")
            or (case.business.nib if case.business else ""),
            "village": names.get(case.village_code, ""),
            "district": names.get(case.district_code, ""),
            "regency": names.get(case.regency_code, ""),
            "province": names.get(case.province_code, ""),
        },
        "findings": finding_texts(case.evidence),
        "arrears": {
            "unpaid": rupiah(arrears.get("unpaid")),
            "fine": rupiah(arrears.get("fine")),
            "months": arrears.get("months_late"),
        }
        if arrears
        else None,
        "sender": {
            "office": getattr(
                settings, "COMPLIANCE_LETTER_OFFICE", "BPJS Ketenagakerjaan Kantor Cabang"
            ),
            "city": names.get(case.regency_code, ""),
            "signatory": getattr(settings, "COMPLIANCE_LETTER_SIGNATORY", "Kepala Kantor Cabang"),
        },
        "previous_letters": previous,
    }


# What a letter body may contain: text formatting, lists, tables and static images.
TAGS = frozenset(
    {"p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "span", "div",
     "ol", "ul", "li", "dl", "dt", "dd", "blockquote", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
     "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "td", "th", "img"}
)  # fmt: skip
ATTRIBUTES = {
    "*": {"class", "style", "lang", "title"},
    "ol": {"start", "type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "img": {"src", "alt", "width", "height"},
}
# ``style`` keeps these properties only; none of them takes an image or any other URL.
STYLE_PROPERTIES = frozenset(
    {"text-align", "text-indent", "text-decoration", "vertical-align", "font-weight",
     "font-style", "font-size", "line-height", "color", "width", "margin-top", "margin-bottom",
     "margin-left", "margin-right", "padding-left", "padding-right"}
)  # fmt: skip
_SUSPICIOUS_STYLE = re.compile(r"url|image|@|\\|expression", re.IGNORECASE)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "style" and _SUSPICIOUS_STYLE.search(value):
        return None
    if attribute == "src":  # a project static file only (core.pdf refuses anything else too)
        path = unquote(value)
        prefix = "/" + settings.STATIC_URL.lstrip("/")
        if not path.startswith(prefix) or ".." in path or "\\" in path or "//" in path:
            return None
    return value


def _clean(html: str, *, strip_comments: bool = True) -> str:
    return nh3.clean(
        html, tags=set(TAGS), attributes=ATTRIBUTES, attribute_filter=_attribute_filter,
        url_schemes=set(), filter_style_properties=set(STYLE_PROPERTIES),
        strip_comments=strip_comments,
    )  # fmt: skip


def clean_html(html: str) -> str:
    """HTML cut down to the allow-list (applied to every rendered letter body)."""
    return _clean(html)


def clean_template(body: str) -> str:
    """A template's text cut down to the allow-list, its Django template syntax untouched.

    Every ``{{ … }}``, ``{% … %}`` and ``{# … #}`` is swapped for an HTML comment holding a
    random marker before cleaning and put back after, so the sanitiser neither escapes a ``<``
    inside a tag nor moves a ``{% for %}`` between table rows out of the table (HTML parsing
    does that to text there, not to comments). A marker that lands inside an attribute value
    comes back entity-escaped and is restored all the same; one inside a removed tag or
    attribute goes with it (and :func:`check_template` then judges what is left).
    """
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    nonce = secrets.token_hex(8)
    tokens: list[str] = []

    def hide(match: re.Match[str]) -> str:
        tokens.append(match[0])
        return f"<!--tpl-{nonce}-{len(tokens) - 1}-->"

    def restore(match: re.Match[str]) -> str:
        ours = re.fullmatch(rf"tpl-{nonce}-(\d+)", match[1] or match[2] or "")
        if ours:
            return tokens[int(ours[1])]
        return "" if match[1] is not None else match[0]  # the author's own comments go

    cleaned = _clean(tag_re.sub(hide, body), strip_comments=False)
    # The serialiser escapes "<" in text and attributes, so "<!--" here opens a real comment.
    return re.sub(r"<!--(.*?)-->|&lt;!--(tpl-\w+-\d+)--&gt;", restore, cleaned, flags=re.DOTALL)


def check_template(body: str) -> None:
    """Refuse a template that does not compile (bilingual message)."""
    try:
        _ENGINE.from_string(body)
    except (TemplateSyntaxError, ValueError) as exc:
        raise ValueError(
            bilingual(f"templat tidak valid: {exc}", f"invalid template: {exc}")
        ) from None


def render_body(body: str, context: dict[str, Any]) -> str:
    return _ENGINE.from_string(body).render(Context(context, autoescape=True))


def render_letter(template: LetterTemplate, case: Case, letter: Letter | None = None) -> str:
    """The letter's full HTML page."""
    context = context_for(case, letter)
    subject = context["subject"]
    if template.kind == "attorney":
        addressee = [f"Kepala Kejaksaan Negeri {subject['regency']}"]
    elif template.kind == "tmp2t":
        addressee = [
            "Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
            subject["regency"],
        ]
    else:
        addressee = [f"Pimpinan {subject['name']}", subject["village"], subject["district"]]
    return render_to_string(
        "compliance/letter.html",
        {
            **context,
            "addressee": [line for line in addressee if line],
            "title": template.title,
            # autoescaped, then cut down to the allow-list whatever the template did
            "body": mark_safe(clean_html(render_body(template.body, context))),  # noqa: S308
        },
    )


def pdf_bytes(html: str) -> bytes:
    """The letter's PDF, through the one renderer (it loads nothing but static files)."""
    return render_pdf(html)
