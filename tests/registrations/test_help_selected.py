"""A self-registrant who asked for help is a candidate of their village: a programme's selection
run over that area picks them (issue 20, done-when (c), at the service level)."""

from __future__ import annotations

import pytest

from lindung.core.scope import SYSTEM
from lindung.programmes.models import Decision, ProgrammeStatus
from lindung.programmes.services.plans import move
from lindung.programmes.services.selection import run_selection
from lindung.registrations import services
from lindung.registrations.models import Channel, Payer
from tests.programmes.factories import make_programme
from tests.registrations.factories import bpu_draft
from tests.registry.factories import OWN_VILLAGE

pytestmark = pytest.mark.engine


def test_a_self_registrant_who_asked_for_help_is_selected(region_tree):
    request = services.submit(
        actor=None,
        channel=Channel.SELF,
        draft=bpu_draft(region_tree[OWN_VILLAGE], 31, occupation="Petani"),
        payer=Payer.HELP,
        consent=services.ConsentGiven(text_version="2026-12"),
    )
    programme = make_programme(
        region_tree["18"],
        area=region_tree["18.71"],
        min_age=18,
        max_age=60,
        occupations="Petani",
        target_count=5,
    )
    programme = move(actor=SYSTEM, programme=programme, to=ProgrammeStatus.APPROVED)
    run = run_selection(actor=SYSTEM, programme=programme)
    chosen = Decision.objects.filter(run=run, selected=True).select_related("candidate")
    assert [d.candidate.nik for d in chosen] == [request.nik]
    assert chosen[0].candidate.source == "self-registration"
