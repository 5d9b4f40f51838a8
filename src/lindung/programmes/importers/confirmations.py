"""The BPJS branch's answer to an enrolment file (docs/domain.md §5.4 step 2), kind
``enrolment_confirmations``: an accepted row becomes a registry membership (segment BPU, funding
"programme") for the funded period; a rejected row keeps the branch's reason. Written a chunk at
a time with bulk statements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from lindung.core import regioncodes
from lindung.core.i18n import bilingual
from lindung.core.imports import cells
from lindung.core.imports.cells import CellError
from lindung.core.imports.pipeline import Column
from lindung.core.imports.prefetching import PrefetchingImporter
from lindung.core.nik import mask_nik
from lindung.programmes.audit import ProgrammesAudit
from lindung.programmes.models import Enrolment, EnrolmentStatus, Programme, ProgrammeStatus
from lindung.programmes.services.enrolment import CHUNK_SIZE, funded_end
from lindung.programmes.services.plans import move_unchecked
from lindung.registry.models import Funding, Membership, Person, Segment

END_REASON = "subsidi berakhir"

STATUSES = {
    "diterima": EnrolmentStatus.ACCEPTED,
    "terima": EnrolmentStatus.ACCEPTED,
    "terdaftar": EnrolmentStatus.ACCEPTED,
    "accepted": EnrolmentStatus.ACCEPTED,
    "ditolak": EnrolmentStatus.REJECTED,
    "tolak": EnrolmentStatus.REJECTED,
    "rejected": EnrolmentStatus.REJECTED,
}


@dataclass(frozen=True)
class _Plan:
    """What a confirmation needs to know of its programme, loaded once per import."""

    pk: int
    start: dt.date
    end: dt.date
    jkk: bool
    jkm: bool
    jht: bool
    income: int


class ConfirmationImporter(PrefetchingImporter):
    """The branch's answer to an enrolment file: one row per (programme, NIK) of its approved
    list. Re-importing the same answer changes nothing; a changed answer updates the enrolment
    and its membership."""

    kind = "enrolment_confirmations"
    audit_action = ProgrammesAudit.IMPORT_ENROLMENT_CONFIRMATIONS
    writes_memberships = True
    analyze_tables = (Person._meta.db_table, Membership._meta.db_table)
    sensitive = frozenset({"nik", "kpj"})
    columns = (
        Column("programme", ("kode_program", "id_program", "programme_id", "programme_code")),
        Column("nik", ("no_nik", "no_ktp", "nomor_induk_kependudukan")),
        Column("kpj", ("no_kpj", "nomor_kpj", "kpj_number", "no_kartu"), required=False),
        Column("status", ("status_kepesertaan", "hasil", "result")),
        Column("reason", ("alasan", "alasan_penolakan", "keterangan"), required=False),
        Column(
            "start_date",
            ("tanggal_kepesertaan", "tgl_kepesertaan", "tanggal_mulai", "tmt"),
            required=False,
        ),
    )

    def setup(self) -> None:
        self.plans: dict[int, _Plan | None] = {}
        self.enrolled: dict[int, set[str]] = {}  # programme → NIKs on its approved list
        self.kpj_owners: dict[str, set[str]] = {}  # KPJ → NIKs of registry persons holding it
        self.kpj_in_file: dict[str, str] = {}  # KPJ → NIK of its first accepted row here

    def key(self, row: dict[str, Any]) -> str:
        return f"{row['programme_id']}|{row['nik']}"

    def report_key(self, key: str) -> str:
        programme, _sep, nik = key.partition("|")
        return f"{programme}|{mask_nik(nik)}"  # personal data (UU PDP)

    # Look-ups: one query per programme for its list, one per chunk for KPJs.
    def _plan(self, pk: int) -> _Plan | None:
        if pk not in self.plans:
            p = Programme.objects.filter(pk=pk).first()
            self.plans[pk] = p and _Plan(
                p.pk, p.start_month, funded_end(p), p.jkk, p.jkm, p.jht, p.declared_income
            )
            self.enrolled[pk] = (
                set(Enrolment.objects.filter(programme_id=pk).values_list("nik", flat=True))
                if p
                else set()
            )
        return self.plans[pk]

    def prefetch(self, raws: list[dict[str, str]]) -> None:
        wanted = {r.get("kpj", "") for r in raws} - set(self.kpj_owners) - {""}
        if not wanted:
            return
        if len(self.kpj_owners) > 200_000:
            self.kpj_owners.clear()
        found: dict[str, set[str]] = {k: set() for k in wanted}
        rows = Membership.objects.filter(kpj__in=wanted).values_list("kpj", "person__nik")
        for kpj, nik in rows:
            found[kpj].add(nik)
        self.kpj_owners.update(found)

    def _kpj_owners(self, kpj: str) -> set[str]:
        if kpj not in self.kpj_owners:
            self.prefetch([{"kpj": kpj}])
        return self.kpj_owners[kpj]

    def parse(self, raw: dict[str, str]) -> dict[str, Any]:
        c = self.cell
        text = raw.get("programme", "")
        plan = self._plan(int(text)) if text.isascii() and text.isdigit() else None
        if plan is None:
            raise CellError(
                bilingual(f"program tidak dikenal: {text}", f"unknown programme: {text}"),
                "programme",
            )
        nik = c(raw, "nik", cells.digits, 16, "NIK")
        if nik not in self.enrolled[plan.pk]:
            raise CellError(
                bilingual(
                    f"NIK tidak ada dalam daftar penerima yang disetujui program {plan.pk}",
                    f"NIK is not on the approved list of programme {plan.pk}",
                ),
                "nik",
            )
        status = c(raw, "status", cells.choice, STATUSES, "status")
        row = {"programme_id": plan.pk, "nik": nik, "status": status, "kpj": "", "reason": ""}
        if status == EnrolmentStatus.REJECTED:
            row["reason"] = raw.get("reason", "")[:200]
            if not row["reason"]:
                raise CellError(
                    bilingual(
                        "alasan wajib diisi untuk baris yang ditolak",
                        "a reason is required for a rejected row",
                    ),
                    "reason",
                )
            row["start_date"] = None
            return row
        if not raw.get("kpj"):
            raise CellError(
                bilingual(
                    "nomor KPJ wajib diisi untuk baris yang diterima",
                    "the KPJ number is required for an accepted row",
                ),
                "kpj",
            )
        kpj = row["kpj"] = c(raw, "kpj", cells.digits, None, "KPJ")
        if self._kpj_owners(kpj) - {nik} or self.kpj_in_file.setdefault(kpj, nik) != nik:
            raise CellError(
                bilingual(
                    "nomor KPJ sudah milik orang lain", "the KPJ number belongs to another person"
                ),
                "kpj",
            )
        start = c(raw, "start_date", cells.date) if raw.get("start_date") else plan.start
        if not plan.start <= start < plan.end:
            raise CellError(
                bilingual(
                    f"tanggal kepesertaan harus dalam masa subsidi "
                    f"({plan.start:%Y-%m-%d} s.d. sebelum {plan.end:%Y-%m-%d})",
                    f"the start date must lie in the funded period "
                    f"({plan.start:%Y-%m-%d} to before {plan.end:%Y-%m-%d})",
                ),
                "start_date",
            )
        row["start_date"] = start
        return row

    def write(self, rows: list[tuple[int, dict[str, Any]]]) -> tuple[int, int]:
        wanted = {(r["programme_id"], r["nik"]): r for _line, r in rows}
        # Compare on plain values first; only rows that change become model instances.
        state = Enrolment.objects.filter(
            programme_id__in={p for p, _n in wanted}, nik__in={n for _p, n in wanted}
        ).values_list("programme_id", "nik", "pk", *STATE_FIELDS)
        changed = {
            pk: wanted[(programme, nik)]
            for programme, nik, pk, *values in state
            if (programme, nik) in wanted
            and not _unchanged(
                dict(zip(STATE_FIELDS, values, strict=True)), wanted[(programme, nik)]
            )
        }
        enrolments = Enrolment.objects.filter(pk__in=changed).select_related("candidate")
        accepted, rejected = [], []
        for enrolment in enrolments:
            row = changed[enrolment.pk]
            (accepted if row["status"] == EnrolmentStatus.ACCEPTED else rejected).append(
                (enrolment, row)
            )
        now = timezone.now()
        dropped = self._reject(rejected, now) + self._accept(accepted, now)
        _update_enrolments([e for e, _r in accepted + rejected])
        # Memberships of a programme the branch now says it never registered.
        Membership.objects.filter(pk__in=dropped, funding=Funding.PROGRAMME).delete()
        self._advance_programmes({p for p, _n in wanted})
        written = len(accepted) + len(rejected)
        return written, len(rows) - written

    @staticmethod
    def _reject(items: list[tuple[Enrolment, dict[str, Any]]], now: dt.datetime) -> list[int]:
        dropped = []
        for enrolment, row in items:
            if enrolment.membership_id:
                dropped.append(enrolment.membership_id)
            enrolment.status, enrolment.reason = EnrolmentStatus.REJECTED, row["reason"]
            enrolment.kpj, enrolment.start_date = "", None
            enrolment.membership, enrolment.confirmed_at = None, now
        return dropped

    def _accept(self, items: list[tuple[Enrolment, dict[str, Any]]], now: dt.datetime) -> list[int]:
        """Person and membership for each newly accepted (or changed) row; returns the ids of
        programme memberships an enrolment no longer uses."""
        if not items:
            return []
        persons = self._persons([e for e, _r in items])
        # A membership the participant extract already brought (same KPJ and start) is linked,
        # not created twice.
        existing = {
            (kpj, start): (pk, person)
            for kpj, start, pk, person in Membership.objects.filter(
                kpj__in={r["kpj"] for _e, r in items}
            ).values_list("kpj", "start_date", "pk", "person_id")
        }
        linked = Membership.objects.in_bulk([e.membership_id for e, _r in items if e.membership_id])
        new: list[tuple[Enrolment, Membership]] = []
        changed, dropped = [], []
        for enrolment, row in items:
            values = _membership_values(self.plans[enrolment.programme_id], enrolment, row)
            found = existing.get((row["kpj"], row["start_date"]))
            if found and found[1] == persons[enrolment.nik]:
                if enrolment.membership_id not in (None, found[0]):
                    dropped.append(enrolment.membership_id)
                enrolment.membership_id = found[0]
            elif enrolment.membership_id:
                membership = linked[enrolment.membership_id]
                for field, value in values.items():
                    setattr(membership, field, value)
                membership.updated_at = now  # bulk_update does not apply auto_now
                changed.append(membership)
            else:
                new.append((enrolment, Membership(person_id=persons[enrolment.nik], **values)))
            enrolment.status, enrolment.reason = EnrolmentStatus.ACCEPTED, ""
            enrolment.kpj, enrolment.start_date = row["kpj"], row["start_date"]
            enrolment.confirmed_at = now
        Membership.objects.bulk_update(
            changed, ["kpj", "start_date", "end_date", "updated_at"], batch_size=CHUNK_SIZE
        )
        Membership.objects.bulk_create([m for _e, m in new], batch_size=CHUNK_SIZE)
        # Primary keys read back by the natural key: not every backend returns them from a
        # bulk insert.
        ids = {
            (kpj, start): pk
            for kpj, start, pk in Membership.objects.filter(
                kpj__in={m.kpj for _e, m in new}
            ).values_list("kpj", "start_date", "pk")
        }
        for enrolment, membership in new:
            enrolment.membership_id = ids[(membership.kpj, membership.start_date)]
        return dropped

    @staticmethod
    def _persons(enrolments: list[Enrolment]) -> dict[str, int]:
        """Registry person ids by NIK, creating from the candidate's data the persons the
        registry does not know yet (an existing person's data is left as the registry has it)."""
        niks = {e.nik for e in enrolments}
        known = dict(Person.objects.filter(nik__in=niks).values_list("nik", "pk"))
        new = {}
        for e in enrolments:
            if e.nik in known or e.nik in new:
                continue
            candidate = e.candidate
            person = Person(
                nik=e.nik,
                name=candidate.name,
                sex=candidate.sex,
                birth_date=candidate.birth_date,
                domicile_id=candidate.village_id,
                occupation=candidate.occupation,
                nik_warnings=candidate.nik_warnings,
            )
            person.assign_region_codes(candidate.village_id)
            new[e.nik] = person
        if new:
            Person.objects.bulk_create(new.values(), batch_size=CHUNK_SIZE)
            known.update(Person.objects.filter(nik__in=new).values_list("nik", "pk"))
        return known

    @staticmethod
    def _advance_programmes(programme_ids: set[int]) -> None:
        """The first confirmations move a programme from selecting to enrolled."""
        selecting = Programme.objects.filter(pk__in=programme_ids, status=ProgrammeStatus.SELECTING)
        for programme in selecting:
            move_unchecked(
                actor=None, programme=programme, to=ProgrammeStatus.ENROLLED,
                reason="konfirmasi kepesertaan dari BPJS / enrolment confirmations imported",
            )  # fmt: skip


def _update_enrolments(enrolments: list[Enrolment]) -> None:
    """One parameterised UPDATE per row through ``executemany``: Django's ``bulk_update`` builds
    a CASE per row and column and is two orders of magnitude slower for a 20,000-row chunk."""
    if not enrolments:
        return
    ops, meta = connection.ops, Enrolment._meta
    fields = ("status", "kpj", "start_date", "reason", "membership", "confirmed_at")
    columns = ", ".join(f"{ops.quote_name(meta.get_field(f).column)} = %s" for f in fields)
    sql = f"UPDATE {ops.quote_name(meta.db_table)} SET {columns} WHERE id = %s"  # noqa: S608 - model names
    params = [
        (
            e.status, e.kpj, ops.adapt_datefield_value(e.start_date), e.reason, e.membership_id,
            ops.adapt_datetimefield_value(e.confirmed_at), e.pk,
        )
        for e in enrolments
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


STATE_FIELDS = ("status", "kpj", "start_date", "reason", "membership_id")


def _unchanged(current: dict[str, Any], row: dict[str, Any]) -> bool:
    if current["status"] != row["status"]:
        return False
    if row["status"] == EnrolmentStatus.REJECTED:
        return current["reason"] == row["reason"]
    return (
        current["membership_id"] is not None
        and current["kpj"] == row["kpj"]
        and current["start_date"] == row["start_date"]
    )


def _membership_values(plan: _Plan, enrolment: Enrolment, row: dict[str, Any]) -> dict[str, Any]:
    village = enrolment.candidate.village_id
    return {
        "employer": None,
        "segment": Segment.BPU,
        "kpj": row["kpj"],
        "jkk": plan.jkk,
        "jkm": plan.jkm,
        "jht": plan.jht,
        "jp": False,
        "jkp": False,
        "wage": plan.income,
        "work_region_id": village,
        "start_date": row["start_date"],
        "end_date": plan.end,
        "end_reason": END_REASON,
        "funding": Funding.PROGRAMME,
        **regioncodes.level_codes(village),
    }
