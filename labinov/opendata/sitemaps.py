"""/sitemap.xml: the public pages, and every published innovation."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from labinov.innovations.models import Innovation
from labinov.regions.models import Region


class PublicPages(Sitemap):
    changefreq = "daily"

    def items(self):
        return [
            "core:home",
            "regions:list",
            "innovations:list",
            "library:search",
            "opendata:index",
            "opendata:dictionary",
            "portal:propose",
        ]

    def location(self, item):
        return reverse(item)


class Regions(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Region.objects.order_by("code")


class RegionPortals(Sitemap):
    """Each region's public front, gallery, statistics and expo results (portal/)."""

    changefreq = "daily"

    def items(self):
        return [
            (code, name)
            for code in Region.objects.order_by("code").values_list("code", flat=True)
            for name in ("portal:region", "portal:gallery", "portal:statistics", "portal:expos")
        ]

    def location(self, item):
        code, name = item
        return reverse(name, kwargs={"code": code})


class PublishedInnovations(Sitemap):
    changefreq = "weekly"

    def items(self):
        # Only what the public sees: published innovations (innovations.selectors).
        return (
            Innovation.objects.filter(published_at__isnull=False)
            .select_related("publication")
            .order_by("pk")
        )

    def lastmod(self, item):
        return getattr(getattr(item, "publication", None), "updated_at", None) or item.published_at


SITEMAPS = {
    "pages": PublicPages,
    "regions": Regions,
    "portals": RegionPortals,
    "innovations": PublishedInnovations,
}
