"""The certificate (piagam) of a placed entry of a published edition: formal Indonesian with an
English line, PDF by WeasyPrint. It names the run and its inputs' SHA-256 so anyone can check
the ranking it certifies against the published results."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from lindung.award.models import Result
from lindung.core import pdf

ORDINALS_ID = ("Pertama", "Kedua", "Ketiga", "Keempat", "Kelima", "Keenam", "Ketujuh")
ORDINALS_EN = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")


def place(rank: int) -> dict[str, str]:
    i = rank - 1
    if 0 <= i < len(ROMAN):
        return {"roman": ROMAN[i], "id": ORDINALS_ID[i], "en": ORDINALS_EN[i]}
    return {"roman": str(rank), "id": f"ke-{rank}", "en": f"No. {rank}"}


def render_pdf(result: Result) -> bytes:
    edition = result.run.edition
    with translation.override("id"):  # the certificate is Indonesian whatever the UI language
        html = render_to_string(
            "award/certificate.html",
            {
                "result": result,
                "entry": result.entry,
                "category": result.category,
                "edition": edition,
                "run": result.run,
                "place": place(result.rank),
            },
        )
    return pdf.render_pdf(html)
