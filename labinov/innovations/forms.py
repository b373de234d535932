from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from labinov.core.links import http_url_field
from labinov.core.uploads import document_field, image_field
from labinov.innovations.models import (
    DESIGN_SECTIONS,
    FIELD_WORK,
    Innovation,
    Milestone,
    ServiceMeasure,
)
from labinov.innovations.scorecard import scorecard
from labinov.lab.forms import DateInput
from labinov.lab.subjects import lock_message


class CreateForm(forms.Form):
    name = forms.CharField(label=_("Name of the innovation"), max_length=250)


DESIGN_FIELDS = [f for f, _label in DESIGN_SECTIONS]
DESIGN_HELP = {
    "design_legal_basis": _("Laws and regulations the innovation rests on."),
    "design_problem": _("The service problem found in diagnose, with its data."),
    "design_strategic_issue": _("Why it matters for the region's priorities."),
    "design_method": _("What changes, for whom, and how."),
    "design_advantages": _("What is new and better than before."),
    "design_stages": _("From trial to full implementation."),
}


class InnovationForm(forms.ModelForm):
    budget_file = document_field(
        label=capfirst(_("budget document")), required=False, widget=forms.FileInput()
    )
    business_profile = document_field(
        label=capfirst(_("business profile")), required=False, widget=forms.FileInput()
    )

    class Meta:
        model = Innovation
        fields = [
            "name",
            "initiator",
            "kind",
            "form",
            "affairs",
            *DESIGN_FIELDS,
            "aims",
            "benefits",
            "expected_results",
            "budget_amount",
            "budget_file",
            "business_profile",
            "trial_date",
            "implementation_date",
        ]
        widgets = (
            {f: forms.Textarea(attrs={"rows": 4}) for f in DESIGN_FIELDS}
            | {
                f: forms.Textarea(attrs={"rows": 3})
                for f in ("aims", "benefits", "expected_results")
            }
            | {
                "trial_date": DateInput(),
                "implementation_date": DateInput(),
            }
        )
        help_texts = DESIGN_HELP

    def __init__(self, *args, innovation=None, **kwargs):
        """Fields whose kind of work the innovation's stage does not allow are shown, but
        disabled (their value is kept)."""
        super().__init__(*args, **kwargs)
        self.innovation = innovation
        if innovation is not None:
            for name, field in self.fields.items():
                if not innovation.allows(FIELD_WORK[name]):
                    field.disabled = True

    def clean(self):
        """A browser sends no disabled field; a request that changes one anyway is refused
        with the lock's reason, not silently ignored."""
        cleaned = super().clean()
        if self.innovation is None or not self.is_bound:
            return cleaned
        for name, field in self.fields.items():
            if not field.disabled or name not in self.data:
                continue
            try:
                sent = field.clean(field.widget.value_from_datadict(self.data, self.files, name))
            except forms.ValidationError:
                sent = None
            # (a disabled field never reports a change itself: compare with what is stored)
            if sent not in (None, "") and sent != self.get_initial_for_field(field, name):
                raise forms.ValidationError(lock_message(self.innovation, FIELD_WORK[name]))
        return cleaned


class DisplayForm(forms.ModelForm):
    class Meta:
        model = Innovation
        fields = ["launch_date", "launch_occasion", "public_summary"]
        widgets = {"launch_date": DateInput(), "public_summary": forms.Textarea(attrs={"rows": 5})}


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "owner", "start", "end", "budget", "stakeholders", "deliverable"]
        widgets = {"start": DateInput(), "end": DateInput()}


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    file = document_field(label=_("File or photo"), required=False)
    link = http_url_field(label=_("Link"), required=False)


class MeasureForm(forms.Form):
    measure = forms.ChoiceField(label=_("Measure"), choices=ServiceMeasure.Measure.choices)
    baseline = forms.DecimalField(
        label=_("Baseline"),
        required=False,
        min_value=0,
        help_text=_("Taken from the problem's baseline in diagnose where it was measured."),
    )
    target = forms.DecimalField(label=_("Target"), min_value=0)
    actual = forms.DecimalField(label=_("Actual"), required=False, min_value=0)


class VolumeForm(forms.Form):
    transactions_per_year = forms.IntegerField(
        label=_("Transactions per year"),
        required=False,
        min_value=0,
        help_text=_("How many times a year citizens use the service."),
    )
    hours_per_visit = forms.DecimalField(
        label=_("Hours a citizen spends on one visit"),
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=1,
        localize=True,  # "2,5" as Indonesians write it (and "2.5")
        help_text=_("Travel, queue and service time of one visit to an office."),
    )


class RiskForm(forms.Form):
    description = forms.CharField(label=_("Risk or issue"), max_length=300)
    mitigation = forms.CharField(label=_("What is done about it"), max_length=300, required=False)


class PhotoForm(forms.Form):
    image = image_field(label=_("Photo"))
    caption = forms.CharField(label=_("Caption"), max_length=250, required=False)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Monitoring comment"), widget=forms.Textarea(attrs={"rows": 2}))


class ExpoForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=250)
    held_on = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    jurors = forms.ModelMultipleChoiceField(
        label=_("Jury"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurors"].queryset = people


class ScoreForm(forms.Form):
    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        card = scorecard(version)
        low, high = card["scale"]["min"], card["scale"]["max"]
        for c in card["criteria"]:
            self.fields[c["key"]] = forms.IntegerField(
                label=f"{c['label']} ({c['weight']}%)",
                min_value=low,
                max_value=high,
                help_text=_("A whole number from %(low)d to %(high)d.")
                % {"low": low, "high": high},
            )
