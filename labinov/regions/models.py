from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A regional government (Pemda) with its Kemendagri code, e.g. 33.03."""

    class Kind(models.TextChoices):
        PROVINSI = "provinsi", _("Province")
        KABUPATEN = "kabupaten", _("Regency (kabupaten)")
        KOTA = "kota", _("City (kota)")

    code = models.CharField(
        _("Kemendagri code"),
        max_length=13,
        unique=True,
        validators=[
            RegexValidator(r"^\d{2}(\.\d{2})?$", _("Use the Kemendagri code, e.g. 33 or 33.03."))
        ],
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    province = models.CharField(_("province"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("regions:detail", kwargs={"code": self.code})


class Unit(models.Model):
    """A work unit of a region: an OPD, BUMD, kecamatan, puskesmas, RSUD, desa..."""

    class Kind(models.TextChoices):
        OPD = "opd", _("OPD (agency)")
        BUMD = "bumd", _("BUMD (regional enterprise)")
        KECAMATAN = "kecamatan", _("Kecamatan (district)")
        PUSKESMAS = "puskesmas", _("Puskesmas (health centre)")
        RSUD = "rsud", _("RSUD (regional hospital)")
        DESA = "desa", _("Desa (village)")
        LAINNYA = "lainnya", _("Other")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField(_("name"), max_length=250)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    head_name = models.CharField(_("head's name"), max_length=200, blank=True)
    head_position = models.CharField(_("head's position"), max_length=200, blank=True)
    is_demo = models.BooleanField(
        _("demo name"),
        default=False,
        help_text=_("A made-up name used by the demo where the real one is not known."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["region", "kind", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="unit_name_unique_in_region")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("regions:unit", kwargs={"pk": self.pk})
