from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from labinov.accounts import actions as account_actions
from labinov.accounts.access import get_access
from labinov.accounts.models import Role
from labinov.accounts.selectors import role_assignments_visible_to
from labinov.core.errors import ActionError, NotAllowed
from labinov.regions import actions
from labinov.regions.forms import InviteForm, RegionForm, UnitForm
from labinov.regions.models import Unit
from labinov.regions.selectors import (
    audit_events_visible_to,
    kind_counts,
    regions_visible_to,
    units_visible_to,
)


def region_list(request):
    return render(
        request, "regions/region_list.html", {"regions": regions_visible_to(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def region_create(request):
    if not get_access(request.user).is_platform_admin:
        raise NotAllowed(_("Only a platform administrator may add a region."))
    form = RegionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            region = actions.create_region(acting_user=request.user, **form.cleaned_data)
        except ActionError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(
                request, _("%(region)s was added. Now give it a coordinator.") % {"region": region}
            )
            return redirect("regions:people", code=region.code)
    return render(request, "regions/region_form.html", {"form": form})


# The kind filter answers HTMX with the table alone at the same address as the page: the
# browser must not serve that fragment from its cache when the person goes back to the
# page, and HTMX restoring its history asks for the whole page.
@vary_on_headers("HX-Request")
def region_detail(request, code):
    region = get_object_or_404(regions_visible_to(request.user), code=code)
    units = units_visible_to(request.user, region=region)
    kind = request.GET.get("kind", "")
    if kind in Unit.Kind.values:
        units = units.filter(kind=kind)
    counts = kind_counts(region)
    context = {
        "region": region,
        "units": units,
        "kind": kind,
        "kinds": [
            (k.value, k.label, counts.get(k.value, 0)) for k in Unit.Kind if counts.get(k.value)
        ],
        "access_region": get_access(request.user).reads_region(region.pk),
        "manages": get_access(request.user).manages_region(region.pk),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "regions/_unit_table.html", context)
    return render(request, "regions/region_detail.html", context)


def unit_detail(request, pk):
    unit = get_object_or_404(units_visible_to(request.user), pk=pk)
    access = get_access(request.user)
    context = {"unit": unit, "manages": access.manages_region(unit.region_id)}
    if access.reads_unit(unit):
        people = list(role_assignments_visible_to(request.user).filter(unit=unit))
        context["people"] = people
        context["heads"] = [ra.user for ra in people if ra.role == Role.UNIT_HEAD]
        context["reads_unit"] = True
    return render(request, "regions/unit_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    unit = get_object_or_404(units_visible_to(request.user), pk=pk)
    if not get_access(request.user).manages_region(unit.region_id):
        raise NotAllowed(_("Only the region's coordinator may change its units."))
    form = UnitForm(request.POST or None, instance=Unit.objects.get(pk=unit.pk))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_unit(acting_user=request.user, unit=unit, **form.cleaned_data)
        except ActionError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("The unit was saved."))
            return redirect(unit)
    return render(request, "regions/unit_edit.html", {"unit": unit, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def region_people(request, code):
    region = get_object_or_404(regions_visible_to(request.user), code=code)
    access = get_access(request.user)
    if not access.reads_region(region.pk):
        raise NotAllowed(
            _("Only the coordinators, leaders, coaches and assessors of %(region)s see its people.")
            % {"region": region}
        )
    form = None
    if access.manages_region(region.pk):
        form = InviteForm(request.POST or None, region=region)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                account_actions.invite_person(
                    acting_user=request.user, region=region, request=request, **data
                )
            except ActionError as exc:
                form.add_error(exc.field, exc.message)
            else:
                messages.success(
                    request, _("%(email)s now holds the role.") % {"email": data["email"]}
                )
                return redirect("regions:people", code=region.code)
    elif request.method == "POST":
        raise NotAllowed(_("Only the region's coordinator may give roles in this region."))
    people = role_assignments_visible_to(request.user).filter(region=region)
    return render(
        request,
        "regions/people.html",
        {"region": region, "people": people, "form": form, "manages": form is not None},
    )


@login_required
@require_POST
def revoke_role(request, code, pk):
    region = get_object_or_404(regions_visible_to(request.user), code=code)
    assignment = get_object_or_404(
        role_assignments_visible_to(request.user).filter(region=region), pk=pk
    )
    try:
        account_actions.revoke_role(acting_user=request.user, assignment=assignment)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(person)s no longer holds the role %(role)s.")
            % {"person": assignment.user, "role": assignment.get_role_display()},
        )
    if assignment.unit is not None and not get_access(request.user).reads_region(region.pk):
        # A unit's head who took a team member's role away does not see the region's people.
        return redirect(assignment.unit)
    return redirect("regions:people", code=region.code)


@login_required
def audit_trail(request):
    events = audit_events_visible_to(request.user)
    region = request.GET.get("region")
    if region:
        events = events.filter(region__code=region)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "regions/audit.html", {"page": page, "region_code": region or ""})
