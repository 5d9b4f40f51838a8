"""Social-registry candidates through the core import pipeline: good rows kept, every bad row
reported with line and reason, NIK personal data masked in the report, re-import unchanged."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from lindung.core.models import ImportRejection
from lindung.core.nik import build_nik
from lindung.programmes.models import Candidate

pytestmark = pytest.mark.engine

VILLAGE = "18.71.01.1003"


def write_file(path: Path) -> list[str]:
    niks = [build_nik(VILLAGE[:8], dt.date(1980, 5, 17), "F", n) for n in (1, 2, 3)]
    rows = [
        "nik;nama;kode_desa;pekerjaan;desil;no_kk",
        f"{niks[0]};Siti Rahmah;{VILLAGE};Petani;1;{'1' * 16}",
        f"{niks[1]};Ani;{VILLAGE};Pedagang;;",
        "12345;Salah Panjang;18.71.01.1003;Nelayan;2;",  # line 4: NIK too short
        f"{niks[2]};Desil Aneh;{VILLAGE};Buruh;11;",  # line 5: decile out of range
        f"{niks[2]};Desa Asing;99.99.99.9999;Buruh;3;",  # line 6: unknown village
        f"{niks[0]};Siti Lagi;{VILLAGE};Petani;1;",  # line 7: same NIK again
        "",
    ]
    path.write_text("\ufeff" + "\r\n".join(rows), encoding="utf-8")
    return niks


def run(path: Path) -> dict:
    out = io.StringIO()
    call_command("import", "candidates", str(path), "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_candidates_import_keeps_good_rows_and_reports_bad_ones(region_tree, tmp_path):
    niks = write_file(tmp_path / "dtsen.csv")
    first = run(tmp_path / "dtsen.csv")
    assert (first["rows_read"], first["rows_imported"], first["rows_rejected"]) == (6, 2, 4)
    siti = Candidate.objects.get(nik=niks[0])
    assert (siti.name, siti.sex, siti.welfare_decile, siti.kk) == ("Siti Rahmah", "F", 1, "1" * 16)
    assert (siti.birth_date, siti.regency_code) == (dt.date(1980, 5, 17), "18.71")
    assert Candidate.objects.get(nik=niks[1]).welfare_decile is None
    rejected = {r.line: r for r in ImportRejection.objects.all()}
    assert set(rejected) == {4, 5, 6, 7}
    assert rejected[5].column == "decile" and "1–10" in rejected[5].reason
    assert rejected[6].column == "village"
    assert "line 2" in rejected[7].reason  # duplicate NIK of the first row
    assert all(" / " in r.reason for r in rejected.values())  # Indonesian / English
    assert niks[0] not in rejected[7].value  # the NIK is masked in the report

    again = run(tmp_path / "dtsen.csv")
    assert (again["rows_imported"], again["rows_unchanged"]) == (0, 2)
    assert Candidate.objects.count() == 2


def test_a_village_operator_registers_candidates_of_its_own_village_only(region_tree, make_user,
                                                                         client):  # fmt: skip
    from lindung.core.models import AuditLog
    from lindung.programmes.models import Candidate
    from tests.registry.factories import nik_for

    operator = make_user("village_operator")  # scope: 18.71.01.1003
    client.force_login(operator)
    form = {"nik": nik_for("18.71.01.1003", 7, dt.date(1984, 3, 2)), "name": "Siti Aminah",
            "sex": "M", "birth_date": "1984-03-02", "occupation": "Petani", "welfare_decile": "2",
            "village_code": "18.71.01.1003"}  # fmt: skip
    response = client.post("/program/calon/", form)
    assert response.status_code == 302
    candidate = Candidate.objects.get()
    assert (candidate.village_id, candidate.welfare_decile) == ("18.71.01.1003", 2)
    assert AuditLog.objects.filter(action="programmes.candidate.register", actor=operator).exists()

    other = {**form, "nik": nik_for("18.72.01.1001", 8, dt.date(1984, 3, 2)),
             "village_code": "18.72.01.1001"}  # fmt: skip
    response = client.post("/program/calon/", other)
    assert response.status_code == 400
    assert "di luar cakupan" in response.content.decode()  # "outside your area", Indonesian
    again = client.post("/program/calon/", form)  # the same NIK twice
    assert again.status_code == 400 and Candidate.objects.count() == 1
