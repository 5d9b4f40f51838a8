"""Claims paid by the branch through the import pipeline: keyed by claim number, amounts in
whole Rupiah in either spelling, region columns from the registry person, unknown NIKs rejected
with a bilingual reason, and a repeated file changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lindung.core.imports.pipeline import run_import
from lindung.core.models import ImportRejection
from lindung.core.nik import mask_nik
from lindung.programmes.importers.claims import ClaimImporter
from lindung.programmes.models import Claim, ClaimType
from tests.registry.factories import FOREIGN_VILLAGE, PersonFactory, nik_for

pytestmark = pytest.mark.engine

HEADER = "nomor_klaim;nik;no_kpj;jenis;tanggal_kejadian;tanggal_bayar;nominal"


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def run(path: Path, chunk_size: int | None = None):
    importer = ClaimImporter()
    if chunk_size:
        importer.chunk_size = chunk_size
    return run_import(importer, path)


def test_claims_import(region_tree, tmp_path):
    widow = PersonFactory(domicile=region_tree[FOREIGN_VILLAGE])
    worker = PersonFactory()
    stranger = nik_for(FOREIGN_VILLAGE, 9999)
    rows = [
        f"JKM-001;{widow.nik};12345678901;JKM;2025-10-03;2025-10-20;42.000.000",
        f"JKK-002;{worker.nik};;jkk;01/09/2025;20/09/2025;4500000",
        f"JKK-003;{stranger};;JKK;2025-09-01;2025-09-20;1000000",  # 4: not in the registry
        f"JKX-004;{worker.nik};;JKP;2025-09-01;2025-09-20;1000000",  # 5: unknown type
        f"JKK-005;{worker.nik};;JKK;2025-09-01;2025-09-20;1,5 juta",  # 6: not whole Rupiah
        f"JKK-006;{worker.nik};;JKK;2025-09-21;2025-09-20;1000000",  # 7: paid before the event
        f"JKM-001;{widow.nik};12345678901;JKM;2025-10-03;2025-10-20;42000000",  # 8: duplicate
    ]
    job = run(write(tmp_path / "klaim.csv", rows))
    assert (job.rows_read, job.rows_imported, job.rows_rejected) == (7, 2, 5)
    death = Claim.objects.get(claim_number="JKM-001")
    assert (death.claim_type, death.amount, death.kpj) == (ClaimType.JKM, 42_000_000, "12345678901")
    assert (death.event_date, death.paid_on) == (dt.date(2025, 10, 3), dt.date(2025, 10, 20))
    # Region columns follow the person's domicile, not the NIK's district.
    assert (death.regency_code, death.village_code) == ("18.72", FOREIGN_VILLAGE)
    accident = Claim.objects.get(claim_number="JKK-002")
    assert (accident.claim_type, accident.amount, accident.regency_code) == (
        "JKK",
        4_500_000,
        "18.71",
    )

    rejected = {r.line: r for r in ImportRejection.objects.filter(job=job)}
    assert {line: r.column for line, r in rejected.items()} == {
        4: "nik", 5: "type", 6: "amount", 7: "paid_on", 8: "",
    }  # fmt: skip
    assert "not in the participant registry" in rejected[4].reason
    assert rejected[4].value == mask_nik(stranger)
    assert all(" / " in r.reason for r in rejected.values())

    again = run(write(tmp_path / "klaim-lagi.csv", rows), chunk_size=2)
    assert (again.rows_imported, again.rows_unchanged, again.rows_rejected) == (0, 2, 5)
    assert Claim.objects.count() == 2


def test_a_corrected_claim_updates(region_tree, tmp_path):
    worker = PersonFactory()
    run(write(tmp_path / "a.csv", [f"JKK-1;{worker.nik};;JKK;2025-09-01;2025-09-20;1000000"]))
    job = run(
        write(tmp_path / "b.csv", [f"JKK-1;{worker.nik};;JKK;2025-09-01;2025-09-20;1.250.000"])
    )
    assert (job.rows_imported, job.rows_unchanged) == (1, 0)
    assert Claim.objects.get().amount == 1_250_000
