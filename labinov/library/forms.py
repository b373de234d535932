from django import forms
from django.utils.translation import gettext_lazy as _

from labinov.library.exchange import FORMATS
from labinov.library.models import LibraryEntry

MAX_UPLOAD_MB = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("What problem do you want to solve?"), required=False, max_length=500
    )
    province = forms.CharField(label=_("Province"), required=False, max_length=100)
    region = forms.CharField(label=_("Region"), required=False, max_length=200)
    sector = forms.CharField(label=_("Sector"), required=False, max_length=100)
    form = forms.ChoiceField(
        label=_("Form"), required=False, choices=[("", _("All")), *LibraryEntry.Form.choices]
    )
    digital = forms.TypedChoiceField(
        label=_("Digital"),
        required=False,
        choices=[("", _("All")), ("true", _("Digital")), ("false", _("Not digital"))],
        coerce=lambda v: v == "true",
        empty_value=None,
    )
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All")), *LibraryEntry.Stage.choices]
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)

    def filters(self) -> dict:
        data = self.cleaned_data
        return {k: v for k, v in data.items() if k != "q" and v not in (None, "")}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, XLSX or JSON Lines in the exchange format, UTF-8, at most %(mb)s MB.")
        % {"mb": MAX_UPLOAD_MB},
    )
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows and skip the bad ones"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not any(name.endswith(suffix) for suffix in FORMATS):
            raise forms.ValidationError(_("Use a .csv, .xlsx or .jsonl file."))
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_MB}
            )
        return upload


class SimilarForm(forms.Form):
    """``text``, or an idea's ``title`` and ``description`` as its form sends them."""

    text = forms.CharField(required=False, max_length=5000)
    title = forms.CharField(required=False, max_length=500)
    description = forms.CharField(required=False, max_length=5000)
    region = forms.CharField(required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if not data.get("text"):
            data["text"] = " ".join(
                t for t in (data.get("title"), data.get("description")) if t
            ).strip()
        return data


class ReplicationForm(forms.Form):
    """ "Amati, Tiru, Modifikasi": start an innovation in one's own unit from an entry."""

    enrolment = forms.ModelChoiceField(label=_("Your unit"), queryset=None, empty_label=None)
    name = forms.CharField(label=_("Name of your innovation"), max_length=250)
    observed = forms.CharField(
        label=_("What did your team observe?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the source innovation does and why it works there."),
    )
    imitated = forms.CharField(
        label=_("What does your team imitate?"), widget=forms.Textarea(attrs={"rows": 3})
    )
    modified = forms.CharField(
        label=_("What does your team modify?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What changes to fit your region: its people, rules and budget."),
    )

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments
        self.fields["enrolment"].label_from_instance = lambda e: (
            f"{e.unit.name} — {e.unit.region.name} ({e.programme})"
        )
