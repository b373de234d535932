"""Factories for test data. Regions other than the demo region use made-up codes in the
99.xx range so they never collide with a real Kemendagri code."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from labinov.accounts.models import RoleAssignment, User
from labinov.regions.models import Region, Unit

PASSWORD = "uji-kata-sandi-123"


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"99.{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Kabupaten Uji {n}")
    kind = Region.Kind.KABUPATEN
    province = "Provinsi Uji"


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    kind = Unit.Kind.OPD


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"orang{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@uji.invalid")
    first_name = factory.Sequence(lambda n: f"Orang {n}")
    password = factory.django.Password(PASSWORD)


class RoleFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = "coordinator"
    region = factory.SubFactory(RegionFactory)
    unit = None


def programme_with_plan(*, region, title: str, year: int, plan: dict | None = None, **fields):
    """A lab programme and its planned dates (stage key -> (start, end)), written directly
    as test data: the plan's rules are tested through the form and the API."""
    from labinov.lab.models import LabProgramme, StagePlan

    programme = LabProgramme.objects.create(region=region, title=title, year=year, **fields)
    StagePlan.objects.bulk_create(
        StagePlan(programme=programme, stage=key, start=start, end=end)
        for key, (start, end) in (plan or {}).items()
    )
    return programme


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = "lab.LabProgramme"

    region = factory.SubFactory(RegionFactory)
    title = factory.Sequence(lambda n: f"Laboratorium Inovasi Uji {n}")
    year = 2025


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = "lab.Enrolment"

    programme = factory.SubFactory(ProgrammeFactory)
    unit = factory.SubFactory(UnitFactory, region=factory.SelfAttribute("..programme.region"))


class InnovationFactory(DjangoModelFactory):
    """An innovation written directly as test data (the writers are tested through
    ``start_innovation``); at ``stage`` "design" unless told."""

    class Meta:
        model = "innovations.Innovation"

    enrolment = factory.SubFactory(EnrolmentFactory)
    name = factory.Sequence(lambda n: f"Inovasi Uji {n}")


class GateDecisionFactory(DjangoModelFactory):
    class Meta:
        model = "lab.GateDecision"

    from_stage = "design"
    to_stage = "deliver"
    decision = "approved"
    reason = "Lengkap."
    decided_at = factory.LazyFunction(timezone.now)


class ServiceMeasureFactory(DjangoModelFactory):
    class Meta:
        model = "innovations.ServiceMeasure"

    measure = "days"
    baseline = 10
    target = 5
    actual = 4
