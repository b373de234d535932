"""The filters of the knowledge base, declared once: the search page, the API's search and
list, and the search itself (``search/topk.py`` filters on these fields, ``search/engine.py``
counts their facets) all take them from here."""

import django_filters
from django.utils.translation import gettext_lazy as _

from labinov.core.filters import IntegerFilter, ListFilterSet, YesNoFilter
from labinov.library.models import LibraryEntry


class LibraryFilterSet(ListFilterSet):
    province = django_filters.CharFilter(label=_("Province"), max_length=100)
    region = django_filters.CharFilter(label=_("Region"), max_length=200)
    sector = django_filters.CharFilter(label=_("Sector"), max_length=100)
    form = django_filters.ChoiceFilter(label=_("Form"), choices=LibraryEntry.Form.choices)
    digital = YesNoFilter(
        label=_("Digital"), choices=[("true", _("Digital")), ("false", _("Not digital"))]
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=LibraryEntry.Stage.choices)
    year = IntegerFilter(label=_("Year"), min_value=1900, max_value=2100)
    #: The origin of entries (``LibraryEntry.source``), e.g. a federated feed's "asal-3".
    source = django_filters.CharFilter(label=_("Origin"), max_length=20)

    api_help = {
        "province": "province name, e.g. Jawa Tengah",
        "region": 'the regional government, e.g. "Kabupaten Purbalingga"',
        "sector": "government function (urusan), e.g. kesehatan",
        "form": "PP 38/2017 form",
        "digital": "digital or not",
        "stage": "tahapan: inisiatif, uji_coba or penerapan",
        "year": "year first implemented or reported",
        "source": 'origin: "impor" (imported), "labinov" (this installation) or '
        '"asal-<feed id>" (harvested from another installation, see /api/v1/open/feeds)',
    }

    class Meta:
        model = LibraryEntry
        fields = []


#: The entry fields the knowledge base filters on (and counts as facets), in order.
FILTER_FIELDS: tuple[str, ...] = tuple(f.field_name for f in LibraryFilterSet.base_filters.values())
#: The fields counted as facets on the search page and in the API: all but the origin.
FACET_FIELDS: tuple[str, ...] = tuple(f for f in FILTER_FIELDS if f != "source")
