from __future__ import annotations

import factory

from lindung.accounts.models import Organisation, OrganisationKind, User
from lindung.core.roles import Role

PASSWORD = "correct-horse-battery"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisasi {n}")
    kind = OrganisationKind.OTHER


class UserFactory(factory.django.DjangoModelFactory):
    """``UserFactory(role=Role.REGENCY_OFFICER, scope=["18.71"])``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.EMPLOYER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def scope(obj, create, extracted, **kwargs):
        obj.save()
        if extracted:
            obj.scope_regions.set(extracted)
