"""Forms of the portal. They validate; the views call the actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from labinov.portal.actions import LIMITS
from labinov.regions.models import Region

#: The honeypot's name: an input people never see (moved off screen by the style sheet,
#: hidden from screen readers and the keyboard) that form-filling robots fill in. It is
#: not a field of the form: the template writes it, the view only asks whether it came.
HONEYPOT = "website"


class ProposalForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.order_by("name"), empty_label=None
    )
    service = forms.CharField(
        label=_("The public service concerned"),
        max_length=LIMITS["service"],
        help_text=_("For example: birth certificates, a health centre's queue."),
    )
    problem = forms.CharField(
        label=_("What is the problem?"),
        max_length=LIMITS["problem"],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    idea = forms.CharField(
        label=_("Your idea to solve it"),
        max_length=LIMITS["idea"],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    name = forms.CharField(
        label=_("Your name (optional)"), max_length=LIMITS["name"], required=False
    )
    contact = forms.CharField(
        label=_("E-mail or phone (optional)"),
        max_length=LIMITS["contact"],
        required=False,
        help_text=_("Only the region's coordinator reads it, to ask you about the idea."),
    )

    def filled_honeypot(self) -> bool:
        return bool((self.data.get(HONEYPOT) or "").strip())


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", _("Accept")),
            ("reject", _("Reject, with a reason")),
            ("spam", _("Mark as spam")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason (the proposer reads it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class IdeaForm(forms.Form):
    enrolment = forms.ModelChoiceField(label=_("Unit"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("Name of the idea"), max_length=250)

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments
        self.fields["enrolment"].label_from_instance = lambda e: e.unit.name
