from django.shortcuts import render

from labinov.accounts.selectors import roles_of
from labinov.core.homes import role_home
from labinov.regions.selectors import regions_visible_to


def home(request):
    if not request.user.is_authenticated:
        return render(request, "core/home.html", {"regions": regions_visible_to(request.user)})
    return render(
        request,
        "core/home_roles.html",
        {"sections": role_home(request.user), "my_roles": roles_of(request.user)},
    )
