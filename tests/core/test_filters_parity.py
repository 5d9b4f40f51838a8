"""The audit log's page and API read one FilterSet: the same parameters give the same rows."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from lindung.core.audit import record_audit
from lindung.core.roles import Role
from lindung.coverage.audit import CoverageAudit
from lindung.registry.audit import RegistryAudit

PARAMS = [{}, {"action": "registry."}, {"action": "coverage.refresh"}, {"object_id": "7"}]


@pytest.fixture
def entries(db, region_tree):
    actions = [RegistryAudit.PERSON_REVEAL, RegistryAudit.PERSONS_EXPORT, CoverageAudit.REFRESH]
    for n in range(12):
        code = "18.71" if n % 2 else "18.72"
        record_audit(actor=None, action=actions[n % 3], object_id=str(n % 8), region_code=code)


@pytest.mark.parametrize("params", PARAMS, ids=lambda p: ",".join(p) or "none")
def test_audit_log_page_and_api_return_the_same_rows(client, make_user, entries, params):
    auditor = make_user(Role.AUDITOR, scope=["18.71"])
    client.force_login(auditor)
    page = client.get(reverse("core:audit"), params)
    assert page.status_code == 200
    page_ids = {entry.pk for entry in page.context["page"].rows}
    api = APIClient()
    api.force_authenticate(auditor)
    answer = api.get(reverse("api:audit-log-list"), params)
    assert answer.status_code == 200
    api_ids = {row["id"] for row in answer.json()["results"]}
    assert page_ids == api_ids
    assert page_ids, "the fixture has rows for every parameter set"


def test_a_bad_action_is_a_message_on_the_page_and_400_in_the_api(client, make_user, entries):
    admin = make_user(Role.ADMIN)
    client.force_login(admin)
    page = client.get(reverse("core:audit"), {"action": "'; DROP"})
    assert page.status_code == 400 and "huruf kecil" in page.content.decode()
    api = APIClient()
    api.force_authenticate(admin)
    assert api.get(reverse("api:audit-log-list"), {"action": "'; DROP"}).status_code == 400


@pytest.mark.parametrize("params", [{}, {"state": "done"}, {"kind": "participants"}])
def test_import_jobs_page_and_api_return_the_same_rows(client, make_user, db, params):
    from lindung.core.models import ImportJob, ImportState

    branch = make_user(Role.BPJS_BRANCH)
    other = make_user(Role.BPJS_BRANCH)
    for n, (kind, state) in enumerate(
        [("participants", ImportState.DONE), ("employers", ImportState.FAILED),
         ("participants", ImportState.RUNNING), ("participants", ImportState.DONE)]
    ):  # fmt: skip
        ImportJob.objects.create(
            kind=kind, state=state, file_name=f"f{n}.csv", file_sha256=f"{n:064d}", actor=branch
        )
    ImportJob.objects.create(
        kind="participants", file_name="x.csv", file_sha256="9" * 64, actor=other
    )
    client.force_login(branch)
    page = client.get(reverse("imports:index"), params)
    assert page.status_code == 200
    page_ids = {job.pk for job in page.context["jobs"].rows}
    api = APIClient()
    api.force_authenticate(branch)
    answer = api.get(reverse("api:import-job-list"), params)
    assert answer.status_code == 200
    assert page_ids == {row["id"] for row in answer.json()["results"]} != set()
    assert api.get(reverse("api:import-job-list"), {"state": "lost"}).status_code == 400
