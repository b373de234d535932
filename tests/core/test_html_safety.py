"""Text becomes HTML in one place only (issue 9, finding 1): Django's autoescape. A template
never marks a value safe, and Python marks HTML safe only in the functions listed here,
each of which escapes every piece of stored text it puts in."""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "labinov"

#: file → why it may build HTML itself.
ALLOWED_MARK_SAFE = {
    "library/search/engine.py": "highlight, preview and snippet escape the entry's text",
}
UNSAFE_TEMPLATE = re.compile(r"\|\s*safe\b|{%\s*autoescape\s+off")
UNSAFE_PYTHON = re.compile(r"\bmark_safe\(|\bSafeString\(\s*[^)\s]|\bautoescape\s*=\s*False")


def test_no_template_turns_autoescape_off():
    offenders = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in PACKAGE.rglob("*.html")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if UNSAFE_TEMPLATE.search(line)
    ]
    assert offenders == []


def test_only_the_listed_modules_mark_html_safe():
    offenders = sorted(
        {
            str(path.relative_to(PACKAGE))
            for path in PACKAGE.rglob("*.py")
            if "migrations" not in path.parts and UNSAFE_PYTHON.search(path.read_text())
        }
        - set(ALLOWED_MARK_SAFE)
    )
    assert offenders == []
