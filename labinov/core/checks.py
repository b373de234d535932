"""System checks of Labinov's own settings, printed by `labinov check` and before
`labinov serve` or `labinov migrate`."""

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _


@checks.register(checks.Tags.security)
def deprecated_https_variables(app_configs, **kwargs) -> list[checks.Warning]:
    """LABINOV_SECURE_COOKIES and LABINOV_BEHIND_HTTPS_PROXY still work, each for its
    part only; LABINOV_HTTPS replaces both (and adds HSTS and the HTTPS redirect)."""
    return [
        checks.Warning(
            _("%(name)s is deprecated and will be removed.") % {"name": name},
            hint=_(
                "Remove it and set LABINOV_HTTPS=true: secure cookies, the redirect to "
                "HTTPS, HSTS and the proxy's X-Forwarded-Proto header in one switch."
            ),
            id="labinov.W001",
        )
        for name, is_set in settings.DEPRECATED_VARIABLES.items()
        if is_set
    ]
