"""Downloads: the profile PDF, the Direktori Inovasi PDF and the XLSX export."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.utils.translation import gettext as _

from labinov.innovations import documents
from labinov.innovations.filtersets import InnovationFilterSet
from labinov.innovations.selectors import innovations_visible_to
from labinov.lab.selectors import programmes_visible_to
from labinov.regions.selectors import regions_visible_to


def _download(content: bytes, kind: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _pdf_or_503(make):
    try:
        return make()
    except documents.PdfUnavailable:
        return None


def profile_pdf(request, pk):
    innovation = get_object_or_404(innovations_visible_to(request.user), pk=pk)
    content = _pdf_or_503(lambda: documents.profile_pdf(innovation))
    if content is None:
        return HttpResponse(_("PDFs cannot be made on this server now."), status=503)
    return _download(content, "application/pdf", f"profil-inovasi-{slugify(innovation.name)}.pdf")


def _scope(request):
    """The programme or region a directory or an export covers, and its innovations."""
    qs = innovations_visible_to(request.user)
    programme_id = request.GET.get("program", "")
    code = request.GET.get("wilayah", "")
    if programme_id.isdigit():
        programme = get_object_or_404(programmes_visible_to(request.user), pk=programme_id)
        return programme.title, str(programme.region), qs.filter(enrolment__programme=programme)
    if code:
        region = get_object_or_404(regions_visible_to(request.user), code=code)
        return str(region), "", InnovationFilterSet({"region": code}, queryset=qs).qs
    raise Http404(_("Choose a programme or a region."))


def directory_pdf(request):
    title, subtitle, qs = _scope(request)
    qs = qs.filter(published_at__isnull=False).order_by("enrolment__unit__name", "name")
    content = _pdf_or_503(lambda: documents.directory_pdf(title, subtitle, qs))
    if content is None:
        return HttpResponse(_("PDFs cannot be made on this server now."), status=503)
    return _download(content, "application/pdf", f"direktori-inovasi-{slugify(title)}.pdf")


def export_xlsx(request):
    title, _subtitle, qs = _scope(request)
    content = documents.innovations_xlsx(qs.order_by("enrolment__unit__name", "name"))
    return _download(
        content,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"inovasi-{slugify(title)}.xlsx",
    )
