"""The filters of the public gallery, declared once for its page (and any list that
shows published innovations the same way)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from labinov.core.api_support import MAX_ID
from labinov.core.filters import IntegerFilter, ListFilterSet
from labinov.innovations.models import Innovation


class GalleryFilterSet(ListFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=200)
    sector = django_filters.CharFilter(
        field_name="affairs", lookup_expr="iexact", label=_("Sector"), max_length=200
    )
    unit = IntegerFilter(
        field_name="enrolment__unit_id", label=_("Unit"), min_value=1, max_value=MAX_ID
    )
    year = IntegerFilter(
        field_name="enrolment__programme__year", label=_("Year"), min_value=2000, max_value=2100
    )

    page_names = {"sector": "urusan", "unit": "unit", "year": "tahun"}
    api_help = {
        "q": "words in the innovation's name, summary or unit",
        "sector": "the government affair (urusan), e.g. Kesehatan",
        "unit": "a unit's id",
        "year": "the lab programme's year",
    }

    class Meta:
        model = Innovation
        fields = []

    def filter_q(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(public_summary__icontains=word)
                | Q(affairs__icontains=word)
                | Q(enrolment__unit__name__icontains=word)
            )
        return queryset
