"""Links that people give (an evidence link, a knowledge-base entry's sources) become
``<a href>`` only when they are http(s): a ``javascript:`` or ``data:`` URL would run in
the page of whoever clicks it. Forms and imports refuse other schemes; templates check
again with the ``is_safe_link`` filter, since older rows may hold one."""

import re
from urllib.parse import urlsplit

from django import forms
from django.core.validators import URLValidator

HTTP_SCHEMES = ("http", "https")


def is_http_url(value) -> bool:
    """An absolute http or https URL with a host. ``urlsplit`` drops the tabs and line
    breaks a browser would drop too, so "java\\nscript:" is seen as javascript."""
    if not isinstance(value, str) or not value.strip():
        return False
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in HTTP_SCHEMES and bool(parts.hostname)


def is_safe_link(value) -> bool:
    """An http(s) URL, or a path on this site ("/inovasi/12/", as the knowledge base links
    an innovation of this installation); not "//host" nor "/\\host", which browsers take
    for another host."""
    if isinstance(value, str) and value.strip().startswith("/"):
        path = re.sub(r"[\t\n\r]", "", value.strip())  # as a browser drops them
        return not path.startswith(("//", "/\\")) and is_http_url("https://labinov" + path)
    return is_http_url(value)


def http_url_field(**kwargs) -> forms.URLField:
    """A form's URL field that takes http and https only (Django's also takes ftp)."""
    kwargs.setdefault("assume_scheme", "https")
    field = forms.URLField(**kwargs)
    field.validators = [v for v in field.validators if not isinstance(v, URLValidator)]
    field.validators.append(URLValidator(schemes=list(HTTP_SCHEMES)))
    return field
