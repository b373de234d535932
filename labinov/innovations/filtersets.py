"""The filters of the innovations list, declared once for its page and its API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from labinov.core.api_support import MAX_ID
from labinov.core.filters import IntegerFilter, ListFilterSet
from labinov.innovations.dashboard import FIGURES, apply_figure
from labinov.innovations.models import Innovation
from labinov.lab.stages import Subject, stages_of


class InnovationFilterSet(ListFilterSet):
    region = django_filters.CharFilter(
        field_name="enrolment__programme__region__code", label=_("Region code"), max_length=20
    )
    unit = IntegerFilter(
        field_name="enrolment__unit_id", label=_("Unit"), min_value=1, max_value=MAX_ID
    )
    programme = IntegerFilter(
        field_name="enrolment__programme_id", label=_("Programme"), min_value=1, max_value=MAX_ID
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"),
        choices=[(s.key, s.label) for s in stages_of(Subject.INNOVATION)],
    )
    figure = django_filters.ChoiceFilter(
        label=_("Figure"), choices=list(FIGURES.items()), method="filter_figure"
    )

    page_names = {"region": "wilayah", "programme": "program", "stage": "tahap", "figure": "angka"}
    api_help = {
        "region": "the region's code, e.g. 33.03",
        "unit": "a unit's id",
        "programme": "a lab programme's id",
        "stage": "the innovation's current stage",
        "figure": "one figure of the portfolio dashboard: the innovations it counts",
    }

    class Meta:
        model = Innovation
        fields = []

    def filter_figure(self, queryset, name, value):
        return apply_figure(queryset, value)[0]

    @property
    def figure_label(self) -> str:
        key = self.form.cleaned_data.get("figure") if self.is_valid() else None
        return FIGURES.get(key, "") if key else ""
