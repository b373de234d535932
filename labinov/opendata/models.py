"""Open data and federation (DESIGN.md contract 8, issue 12).

- ``Publication``: one row per innovation of this installation that was ever published,
  kept when it is withdrawn (unpublished), so that the open feed can tell harvesters to
  take it out. It holds the record as published, in the exchange format.
- ``RegionLicence``: the licence a region publishes its open data under (CC BY 4.0
  unless it chooses another).
- ``Feed``: another installation's open feed, registered by a platform administrator and
  harvested on a schedule into the knowledge base; its entries there keep it as their
  origin (``LibraryEntry.source`` is ``Feed.source_key``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

#: Licences a region may choose: key → (name, URL).
LICENCES = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution-ShareAlike 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC0-1.0": ("Creative Commons Zero 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": ("Open Database License 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
}
DEFAULT_LICENCE = "CC-BY-4.0"
LICENCE_CHOICES = [(key, name) for key, (name, _url) in LICENCES.items()]


class Publication(models.Model):
    """An innovation as this installation publishes it (or withdrew it)."""

    innovation = models.OneToOneField(
        "innovations.Innovation", on_delete=models.CASCADE, related_name="publication"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(_("source id"), max_length=200, unique=True)
    #: The exchange columns (DESIGN.md contract 4) as published; empty once withdrawn.
    row = models.JSONField(default=dict, blank=True)
    first_published_at = models.DateTimeField(_("first published"))
    updated_at = models.DateTimeField(_("updated"))
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    class Meta:
        ordering = ["updated_at", "id"]
        indexes = [models.Index(fields=["updated_at", "id"], name="opendata_pub_changes")]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self):
        return self.source_id


class RegionLicence(models.Model):
    region = models.OneToOneField(
        "regions.Region", on_delete=models.CASCADE, related_name="open_data_licence"
    )
    licence = models.CharField(
        _("licence"), max_length=20, choices=LICENCE_CHOICES, default=DEFAULT_LICENCE
    )

    class Meta:
        verbose_name = _("open data licence")

    def __str__(self):
        return f"{self.region}: {self.licence}"


class Feed(models.Model):
    """Another Labinov installation's open feed (``/api/v1/open/innovations``)."""

    class Status(models.TextChoices):
        NEW = "baru", _("Not harvested yet")
        WAITING = "menunggu", _("Waiting")
        RUNNING = "berjalan", _("Running")
        DONE = "selesai", _("Done")
        REFUSED = "ditolak", _("Refused")
        FAILED = "gagal", _("Failed")

    url = models.URLField(_("feed URL"), max_length=500, unique=True)
    name = models.CharField(_("installation"), max_length=200)
    active = models.BooleanField(_("harvested on schedule"), default=True)
    interval_minutes = models.PositiveIntegerField(_("harvest every (minutes)"), default=60)
    next_harvest_at = models.DateTimeField(_("next harvest"), null=True, blank=True)
    #: The latest ``updated`` applied: the next harvest asks for changes after it.
    cursor = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    message = models.TextField(_("message"), blank=True)
    problems = models.JSONField(default=list, blank=True)
    last_harvest_at = models.DateTimeField(_("last harvest"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("federated feed")
        verbose_name_plural = _("federated feeds")

    def __str__(self):
        return self.name

    @property
    def source_key(self) -> str:
        """The knowledge base's ``source`` of the entries harvested from this feed."""
        return f"asal-{self.pk}"
