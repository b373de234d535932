"""Reads of open data. The publication log and the licences are public (they say only
what is published); federated feeds are seen by platform administrators."""

from django.db.models import QuerySet

from labinov.accounts.access import get_access
from labinov.opendata.models import DEFAULT_LICENCE, LICENCES, Feed, Publication


def feeds_visible_to(user) -> QuerySet[Feed]:
    if get_access(user).is_platform_admin:
        return Feed.objects.all()
    return Feed.objects.none()


def licence_of(region) -> dict:
    """The region's open data licence: key, name and URL."""
    choice = getattr(region, "open_data_licence", None) if region is not None else None
    key = choice.licence if choice is not None else DEFAULT_LICENCE
    name, url = LICENCES[key]
    return {"key": key, "name": name, "url": url}


def publications_managed_by(user) -> QuerySet[Publication]:
    """Published innovations that ``user`` may withdraw (the coordinators of their region)."""
    access = get_access(user)
    qs = Publication.objects.filter(withdrawn=False).select_related("innovation", "region")
    if access.is_platform_admin:
        return qs
    from labinov.accounts.access import REGION_MANAGERS

    return qs.filter(region_id__in=access.region_ids(REGION_MANAGERS))


def origin_names() -> dict[str, str]:
    """The knowledge base's sources of harvested entries → the installation's name."""
    return {f.source_key: f.name for f in Feed.objects.all()}
