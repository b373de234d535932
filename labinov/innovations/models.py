"""An innovation, from its design to its documentation, with the national form's fields.

An innovation grows from an idea found in diagnose and belongs to that unit's enrolment
in a lab programme. It moves through design, deliver, display and documentation by gate
decisions (``labinov.lab.models.GateDecision``, whose ``innovation`` is this one: an
innovation's decisions are its own, ``innovation.gate_decisions``).
"""

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labinov.innovations.measures import (
    IMPROVED,
    KINDS,
    NEW_FROM_ZERO,
    Change,
    Improvement,
    change,
    evaluate,
)
from labinov.lab.stages import Subject, Work, first_of, stage_choices, stage_index

#: The guided sections of the design ("rancang bangun"), in the national form's order.
DESIGN_SECTIONS = (
    ("design_legal_basis", _("Legal basis")),
    ("design_problem", _("Problem")),
    ("design_strategic_issue", _("Strategic issue")),
    ("design_method", _("Method of change")),
    ("design_advantages", _("Advantages and novelty")),
    ("design_stages", _("Stages of the innovation")),
)
DESIGN_MIN_WORDS = 300

#: The kind of work each editable field is: the stage declaration (lab/stages.py) says in
#: which stages each kind may change.
FIELD_WORK = {
    **dict.fromkeys(
        (
            "name",
            "initiator",
            "kind",
            "form",
            "affairs",
            *(f for f, _label in DESIGN_SECTIONS),
            "budget_amount",
            "budget_file",
            "business_profile",
        ),
        Work.DESIGN,
    ),
    **dict.fromkeys(("aims", "benefits", "expected_results"), Work.PROFILE),
    **dict.fromkeys(("trial_date", "implementation_date"), Work.DELIVERY),
    **dict.fromkeys(("launch_date", "launch_occasion", "public_summary"), Work.DISPLAY),
}


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text or ""))


class Innovation(models.Model):
    class Tahapan(models.TextChoices):
        INISIATIF = "inisiatif", _("Initiative")
        UJI_COBA = "uji_coba", _("Trial")
        PENERAPAN = "penerapan", _("Implementation")

    class Initiator(models.TextChoices):
        REGIONAL_HEAD = "kepala_daerah", _("Regional head")
        DPRD = "anggota_dprd", _("Member of the regional parliament")
        UNIT = "perangkat_daerah", _("Work unit")
        ASN = "asn", _("Civil servant")
        PUBLIC = "masyarakat", _("The public")

    class Kind(models.TextChoices):
        DIGITAL = "digital", _("Digital")
        NON_DIGITAL = "non_digital", _("Non-digital")

    class Form(models.TextChoices):
        PUBLIC_SERVICE = "pelayanan_publik", _("Public service")
        GOVERNANCE = "tata_kelola", _("Regional governance")
        OTHER = "lainnya", _("Other within regional authority")

    enrolment = models.ForeignKey(
        "lab.Enrolment", on_delete=models.PROTECT, related_name="innovations"
    )
    idea = models.ForeignKey(
        "lab.Idea",
        verbose_name=_("idea"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="innovations",
    )
    name = models.CharField(_("name of the innovation"), max_length=250)
    initiator = models.CharField(
        _("initiator"), max_length=20, choices=Initiator.choices, default=Initiator.UNIT
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DIGITAL)
    form = models.CharField(
        _("form"), max_length=20, choices=Form.choices, default=Form.PUBLIC_SERVICE
    )
    affairs = models.CharField(
        _("government affairs (urusan)"),
        max_length=200,
        blank=True,
        help_text=_("For example: Kesehatan, Administrasi Kependudukan."),
    )
    design_legal_basis = models.TextField(_("Legal basis"), blank=True)
    design_problem = models.TextField(_("Problem"), blank=True)
    design_strategic_issue = models.TextField(_("Strategic issue"), blank=True)
    design_method = models.TextField(_("Method of change"), blank=True)
    design_advantages = models.TextField(_("Advantages and novelty"), blank=True)
    design_stages = models.TextField(_("Stages of the innovation"), blank=True)
    aims = models.TextField(_("aims"), blank=True)
    benefits = models.TextField(_("benefits"), blank=True)
    expected_results = models.TextField(_("expected results"), blank=True)
    budget_amount = models.PositiveBigIntegerField(_("budget (Rp)"), null=True, blank=True)
    budget_file = models.FileField(_("budget document"), upload_to="inovasi/anggaran/", blank=True)
    business_profile = models.FileField(
        _("business profile"), upload_to="inovasi/profil-bisnis/", blank=True
    )
    trial_date = models.DateField(_("trial starts"), null=True, blank=True)
    implementation_date = models.DateField(_("implementation starts"), null=True, blank=True)
    transactions_per_year = models.PositiveIntegerField(
        _("transactions per year"),
        null=True,
        blank=True,
        help_text=_("How many times a year citizens use the service (for the yearly savings)."),
    )
    hours_per_visit = models.DecimalField(
        _("hours a citizen spends on one visit"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
        help_text=_("Travel, queue and service time of one visit to an office."),
    )
    launch_date = models.DateField(_("launch date"), null=True, blank=True)
    launch_occasion = models.CharField(_("launch occasion"), max_length=250, blank=True)
    public_summary = models.TextField(
        _("public summary"),
        blank=True,
        help_text=_("What the innovation changes for citizens, in their words."),
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=stage_choices, default=first_of(Subject.INNOVATION).key
    )
    stage_entered_at = models.DateTimeField(_("in this stage since"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    documented_at = models.DateTimeField(_("documented"), null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("innovations:detail", kwargs={"pk": self.pk})

    @property
    def unit(self):
        return self.enrolment.unit

    @property
    def programme(self):
        return self.enrolment.programme

    @property
    def region(self):
        return self.enrolment.programme.region

    @property
    def stage_index(self) -> int:
        return stage_index(self.stage)

    def allows(self, work: Work) -> bool:
        """Whether the innovation's work of this kind may change now: its stage allows it
        (``lab/stages.py``) and its record is not closed by the last gate."""
        from labinov.lab.subjects import subject_of

        return subject_of(self).allows(self, work)

    @property
    def allowed_work(self) -> dict[str, bool]:
        """``allows`` for every kind of work, by name (for templates)."""
        return {work.value: self.allows(work) for work in Work}

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def tahapan_on(self, day: datetime.date) -> str:
        """Where the innovation stands in the national index: it follows from its dates."""
        if self.implementation_date and self.implementation_date <= day:
            return self.Tahapan.PENERAPAN
        if self.trial_date and self.trial_date <= day:
            return self.Tahapan.UJI_COBA
        return self.Tahapan.INISIATIF

    @property
    def tahapan(self) -> str:
        return self.tahapan_on(timezone.localdate())

    def get_tahapan_display(self) -> str:
        return str(self.Tahapan(self.tahapan).label)

    @property
    def design_sections(self) -> list[dict]:
        return [
            {"key": f, "label": label, "text": getattr(self, f)} for f, label in DESIGN_SECTIONS
        ]

    @property
    def design_words(self) -> int:
        return sum(word_count(getattr(self, f)) for f, _label in DESIGN_SECTIONS)

    @property
    def design_text(self) -> str:
        return "\n\n".join(
            f"{label}\n{getattr(self, f)}" for f, label in DESIGN_SECTIONS if getattr(self, f)
        )

    @property
    def improvement(self) -> Improvement:
        """Faster, cheaper, easier and the yearly savings (innovations/measures.py).

        Reads ``service_measures.all()``, so a prefetch serves a whole list at once.
        """
        return evaluate(
            {m.measure: (m.baseline, m.target, m.actual) for m in self.service_measures.all()},
            transactions_per_year=self.transactions_per_year,
            hours_per_visit=self.hours_per_visit,
        )


class Milestone(models.Model):
    """One step of the action plan ("Rencana Aksi Inovasi")."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("step"), max_length=250)
    owner = models.CharField(_("person in charge"), max_length=200)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    budget = models.PositiveBigIntegerField(_("budget (Rp)"), null=True, blank=True)
    stakeholders = models.CharField(_("stakeholders"), max_length=300, blank=True)
    deliverable = models.CharField(_("deliverable"), max_length=300)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        return self.progress >= 100

    def overdue_on(self, day: datetime.date) -> bool:
        return not self.is_done and self.end < day

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())


class Evidence(models.Model):
    """Evidence of a milestone's progress: a file, a photo or a link, with a note."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="evidence")
    note = models.CharField(_("note"), max_length=300, blank=True)
    file = models.FileField(_("file or photo"), upload_to="inovasi/bukti/", blank=True)
    link = models.URLField(_("link"), blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("evidence")

    def __str__(self):
        return self.note or self.link or self.file.name

    @property
    def is_photo(self) -> bool:
        return self.file.name.lower().endswith((".jpg", ".jpeg", ".png", ".webp", ".gif"))


class ServiceMeasure(models.Model):
    """A service target: the baseline found in diagnose, the target, and what was achieved."""

    class Measure(models.TextChoices):
        DAYS = "days", _("Days to finish")
        COST = "cost", _("Cost to the citizen (Rp)")
        STEPS = "steps", _("Number of steps")
        REQUIREMENTS = "requirements", _("Number of requirements")
        VISITS = "visits", _("Visits to an office needed")
        SATISFACTION = "satisfaction", _("Satisfaction (0-100)")
        PEOPLE = "people_served", _("People served per year")

    #: measure -> the Problem's baseline field
    BASELINE_FIELD = {
        "days": "baseline_days",
        "cost": "baseline_cost",
        "steps": "baseline_steps",
        "requirements": "baseline_requirements",
        "satisfaction": "baseline_satisfaction",
    }
    #: Which way is better, per measure: declared once, in innovations/measures.py.
    HIGHER_IS_BETTER = frozenset(k for k, kind in KINDS.items() if kind.higher_is_better)

    innovation = models.ForeignKey(
        Innovation, on_delete=models.CASCADE, related_name="service_measures"
    )
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=1, null=True, blank=True
    )
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=1)
    actual = models.DecimalField(
        _("actual"), max_digits=14, decimal_places=1, null=True, blank=True
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("service measure")
        verbose_name_plural = _("service measures")
        constraints = [
            models.UniqueConstraint(fields=["innovation", "measure"], name="one_measure_each")
        ]

    def __str__(self):
        return self.get_measure_display()

    @property
    def value_unit(self) -> str:
        """The unit its values are written in (core/numbers.py)."""
        return KINDS[self.measure].unit

    @property
    def achieved(self) -> Change:
        """The change from the baseline to the actual value (innovations/measures.py)."""
        return change(self.measure, self.baseline, self.actual)

    @property
    def improved(self) -> bool:
        """Did the actual value get better than the baseline?"""
        return self.achieved.state in (IMPROVED, NEW_FROM_ZERO)


class Risk(models.Model):
    """A risk or an issue met while delivering, and what is done about it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="risks")
    description = models.CharField(_("risk or issue"), max_length=300)
    mitigation = models.CharField(_("what is done about it"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("risk or issue")

    def __str__(self):
        return self.description


class Photo(models.Model):
    """A photo of the innovation, shown with its public summary once it is published."""

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="inovasi/foto/")
    caption = models.CharField(_("caption"), max_length=250, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("photo")

    def __str__(self):
        return self.caption or self.image.name


class Expo(models.Model):
    """An innovation expo of a programme, where a jury scores innovations on a scorecard."""

    programme = models.ForeignKey(
        "lab.LabProgramme", on_delete=models.CASCADE, related_name="expos"
    )
    title = models.CharField(_("title"), max_length=250)
    held_on = models.DateField(_("date"), null=True, blank=True)
    scorecard_version = models.CharField(_("scorecard"), max_length=20)
    jurors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("jury"), blank=True, related_name="+"
    )
    best = models.ForeignKey(
        Innovation,
        verbose_name=_("the best innovation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-held_on", "id"]
        verbose_name = _("expo")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("innovations:expo", kwargs={"pk": self.pk})


class JuryScore(models.Model):
    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="scores")
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="+")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scores = models.JSONField(default=dict)
    total = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("jury score")
        constraints = [
            models.UniqueConstraint(
                fields=["expo", "innovation", "juror"], name="jury_score_one_per_juror"
            )
        ]

    def __str__(self):
        return f"{self.innovation_id}: {self.total}"
