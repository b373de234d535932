from django import forms
from django.utils.translation import gettext_lazy as _

from labinov.core.uploads import document_field


class RubricUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Rubric file (JSON)"),
        help_text=_("The whole version as one JSON file; it is checked before anything is stored."),
    )
    provenance = forms.CharField(
        label=_("Provenance"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Where the rubric comes from: the juknis, its date, who prepared the file."),
    )


class AssessmentForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    rubric = forms.ChoiceField(label=_("Rubric version"))

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].choices = [(v, v) for v in versions]


class AnswerForm(forms.Form):
    item_key = forms.CharField(widget=forms.HiddenInput)
    innovation = forms.IntegerField(widget=forms.HiddenInput, required=False)
    level = forms.TypedChoiceField(label=_("Level"), coerce=int)
    evidence_file = document_field(label=_("Evidence file"), required=False)
    evidence_link = forms.URLField(label=_("Evidence link"), required=False, assume_scheme="https")
    evidence_note = forms.CharField(label=_("Evidence note"), required=False, max_length=300)
    remove_evidence = forms.BooleanField(label=_("Remove the evidence"), required=False)

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(0, _("0 — not filled"))] + [
            (value, f"{value} — {description}") for value, description in levels
        ]
