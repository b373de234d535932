from django.shortcuts import render

from labinov.accounts.selectors import roles_of
from labinov.core.homes import role_home
from labinov.portal import views as portal_views


def home(request):
    if not request.user.is_authenticated:
        # The public front page: published innovations, figures, search, expo results.
        return portal_views.front(request)
    return render(
        request,
        "core/home_roles.html",
        {"sections": role_home(request.user), "my_roles": roles_of(request.user)},
    )
