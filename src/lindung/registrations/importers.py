"""The BPJS branch's answer to a registration file (docs/domain.md §13.1), import kind
``registration_confirmations``: per row a request's reference and either the KPJ the branch
registered the person under (confirmed: the registry membership from the request's first month,
the person created when new) or the reason it refused (rejected). Each decision is audited
(``registrations.confirm`` / ``registrations.reject``) and tells whoever started the request
(``notices.tell_requester``).

Rows are refused, with their line and reason, when the reference is unknown or outside the
importer's area, when the request was not sent to the branch, when a row gives both a KPJ and a
reason or neither, or when the KPJ is another person's. A request already answered the same way
counts as unchanged, so importing the same file again changes nothing. The kind writes
memberships: coverage refreshes after it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.core.i18n import bilingual
from lindung.core.imports import cells
from lindung.core.imports.cells import CellError
from lindung.core.imports.kinds import register
from lindung.core.imports.pipeline import Column, Progress
from lindung.core.imports.prefetching import PrefetchingImporter
from lindung.core.imports.reader import Table
from lindung.core.loading import LoadError
from lindung.core.models import ImportJob
from lindung.core.permissions import acting, has_capability
from lindung.core.roles import Capability
from lindung.core.scope import NOBODY, ActorScope, actor_scope
from lindung.registrations import notices, services
from lindung.registrations.audit import RegistrationAudit
from lindung.registrations.filters import normalise_reference
from lindung.registrations.models import Registration, Status
from lindung.registry.models import Membership, Person

log = logging.getLogger("lindung.registrations")

KIND = "registration_confirmations"
KPJ_MAX = 20
REASON_MAX = 300  # models.Registration.branch_reason
REFERENCE_MAX = 14  # models.Registration.reference
# What the import needs to know of a request, loaded once per chunk.
FIELDS = ("pk", "reference", "status", "kpj", "branch_reason", "nik", "village_code")


class RegistrationConfirmationImporter(PrefetchingImporter):
    """The branch's answer file: ``referensi`` with ``no_kpj`` (confirmed) or ``alasan``
    (rejected). Runs as the user who uploaded it: only requests of their area are touched."""

    kind = KIND
    # The import as a whole (its counts and file hash); each row has its own confirm/reject row.
    audit_action = RegistrationAudit.IMPORT_CONFIRMATIONS
    writes_memberships = True
    analyze_tables = (Person._meta.db_table, Membership._meta.db_table)
    sensitive = frozenset({"kpj"})
    columns = (
        Column(
            "reference",
            ("referensi", "no_referensi", "nomor_referensi", "kode_referensi", "ref"),
        ),
        Column("kpj", ("no_kpj", "nomor_kpj", "kpj_number", "no_kartu"), required=False),
        Column(
            "reason",
            ("alasan", "alasan_penolakan", "alasan_ditolak", "keterangan", "rejection_reason"),
            required=False,
        ),
    )

    def setup(self) -> None:
        # Until ``run_bulk`` knows who imports, nothing is in scope (fail closed).
        self.actor: Any = None
        self.scope: ActorScope = NOBODY
        self.requests: dict[str, dict[str, Any]] = {}  # reference → the request's FIELDS
        self.kpj_owners: dict[str, set[str]] = {}  # KPJ → NIKs of registry persons holding it
        self.kpj_in_file: dict[str, str] = {}  # KPJ → NIK of its first confirmed row here

    def run_bulk(
        self, job: ImportJob, table: Table, mapping: dict[str, int], progress: Progress
    ) -> None:
        actor = acting(job.actor)  # None: the CLI, the trusted caller
        if not has_capability(actor, Capability.PROCESS_REGISTRATIONS):
            raise LoadError(
                bilingual(
                    "pengunggah tidak lagi berwenang memproses pendaftaran",
                    "the uploader may no longer process registrations",
                )
            )
        self.actor, self.scope = job.actor, actor_scope(actor)
        super().run_bulk(job, table, mapping, progress)

    def key(self, row: dict[str, Any]) -> str:
        return row["reference"]

    # Look-ups: one query per chunk for its requests, one for the KPJs it names.
    def prefetch(self, raws: list[dict[str, str]]) -> None:
        if len(self.requests) > 200_000:
            self.requests.clear()
        if len(self.kpj_owners) > 200_000:
            self.kpj_owners.clear()
        wanted = {normalise_reference(r.get("reference", "")) for r in raws} - set(self.requests)
        wanted = {w for w in wanted if w and len(w) <= REFERENCE_MAX}
        if wanted:
            rows = Registration.objects.filter(reference__in=wanted).values(*FIELDS)
            self.requests.update({r["reference"]: r for r in rows})
        kpjs = {r.get("kpj", "") for r in raws} - set(self.kpj_owners) - {""}
        if kpjs:
            found: dict[str, set[str]] = {k: set() for k in kpjs}
            owners = Membership.objects.filter(kpj__in=kpjs).values_list("kpj", "person__nik")
            for kpj, nik in owners:
                found[kpj].add(nik)
            self.kpj_owners.update(found)

    def _request(self, reference: str) -> dict[str, Any] | None:
        if reference not in self.requests:
            row = Registration.objects.filter(reference=reference).values(*FIELDS).first()
            if row is None:
                return None
            self.requests[reference] = row
        return self.requests[reference]

    def _kpj_owners(self, kpj: str) -> set[str]:
        if kpj not in self.kpj_owners:
            self.prefetch([{"kpj": kpj}])
        return self.kpj_owners[kpj]

    def parse(self, raw: dict[str, str]) -> dict[str, Any]:
        reference = normalise_reference(raw.get("reference", ""))
        if not reference:
            raise CellError(
                bilingual("nomor referensi wajib diisi", "the reference is required"), "reference"
            )
        request = self._request(reference) if len(reference) <= REFERENCE_MAX else None
        if request is None or not self.scope.covers_region(request["village_code"]):
            shown = cells.shown(reference)
            raise CellError(
                bilingual(
                    f"tidak ada pendaftaran dengan referensi {shown} di wilayah Anda",
                    f"no registration request with reference {shown} in your area",
                ),
                "reference",
            )
        kpj_text = raw.get("kpj", "")
        reason = " ".join(raw.get("reason", "").split())
        if kpj_text and reason:
            raise CellError(
                bilingual(
                    "isi nomor KPJ (diterima) atau alasan penolakan (ditolak), tidak keduanya",
                    "give a KPJ (confirmed) or a rejection reason (rejected), not both",
                ),
                "kpj",
            )
        if not kpj_text and not reason:
            raise CellError(
                bilingual(
                    "nomor KPJ (diterima) atau alasan penolakan (ditolak) wajib diisi",
                    "a KPJ (confirmed) or a rejection reason (rejected) is required",
                ),
                "kpj" if "kpj" in self.present else "reason",
            )
        row: dict[str, Any] = {"reference": reference, "pk": request["pk"], "kpj": "", "reason": ""}
        if kpj_text:
            row["kpj"] = self.cell(raw, "kpj", cells.digits, None, "KPJ")
            self.cell(raw, "kpj", cells.limited, KPJ_MAX)
            row["decision"] = Status.CONFIRMED
        else:
            row["reason"] = self.cell({"reason": reason}, "reason", cells.limited, REASON_MAX)
            row["decision"] = Status.REJECTED
        row["unchanged"] = self._already(request, row)
        if row["decision"] == Status.CONFIRMED and not row["unchanged"]:
            nik, kpj = request["nik"], row["kpj"]
            if self._kpj_owners(kpj) - {nik} or self.kpj_in_file.setdefault(kpj, nik) != nik:
                raise CellError(
                    bilingual(
                        "nomor KPJ sudah milik orang lain",
                        "the KPJ number belongs to another person",
                    ),
                    "kpj",
                )
        return row

    @staticmethod
    def _already(request: dict[str, Any], row: dict[str, Any]) -> bool:
        """True when the request has this very answer already (a re-import); raises for a
        request that cannot take an answer now."""
        status = request["status"]
        if status == Status.SENT:
            return False
        if status == row["decision"] and (
            request["kpj"] == row["kpj"]
            if status == Status.CONFIRMED
            else request["branch_reason"] == row["reason"]
        ):
            return True
        if status in (Status.CONFIRMED, Status.REJECTED):
            raise CellError(
                bilingual(
                    f"pendaftaran sudah dijawab sebelumnya ({status}); jawaban yang berbeda "
                    "tidak diterapkan",
                    f"the request was answered before ({status}); a different answer is not "
                    "applied",
                ),
                "kpj" if row["decision"] == Status.CONFIRMED else "reason",
            )
        raise CellError(
            bilingual(
                f"pendaftaran belum dikirim ke kantor cabang (status: {status})",
                f"the request was not sent to the branch (status: {status})",
            ),
            "reference",
        )

    def write(self, rows: list[tuple[int, dict[str, Any]]]) -> tuple[int, int]:
        """Confirm or reject each changed row in the chunk's transaction (its requests locked
        one by one); a request answered meanwhile by someone else is left as it is."""
        todo = [row for _line, row in rows if not row["unchanged"]]
        requests = Registration.objects.filter(
            Q(pk__in=[row["pk"] for row in todo]), status=Status.SENT
        ).select_related("requested_by")
        by_pk = {r.pk: r for r in requests}
        written = 0
        for row in todo:
            request = by_pk.get(row["pk"])
            if request is None:
                continue
            try:
                if row["decision"] == Status.CONFIRMED:
                    decided = services.confirm_unchecked(
                        actor=self.actor, request=request, kpj=row["kpj"]
                    )
                else:
                    decided = services.reject_unchecked(
                        actor=self.actor, request=request, reason=row["reason"]
                    )
            except services.RegistrationError:
                log.info("registration %s was answered meanwhile; row left", request.pk)
                continue
            decided.requested_by = request.requested_by
            notices.tell_requester(decided)
            # The request's new state, for a later row or chunk of the same file.
            self.requests[decided.reference].update(
                status=decided.status, kpj=decided.kpj, branch_reason=decided.branch_reason
            )
            written += 1
        return written, len(rows) - written


def register_kinds() -> None:
    """Make the kind known to the import page, the worker and the CLI (idempotent)."""
    register(
        RegistrationConfirmationImporter,
        _("Registration confirmations from the BPJS branch"),
        Capability.PROCESS_REGISTRATIONS,
    )
