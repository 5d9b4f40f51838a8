from __future__ import annotations

import datetime as dt

import factory

from lindung.core import regioncodes
from lindung.regions.models import PopulationKind, Region, RegionBoundary, WorkerPopulation
from lindung.regions.services import region_kind


class RegionFactory(factory.django.DjangoModelFactory):
    """``RegionFactory(code="18.71.01")``: level, kind, parent and level columns follow the code.
    Parents must exist (create them top-down)."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "18"
    name = factory.LazyAttribute(lambda o: f"Wilayah {o.code}")
    level = factory.LazyAttribute(lambda o: regioncodes.level_of(o.code))
    kind = factory.LazyAttribute(lambda o: region_kind(o.code, o.level))
    parent_id = factory.LazyAttribute(lambda o: regioncodes.parent_of(o.code))
    province_code = factory.LazyAttribute(
        lambda o: regioncodes.level_codes(o.code)["province_code"]
    )
    regency_code = factory.LazyAttribute(lambda o: regioncodes.level_codes(o.code)["regency_code"])
    district_code = factory.LazyAttribute(
        lambda o: regioncodes.level_codes(o.code)["district_code"]
    )
    village_code = factory.LazyAttribute(lambda o: regioncodes.level_codes(o.code)["village_code"])


def square(lng: float, lat: float, size: float = 0.05) -> str:
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    return '{"type":"Polygon","coordinates":[' + str(ring).replace(" ", "") + "]}"


class RegionBoundaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionBoundary

    region = factory.SubFactory(RegionFactory)
    geometry = factory.LazyFunction(lambda: square(105.2, -5.4))
    centroid_lat = -5.375
    centroid_lng = 105.225
    area_km2 = 25.0
    source = "test"


class PopulationKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PopulationKind
        django_get_or_create = ("code",)

    code = "bps_employed_persons"
    name_id = "Penduduk bekerja"
    name_en = "Employed persons"


class WorkerPopulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerPopulation
        skip_postgeneration_save = True

    region = factory.SubFactory(RegionFactory)
    kind = factory.SubFactory(PopulationKindFactory)
    reference_date = dt.date(2023, 8, 31)
    value = 1000
    source = "test"

    @factory.post_generation
    def codes(obj, create, extracted, **kwargs):
        obj.assign_region_codes(obj.region_id)
        if create:
            obj.save()
