from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from labinov.core.uploads import check_size, sniff
from labinov.library.exchange import FORMATS, ExchangeError, check_archive, file_format
from labinov.library.models import LibraryEntry


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
    #: The origin of entries (``LibraryEntry.source``), e.g. a federated feed's "asal-3".
    source = forms.CharField(label=_("Origin"), required=False, max_length=20)

    def filters(self) -> dict:
        data = self.cleaned_data
        return {k: v for k, v in data.items() if k != "q" and v not in (None, "")}


def _import_help() -> str:
    return _("CSV, XLSX or JSON Lines in the exchange format, UTF-8, at most %(mb)s MB.") % {
        "mb": settings.MAX_IMPORT_MB
    }


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=lazy(_import_help, str)())
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows and skip the bad ones"), required=False
    )

    def clean_file(self):
        """The name says the format; the content must agree, and an XLSX file must not
        unpack to more than reading may cost. Refused here, nothing is stored."""
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not any(name.endswith(suffix) for suffix in FORMATS):
            raise forms.ValidationError(_("Use a .csv, .xlsx or .jsonl file."))
        check_size(upload, settings.MAX_IMPORT_MB)
        kind = sniff(upload)
        if file_format(name) == "xlsx":
            if kind != "zip":
                raise forms.ValidationError(
                    _("The file's name ends in .xlsx but it is not an XLSX workbook.")
                )
            try:
                check_archive(upload)
            except ExchangeError as exc:
                raise forms.ValidationError(str(exc)) from exc
        else:
            upload.seek(0)
            head = upload.read(8192)
            upload.seek(0)
            if kind or b"\x00" in head:
                raise forms.ValidationError(
                    _("The file is not text: save it as CSV or JSON Lines (UTF-8).")
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
