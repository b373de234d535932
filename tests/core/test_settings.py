import re
from pathlib import Path

from django.conf import settings as django_settings

from labinov import settings as labinov_settings

ROOT = Path(__file__).resolve().parents[2]


def documented_variables() -> dict[str, str]:
    """Variables of .env.example with the comment lines just above each."""
    documented, comment = {}, []
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            comment.append(line)
        elif m := re.match(r"^([A-Z][A-Z0-9_]*)=", line):
            documented[m.group(1)] = " ".join(comment)
            comment = [] if not line.strip() else comment
        elif not line.strip():
            comment = []
    return documented


def test_every_setting_read_from_the_environment_is_documented():
    documented = documented_variables()
    missing = sorted(labinov_settings.READ_VARIABLES - set(documented))
    assert not missing, f".env.example lacks {missing}"


def test_the_contract_variables_are_documented_with_a_comment():
    documented = documented_variables()
    for name in ("DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "LABINOV_DATA_DIR"):
        assert name in labinov_settings.READ_VARIABLES
        assert name in documented


def test_indonesian_is_the_default_language():
    assert django_settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in django_settings.LANGUAGES] == ["id", "en"]
