from django import forms
from django.urls import reverse_lazy
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from labinov.accounts.models import Role, User
from labinov.core.links import http_url_field
from labinov.core.uploads import document_field
from labinov.lab import readiness
from labinov.lab.models import (
    CRITERIA,
    Cause,
    GateDecision,
    Idea,
    LabProgramme,
    Problem,
    TeamMember,
)
from labinov.lab.plan import END, START, check_plan
from labinov.lab.stages import STAGES, stage_choices
from labinov.regions.models import Unit


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else value


class ProgrammeForm(forms.ModelForm):
    """A programme's fields and its plan: a start and an end for each declared stage
    (``lab/stages.py``), checked by the rules of ``lab/plan.py``. ``cleaned_data["plan"]``
    maps every stage key to its (start, end)."""

    coaches = forms.ModelMultipleChoiceField(
        label=_("Coaches"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People who hold the coach role in the region."),
    )

    class Meta:
        model = LabProgramme
        fields = ["title", "year", "status", "is_public", "pact_text"]
        widgets = {"pact_text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coaches"].queryset = User.objects.filter(
            role_assignments__role=Role.COACH,
            role_assignments__region=region,
            role_assignments__unit__isnull=True,
        ).distinct()
        if self.instance.pk:
            self.fields["coaches"].initial = list(self.instance.coaches.all())
        for stage in STAGES:
            start, end = self.instance.planned(stage.key) if self.instance.pk else (None, None)
            names = {"stage": stage.label}
            self.fields[self.plan_field(stage.key, START)] = forms.DateField(
                label=gettext("%(stage)s starts") % names,
                required=False,
                initial=start,
                widget=DateInput(),
            )
            self.fields[self.plan_field(stage.key, END)] = forms.DateField(
                label=gettext("%(stage)s ends") % names,
                required=False,
                initial=end,
                widget=DateInput(),
            )

    @staticmethod
    def plan_field(stage_key: str, part: str) -> str:
        return f"{stage_key}_{part}"

    def plan_rows(self) -> list[dict]:
        """Each declared stage with its two bound fields, for the template's plan table."""
        return [
            {
                "stage": stage,
                "fields": [self[self.plan_field(stage.key, part)] for part in (START, END)],
            }
            for stage in STAGES
        ]

    def other_fields(self) -> list:
        plan = {self.plan_field(s.key, part) for s in STAGES for part in (START, END)}
        return [f for f in self.visible_fields() if f.name not in plan]

    def clean(self):
        data = super().clean()
        plan = {}
        for stage in STAGES:
            plan[stage.key] = (
                data.pop(self.plan_field(stage.key, START), None),
                data.pop(self.plan_field(stage.key, END), None),
            )
        if not self.has_error("year"):
            for problem in check_plan(data.get("year"), plan):
                self.add_error(self.plan_field(problem.stage, problem.part), problem.message)
        data["plan"] = plan
        return data

    def validate_unique(self):
        """The action checks a duplicate title and says so on the field."""


class EnrolForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Units to enrol"),
        choices=[("all", _("All units of the region")), *list(Unit.Kind.choices)],
    )


class EnrolUnitForm(forms.Form):
    """One chosen unit. The list offers the region's units not yet enrolled; any unit id is
    accepted here so that the action can say why another region's unit, or one already
    enrolled, cannot join."""

    unit = forms.IntegerField(
        label=_("Or one unit"),
        widget=forms.Select,
        error_messages={"required": _("Choose a unit."), "invalid": _("Choose a unit.")},
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        enrolled = programme.enrolments.values("unit_id")
        units = Unit.objects.filter(region=programme.region).exclude(pk__in=enrolled)
        self.fields["unit"].widget.choices = [
            ("", "—"),
            *((u.pk, f"{u.name} ({u.get_kind_display()})") for u in units.order_by("name")),
        ]

    def clean_unit(self):
        unit = Unit.objects.filter(pk=self.cleaned_data["unit"]).first()
        if unit is None:
            raise forms.ValidationError(_("Choose a unit."))
        return unit


class InviteHeadForm(forms.Form):
    enrolment = forms.ChoiceField(label=_("Unit"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail address"))
    position = forms.CharField(label=_("Position"), max_length=200, required=False)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].choices = [
            (e.pk, str(e.unit)) for e in programme.enrolments.select_related("unit")
        ]


class CommitmentForm(forms.Form):
    signer_name = forms.CharField(label=_("Name"), max_length=200)
    signer_position = forms.CharField(label=_("Position"), max_length=200)
    scan = document_field(label=_("Scanned copy (optional)"), required=False)


class DecreeForm(forms.Form):
    decree_number = forms.CharField(label=_("Decree number"), max_length=200, required=False)
    decree_file = document_field(label=_("Appointment decree (file)"), required=False)


ACCOUNT_HELP = _(
    "The person then logs in as a team member of the unit; a new account gets an e-mail "
    "with a link to set a password."
)


class TeamMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    team_role = forms.ChoiceField(label=_("Role in the team"), choices=TeamMember.TeamRole.choices)
    email = forms.EmailField(
        label=_("E-mail address (optional)"), required=False, help_text=ACCOUNT_HELP
    )


class MemberInviteForm(forms.Form):
    """An e-mail address for a member who is only a name; one form per member, so each
    gets a prefix (``m<pk>``) to keep the page's field ids apart."""

    email = forms.EmailField(label=_("E-mail address"), help_text=ACCOUNT_HELP)


class ReadinessForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = readiness.questionnaire()
        choices = [(s["value"], s["label"]) for s in data["scale"]]
        for number, q in enumerate(data["questions"], start=1):
            self.fields[q["key"]] = forms.TypedChoiceField(
                label=f"{number}. {q['text']}",
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
            )


class ProblemForm(forms.ModelForm):
    evidence_link = http_url_field(label=capfirst(_("evidence link")), required=False)
    # A new file replaces the stored one; the page links the stored one for readers.
    evidence_file = document_field(
        label=capfirst(_("evidence file")), required=False, widget=forms.FileInput()
    )

    class Meta:
        model = Problem
        fields = [
            "service",
            "description",
            "affected",
            "evidence_text",
            "evidence_file",
            "evidence_link",
            "baseline_days",
            "baseline_cost",
            "baseline_steps",
            "baseline_requirements",
            "baseline_complaints",
            "baseline_satisfaction",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "evidence_text": forms.Textarea(attrs={"rows": 2}),
        }


class CauseForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Cause.Category.choices)
    text = forms.CharField(label=_("Cause"), max_length=300)


SCORE_CHOICES = [(i, str(i)) for i in range(1, 6)]


class UsgForm(forms.Form):
    urgency = forms.TypedChoiceField(label=_("Urgency"), choices=SCORE_CHOICES, coerce=int)
    seriousness = forms.TypedChoiceField(label=_("Seriousness"), choices=SCORE_CHOICES, coerce=int)
    growth = forms.TypedChoiceField(label=_("Growth"), choices=SCORE_CHOICES, coerce=int)


#: While an idea is typed, the knowledge base's similar innovations (and a warning of a
#: near-duplicate in the same region) show below the form: the library's HTMX partial
#: reads ``title``, ``description`` and ``region`` (a hidden field of the idea form).
SIMILAR_AS_TYPED = {
    "hx-get": reverse_lazy("library:similar"),
    "hx-trigger": "keyup changed delay:500ms",
    "hx-target": "#idea-similar",
    "hx-include": "closest form",
    "hx-params": "title,description,region",
}


class IdeaForm(forms.ModelForm):
    class Meta:
        model = Idea
        fields = [
            "title",
            "description",
            *[x for f, _label in CRITERIA for x in (f, f"{f}_note")],
        ]
        widgets = {
            "title": forms.TextInput(attrs=SIMILAR_AS_TYPED),
            "description": forms.Textarea(attrs={"rows": 3, **SIMILAR_AS_TYPED}),
        }


class GateForm(forms.Form):
    #: The stage the person saw when deciding: a decision of a stage decided meanwhile (a
    #: form sent twice, another coach first) is refused instead of deciding the next gate.
    stage = forms.ChoiceField(choices=stage_choices, widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[c for c in GateDecision.Decision.choices if c[0] in GateDecision.GATE_ANSWERS],
        widget=forms.RadioSelect,
        initial=GateDecision.Decision.APPROVED,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the stage is reopened"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))
    target = forms.CharField(widget=forms.HiddenInput)
