"""The leader's portfolio dashboard of a region (or one of its programmes)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from labinov.accounts.access import get_access
from labinov.core import numbers
from labinov.core.errors import NotAllowed
from labinov.innovations.dashboard import bar_chart, portfolio
from labinov.innovations.filtersets import InnovationFilterSet
from labinov.innovations.improvements import rollup_context
from labinov.innovations.models import Expo
from labinov.innovations.selectors import innovations_visible_to
from labinov.lab.selectors import programmes_visible_to
from labinov.regions.selectors import regions_visible_to


@login_required
def dashboard(request):
    access = get_access(request.user)
    readable = [r for r in regions_visible_to(request.user) if access.reads_region(r.pk)]
    code = request.GET.get("wilayah") or (readable[0].code if len(readable) == 1 else "")
    if not code:
        return render(request, "innovations/dashboard_choose.html", {"regions": readable})
    region = get_object_or_404(regions_visible_to(request.user), code=code)
    if not access.reads_region(region.pk):
        raise NotAllowed(
            _("Only the coordinators, leaders, coaches and assessors of %(region)s see this.")
            % {"region": region}
        )
    qs = InnovationFilterSet({"region": code}, queryset=innovations_visible_to(request.user)).qs
    programmes = programmes_visible_to(request.user).filter(region=region)
    programme = None
    chosen = request.GET.get("program", "")
    if chosen.isdigit():
        programme = get_object_or_404(programmes, pk=chosen)
        qs = qs.filter(enrolment__programme=programme)
    data = portfolio(qs)
    expos = Expo.objects.filter(programme__in=[programme] if programme else programmes)
    base = f"wilayah={region.code}" + (f"&program={programme.pk}" if programme else "")
    return render(
        request,
        "innovations/dashboard.html",
        {
            "region": region,
            "programme": programme,
            "programmes": programmes,
            "data": data,
            "expos": expos,
            "manages": access.manages_region(region.pk),
            "base": base,
            "stage_chart": bar_chart(
                [
                    {"key": r["stage"].key, "name": r["stage"].label, "count": r["count"]}
                    for r in data["stage_totals"]
                ],
                value="count",
                label="name",
            ),
            "time_chart": bar_chart(
                [
                    {
                        "key": r["stage"].key,
                        "name": r["stage"].label,
                        "days": r["average"] or 0,
                        # No innovation has been in the stage: no average, not "0 days".
                        "display": numbers.days(r["average"]) if r["innovations"] else "—",
                    }
                    for r in data["time_in_stage"]
                ],
                value="days",
                label="name",
            ),
            **rollup_context(qs, name=str(programme or region)),
        },
    )
