"""A lab programme, the units enrolled in it, and each unit's drum-up and diagnose work."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from labinov.lab.stages import (
    STAGES,
    Subject,
    Work,
    allows,
    first_of,
    stage_choices,
    stage_index,
)

DEFAULT_PACT = (
    "Kami, pimpinan unit kerja, berkomitmen untuk melahirkan inovasi pelayanan publik dan "
    "tata kelola pemerintahan yang membuat layanan lebih cepat, lebih murah, dan lebih "
    "mudah bagi warga, membentuk tim inovasi, dan mengikuti seluruh tahapan Laboratorium "
    "Inovasi sampai inovasi diluncurkan dan didokumentasikan."
)


class LabProgramme(models.Model):
    """One run of the Laboratorium Inovasi in a region."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="lab_programmes",
    )
    title = models.CharField(_("title"), max_length=250)
    year = models.PositiveIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Anyone may see the programme, its units and their stage."),
    )
    pact_text = models.TextField(_("text of the innovation pact"), default=DEFAULT_PACT)
    coaches = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coaches"),
        blank=True,
        related_name="coached_programmes",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("lab programme")
        verbose_name_plural = _("lab programmes")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "title"], name="programme_title_unique_in_region"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("lab:programme", kwargs={"pk": self.pk})

    def _plan_by_stage(self) -> dict[str, "StagePlan"]:
        """The plan's rows by stage key: read once per instance, from the prefetch of
        ``plan_rows`` when the queryset made one (``selectors.with_plan``)."""
        cached = getattr(self, "_plan_cache", None)
        if cached is None:
            cached = {row.stage: row for row in self.plan_rows.all()}
            self._plan_cache = cached
        return cached

    def forget_plan(self) -> None:
        """Drop what ``planned`` read, after the plan's rows changed."""
        self._plan_cache = None
        getattr(self, "_prefetched_objects_cache", {}).pop("plan_rows", None)

    def planned(self, stage_key: str) -> tuple[datetime.date | None, datetime.date | None]:
        """The planned start and end of a stage (None where the plan gives none)."""
        row = self._plan_by_stage().get(stage_key)
        return (row.start, row.end) if row else (None, None)

    def plan(self) -> list[dict]:
        """Every declared stage, in order, with its planned dates."""
        return [
            {"stage": s, "start": start, "end": end}
            for s in STAGES
            for start, end in (self.planned(s.key),)
        ]


class StagePlan(models.Model):
    """When a programme plans one stage: one row per stage that has a date, so a stage
    added to the declaration (``lab/stages.py``) needs no new column. The rules a plan
    follows (order, the programme's year) are in ``lab/plan.py``."""

    programme = models.ForeignKey(LabProgramme, on_delete=models.CASCADE, related_name="plan_rows")
    stage = models.CharField(_("stage"), max_length=20, choices=stage_choices)
    start = models.DateField(_("starts"), null=True, blank=True)
    end = models.DateField(_("ends"), null=True, blank=True)

    class Meta:
        verbose_name = _("planned stage")
        verbose_name_plural = _("planned stages")
        constraints = [
            models.UniqueConstraint(fields=["programme", "stage"], name="stage_plan_once"),
            models.CheckConstraint(
                name="stage_plan_has_a_date",
                condition=models.Q(start__isnull=False) | models.Q(end__isnull=False),
            ),
            models.CheckConstraint(
                name="stage_plan_ends_after_start",
                condition=models.Q(start__isnull=True)
                | models.Q(end__isnull=True)
                | models.Q(end__gte=models.F("start")),
            ),
        ]

    def __str__(self):
        return f"{self.programme} — {self.get_stage_display()}: {self.start} to {self.end}"


class Enrolment(models.Model):
    """A unit taking part in a programme; it moves through the stages by gate decisions."""

    programme = models.ForeignKey(LabProgramme, on_delete=models.CASCADE, related_name="enrolments")
    unit = models.ForeignKey(
        "regions.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="enrolments"
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=stage_choices, default=first_of(Subject.ENROLMENT).key
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__kind", "unit__name"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["programme", "unit"], name="enrolment_unique")
        ]

    def __str__(self):
        return f"{self.unit} — {self.programme}"

    def get_absolute_url(self):
        return reverse("lab:workspace", kwargs={"pk": self.pk})

    @property
    def stage_index(self) -> int:
        return stage_index(self.stage)

    def allows(self, work: Work) -> bool:
        """Whether the unit may create or change this work in its current stage."""
        return allows(self.stage, Subject.ENROLMENT, work)

    @property
    def allowed_work(self) -> dict[str, bool]:
        """``allows`` for every kind of work, by name (for templates)."""
        return {work.value: self.allows(work) for work in Work}

    @property
    def region(self):
        return self.programme.region


class Commitment(models.Model):
    """The unit head's signature under the programme's innovation pact ("Pakta Inovasi")."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="commitment")
    pact_text = models.TextField(_("text signed"))
    signer_name = models.CharField(_("name"), max_length=200)
    signer_position = models.CharField(_("position"), max_length=200)
    signed_at = models.DateTimeField(_("signed at"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scan = models.FileField(_("scanned copy"), upload_to="lab/pakta/%Y/", blank=True)

    class Meta:
        verbose_name = _("innovation pact")

    def __str__(self):
        return f"Pakta Inovasi — {self.enrolment.unit}"


class Team(models.Model):
    """A unit's innovation team and its appointment decree ("SK Tim")."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="team")
    decree_number = models.CharField(_("decree number"), max_length=200, blank=True)
    decree_file = models.FileField(_("appointment decree"), upload_to="lab/sk-tim/%Y/", blank=True)

    class Meta:
        verbose_name = _("innovation team")

    def __str__(self):
        return f"Tim Inovasi — {self.enrolment.unit}"

    @property
    def has_decree(self) -> bool:
        return bool(self.decree_number or self.decree_file)


class TeamMember(models.Model):
    class TeamRole(models.TextChoices):
        LEADER = "ketua", _("Team leader")
        SECRETARY = "sekretaris", _("Secretary")
        MEMBER = "anggota", _("Member")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    team_role = models.CharField(
        _("role in the team"), max_length=20, choices=TeamRole.choices, default=TeamRole.MEMBER
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="team_memberships",
    )

    class Meta:
        ordering = ["team_role", "name"]
        verbose_name = _("team member")
        constraints = [
            # An account is on a team once; members without an account are only names.
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=models.Q(user__isnull=False),
                name="team_member_account_once",
            )
        ]

    def __str__(self):
        return self.name


class ReadinessAssessment(models.Model):
    """The unit's self-assessment of readiness to innovate; the questions are versioned data."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="readiness")
    version = models.CharField(max_length=20)
    answers = models.JSONField(default=dict)
    score = models.PositiveIntegerField(_("score"))
    max_score = models.PositiveIntegerField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("readiness self-assessment")

    def __str__(self):
        return f"Kesiapan — {self.enrolment.unit}"

    @property
    def percent(self) -> int:
        return round(100 * self.score / self.max_score) if self.max_score else 0


class Problem(models.Model):
    """A problem of one of the unit's services, with its evidence and the service's baseline."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="problems")
    service = models.CharField(_("service concerned"), max_length=250)
    description = models.TextField(_("problem"))
    affected = models.CharField(_("who suffers it"), max_length=250)
    evidence_text = models.TextField(_("evidence (data)"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="lab/bukti/%Y/", blank=True)
    evidence_link = models.URLField(_("evidence link"), blank=True)
    baseline_days = models.DecimalField(
        _("days to finish"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    baseline_cost = models.PositiveIntegerField(
        _("cost to the citizen (Rp)"), null=True, blank=True
    )
    baseline_steps = models.PositiveIntegerField(_("number of steps"), null=True, blank=True)
    baseline_requirements = models.PositiveIntegerField(
        _("number of requirements"), null=True, blank=True
    )
    baseline_complaints = models.PositiveIntegerField(
        _("complaints per year"), null=True, blank=True
    )
    baseline_satisfaction = models.DecimalField(
        _("satisfaction (0-100)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")

    def __str__(self):
        return f"{self.service}: {self.description[:80]}"

    def get_absolute_url(self):
        return reverse("lab:problem", kwargs={"pk": self.pk})

    @property
    def has_baseline(self) -> bool:
        return self.baseline_days is not None and self.baseline_steps is not None


class Cause(models.Model):
    """One cause of a problem, under a fishbone category."""

    class Category(models.TextChoices):
        PEOPLE = "manusia", _("People")
        METHOD = "metode", _("Method and procedure")
        TOOLS = "sarana", _("Tools and facilities")
        MATERIAL = "bahan", _("Materials and data")
        MONEY = "anggaran", _("Budget")
        ENVIRONMENT = "lingkungan", _("Environment and rules")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="causes")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    text = models.CharField(_("cause"), max_length=300)

    class Meta:
        ordering = ["category", "id"]
        verbose_name = _("cause")

    def __str__(self):
        return self.text


USG_RANGE = [MinValueValidator(1), MaxValueValidator(5)]


class UsgScore(models.Model):
    """One team member's Urgency, Seriousness and Growth scores (1-5) of one problem."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="usg_scores")
    scorer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="usg_scores"
    )
    urgency = models.PositiveSmallIntegerField(_("urgency"), validators=USG_RANGE)
    seriousness = models.PositiveSmallIntegerField(_("seriousness"), validators=USG_RANGE)
    growth = models.PositiveSmallIntegerField(_("growth"), validators=USG_RANGE)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("USG score")
        constraints = [
            models.UniqueConstraint(fields=["problem", "scorer"], name="usg_one_per_scorer")
        ]

    def __str__(self):
        return f"{self.problem_id}: {self.urgency}/{self.seriousness}/{self.growth}"


#: The five criteria of PP 38/2017, art. 4: (field, label).
CRITERIA = (
    ("is_new", _("Contains something new")),
    ("benefits", _("Benefits the region or the public")),
    ("no_burden", _("Imposes no unlawful burden on the public")),
    ("in_authority", _("Lies within regional authority")),
    ("replicable", _("Can be replicated")),
)


class Idea(models.Model):
    """An idea for a priority problem, checked against the five PP 38/2017 criteria."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="ideas")
    title = models.CharField(_("idea"), max_length=250)
    description = models.TextField(_("what it changes"), blank=True)
    is_new = models.BooleanField(_("Contains something new"), default=False)
    is_new_note = models.CharField(_("note"), max_length=300, blank=True)
    benefits = models.BooleanField(_("Benefits the region or the public"), default=False)
    benefits_note = models.CharField(_("note"), max_length=300, blank=True)
    no_burden = models.BooleanField(_("Imposes no unlawful burden on the public"), default=False)
    no_burden_note = models.CharField(_("note"), max_length=300, blank=True)
    in_authority = models.BooleanField(_("Lies within regional authority"), default=False)
    in_authority_note = models.CharField(_("note"), max_length=300, blank=True)
    replicable = models.BooleanField(_("Can be replicated"), default=False)
    replicable_note = models.CharField(_("note"), max_length=300, blank=True)
    is_demo = models.BooleanField(default=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")

    def __str__(self):
        return self.title

    @property
    def criteria(self) -> list[dict]:
        return [
            {"key": f, "label": label, "met": getattr(self, f), "note": getattr(self, f"{f}_note")}
            for f, label in CRITERIA
        ]

    @property
    def meets_all_criteria(self) -> bool:
        return all(getattr(self, f) for f, _label in CRITERIA)


class GateDecision(models.Model):
    """A decision at a stage's gate: approved (the subject moves on) or refused; or a
    coach's reopening of the previous stage (the subject moves back to it).

    A decision belongs to its subject: exactly one of ``enrolment`` (a unit's drum-up and
    diagnose) and ``innovation`` (design to documentation) is set, so each subject's
    history (``subject.gate_decisions``) holds only its own decisions. ``missing`` lists
    what a refused approval lacked, one item per object concerned:
    ``[{"key", "label", "object": {"type", "id", "name"} or null}]``.
    """

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        REOPENED = "reopened", _("Reopened")

    #: What a decider may answer at a gate (reopening is its own action).
    GATE_ANSWERS = (Decision.APPROVED, Decision.REFUSED)

    enrolment = models.ForeignKey(
        Enrolment, null=True, blank=True, on_delete=models.CASCADE, related_name="gate_decisions"
    )
    innovation = models.ForeignKey(
        "innovations.Innovation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="gate_decisions",
    )
    from_stage = models.CharField(_("from stage"), max_length=20, choices=stage_choices)
    to_stage = models.CharField(_("to stage"), max_length=20, choices=stage_choices)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"))
    missing = models.JSONField(_("missing items"), default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_name = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("gate decision")
        verbose_name_plural = _("gate decisions")
        constraints = [
            models.CheckConstraint(
                name="gate_decision_has_one_subject",
                condition=(
                    models.Q(enrolment__isnull=False, innovation__isnull=True)
                    | models.Q(enrolment__isnull=True, innovation__isnull=False)
                ),
            )
        ]

    def __str__(self):
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}: {self.decision}"

    @property
    def subject(self):
        """The enrolment or the innovation whose gate this decided."""
        return self.enrolment if self.enrolment_id else self.innovation


class Comment(models.Model):
    """A comment by a coach, coordinator or team on any artefact of an enrolment."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="comments")
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return self.text[:80]
