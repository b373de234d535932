"""Programme pages: list, create, edit, enrol, invite, board, leader summary, stage guide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from labinov.accounts.access import get_access
from labinov.core.errors import ActionError, NotAllowed
from labinov.core.view_support import apply_action
from labinov.lab import actions
from labinov.lab.filtersets import ProgrammeFilterSet
from labinov.lab.forms import (
    EnrolForm,
    EnrolUnitForm,
    InviteHeadForm,
    ProgrammeForm,
)
from labinov.lab.selectors import (
    board,
    current_stage,
    enrolments_visible_to,
    programmes_visible_to,
    region_summary,
)
from labinov.lab.stages import STAGES, get_stage
from labinov.regions.selectors import regions_visible_to


def programme_list(request):
    access = get_access(request.user)
    managed = [r for r in regions_visible_to(request.user) if access.manages_region(r.pk)]
    filters = ProgrammeFilterSet.from_page(
        request.GET, queryset=programmes_visible_to(request.user)
    )
    code = filters.page_params()[filters.page_name("region")]
    if code:
        managed = [r for r in managed if r.code == code]
    return render(
        request,
        "lab/programme_list.html",
        {
            "programmes": filters.page_qs(),
            "managed_regions": managed,
            "stages": STAGES,
            "filter_errors": filters.page_errors(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    access = get_access(request.user)
    code = request.GET.get("wilayah") or request.POST.get("wilayah")
    region = get_object_or_404(regions_visible_to(request.user), code=code)
    if not access.manages_region(region.pk):
        raise NotAllowed(_("Only the region's coordinator may create a lab programme."))
    form = ProgrammeForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        coaches = data.pop("coaches")
        programme = apply_action(
            form, actions.create_programme, acting_user=request.user, region=region, **data
        )
        if programme is not None:
            if coaches:
                actions.set_coaches(acting_user=request.user, programme=programme, coaches=coaches)
            messages.success(request, _("The programme was created. Now enrol its units."))
            return redirect(programme)
    return render(request, "lab/programme_form.html", {"form": form, "region": region})


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk):
    programme = get_object_or_404(programmes_visible_to(request.user), pk=pk)
    if not get_access(request.user).manages_region(programme.region_id):
        raise NotAllowed(_("Only the region's coordinator may change a lab programme."))
    form = ProgrammeForm(request.POST or None, instance=programme, region=programme.region)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        coaches = data.pop("coaches")
        fresh = type(programme).objects.get(pk=programme.pk)
        done = apply_action(
            form, actions.update_programme, acting_user=request.user, programme=fresh, **data
        )
        if done is not None:
            if set(coaches) != set(fresh.coaches.all()):
                actions.set_coaches(acting_user=request.user, programme=fresh, coaches=coaches)
            messages.success(request, _("The programme was saved."))
            return redirect(fresh)
    return render(
        request,
        "lab/programme_form.html",
        {"form": form, "region": programme.region, "programme": programme},
    )


def programme_detail(request, pk, *, enrol_unit_form=None, status=200):
    programme = get_object_or_404(programmes_visible_to(request.user), pk=pk)
    access = get_access(request.user)
    manages = access.manages_region(programme.region_id)
    context = {
        "programme": programme,
        "enrolments": enrolments_visible_to(request.user, programme=programme),
        "manages": manages,
        "reads_region": access.reads_region(programme.region_id),
        "current_stage": get_stage(current_stage(programme)),
        "plan": programme.plan(),
    }
    if manages:
        context["enrol_form"] = EnrolForm()
        context["enrol_unit_form"] = enrol_unit_form or EnrolUnitForm(programme=programme)
        context["invite_form"] = InviteHeadForm(programme=programme)
    return render(request, "lab/programme_detail.html", context, status=status)


@login_required
@require_POST
def programme_enrol(request, pk):
    programme = get_object_or_404(programmes_visible_to(request.user), pk=pk)
    form = EnrolForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a kind of unit from the list."))
        return redirect(programme)
    kind = form.cleaned_data["kind"]
    try:
        created = actions.enrol_units(
            acting_user=request.user,
            programme=programme,
            all_units=kind == "all",
            kind=None if kind == "all" else kind,
        )
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)d units were enrolled.") % {"n": len(created)})
    return redirect(programme)


@login_required
@require_POST
def programme_enrol_unit(request, pk):
    """Enrol one chosen unit; a refusal shows the programme page again (400) with why."""
    programme = get_object_or_404(programmes_visible_to(request.user), pk=pk)
    if not get_access(request.user).manages_region(programme.region_id):
        raise NotAllowed(_("Only the region's coordinator may enrol units."))
    form = EnrolUnitForm(request.POST, programme=programme)
    if form.is_valid():
        unit = form.cleaned_data["unit"]
        enrolment = apply_action(
            form, actions.enrol_unit, acting_user=request.user, programme=programme, unit=unit
        )
        if enrolment is not None:
            messages.success(request, _("%(unit)s was enrolled.") % {"unit": unit})
            return redirect(programme)
    return programme_detail(request, pk, enrol_unit_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def programme_unenrol(request, pk, enrolment_pk):
    """Remove one unit's enrolment, after a confirmation page (no JavaScript needed)."""
    programme = get_object_or_404(programmes_visible_to(request.user), pk=pk)
    if not get_access(request.user).manages_region(programme.region_id):
        raise NotAllowed(_("Only the region's coordinator may remove a unit's enrolment."))
    enrolment = get_object_or_404(
        programme.enrolments.select_related("unit", "programme"), pk=enrolment_pk
    )
    error = None
    if request.method == "POST":
        try:
            actions.remove_enrolment(acting_user=request.user, enrolment=enrolment)
        except ActionError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _("%(unit)s is no longer enrolled in this programme.") % {"unit": enrolment.unit},
            )
            return redirect(programme)
    return render(
        request,
        "lab/unenrol_confirm.html",
        {"programme": programme, "enrolment": enrolment, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def programme_invite(request, pk):
    programme = get_object_or_404(programmes_visible_to(request.user), pk=pk)
    if not get_access(request.user).manages_region(programme.region_id):
        raise NotAllowed(_("Only the region's coordinator may invite unit heads."))
    form = InviteHeadForm(request.POST, programme=programme)
    if form.is_valid():
        data = dict(form.cleaned_data)
        enrolment = programme.enrolments.get(pk=data.pop("enrolment"))
        user = apply_action(
            form,
            actions.invite_unit_head,
            acting_user=request.user,
            enrolment=enrolment,
            request=request,
            **data,
        )
        if user is not None:
            messages.success(
                request,
                _("%(email)s is now the head of %(unit)s.")
                % {"email": data["email"], "unit": enrolment.unit},
            )
            return redirect(programme)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect(programme)


def _ensure_reads_region(request, programme):
    if not get_access(request.user).reads_region(programme.region_id):
        raise NotAllowed(
            _("Only the coordinators, leaders, coaches and assessors of %(region)s see this.")
            % {"region": programme.region}
        )


@login_required
def programme_board(request, pk):
    programme = get_object_or_404(programmes_visible_to(request.user), pk=pk)
    _ensure_reads_region(request, programme)
    rows = board(programme)
    return render(
        request,
        "lab/board.html",
        {"programme": programme, "rows": rows, "late_count": sum(r["late"] for r in rows)},
    )


@login_required
def programme_summary(request, pk):
    programme = get_object_or_404(programmes_visible_to(request.user), pk=pk)
    _ensure_reads_region(request, programme)
    # The service improvements of the programme's innovations, the same figures as the
    # portfolio dashboard (innovations/improvements.py), per unit.
    from labinov.innovations.improvements import rollup_context
    from labinov.innovations.selectors import innovations_visible_to

    innovations = innovations_visible_to(request.user).filter(enrolment__programme=programme)
    return render(
        request,
        "lab/summary.html",
        {
            "programme": programme,
            "summary": region_summary(programme),
            **rollup_context(innovations, name=programme.title, units_only=True),
        },
    )


def stage_guide(request):
    return render(request, "lab/stages.html", {"stages": STAGES})


# The unit's workspace ------------------------------------------------------------------
