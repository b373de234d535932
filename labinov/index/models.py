"""The regional innovation index (Indeks Inovasi Daerah): rubric versions as data, and
each region's assessment for a year with its answers and their evidence."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Rubric(models.Model):
    """One version of the index rubric, the whole JSON document as loaded, with where it
    came from. Once an assessment uses it, it can no longer change."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    data = models.JSONField(_("rubric"))
    provenance = models.TextField(_("provenance"), blank=True)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)
    loaded_by = models.CharField(_("loaded by"), max_length=200, blank=True)

    class Meta:
        ordering = ["version"]
        verbose_name = _("index rubric")
        verbose_name_plural = _("index rubrics")

    def __str__(self):
        return self.version

    @property
    def edition(self) -> str:
        return str(self.data.get("meta", {}).get("edition", ""))

    @property
    def is_used(self) -> bool:
        return self.assessments.exists()


class Assessment(models.Model):
    """A region's self-assessment for one year of the index, against one rubric version."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="index_assessments"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("rubric"), on_delete=models.PROTECT, related_name="assessments"
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region", "-year"]
        verbose_name = _("index assessment")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="index_assessment_once_a_year")
        ]

    def __str__(self):
        return f"{self.region} {self.year} ({self.rubric_id and self.rubric.version})"


class Answer(models.Model):
    """The level chosen for one indicator (or one scoring row of it), for the region or for
    one innovation, with its evidence and where the answer came from."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        LABINOV = "labinov", _("From Labinov's records")
        DEMO = "demo", _("Demo answer")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    innovation = models.ForeignKey(
        "innovations.Innovation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="index_answers",
    )
    item_key = models.CharField(_("indicator"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), default=0)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    source_note = models.CharField(_("where the answer came from"), max_length=300, blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="indeks/bukti/%Y/", blank=True)
    evidence_link = models.URLField(_("evidence link"), max_length=500, blank=True)
    evidence_note = models.CharField(_("evidence note"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "innovation", "item_key"]
        verbose_name = _("index answer")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "item_key"],
                condition=models.Q(innovation__isnull=True),
                name="index_region_answer_once",
            ),
            models.UniqueConstraint(
                fields=["assessment", "innovation", "item_key"],
                condition=models.Q(innovation__isnull=False),
                name="index_innovation_answer_once",
            ),
        ]

    def __str__(self):
        return f"{self.item_key}: {self.level}"

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_file) or bool(self.evidence_link)
