"""Open data pages: the downloads and their data dictionary, the Atom feed of newly
published innovations, the sitemap, withdrawing a published innovation, the regions'
licences, and the federated feeds (platform administrators)."""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed as SyndicationFeed
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from labinov.accounts.access import get_access
from labinov.core.view_support import apply_action
from labinov.innovations.selectors import innovations_visible_to
from labinov.library.exchange import COLUMNS, write_file
from labinov.opendata import actions
from labinov.opendata.feed import published_rows
from labinov.opendata.forms import FeedForm, LicenceForm, WithdrawForm
from labinov.opendata.models import LICENCES, Publication
from labinov.opendata.selectors import feeds_visible_to, licence_of, publications_managed_by
from labinov.regions.models import Region

FORMATS = {
    "csv": ("text/csv; charset=utf-8", ".csv"),
    "jsonl": ("application/x-ndjson; charset=utf-8", ".jsonl"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}

#: The data dictionary: each exchange column and what it holds (DESIGN.md contract 4).
DICTIONARY = [
    ("source_id", gettext_lazy("Stable id of the innovation within its installation.")),
    ("name", gettext_lazy("The innovation's name.")),
    ("region", gettext_lazy("The regional government, e.g. Kabupaten Purbalingga.")),
    ("province", gettext_lazy("Province name.")),
    ("year", gettext_lazy("Year it was published (four digits).")),
    ("agency", gettext_lazy("The unit that runs it.")),
    ("form", gettext_lazy("Form under PP 38/2017: pelayanan_publik, tata_kelola or lainnya.")),
    ("digital", gettext_lazy("true or false.")),
    ("sector", gettext_lazy("Government affairs (urusan), e.g. Kesehatan.")),
    ("stage", gettext_lazy("Stage of the national index: inisiatif, uji_coba or penerapan.")),
    ("problem", gettext_lazy("The problem it addresses.")),
    ("solution", gettext_lazy("What it does: its public summary and method of change.")),
    ("impact", gettext_lazy("Service measures: baseline → result (or → (target)).")),
    ("url", gettext_lazy("Its public page.")),
]


def _regions_with_data():
    counts = dict(
        Publication.objects.filter(withdrawn=False, innovation__published_at__isnull=False)
        .values_list("region_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    regions = list(Region.objects.filter(pk__in=counts).select_related("open_data_licence"))
    return [{"region": r, "count": counts[r.pk], "licence": licence_of(r)} for r in regions]


def index(request):
    access = get_access(request.user)
    regions = _regions_with_data()
    for row in regions:
        row["may_set_licence"] = access.manages_region(row["region"].pk)
    return render(
        request,
        "opendata/index.html",
        {
            "regions": regions,
            "licences": LICENCES,
            "licence_form": LicenceForm(),
            "may_withdraw": publications_managed_by(request.user).exists()
            if access.is_authenticated
            else False,
            "is_admin": access.is_platform_admin,
        },
    )


def dictionary(request):
    return render(
        request,
        "opendata/dictionary.html",
        {"columns": DICTIONARY, "extra": ["updated", "withdrawn", "licence"]},
    )


def download(request, code, fmt):
    if fmt not in FORMATS:
        raise Http404
    region = get_object_or_404(Region, code=code)
    records = []
    for publication in published_rows(region):
        row = dict(publication.row)
        if str(row.get("url") or "").startswith("/"):
            row["url"] = request.build_absolute_uri(row["url"])
        records.append(row)
    content_type, suffix = FORMATS[fmt]
    folder = Path(tempfile.mkdtemp(prefix="labinov-open-"))
    path = folder / f"inovasi-{code}{suffix}"
    write_file(records, path)
    stream = path.open("rb")
    path.unlink()  # the open stream still reads it; nothing is left behind
    folder.rmdir()
    response = FileResponse(
        stream, as_attachment=True, filename=f"inovasi-{code}{suffix}", content_type=content_type
    )
    licence = licence_of(region)
    response["Link"] = f'<{licence["url"]}>; rel="license"'
    return response


@login_required
@require_POST
def set_licence(request, code):
    region = get_object_or_404(Region, code=code)
    form = LicenceForm(request.POST)
    if form.is_valid() and apply_action(
        form,
        actions.set_region_licence,
        acting_user=request.user,
        region=region,
        licence=form.cleaned_data["licence"],
    ):
        messages.success(request, _("The licence is saved."))
    else:
        messages.error(request, _("Choose one of the licences offered."))
    return redirect("opendata:index")


@login_required
def published(request):
    rows = publications_managed_by(request.user).order_by("region__name", "innovation__name")
    if not rows.exists() and not get_access(request.user).is_platform_admin:
        raise PermissionDenied(_("Only region coordinators withdraw published innovations."))
    return render(request, "opendata/published.html", {"publications": rows})


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    innovation = get_object_or_404(innovations_visible_to(request.user), pk=pk)
    if not actions.may_withdraw(request.user, innovation):
        raise PermissionDenied(_("Only region coordinators withdraw published innovations."))
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = apply_action(
            form,
            actions.withdraw_innovation,
            acting_user=request.user,
            innovation=innovation,
            reason=form.cleaned_data["reason"],
        )
        if done:
            messages.success(request, _("The innovation is withdrawn from publication."))
            return redirect("opendata:published")
    return render(request, "opendata/withdraw.html", {"innovation": innovation, "form": form})


def _admin_only(request):
    if not get_access(request.user).is_platform_admin:
        raise PermissionDenied(_("Only platform administrators manage federated feeds."))


@login_required
@require_http_methods(["GET", "POST"])
def federation(request):
    _admin_only(request)
    form = FeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        feed = apply_action(
            form, actions.register_feed, acting_user=request.user, **form.cleaned_data
        )
        if feed:
            actions.queue_harvest(acting_user=request.user, feed=feed)
            messages.success(request, _("The feed is registered; its first harvest is queued."))
            return redirect("opendata:federation")
    return render(
        request,
        "opendata/federation.html",
        {"form": form, "feeds": feeds_visible_to(request.user), "columns": COLUMNS},
    )


@login_required
@require_POST
def harvest(request, pk):
    _admin_only(request)
    feed = get_object_or_404(feeds_visible_to(request.user), pk=pk)
    actions.queue_harvest(acting_user=request.user, feed=feed)
    messages.success(request, _("The harvest is queued."))
    return redirect("opendata:federation")


@login_required
@require_POST
def toggle(request, pk):
    _admin_only(request)
    feed = get_object_or_404(feeds_visible_to(request.user), pk=pk)
    actions.set_feed_active(acting_user=request.user, feed=feed, active=not feed.active)
    return redirect("opendata:federation")


class NewlyPublished(SyndicationFeed):
    """Atom feed of the innovations published most recently."""

    feed_type = Atom1Feed
    link = "/data-terbuka/"

    def title(self):
        return _("Newly published innovations")

    def subtitle(self):
        return _("Innovations of this installation, as they are published.")

    def items(self):
        return (
            Publication.objects.filter(withdrawn=False, innovation__published_at__isnull=False)
            .select_related("innovation", "region")
            .order_by("-first_published_at", "-id")[:50]
        )

    def item_title(self, item):
        return item.row.get("name") or item.innovation.name

    def item_description(self, item):
        return item.row.get("solution", "")[:1000]

    def item_link(self, item):
        return item.innovation.get_absolute_url()

    def item_guid(self, item):
        return item.source_id

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.row.get("region", "")
