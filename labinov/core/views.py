from django.shortcuts import render

from labinov.accounts.selectors import roles_of
from labinov.regions.selectors import regions_visible_to


def home(request):
    context = {"regions": regions_visible_to(request.user)}
    if request.user.is_authenticated:
        context["my_roles"] = roles_of(request.user)
    return render(request, "core/home.html", context)
