from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from labinov.core.uploads import check_size, sniff
from labinov.library.exchange import FORMATS, ExchangeError, check_archive, file_format


class SearchForm(forms.Form):
    """The words searched; the filters are ``filtersets.LibraryFilterSet``."""

    q = forms.CharField(
        label=_("What problem do you want to solve?"), required=False, max_length=500
    )


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
    again = forms.BooleanField(
        label=_("My unit replicated it before: start another innovation from it anyway"),
        required=False,
    )

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments
        current = enrolments.first()  # the selector orders the current programme first
        if current is not None:
            self.fields["enrolment"].initial = current.pk
        self.fields["enrolment"].label_from_instance = lambda e: (
            f"{e.unit.name} — {e.unit.region.name} ({e.programme})"
        )
