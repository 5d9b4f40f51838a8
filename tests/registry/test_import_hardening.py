"""Participant imports with hostile cells (issue 17 item 4): control characters, bytes that are
not UTF-8, cells longer than their column or than the csv module's field limit, a NIK repeated
with another identity. Each rejects its row with line, column and a bilingual reason; the good
rows are imported and the job ends ``done``. On PostgreSQL the bulk path runs (and
``test_nasty_files_give_identical_results_on_both_paths`` holds it to the row path)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

import pytest
from django.db import connection

from lindung.core.imports import columnar
from lindung.core.imports.pipeline import run_import
from lindung.core.imports.reader import open_table
from lindung.core.models import ImportState
from lindung.core.nik import build_nik
from lindung.regions.services import load_regions
from lindung.registry.importers.employers import EmployerImporter
from lindung.registry.importers.participants import ParticipantImporter
from lindung.registry.models import Membership, Person

from .test_import import EMPLOYERS, REGIONS, counters, data_rows, rejections
from .test_import_bulk import HEADERS, both, messy_row

pytestmark = pytest.mark.engine

VILLAGE = "18.71.01.1003"
HEADER = ["nik", "nama", "jenis_kelamin", "tanggal_lahir", "kode_desa", "pekerjaan", "no_hp",
          "no_kpj", "segmen", "upah", "tgl_kepesertaan", "alasan_berakhir", "catatan"]  # fmt: skip


@pytest.fixture
def employers(region_tree) -> None:
    job = run_import(EmployerImporter(), EMPLOYERS)
    assert job.rows_imported == 2


def good_row(i: int, **cells: str) -> dict[str, str]:
    """A valid BPU row of person ``i`` (own NIK and KPJ); ``cells`` replaces columns."""
    born = dt.date(1980, 1, 1) + dt.timedelta(days=i)
    row = {
        "nik": build_nik(VILLAGE[:8], born, "M", 1 + i % 9000),
        "nama": f"Peserta {i}",
        "jenis_kelamin": "L",
        "tanggal_lahir": born.isoformat(),
        "kode_desa": VILLAGE,
        "pekerjaan": "Petani",
        "no_hp": "08123456789",
        "no_kpj": str(23_100_000_000 + i),
        "segmen": "BPU",
        "upah": "1000000",
        "tgl_kepesertaan": "2023-02-01",
        "alasan_berakhir": "",
        "catatan": "",
    }
    return row | cells


def write_csv(path: Path, rows: list[dict[str, str]], delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([row[h] for h in HEADER])
    # A lone surrogate \udcNN stands for the byte NN, which is not UTF-8 there.
    path.write_bytes(buffer.getvalue().encode("utf-8", "surrogateescape"))
    return path


def reasons(job) -> dict[int, tuple[str, str]]:
    """line → (column, English half of the reason); every reason is bilingual."""
    found = {}
    for line, column, _value, reason in rejections(job):
        assert " / " in reason, reason
        found[line] = (column, reason.split(" / ", 1)[1])
    return found


def test_control_characters_reject_their_row_naming_the_column(employers, tmp_path) -> None:
    rows = [
        good_row(0),
        good_row(1, nama="Bu\x00di"),  # NUL: PostgreSQL's COPY refused the whole file
        good_row(2, pekerjaan="Pe\x01tani"),
        good_row(3, nama="Bu\x7fdi"),  # DEL
        good_row(4, pekerjaan="Pe\x85tani"),  # a C1 control: mojibake of a wrong code page
        good_row(5, pekerjaan="Pe\ttani"),  # a tab is text
        good_row(6, catatan="\x00\x01"),  # a column the import does not use
        good_row(7, alasan_berakhir="baris\nbaru"),  # a line break inside a quoted cell
        good_row(8),
    ]
    job = run_import(ParticipantImporter(), write_csv(tmp_path / "ctl.csv", rows))
    assert job.state == ImportState.DONE
    found = reasons(job)
    assert found == {
        3: ("name", "control character U+0000 in column name"),
        4: ("occupation", "control character U+0001 in column occupation"),
        5: ("name", "control character U+007F in column name"),
        6: ("occupation", "control character U+0085 in column occupation"),
        10: ("end_reason", "control character U+000A in column end_reason"),
    }
    assert counters(job) == (9, 4, 0, 5)
    assert Person.objects.get(name="Peserta 5").occupation == "Pe\ttani"
    values = {line: value for line, _, value, _ in rejections(job)}
    assert "\x00" not in "".join(values.values()) and values[6] == "Pe\\x85tani"


def test_bytes_that_are_not_utf8_reject_their_line_past_the_first_64_kib(
    employers, tmp_path
) -> None:
    rows = [good_row(i) for i in range(800)]  # about 80 KB
    rows[700]["nama"] = "Jos\udce9"  # a Latin-1 é, written below as the single byte 0xE9
    rows[750]["catatan"] = "caf\udce9"  # in a column the import does not use
    path = write_csv(tmp_path / "latin1.csv", rows)
    assert path.read_bytes().index(b"Jos\xe9") > 64 * 1024
    job = run_import(ParticipantImporter(), path)
    assert job.state == ImportState.DONE
    assert reasons(job) == {702: ("name", "column name is not valid UTF-8 text (an undecodable "
                                          "byte); save the file again as CSV UTF-8")}  # fmt: skip
    assert counters(job) == (800, 799, 0, 1)


def test_a_header_that_is_not_utf8_fails_the_file(employers, tmp_path) -> None:
    from lindung.core.loading import LoadError

    path = tmp_path / "utf16.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(good_row(0).values()) + "\n", "utf-16")
    with pytest.raises(LoadError, match="not UTF-8"):
        run_import(ParticipantImporter(), path)
    assert not Person.objects.exists()


def test_cells_longer_than_their_column_or_the_csv_field_limit(employers, tmp_path) -> None:
    rows = [
        good_row(0, nama="N" * 150),  # fits exactly
        good_row(1, nama="N" * 151),
        good_row(2, pekerjaan="P" * 101),
        good_row(3, no_hp="0" * 21),
        good_row(4, alasan_berakhir="A" * 61, tgl_kepesertaan="2023-02-01"),
        good_row(5, no_kpj="1" * 21),
        good_row(6, nama="X" * 131_073),  # past the csv module's field limit
        good_row(7, catatan="C" * 200_000),  # a huge cell the import does not use
        good_row(8, upah="9" * 5000),  # past Python's int digits limit
    ]
    job = run_import(ParticipantImporter(), write_csv(tmp_path / "long.csv", rows))
    assert job.state == ImportState.DONE
    assert reasons(job) == {
        3: ("name", "too long: 151 characters (at most 150)"),
        4: ("occupation", "too long: 101 characters (at most 100)"),
        5: ("phone", "too long: 21 characters (at most 20)"),
        6: ("end_reason", "too long: 61 characters (at most 60)"),
        7: ("kpj", "too long: 21 characters (at most 20)"),
        8: ("name", "too long: 131073 characters (at most 150)"),
        10: ("wage", "amount too large"),
    }
    assert counters(job) == (9, 2, 0, 7)
    assert Person.objects.filter(name="N" * 150).exists()  # never cut: stored whole or rejected


def test_a_nik_repeated_with_another_identity_is_rejected_naming_its_first_line(
    employers, tmp_path
) -> None:
    first = good_row(0, nama="Budi Contoh")

    def again(kpj: str, **cells: str) -> dict[str, str]:
        return first | {"no_kpj": kpj} | cells

    rows = [
        first,
        again("23200000001", nama="Budi Kontoh"),  # another name
        again("23200000002", jenis_kelamin="P"),  # another sex
        again("23200000003", tanggal_lahir="1980-01-02"),  # another birth date
        again("23200000004", pekerjaan="Buruh"),  # the same person: takes the first row's data
        again(first["no_kpj"], nama="Budi X"),  # another name, and a duplicate key
        again("23200000006", jenis_kelamin="", tanggal_lahir=""),  # from the NIK: the same
    ]
    job = run_import(ParticipantImporter(), write_csv(tmp_path / "repeat.csv", rows))
    assert reasons(job) == {
        3: ("name", "the same NIK is on line 2 with another name"),
        4: ("sex", "the same NIK is on line 2 with another sex"),
        5: ("birth_date", "the same NIK is on line 2 with another birth date"),
        7: ("name", "the same NIK is on line 2 with another name"),
    }
    assert counters(job) == (7, 3, 0, 4)
    person = Person.objects.get()
    assert (person.name, person.occupation) == ("Budi Contoh", "Petani")  # the first row's
    assert Membership.objects.filter(person=person).count() == 3
    for line, _, value, _ in rejections(job):  # personal data stays masked
        assert "Budi" not in value and first["nik"] not in value, line
    again = run_import(ParticipantImporter(), write_csv(tmp_path / "repeat.csv", rows))
    assert counters(again) == (7, 0, 3, 4)  # and a repeated import changes nothing


# Both paths on PostgreSQL --------------------------------------------------------------------

NASTY = ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f", "\ufffd", "\t"]


def nasty_file(path: Path, seed: int, *, bad_bytes: bool, huge: bool) -> Path:
    """A random messy participant file (test_import_bulk) with hostile cells sprinkled in:
    control characters, overlong values, persons repeated with another identity, and bytes
    that are not UTF-8 (``bad_bytes``) or a 2.5 MB cell (``huge``) — which send the bulk path
    from DuckDB's reader to the reference reader."""
    rnd = random.Random(seed)
    regions = data_rows(REGIONS)
    villages = [r["code"] for r in regions if r["level"] == "village"]
    regencies = [r["code"] for r in regions if r["level"] == "regency"]
    rows = [messy_row(rnd, i, villages, regencies) for i in range(200)]
    for row in rows:
        roll = rnd.random()
        column = rnd.choice(["nama", "pekerjaan", "no_hp", "alasan_berakhir", "no_kpj", "upah"])
        if roll < 0.12:
            text = row[column] or "x"
            at = rnd.randrange(len(text) + 1)
            row[column] = text[:at] + rnd.choice(NASTY) + text[at:]
        elif roll < 0.18:
            row[column] = rnd.choice(["N" * 151, "9" * 21, "x" * 101, "A" * 61, "9" * 25])
        elif roll < 0.20 and bad_bytes:
            row[column] = "caf\udce9"
    for _ in range(20):  # the same person again, sometimes stated otherwise
        row = dict(rnd.choice(rows))
        row["no_kpj"] = str(25_000_000_000 + rnd.randrange(10**6))
        change = rnd.choice(["nama", "jenis_kelamin", "tanggal_lahir", None])
        if change == "nama":
            row["nama"] += " Lain"
        elif change == "jenis_kelamin":
            row["jenis_kelamin"] = rnd.choice(["L", "P"])
        elif change == "tanggal_lahir":
            row["tanggal_lahir"] = "1990-01-01"
        rows.insert(rnd.randrange(len(rows)), row)
    if bad_bytes:
        rows[5]["nama"] = "Jos\udce9"
    if huge:
        rows[rnd.randrange(len(rows))]["pekerjaan"] = "H" * 2_500_000
    header = HEADERS[0]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=rnd.choice([",", ";"]), lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[h] for h in header])
    path.write_bytes(buffer.getvalue().encode("utf-8", "surrogateescape"))
    return path


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the set-based path runs on PostgreSQL only"
)
@pytest.mark.parametrize(
    ("seed", "bad_bytes", "huge", "chunk"),
    [(1, False, False, 20_000), (2, True, False, 37), (3, False, True, 20_000)],
)
def test_nasty_files_give_identical_results_on_both_paths(
    db, tmp_path, seed, bad_bytes, huge, chunk
) -> None:
    load_regions(REGIONS)
    run_import(EmployerImporter(), EMPLOYERS)
    path = nasty_file(tmp_path / f"nasty{seed}.csv", seed, bad_bytes=bad_bytes, huge=huge)
    reference, bulk = both(path, chunk_size=chunk)
    assert bulk[2] == reference[2]
    assert bulk[1] == reference[1]
    assert bulk[0] == reference[0]
    text = " ".join(reason for *_, reason in reference[1])
    assert "control character" in text and "too long" in text
    assert "the same NIK is on line" in text
    assert "not valid UTF-8" in text or not bad_bytes
    # Without bad bytes or huge lines, DuckDB read the file itself (NULs, C1 controls and all).
    duck = columnar.connect()
    assert (columnar._read_whole(duck, open_table(path)) is not None) == (
        not bad_bytes and not huge
    )
    duck.close()


@pytest.mark.parametrize(
    ("cell", "plain"),
    [("Siti Aisyah", True), ("José\tÜber ß", True), ("a\x00b", False), ("a\x1bb", False),
     ("a\x7fb", False), ("a\x85b", False), ("a\ufffdb", False), ("Ā\u0100", True)],
)  # fmt: skip
def test_the_bulk_path_skips_the_text_check_only_for_files_that_need_none(
    tmp_path, cell, plain
) -> None:
    """One look at the bytes lets the DuckDB validation leave out its per-row pattern."""
    path = tmp_path / "f.csv"
    path.write_bytes(f"nik,nama\r\n1871011504900001,{cell}\r\n".encode())
    table = open_table(path)
    duck = columnar.connect()
    info: dict = {}
    columnar.stage(duck, table, {"nik": 0, "name": 1}, info)
    duck.close()
    assert info["plain_text"] is plain
