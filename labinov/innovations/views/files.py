"""Downloads of an innovation's uploaded files. Photos are public once the innovation is
published; the budget, business profile and evidence belong to the working record."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from labinov.core.errors import NotAllowed
from labinov.core.files import file_response
from labinov.innovations.models import Evidence, Photo
from labinov.innovations.selectors import innovations_visible_to, reads_work


def _working_record(request, pk):
    innovation = get_object_or_404(innovations_visible_to(request.user), pk=pk)
    if not reads_work(request.user, innovation):
        raise NotAllowed(_("Only the unit's team and the region's lab roles see this file."))
    return innovation


def budget_file(request, pk):
    return file_response(_working_record(request, pk).budget_file)


def business_profile(request, pk):
    return file_response(_working_record(request, pk).business_profile)


def evidence_file(request, pk, evidence_pk):
    innovation = _working_record(request, pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, milestone__innovation=innovation)
    return file_response(evidence.file)


def photo(request, pk, photo_pk):
    innovation = get_object_or_404(innovations_visible_to(request.user), pk=pk)
    return file_response(get_object_or_404(Photo, pk=photo_pk, innovation=innovation).image)
