from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_tasks_db import DatabaseBackend

from labinov.core.errors import ActionError, NotAllowed
from labinov.core.workers import any_worker_alive
from labinov.innovations.actions.replication import replicate_entry
from labinov.innovations.selectors import (
    enrolments_to_start_innovations,
    innovations_visible_to,
)
from labinov.library.actions import may_import, start_import
from labinov.library.filtersets import LibraryFilterSet
from labinov.library.forms import ImportForm, ReplicationForm, SearchForm, SimilarForm
from labinov.library.models import LibraryEntry
from labinov.library.search.engine import FACETS
from labinov.library.sectors import sector_label
from labinov.library.selectors import (
    embedding_progress,
    entries_visible_to,
    import_runs_visible_to,
    lineage,
    replications_of,
    search_entries,
    similar_entries,
)
from labinov.library.tasks import import_library_file

PER_PAGE = 20


def _facet_label(name, value):
    if name == "form":
        return LibraryEntry.Form(value).label if value in LibraryEntry.Form.values else value
    if name == "stage":
        return LibraryEntry.Stage(value).label if value in LibraryEntry.Stage.values else value
    if name == "digital":
        return _("Digital") if value else _("Not digital")
    if name == "sector":
        return sector_label(str(value))
    return value


def search(request):
    """The public search page of the knowledge base."""
    form = SearchForm(request.GET or None)
    filters = LibraryFilterSet.from_page(request.GET)
    errors = filters.page_errors() if request.GET else []
    context = {
        "form": form,
        "results": None,
        "filter_errors": errors,
        "may_import": may_import(request.user),
    }
    if form.is_valid() and not errors:
        text = form.cleaned_data["q"]
        try:
            number = max(int(request.GET.get("page", 1)), 1)
        except ValueError:
            number = 1

        def run(n):
            return search_entries(
                request.user,
                text,
                filters=filters.values(),
                limit=PER_PAGE,
                offset=(n - 1) * PER_PAGE,
                with_facets=True,
            )

        results = run(number)
        page = Paginator(range(results.count), PER_PAGE).get_page(number)
        if page.number != number:
            results = run(page.number)
        params = {k: v for k, v in request.GET.items() if k != "page" and v}
        context.update(
            results=results,
            page=page,
            extra="&" + urlencode(params) if params else "",
            facets=[
                {
                    "name": filters.page_name(name),
                    "label": filters.form.fields[name].label,
                    "selected": request.GET.get(filters.page_name(name), ""),
                    "values": [
                        (
                            ("true" if v else "false") if name == "digital" else v,
                            _facet_label(name, v),
                            n,
                        )
                        for v, n in results.facets.get(name, [])[:50]
                    ],
                }
                for name in FACETS
            ],
        )
    if request.htmx:
        return render(request, "library/_results.html", context)
    return render(request, "library/search.html", context)


def entry_detail(request, pk):
    entry = get_object_or_404(entries_visible_to(request.user), pk=pk)
    similar = [
        s
        for s in similar_entries(f"{entry.name} {entry.problem}", limit=6)
        if s.entry.pk != entry.pk
    ][:5]
    replications = list(replications_of(entry))
    return render(
        request,
        "library/entry_detail.html",
        {
            "entry": entry,
            "similar": similar,
            "replications": replications,
            "readable": set(
                innovations_visible_to(request.user)
                .filter(pk__in=[r.innovation_id for r in replications])
                .values_list("pk", flat=True)
            ),
            "lineage": lineage(entry),
            "may_replicate": enrolments_to_start_innovations(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def replicate(request, pk):
    """Amati, Tiru, Modifikasi: start an innovation in one's own unit from this entry."""
    entry = get_object_or_404(entries_visible_to(request.user), pk=pk)
    enrolments = enrolments_to_start_innovations(request.user)
    if not enrolments.exists():
        raise NotAllowed(
            _(
                "Only the head and the innovation team of a unit that passed diagnose, "
                "or its coordinator, may replicate an innovation."
            )
        )
    form = ReplicationForm(
        request.POST or None, enrolments=enrolments, initial={"name": entry.name}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            replication = replicate_entry(
                acting_user=request.user,
                entry=entry,
                enrolment=data["enrolment"],
                name=data["name"],
                observed=data["observed"],
                imitated=data["imitated"],
                modified=data["modified"],
                again=data["again"],
            )
        except ActionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("The innovation is started from %(entry)s. Complete its design.")
                % {"entry": entry.name},
            )
            return redirect(replication.innovation)
    return render(
        request,
        "library/replicate.html",
        {
            "entry": entry,
            "form": form,
            "earlier": replications_of(entry).filter(
                innovation__enrolment__unit__in=enrolments.values("unit")
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


def similar(request):
    """HTMX partial: knowledge-base entries similar to the text being typed (``text``),
    with near-duplicates in ``region`` flagged. See docs/search.md for how to call it."""
    form = SimilarForm(request.GET or None)
    items = []
    if form.is_valid() and len(form.cleaned_data["text"].split()) >= 2:
        items = similar_entries(form.cleaned_data["text"], region=form.cleaned_data["region"])
    return render(request, "library/_similar.html", {"items": items})


@login_required
@require_http_methods(["GET", "POST"])
def import_file(request):
    if not may_import(request.user):
        raise NotAllowed(
            _("Only region coordinators and platform administrators may import innovations.")
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = start_import(
            acting_user=request.user,
            upload=form.cleaned_data["file"],
            skip_invalid=form.cleaned_data["skip_invalid"],
        )
        return redirect("library:import_run", pk=run.pk)
    runs = import_runs_visible_to(request.user)[:10]
    return render(
        request,
        "library/import.html",
        {"form": form, "runs": runs, "embedding": embedding_progress()},
    )


@login_required
def import_run(request, pk):
    run = get_object_or_404(import_runs_visible_to(request.user), pk=pk)
    template = "library/_import_status.html" if request.htmx else "library/import_run.html"
    no_worker = not run.is_finished and _runs_in_workers() and not any_worker_alive()
    return render(request, template, {"run": run, "no_worker": no_worker})


def _runs_in_workers() -> bool:
    """Are imports run by `labinov db_worker` processes (not in the request, as in tests)?"""
    return isinstance(import_library_file.get_backend(), DatabaseBackend)
