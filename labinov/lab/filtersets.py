"""The filters of the programmes list, declared once for its page and its API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from labinov.core.filters import IntegerFilter, ListFilterSet
from labinov.lab.models import LabProgramme


class ProgrammeFilterSet(ListFilterSet):
    region = django_filters.CharFilter(
        field_name="region__code", label=_("Region code"), max_length=20
    )
    year = IntegerFilter(label=_("Year"), min_value=2000, max_value=2100)

    page_names = {"region": "wilayah", "year": "tahun"}
    api_help = {"region": "the region's code, e.g. 33.03", "year": "the programme's year"}

    class Meta:
        model = LabProgramme
        fields = []
