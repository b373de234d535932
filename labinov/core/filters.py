"""One filter declaration per list, for its page and its API alike.

A list's filters are a ``ListFilterSet`` (django-filter) in its app's ``filtersets.py``.
Each filter is declared once, under its API name; ``page_names`` gives the page's query
parameter where the page names it otherwise (Indonesian: ``wilayah``, ``tahap``). From
the one declaration:

- the page reads ``ListFilterSet.from_page(request.GET, queryset)`` and shows
  ``page_errors()`` for values it cannot use (with no list, rather than a list that only
  looks filtered);
- the API takes ``Query[ListFilterSet.api_schema()]`` (typed parameters in the OpenAPI
  description) and ``from_api(params, queryset).qs_or_422()`` answers a value it cannot
  use with 422 in the one error shape.

A new filter declared on the set appears on both.
"""

from enum import StrEnum

import django_filters
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema
from pydantic import Field, create_model

from labinov.core.api_support import ApiError


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (an id, a year), bounded by ``min_value`` and ``max_value``."""

    field_class = forms.IntegerField


class YesNoFilter(django_filters.TypedChoiceFilter):
    """``true`` or ``false``; any other value is refused, not ignored."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", gettext_lazy("Yes")), ("false", gettext_lazy("No"))])
        kwargs.setdefault("coerce", lambda value: value == "true")
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)


def _choice_values(filter_) -> list[str]:
    choices = filter_.extra.get("choices", ())
    choices = choices() if callable(choices) else choices
    return [str(value) for value, _label in choices if value not in ("", None)]


class ListFilterSet(django_filters.FilterSet):
    #: API name -> the page's query parameter, where they differ.
    page_names: dict[str, str] = {}
    #: API name -> its description in the OpenAPI document.
    api_help: dict[str, str] = {}

    # -- the page ------------------------------------------------------------------------

    @classmethod
    def page_name(cls, name: str) -> str:
        return cls.page_names.get(name, name)

    @classmethod
    def from_page(cls, query, queryset=None, **kwargs):
        """Read the page's query parameters (``request.GET``)."""
        data = {}
        for name in cls.base_filters:
            value = query.get(cls.page_name(name), "")
            if value not in (None, ""):
                data[name] = value
        return cls(data, queryset=queryset, **kwargs)

    def page_params(self) -> dict[str, str]:
        """The page's parameters as given, by their page names (for the page's inputs)."""
        return {self.page_name(n): str(self.data.get(n, "")) for n in self.base_filters}

    def page_errors(self) -> list[str]:
        """One sentence per filter value that cannot be used, naming the filter."""
        self.is_valid()
        return [
            f"{capfirst(self.form.fields[name].label or name)}: {' '.join(errors)}"
            for name, errors in self.errors.items()
        ]

    def page_qs(self):
        """The filtered list, or nothing when a value cannot be used (say so with
        ``page_errors``)."""
        return self.qs if self.is_valid() else self.queryset.none()

    # -- the API -------------------------------------------------------------------------

    @classmethod
    def api_schema(cls, name: str | None = None) -> type[Schema]:
        """A ninja ``Schema`` of the filters under their API names, typed from each
        filter's form field, for ``Query[...]``."""
        name = name or cls.__name__.removesuffix("Set")
        fields = {}
        for key, filter_ in cls.base_filters.items():
            extra = filter_.extra
            bounds = {}
            if isinstance(filter_, YesNoFilter):
                kind = bool
            elif isinstance(filter_, django_filters.ChoiceFilter):
                values = _choice_values(filter_)
                kind = StrEnum(f"{name}{key.title().replace('_', '')}", {v: v for v in values})
            elif isinstance(filter_, IntegerFilter):
                kind = int
                bounds = {
                    k: extra[f]
                    for k, f in (("ge", "min_value"), ("le", "max_value"))
                    if extra.get(f) is not None
                }
            else:
                kind = str
                if extra.get("max_length"):
                    bounds = {"max_length": extra["max_length"]}
            fields[key] = (
                kind | None,
                Field(None, description=cls.api_help.get(key), **bounds),
            )
        return create_model(name, __base__=Schema, **fields)

    @classmethod
    def from_api(cls, params: Schema, queryset=None, **kwargs):
        """Read the API's parameters (an instance of ``api_schema()``)."""
        data = {}
        for key, value in params.dict(exclude_none=True).items():
            if isinstance(value, bool):
                value = "true" if value else "false"
            data[key] = str(getattr(value, "value", value))
        return cls(data, queryset=queryset, **kwargs)

    def qs_or_422(self):
        if not self.is_valid():
            errors = [
                {"field": name, "message": " ".join(str(m) for m in messages)}
                for name, messages in self.errors.items()
            ]
            raise ApiError(
                422,
                _("The request is not valid: %(errors)s")
                % {"errors": "; ".join(f"{e['field']}: {e['message']}" for e in errors)},
                "invalid",
                errors,
            )
        return self.qs

    def values(self) -> dict:
        """The cleaned values of the filters given, by field name (for code that filters
        without a queryset, such as the search engine)."""
        if not self.is_valid():
            return {}
        return {
            self.base_filters[name].field_name: value
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "")
        }
