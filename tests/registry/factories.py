"""Registry factories. Regions must exist first (the ``region_tree`` fixture); region columns
follow the village (employer, person) or work region (membership) as the services will set them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from lindung.registry.masking import mask_kpj, mask_name
from lindung.registry.models import Employer, Membership, Person, Segment
from tests.regions.factories import RegionFactory

OWN_VILLAGE = "18.71.01.1003"
FOREIGN_VILLAGE = "18.72.01.1001"


class _Located(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @factory.post_generation
    def codes(obj, create, extracted, **kwargs):
        region = obj.work_region if isinstance(obj, Membership) else _home(obj)
        if region is not None:
            obj.assign_region_codes(region.code)
        if create:
            obj.save()


def _home(obj: Any):
    return obj.village if isinstance(obj, Employer) else obj.domicile


class EmployerFactory(_Located):
    class Meta:
        model = Employer
        skip_postgeneration_save = True

    npp = factory.Sequence(lambda n: f"NPP{n:07d}")
    name = factory.Sequence(lambda n: f"PT Usaha Bersama {n}")
    kbli = "10790"
    size_class = "small"
    risk_class = 2
    village = factory.SubFactory(RegionFactory, code=OWN_VILLAGE)
    registered_on = dt.date(2020, 1, 1)


def nik_for(village_code: str, n: int, birth: dt.date = dt.date(1990, 1, 1)) -> str:
    """A structurally valid NIK: district digits, birth DDMMYY, 4-digit serial."""
    district = village_code.replace(".", "")[:6]
    return f"{district}{birth:%d%m%y}{n % 10000:04d}"


class PersonFactory(_Located):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    nik = factory.Sequence(lambda n: nik_for(OWN_VILLAGE, n + 1))
    name = factory.Sequence(lambda n: f"Warga Percobaan {n}")
    sex = "M"
    birth_date = dt.date(1990, 1, 1)
    domicile = factory.SubFactory(RegionFactory, code=OWN_VILLAGE)
    occupation = "Petani"
    phone = factory.Sequence(lambda n: f"0812{n:08d}")


class MembershipFactory(_Located):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    employer = factory.SubFactory(EmployerFactory)
    segment = Segment.PU
    kpj = factory.Sequence(lambda n: f"KPJ{n:08d}")
    wage = 3_250_000
    work_region = factory.SubFactory(RegionFactory, code=OWN_VILLAGE)
    start_date = dt.date(2020, 1, 1)


def registry_world(regions: dict[str, Any], users: dict[str, Any]) -> dict[str, Any]:
    """Registry records on both sides of the regency officer's border, for the access matrix.

    The foreign names are unique markers: none may appear on a page of someone who cannot see
    18.72. The own employer belongs to the employer user's organisation (owner scope).
    """
    own_employer = EmployerFactory(
        npp="AA0000001",
        name="PT Sinar Bahari",
        village=regions[OWN_VILLAGE],
        owner=users["employer"].organisation,
    )
    foreign_employer = EmployerFactory(
        npp="ZZ0000002", name="PT Metro Asing", village=regions[FOREIGN_VILLAGE]
    )
    own_person = PersonFactory(
        nik=nik_for(OWN_VILLAGE, 3), name="Siti Aminah", domicile=regions[OWN_VILLAGE]
    )
    foreign_person = PersonFactory(
        nik=nik_for(FOREIGN_VILLAGE, 7),
        name="Bambang Asingwijaya",
        domicile=regions[FOREIGN_VILLAGE],
    )
    own_membership = MembershipFactory(
        person=own_person,
        employer=own_employer,
        kpj="KPJ10000001",
        work_region=regions[OWN_VILLAGE],
    )
    foreign_membership = MembershipFactory(
        person=foreign_person,
        employer=foreign_employer,
        kpj="KPJ20000002",
        work_region=regions[FOREIGN_VILLAGE],
    )
    return {
        "own_employer": own_employer,
        "foreign_employer": foreign_employer,
        "own_person": own_person,
        "foreign_person": foreign_person,
        "own_membership": own_membership,
        "foreign_membership": foreign_membership,
        # Strings that identify the foreign records (masked forms included; a masked NIK shows
        # the province only, the same for both persons, so it identifies nobody).
        "foreign_markers": [
            foreign_employer.name,
            foreign_employer.npp,
            foreign_person.nik,
            foreign_person.name,
            mask_name(foreign_person.name),
            foreign_membership.kpj,
            mask_kpj(foreign_membership.kpj),
        ],
    }
