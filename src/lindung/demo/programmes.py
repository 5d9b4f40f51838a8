"""The demo's subsidy programmes (docs/domain.md §5.5), run through the real pipeline: plan →
approval → selection over the synthetic social registry → approved list → the branch's
confirmation file (imported like a real one) → invoice → payment → claims file.

* 2023, APBD province, 14,700 vulnerable workers for 10 months: a closed plan. Its members are
  already in the registry's 2023 histories (programme-funded BPU memberships), which fix the
  published 731,991 on 2023-12-31, so no new beneficiaries are created for it.
* 2024, DBH sawit, 22,100 plantation workers for 5 months (August–December): selected,
  enrolled, invoiced and paid, with claims.
* 2025, BAZNAS (zakat for mustahik workers) in Bandar Lampung and one village's APBDes
  programme: selected and approved, waiting for the branch.

Budgets are the plans' cost (persons × months × Rp 16,800): the sources give counts, not
budgets. At small scale every count is 1 % (at least 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lindung.core.imports.pipeline import run_import
from lindung.core.scope import SYSTEM
from lindung.programmes.importers.claims import ClaimImporter
from lindung.programmes.importers.confirmations import ConfirmationImporter
from lindung.programmes.models import Decision, Funder, Programme
from lindung.programmes.services.enrolment import enrolment_rows
from lindung.programmes.services.money import issue_invoice, record_payment
from lindung.programmes.services.plans import create_funder, create_programme, move
from lindung.programmes.services.selection import approve_run, run_selection
from lindung.regions.models import Region


@dataclass(frozen=True)
class DemoProgramme:
    funder: str
    kind: str
    region: str  # the funder's region
    title: str
    year: int
    start: dt.date
    months: int
    persons: int
    area: str | None = None  # default: the funder's region
    rules: tuple[tuple[str, Any], ...] = ()
    stage: str = "closed"  # closed (plan only) | approved (list approved) | paid (enrolled…)


PLANTATION = "Buruh kebun,Pemanen sawit,Pekebun kopi,Pekebun lada,Buruh tani"
POOR_FIRST = (("max_welfare_decile", 4), ("priority_rules", "poorest_first,occupational_risk"))
DEMO_PROGRAMMES = (
    DemoProgramme("Pemprov Lampung (APBD)", "apbd_province", "18",
                  "Perlindungan pekerja rentan 2023", 2023, dt.date(2023, 3, 1), 10, 14_700,
                  rules=(("max_welfare_decile", 4), ("priority_rules", "poorest_first"))),
    DemoProgramme("Pemprov Lampung (DBH sawit)", "dbh_sawit", "18",
                  "Pekerja perkebunan sawit 2024", 2024, dt.date(2024, 8, 1), 5, 22_100,
                  rules=(("occupations", PLANTATION), ("min_age", 18), ("max_age", 60),
                         *POOR_FIRST), stage="paid"),
    DemoProgramme("BAZNAS Provinsi Lampung", "baznas", "18", "Mustahik pekerja Bandar Lampung",
                  2025, dt.date(2025, 7, 1), 6, 500, area="18.71", rules=POOR_FIRST,
                  stage="approved"),
)  # fmt: skip
CLOSED_STEPS = ("approved", "selecting", "enrolled", "paying", "closed")
REJECTED_SHARE = 0.03  # NIKs the branch cannot match (Dukcapil), a few per hundred
JKM_BENEFIT = 42_000_000  # docs/domain.md §3.1
JKK_BENEFITS = (2_500_000, 7_500_000, 15_000_000)  # medical care, illustrative amounts


def ensure_demo_programmes(
    *,
    scale: str = "full",
    seed: int = 2024,
    actor: Any = SYSTEM,
    phase: Callable[[str], None] | None = None,
) -> int:
    """Create the demo programmes that do not exist yet; returns how many were created.
    ``phase`` hears each programme's title as it starts (the demo's progress)."""
    rng = random.Random(seed)
    created = 0
    for plan in (*DEMO_PROGRAMMES, _village_programme()):
        if plan is None:
            continue
        if phase:
            phase(plan.title)
        region = Region.objects.get(code=plan.region)
        funder = Funder.objects.filter(name=plan.funder, kind=plan.kind).first() or create_funder(
            actor=actor, name=plan.funder, kind=plan.kind, region=region
        )
        if Programme.objects.filter(funder=funder, name=plan.title, fiscal_year=plan.year).exists():
            continue
        persons = plan.persons if scale == "full" else max(1, plan.persons // 100)
        programme = create_programme(
            actor=actor, funder=funder, area=Region.objects.get(code=plan.area or plan.region),
            name=plan.title, fiscal_year=plan.year, budget=persons * plan.months * 16_800,
            start_month=plan.start, funded_months=plan.months, target_count=persons,
            **dict(plan.rules),
        )  # fmt: skip
        created += 1
        if plan.stage == "closed":
            for step in CLOSED_STEPS:
                programme = move(actor=actor, programme=programme, to=step)
            continue
        programme = move(actor=actor, programme=programme, to="approved")
        approve_run(actor=actor, run=run_selection(actor=actor, programme=programme))
        if plan.stage == "paid":
            _enrol_and_pay(programme, rng, actor)
    return created


def clear_programme_data() -> None:
    """Every programme row, candidate, CSR pledge and award edition, children first: a registry
    rebuild replaces the persons, memberships and employers they point at."""
    from django.db import connection

    from lindung.award.models import Edition
    from lindung.programmes import models as m
    from lindung.publicworkers import models as pw
    from lindung.sponsorship import models as csr

    Edition.objects.all().delete()  # entries point at employers; indicators at their figures
    # The demo register: its paying bodies point at their registry employers.
    for register in (pw.BudgetLine, pw.PublicWorker, pw.PayingBody):
        register.objects.all().delete()

    with connection.cursor() as cursor:
        # Millions of rows: no ORM collector. The table name is the model's, never input.
        cursor.execute(f"DELETE FROM {Decision._meta.db_table}")  # noqa: S608
    # CSR pledges are carried by programmes (and sponsors may point at registry employers).
    for model in (csr.Assignment, csr.MatchRun, csr.Pledge, csr.SponsorSite, csr.Sponsor):
        model.objects.all().delete()
    for model in (m.ProgrammePayment, m.Claim, m.Enrolment, m.ProgrammeInvoice, m.FundedMonth,
                  m.SelectionRun, m.Programme, m.Funder, m.Candidate):  # fmt: skip
        model.objects.all().delete()


def _village_programme() -> DemoProgramme | None:
    """A village paying from its own budget (APBDes) for ten residents, a whole year."""
    village = Region.objects.filter(level="village", regency_code="18.71").order_by("code").first()
    if village is None:
        return None
    return DemoProgramme(
        f"Pemerintah Desa {village.name}", "apbdes", village.code,
        f"Iuran warga rentan {village.name} 2025", 2025, dt.date(2025, 1, 1), 12, 10,
        rules=(("priority_rules", "poorest_first"),), stage="approved",
    )  # fmt: skip


def _enrol_and_pay(programme: Programme, rng: random.Random, actor: Any) -> None:
    """The branch's answer and claims as files through the import pipeline, as in real life."""
    with tempfile.TemporaryDirectory(prefix="lindung-demo-") as tmp:
        answer = Path(tmp) / "konfirmasi.csv"
        accepted: list[tuple[str, str]] = []
        with open(answer, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["kode_program", "nik", "no_kpj", "status", "alasan"])
            for n, row in enumerate(enrolment_rows(programme), start=1):
                if rng.random() < REJECTED_SHARE:
                    writer.writerow([programme.pk, row["nik"], "", "ditolak",
                                     "NIK tidak padan dengan data Dukcapil"])  # fmt: skip
                    continue
                kpj = f"{programme.fiscal_year % 100:02d}8{programme.pk:03d}{n:06d}"
                accepted.append((row["nik"], kpj))
                writer.writerow([programme.pk, row["nik"], kpj, "diterima", ""])
        run_import(ConfirmationImporter(), answer, actor=actor)
        start = programme.start_month
        invoice = issue_invoice(actor=actor, programme=programme, issued_on=start)
        record_payment(
            actor=actor, invoice=invoice, amount=invoice.amount,
            paid_on=start + dt.timedelta(days=10), reference="SP2D DBH sawit",
        )  # fmt: skip
        claims = Path(tmp) / "klaim.csv"
        with open(claims, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["nomor_klaim", "nik", "kpj", "jenis", "tanggal_kejadian",
                             "tanggal_bayar", "nominal"])  # fmt: skip
            # About one death and eight work accidents per 10,000 workers in five months.
            for n, (nik, kpj) in enumerate(rng.sample(accepted, k=min(len(accepted), max(
                2, len(accepted) * 9 // 10_000)))):  # fmt: skip
                event = start + dt.timedelta(days=rng.randrange(1, 140))
                kind = "JKM" if n % 9 == 0 else "JKK"
                amount = JKM_BENEFIT if kind == "JKM" else rng.choice(JKK_BENEFITS)
                writer.writerow([f"KLM/{programme.pk}/{n + 1:05d}", nik, kpj, kind,
                                 event.isoformat(), (event + dt.timedelta(days=14)).isoformat(),
                                 amount])  # fmt: skip
        run_import(ClaimImporter(), claims, actor=actor)
