"""The registration funnel equals a plain recount of requests and memberships, on random sets of
requests (hypothesis), and confirmed ≤ sent ≤ submitted for every channel; the CLI prints it."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.core.months import add_months
from lindung.core.scope import SYSTEM
from lindung.registrations.funnel import funnel
from lindung.registrations.models import Channel, Payer, Registration, Status
from lindung.registry.models import Membership, Person, Segment
from tests.registry.factories import FOREIGN_VILLAGE, OWN_VILLAGE, nik_for

AS_OF = dt.date(2025, 12, 15)
MONTHS = [dt.date(2025, m, 1) for m in range(1, 13)]

request = st.fixed_dictionaries(
    {
        "channel": st.sampled_from(Channel.values),
        "status": st.sampled_from(Status.values),
        "village": st.sampled_from([OWN_VILLAGE, FOREIGN_VILLAGE]),
        "submitted": st.sampled_from(MONTHS),
        "first_month": st.sampled_from(MONTHS),
        # months the membership lasted (None: still active)
        "lasted": st.one_of(st.none(), st.integers(min_value=1, max_value=9)),
    }
)


def make(region_tree, n: int, spec: dict) -> Registration:
    village = region_tree[spec["village"]]
    sent = spec["status"] in (Status.SENT, Status.CONFIRMED, Status.REJECTED) or (
        spec["status"] == Status.WITHDRAWN and n % 2 == 0  # withdrawn after it was sent
    )
    row = Registration(
        reference=f"LDG-T{n:03d}-0000",
        channel=spec["channel"],
        status=spec["status"],
        segment=Segment.BPU,
        nik=nik_for(spec["village"], n),
        name=f"Orang {n}",
        birth_date=dt.date(1990, 1, 1),
        sex="M",
        village=village,
        wage=1_000_000,
        programmes="JKK JKM",
        first_month=spec["first_month"],
        payer=Payer.SELF,
        monthly_contribution=16_800,
        sent_at=timezone.now() if sent else None,
    )
    row.assign_region_codes(village.code)
    if spec["status"] == Status.CONFIRMED:
        person = Person(nik=row.nik, name=row.name, sex="M", birth_date=row.birth_date)
        person.assign_region_codes(village.code)
        person.save()
        end = None if spec["lasted"] is None else add_months(spec["first_month"], spec["lasted"])
        membership = Membership(
            person=person, segment=Segment.BPU, kpj=f"K{n:07d}", wage=1_000_000,
            work_region=village, start_date=spec["first_month"], end_date=end,
        )  # fmt: skip
        membership.assign_region_codes(village.code)
        membership.save()
        row.membership, row.kpj = membership, membership.kpj
    if spec["status"] in (Status.SUBMITTED, Status.CHECKED, Status.SENT):
        row.nik = nik_for(spec["village"], 5000 + n)  # open requests: one per NIK
    row.save()
    moment = timezone.make_aware(dt.datetime.combine(spec["submitted"], dt.time(10)))
    Registration.objects.filter(pk=row.pk).update(submitted_at=moment)
    return row


def recount(rows: list[dict], *, region: str, month: dt.date | None) -> dict:
    """The funnel counted the plain way, from the specs."""
    out = {c: dict.fromkeys(("submitted", "sent", "confirmed", "rejected", "active_3m",
                             "active_6m", "added"), 0) for c in Channel.values}  # fmt: skip
    for spec in rows:
        if region and not spec["village"].startswith(region):
            continue
        if month is not None and spec["submitted"] != month:
            continue
        counts = out[spec["channel"]]
        counts["submitted"] += 1
        counts["sent"] += spec["_sent"]
        counts["confirmed"] += spec["status"] == Status.CONFIRMED
        counts["rejected"] += spec["status"] == Status.REJECTED
        if spec["status"] == Status.CONFIRMED:
            for n in (3, 6):
                if add_months(spec["first_month"], n) <= AS_OF and (
                    spec["lasted"] is None or spec["lasted"] >= n
                ):
                    counts[f"active_{n}m"] += 1
            counts["added"] += month is not None and spec["first_month"] == month
    return out


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    specs=st.lists(request, max_size=12),
    region=st.sampled_from(["", "18", "18.71", OWN_VILLAGE]),
    month=st.one_of(st.none(), st.sampled_from(MONTHS)),
)
def test_funnel_equals_a_plain_recount(region_tree, specs, region, month):
    Registration.objects.all().delete()
    Membership.objects.all().delete()
    Person.objects.all().delete()
    for n, spec in enumerate(specs, start=1):
        spec["_sent"] = make(region_tree, n, spec).sent_at is not None
    data = funnel(SYSTEM, region=region, month=month, as_of=AS_OF)
    expected = recount(specs, region=region, month=month)
    got = {row["channel"]: {k: v for k, v in row.items() if k not in ("channel", "label")}
           for row in data["channels"]}  # fmt: skip
    assert got == expected
    for row in [*data["channels"], data["total"]]:
        assert row["rejected"] + row["confirmed"] <= row["sent"] <= row["submitted"]
        assert row["active_6m"] <= row["confirmed"] and row["active_3m"] <= row["confirmed"]
    assert data["total"]["submitted"] == sum(r["submitted"] for r in data["channels"])


def test_the_cli_prints_the_funnel_as_json(region_tree):
    spec = {
        "channel": Channel.SELF,
        "status": Status.CONFIRMED,
        "village": OWN_VILLAGE,
        "submitted": dt.date(2025, 3, 1),
        "first_month": dt.date(2025, 4, 1),
        "lasted": None,
    }
    make(region_tree, 1, spec)
    out = io.StringIO()
    call_command("registrations", "funnel", "--region", "18.71", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    self_row = next(r for r in data["channels"] if r["channel"] == "self")
    keys = {"channel", "submitted", "sent", "confirmed", "rejected", "active_3m", "active_6m"}
    assert keys <= set(self_row) and keys <= set(data["total"])
    assert (self_row["submitted"], self_row["confirmed"], data["total"]["confirmed"]) == (1, 1, 1)
    table = io.StringIO()
    call_command("registrations", "funnel", "--month", "2025-03", stdout=table)
    assert "self" in table.getvalue()
    with pytest.raises(Exception, match="invalid month"):
        call_command("registrations", "funnel", "--month", "2025-13", stdout=io.StringIO())


def test_the_page_and_the_api_give_the_same_funnel_in_scope(client, region_tree, make_user):
    for n, village in enumerate((OWN_VILLAGE, FOREIGN_VILLAGE), start=1):
        spec = {
            "channel": Channel.VILLAGE,
            "status": Status.SENT,
            "village": village,
            "submitted": dt.date(2025, 3, 1),
            "first_month": dt.date(2025, 4, 1),
            "lasted": None,
        }
        make(region_tree, n, spec)
    officer = make_user("regency_officer")  # 18.71: sees one of the two
    client.force_login(officer)
    page = client.get(reverse("registrations:funnel"), {"bulan": "2025-03"})
    assert page.status_code == 200
    api = client.get(reverse("api:registration-funnel"), {"month": "2025-03"}).json()
    assert page.context["data"]["total"]["submitted"] == api["total"]["submitted"] == 1
    assert 'data-channel="village"' in page.content.decode()
    assert client.get(reverse("registrations:funnel"), {"wilayah": "18.72"}).status_code == 404
    foreign = client.get(reverse("api:registration-funnel"), {"region": "18.72"})
    assert foreign.status_code == 400 and "outside your area" in foreign.content.decode()
    bad = client.get(reverse("registrations:funnel"), {"bulan": "2025-13"})
    assert bad.status_code == 400 and "YYYY-MM" in bad.content.decode()
    assert client.get(reverse("api:registration-funnel"), {"month": "x"}).status_code == 400
    for year_zero in ("0000-01", "0001-12"):  # no 500 for a month no date can hold
        assert (
            client.get(reverse("api:registration-funnel"), {"month": year_zero}).status_code == 400
        )
        assert client.get(reverse("registrations:funnel"), {"bulan": year_zero}).status_code == 400
    empty = client.get(reverse("registrations:funnel"), {"bulan": "2024-01"})
    assert 'id="funnel-empty"' in empty.content.decode()
    client.force_login(make_user("sponsor"))
    assert client.get(reverse("registrations:funnel")).status_code == 403
    assert client.get(reverse("api:registration-funnel")).status_code == 403
