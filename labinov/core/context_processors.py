from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from labinov.accounts.access import get_access
from labinov.accounts.selectors import unread_count
from labinov.index.apps import NAV_LABEL as INDEX_NAV_LABEL
from labinov.innovations.apps import NAV_LABEL as INNOVATIONS_NAV_LABEL
from labinov.lab.apps import NAV_LABEL as LAB_NAV_LABEL


def navigation(request):
    """The main menu, following the roles of the person looking at it."""
    user = getattr(request, "user", None)
    access = get_access(user)
    items = [
        (reverse("core:home"), _("Home")),
        (reverse("regions:list"), _("Regions")),
        (reverse("lab:list"), LAB_NAV_LABEL),
        (reverse("innovations:list"), INNOVATIONS_NAV_LABEL),
        (reverse("library:search"), _("Knowledge base")),
    ]
    if access.unit_ids():
        # A unit head or team member starts from their own unit.
        items.append(
            (
                reverse("lab:unit_workspace", kwargs={"unit_pk": min(access.unit_ids())}),
                _("My unit"),
            )
        )
    index_regions = [r for r in access.member_region_ids() if access.reads_index_of_region(r)]
    if index_regions or access.is_platform_admin:
        items.append((reverse("index:overview"), INDEX_NAV_LABEL))
    if access.is_authenticated and (access.is_platform_admin or access.moderated_region_ids()):
        items.append((reverse("portal:moderation"), _("Citizens' proposals")))
    badges = {}
    if access.is_authenticated:
        notifications_url = reverse("accounts:notifications")
        items.append((notifications_url, _("Notifications")))
        badges[notifications_url] = unread_count(request)
        items.append((reverse("regions:audit"), _("Audit trail")))
        items.append((reverse("accounts:profile"), _("My account")))
    if access.is_platform_admin:
        items.append((reverse("admin:index"), _("Administration")))
    path = request.path
    # The menu's item for this page: the longest address the path starts with (the
    # notifications, /akun/pemberitahuan/, rather than the account, /akun/).
    matching = [
        url for url, _label in items if url == path or (url != "/" and path.startswith(url))
    ]
    current = max(matching, key=len) if matching else None
    return {
        "nav_items": [
            {
                "url": url,
                "label": label,
                "badge": badges.get(url, 0),
                "current": url == current,
            }
            for url, label in items
        ],
        "access": access,
    }
