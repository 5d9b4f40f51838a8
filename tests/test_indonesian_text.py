"""Indonesian all the way: every HTML page of the access matrix, rendered in Indonesian for every
role that may open it, shows no English UI word, and the catalogue has no untranslated or fuzzy
entry.

The pages and the world are the access matrix's own (tests/test_access_matrix.py, routes from
``tests.access.collect_routes()``): a page added to the matrix is checked here too.

What is read of a page is what a person reads: text nodes, and the ``placeholder``, ``title``,
``aria-label`` and ``alt`` attributes and button values; not ``<script>``, ``<style>``,
``<code>``/``<pre>``/``<kbd>``/``<samp>`` (codes, file formats, commands) nor the language switch
(its "English" option names the language), nor a ``<textarea>`` (what a user typed). Django's
admin (``admin:*``) is left out: a third-party UI with its own catalogue.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from html.parser import HTMLParser
from pathlib import Path

import django_filters
import pytest
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise

from lindung.core.numbers import MONTHS_EN
from tests.access import ANONYMOUS, ROLES, Route, collect_routes
from tests.test_access_matrix import access_world, login, request  # noqa: F401 (fixture)

PO_FILE = Path(__file__).parents[1] / "src/lindung/locale/id/LC_MESSAGES/django.po"

# English words a page shows only when a string escaped translation (form labels, buttons,
# headings, pager, yes/no, Python's None/True/False). Whole words, case-sensitive: capitalised as
# labels and headings are. Left out on purpose: words Indonesian writes the same (Status, Total,
# Email, Dashboard, Online, Data, Admin, Audit, Log, Sponsor, Target, and the months April,
# September, November), "No" (Indonesian "No." is "Nomor"), and the language switch's "English".
ENGLISH_UI_WORDS = frozenset({
    "Name", "Sex", "Birth", "Occupation", "Welfare", "Search", "Next", "Previous", "Submit",
    "Save", "Cancel", "Delete", "Edit", "Region", "Regions", "Month", "Year", "Workers",
    "Worker", "Coverage", "Download", "Upload", "Employer", "Employers", "Programme",
    "Programmes", "None", "True", "False", "Yes", "Date", "Village", "Villages", "District",
    "Regency", "Province", "Apply", "Reset", "Back", "Close", "Show", "Hide", "Page", "Address",
    "Phone", "Amount", "Members", "Participants", "Participant", "Results", "Settings",
    "Password", "Username", "Sign", "Filter", "Filters", "Export", "Details", "Add",
    "Create", "Update", "Remove", "Select", "Choose", "Clear", "Loading", "Required",
    "Optional", "Unknown", "Other", "Female", "Male", "Approve", "Reject", "Rejected", "Pending",
    "Active", "Inactive", "Open", "Closed", "Overdue", "Paid", "Unpaid", "Bills", "Bill",
    "Sponsors", "Pledge", "Cases", "Case", "Letter", "Letters", "Findings", "Report",
    "Reports", "Jobs", "Job", "Notifications", "Questionnaire", "Jury", "Entries", "Entry",
    "Score", "Rank", "Winners", "Category", "Categories", "Indicator", "Indicators", "Source",
    "Sources", "Population", "Budget", "Enrolment", "Selection", "Candidates",
    "Candidate", "Households", "Household", "Income", "Wage", "Wages", "Minimum", "Month-end",
    "Registered", "Registrations", "Registration", "Branch", "Office", "Organisation", "User",
    "Users", "Role", "Actions", "Action", "Description", "Comment", "Reason", "Created",
    "Updated", "Started", "Finished", "Failed", "Done", "Queued", "Running", "Cancelled",
    "the", "and", "with", "from", "for", "your", "this", "not", "has", "have", "are", "was",
    "been", "will", "should", "must", "yet", "there", "which", "none", "per",
    *(m for m in MONTHS_EN if m not in {"April", "September", "November"}),
})  # fmt: skip
# Words above that a page may show as part of something that is no UI text: (word, why).
ALLOWED = {
    ("per", "Indonesian too: 'per 31 Desember', 'per bulan'"),
}
ALLOWED_WORDS = {word for word, _why in ALLOWED}
# A textarea holds what a user typed (a letter template's source), not the page's own text.
SKIPPED_TAGS = {"script", "style", "code", "pre", "kbd", "samp", "template", "svg", "textarea"}
VISIBLE_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
WORD = re.compile(r"[A-Za-z][A-Za-z-]*")

# Django's admin is a third-party UI with its own catalogue (and app names of packages).
HTML_ROUTES = [r for r in collect_routes() if r.method == "get" and not r.name.startswith("admin:")]

# The words on a page do not depend on the database engine: SQLite only.
pytestmark = [pytest.mark.django_db]


class _VisibleText(HTMLParser):
    """The text a person reads on a page, one string per text node or visible attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in SKIPPED_TAGS or "data-language-switch" in found or found.get("lang") == "en":
            if tag not in {"input", "img", "br", "meta", "link"}:
                self._skipping.append(tag)
            return
        if self._skipping:
            return
        self.parts.extend(found[a] or "" for a in VISIBLE_ATTRIBUTES if found.get(a))
        if tag == "input" and found.get("type") in {"submit", "button"} and found.get("value"):
            self.parts.append(found["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def english_words(text: str) -> set[str]:
    return {w for w in WORD.findall(text) if w in ENGLISH_UI_WORDS and w not in ALLOWED_WORDS}


def _context(text: str, word: str, width: int = 40) -> str:
    match = re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", text)
    if match is None:
        return word
    return text[max(0, match.start() - width) : match.end() + width]


def test_visible_text_reads_what_a_person_reads() -> None:
    html = (
        "<html><head><style>.Name{}</style><script>var Search = 1;</script></head><body>"
        '<label>Nama</label><input placeholder="Search"><code>Name</code>'
        "<select data-language-switch><option>English</option></select>"
        '<input type="submit" value="Save"><p>Jumlah &amp; Total</p></body></html>'
    )
    text = visible_text(html)
    assert text == "Nama Search Save Jumlah & Total"
    assert english_words(text) == {"Search", "Save"}
    assert english_words("Nama Kota Bandar Lampung, per 31 Desember 2025") == set()


@pytest.mark.parametrize("route", HTML_ROUTES, ids=lambda r: r.id)
def test_pages_in_indonesian_show_no_english_ui_words(client, access_world, route: Route):  # noqa: F811
    client.cookies["django_language"] = "id"
    found: dict[str, str] = {}
    for role in ROLES:
        if route.expected[role] != 200:
            continue
        client.logout()
        login(client, access_world, role)
        response = request(client, route, access_world)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        text = visible_text(raw.decode(errors="replace"))
        for word in sorted(english_words(text)):
            found.setdefault(word, f"{role if role != ANONYMOUS else 'anonymous'}: "
                                   f"…{_context(text, word)}…")  # fmt: skip
    assert not found, f"{route.id}: English on the Indonesian page: {found}"


# --- form labels -------------------------------------------------------------------------------


def _form_and_filter_modules() -> list[str]:
    import lindung

    names = []
    for module in pkgutil.walk_packages(lindung.__path__, "lindung."):
        last = module.name.rsplit(".", 1)[-1]
        if last in {"forms", "filters"} or ".forms." in module.name:
            names.append(module.name)
    return sorted(names)


def _lazy(value: object) -> bool:
    return isinstance(value, Promise)


def _untranslated_labels(module_name: str) -> list[str]:
    """Fields of the module's forms and FilterSets whose label or help text is no lazy
    translation (a model field without ``verbose_name`` gives the English field name)."""
    module = importlib.import_module(module_name)
    found = []
    for name, cls in vars(module).items():
        if not inspect.isclass(cls) or cls.__module__ != module_name:
            continue
        if issubclass(cls, forms.BaseForm):
            for field_name, field in cls.base_fields.items():
                hidden = field.widget.is_hidden
                if not (_lazy(field.label) or (field.label is None and hidden)):
                    found.append(f"{name}.{field_name}: label {field.label!r}")
                if field.help_text and not _lazy(field.help_text):
                    found.append(f"{name}.{field_name}: help text {field.help_text!r}")
        elif issubclass(cls, django_filters.FilterSet) and cls._meta.model is not None:
            for field_name, declared in cls.base_filters.items():
                label = declared.label
                if label is None:
                    try:
                        label = cls._meta.model._meta.get_field(declared.field_name).verbose_name
                    except FieldDoesNotExist:
                        label = None
                if not _lazy(label):
                    found.append(f"{name}.{field_name}: label {label!r}")
    return found


@pytest.mark.parametrize("module_name", _form_and_filter_modules())
def test_form_and_filter_labels_are_translatable(module_name: str) -> None:
    assert not _untranslated_labels(module_name), (
        "give these a gettext_lazy label (or the model field a verbose_name): "
        f"{_untranslated_labels(module_name)}"
    )


# --- the catalogue -----------------------------------------------------------------------------


def po_entries(text: str) -> list[dict[str, object]]:
    """Entries of a .po file: ``msgid``, ``msgid_plural``, ``msgstr`` (list: one per plural
    form), ``flags`` and ``line``; the header (empty msgid) and obsolete ``#~`` entries left
    out. Enough of the format for Django's catalogues: no msgctxt is used but it is read."""
    entries: list[dict[str, object]] = []
    entry: dict[str, object] = {}
    field: str | None = None

    def close() -> None:
        nonlocal entry, field
        if "msgid" in entry and entry["msgid"] != "":
            entries.append(entry)
        entry, field = {}, None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            close()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if "msgid" in entry:
                close()
            entry.setdefault("flags", set()).update(  # type: ignore[union-attr]
                f.strip() for f in line[2:].split(",")
            )
            continue
        if line.startswith("#"):
            if "msgid" in entry and field is not None and field.startswith("msgstr"):
                close()
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith("msgstr[") or keyword in {"msgid", "msgid_plural", "msgstr",
                                                          "msgctxt"}:  # fmt: skip
            if keyword in {"msgid", "msgctxt"} and field is not None and field.startswith("msgstr"):
                close()
            field = keyword
            entry.setdefault("line", number)
            entry[field] = ast.literal_eval(rest)
        elif line.startswith('"') and field is not None:
            entry[field] = str(entry[field]) + ast.literal_eval(line)
        else:
            raise ValueError(f"{PO_FILE.name}:{number}: cannot read {raw!r}")
    close()
    for e in entries:
        forms = sorted(k for k in e if str(k).startswith("msgstr["))
        e["msgstr"] = [str(e[k]) for k in forms] if forms else [str(e.get("msgstr", ""))]
        e.setdefault("flags", set())
    return entries


def test_po_parser_reads_flags_plurals_and_continued_lines() -> None:
    text = (
        'msgid ""\nmsgstr ""\n"Language: id\\n"\n\n'
        '#: a.py:1\nmsgid "Save"\nmsgstr "Simpan"\n\n'
        '#, fuzzy, python-format\nmsgid "Hello %(name)s"\nmsgstr "Halo"\n\n'
        'msgid ""\n"Long "\n"text"\nmsgstr ""\n\n'
        'msgid "one row"\nmsgid_plural "%(n)s rows"\nmsgstr[0] "%(n)s baris"\n\n'
        '#~ msgid "Old"\n#~ msgstr ""\n'
    )
    entries = po_entries(text)
    assert [e["msgid"] for e in entries] == ["Save", "Hello %(name)s", "Long text", "one row"]
    assert entries[0]["msgstr"] == ["Simpan"] and entries[0]["flags"] == set()
    assert entries[1]["flags"] == {"fuzzy", "python-format"}
    assert entries[2]["msgstr"] == [""]
    assert entries[3]["msgstr"] == ["%(n)s baris"]


def test_catalogue_has_no_untranslated_or_fuzzy_entry() -> None:
    entries = po_entries(PO_FILE.read_text(encoding="utf-8"))
    assert len(entries) > 100
    fuzzy = [f"line {e['line']}: {e['msgid']!r}" for e in entries if "fuzzy" in e["flags"]]
    untranslated = [
        f"line {e['line']}: {e['msgid']!r}"
        for e in entries
        if not all(str(s).strip() for s in e["msgstr"])  # type: ignore[union-attr]
    ]
    assert not fuzzy, f"fuzzy entries in {PO_FILE.name}: {fuzzy}"
    assert not untranslated, f"untranslated entries in {PO_FILE.name}: {untranslated}"
