from django.shortcuts import render

from labinov.accounts.selectors import roles_of
from labinov.portal import views as portal_views
from labinov.regions.selectors import regions_visible_to


def home(request):
    if not request.user.is_authenticated:
        # The public front page: published innovations, figures, search, expo results.
        return portal_views.front(request)
    context = {"regions": regions_visible_to(request.user)}
    if request.user.is_authenticated:
        context["my_roles"] = roles_of(request.user)
    return render(request, "core/home.html", context)
