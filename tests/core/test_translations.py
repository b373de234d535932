"""The Indonesian catalogues are complete, up to date with the code, and compiled.

Indonesian is the default language, so an entry left untranslated, a string added to a
template without refreshing the catalogue, or a .po edited without recompiling it, shows
English to the people using Labinov. `make messages` refreshes and compiles every catalogue.
"""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import labinov

PACKAGE_DIR = Path(labinov.__file__).resolve().parent
APPS_WITH_CATALOGUE = sorted(path.parent.name for path in PACKAGE_DIR.glob("*/locale"))
FOUNDATION_APPS = {"core", "accounts", "regions", "demo"}
# Code that marks text for translation: Python gettext calls and template tags.
MARKS_TEXT = re.compile(
    r"\b(?:gettext|gettext_lazy|ngettext|ngettext_lazy|pgettext|pgettext_lazy|_)\(\s*[\"']"
    r"|\{%\s*(?:translate|trans|blocktranslate|blocktrans)\b"
)


def catalogue(app: str) -> Path:
    return PACKAGE_DIR / app / "locale" / "id" / "LC_MESSAGES" / "django.po"


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def read_po(path: Path) -> list[Entry]:
    """Parse a .po file: enough of the format for what makemessages writes."""
    entries: list[Entry] = []
    entry = Entry()
    started = False
    target: tuple[str, int | None] | None = None  # which field continuation lines extend

    def finish():
        nonlocal entry, started, target
        if started:
            entries.append(entry)
        entry, started, target = Entry(), False, None

    keyword = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")\s*$")
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete = started = True
            line = line[2:].strip()
            if not line or line.startswith("#"):
                continue
        elif line.startswith("#,"):
            if started and target is not None:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        elif line.startswith("#"):
            if started and target is not None:
                finish()
            continue
        match = keyword.match(line)
        if match:
            name, index, quoted = match.groups()
            if name in ("msgctxt", "msgid") and started and target and target[0] == "msgstr":
                finish()  # an entry without a blank line before the next one
            started = True
            target = (name, int(index) if index is not None else None)
            text = ast.literal_eval(quoted)
            if name == "msgstr":
                entry.msgstr[target[1] or 0] = text
            else:
                setattr(entry, name, text)
        elif line.startswith('"') and target is not None:
            text = ast.literal_eval(line)
            name, index = target
            if name == "msgstr":
                entry.msgstr[index or 0] += text
            else:
                setattr(entry, name, getattr(entry, name) + text)
        else:
            raise ValueError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


def messages(path: Path) -> list[Entry]:
    """The entries of a catalogue, without its header."""
    return [entry for entry in read_po(path) if entry.msgid or entry.msgctxt]


def header(path: Path) -> dict[str, str]:
    first = read_po(path)[0]
    assert first.msgid == "" and first.msgctxt is None, f"{path} has no header"
    lines = first.msgstr[0].splitlines()
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def describe(entry: Entry) -> str:
    return entry.msgid if entry.msgctxt is None else f"{entry.msgctxt} | {entry.msgid}"


def need_gettext():
    missing = [tool for tool in ("msgfmt", "xgettext", "msgmerge") if not shutil.which(tool)]
    if missing:
        pytest.skip(
            f"GNU gettext is not installed ({', '.join(missing)} missing): "
            "install it (Debian: apt-get install gettext) to check the catalogues."
        )


def test_the_parser_reads_what_gettext_writes(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: id\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        '#: a.py:1\n#, python-format\nmsgid "A %(x)s"\nmsgstr "Sebuah %(x)s"\n\n'
        '#, fuzzy\nmsgctxt "menu"\nmsgid ""\n"Long "\n"text"\nmsgstr ""\n\n'
        'msgid "%(n)s unit"\nmsgid_plural "%(n)s units"\nmsgstr[0] "%(n)s unit \\"kerja\\""\n\n'
        '#~ msgid "Old"\n#~ msgstr "Lama"\n',
        encoding="utf-8",
    )
    assert header(po) == {"Language": "id", "Plural-Forms": "nplurals=1; plural=0;"}
    first, second, third, fourth = messages(po)
    assert (first.msgid, first.msgstr[0], first.flags) == (
        "A %(x)s",
        "Sebuah %(x)s",
        {"python-format"},
    )
    assert (second.msgctxt, second.msgid, second.msgstr[0]) == ("menu", "Long text", "")
    assert second.flags == {"fuzzy"}
    assert (third.msgid_plural, third.msgstr) == ("%(n)s units", {0: '%(n)s unit "kerja"'})
    assert fourth.obsolete and fourth.msgid == "Old"


def test_the_foundation_apps_have_a_catalogue():
    assert set(APPS_WITH_CATALOGUE) >= FOUNDATION_APPS


def test_every_app_that_marks_text_has_a_catalogue():
    """Text marked for translation in an app without a catalogue would stay English."""
    without = []
    for app_dir in sorted(p for p in PACKAGE_DIR.iterdir() if (p / "apps.py").exists()):
        if (app_dir / "locale").is_dir():
            continue
        sources = [*app_dir.rglob("*.py"), *app_dir.rglob("*.html"), *app_dir.rglob("*.txt")]
        if any(
            MARKS_TEXT.search(source.read_text(encoding="utf-8", errors="replace"))
            for source in sources
            if "migrations" not in source.parts
        ):
            without.append(app_dir.name)
    assert not without, (
        f"These apps mark text for translation but have no Indonesian catalogue: {without}. "
        "Create one: cd labinov/<app> && mkdir locale && ../../.venv/bin/django-admin "
        "makemessages -l id --no-obsolete, then translate it."
    )


@pytest.mark.parametrize("app", APPS_WITH_CATALOGUE)
def test_every_entry_is_translated(app):
    path = catalogue(app)
    assert path.exists(), f"labinov/{app}/locale has no id/LC_MESSAGES/django.po"
    meta = header(path)
    assert meta.get("Language") == "id"
    assert meta.get("Content-Type") == "text/plain; charset=UTF-8"
    assert meta.get("Plural-Forms") == "nplurals=1; plural=0;"
    entries = messages(path)
    assert entries, f"the catalogue of {app} is empty"
    untranslated = [
        describe(e)
        for e in entries
        if not e.obsolete and (not e.msgstr or any(not text for text in e.msgstr.values()))
    ]
    fuzzy = [describe(e) for e in entries if "fuzzy" in e.flags]
    obsolete = [describe(e) for e in entries if e.obsolete]
    wrong_plural = [describe(e) for e in entries if e.msgid_plural and set(e.msgstr) != {0}]
    assert not untranslated, f"labinov/{app}: untranslated entries: {untranslated}"
    assert not fuzzy, f"labinov/{app}: fuzzy entries (check, then remove the flag): {fuzzy}"
    assert not obsolete, f"labinov/{app}: obsolete entries (run make messages): {obsolete}"
    assert not wrong_plural, f"labinov/{app}: Indonesian has one plural form: {wrong_plural}"


@pytest.mark.parametrize("app", APPS_WITH_CATALOGUE)
def test_the_placeholders_survive_translation(app):
    placeholder = re.compile(r"%\([a-z_]+\)[sd]|\{\{.*?\}\}")
    broken = []
    for entry in messages(catalogue(app)):
        wanted = sorted(placeholder.findall(entry.msgid))
        for text in entry.msgstr.values():
            if sorted(placeholder.findall(text)) != wanted:
                broken.append(describe(entry))
    assert not broken, f"labinov/{app}: placeholders differ from the msgid: {broken}"


@pytest.mark.parametrize("app", APPS_WITH_CATALOGUE)
def test_the_catalogue_holds_every_text_of_the_code(app, tmp_path):
    """makemessages, run on a copy of the app, finds nothing the committed catalogue lacks."""
    need_gettext()
    copy = tmp_path / app
    shutil.copytree(PACKAGE_DIR / app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        # -P: the copy's own modules (e.g. selectors.py) must not shadow the standard library.
        [sys.executable, "-P", "-m", "django", "makemessages", "-l", "id", "--no-obsolete"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    fresh = {e.key: e for e in messages(copy / "locale" / "id" / "LC_MESSAGES" / "django.po")}
    committed = {e.key: e for e in messages(catalogue(app))}
    missing = [describe(fresh[key]) for key in fresh.keys() - committed.keys()]
    stale = [describe(committed[key]) for key in committed.keys() - fresh.keys()]
    assert not missing, (
        f"labinov/{app}: texts in the code that the catalogue lacks: {missing}. "
        "Run `make messages` and translate them."
    )
    assert not stale, (
        f"labinov/{app}: catalogue entries no longer in the code: {stale}. Run `make messages`."
    )


@pytest.mark.parametrize("app", APPS_WITH_CATALOGUE)
def test_the_compiled_catalogue_is_current(app, tmp_path):
    """The committed .mo holds exactly what compiling the committed .po gives."""
    need_gettext()
    po = catalogue(app)
    committed_mo = po.with_suffix(".mo")
    assert committed_mo.exists(), f"labinov/{app}: django.mo is missing: run `make messages`"
    fresh_mo = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(fresh_mo), str(po)],
        check=True,
        capture_output=True,
    )

    def load(path: Path) -> dict:
        with path.open("rb") as handle:
            return dict(gettext.GNUTranslations(handle)._catalog)

    fresh, committed = load(fresh_mo), load(committed_mo)
    differ = sorted(str(key) for key in fresh.keys() ^ committed.keys())
    differ += sorted(
        str(key) for key in fresh.keys() & committed.keys() if fresh[key] != committed[key]
    )
    assert not differ, f"labinov/{app}: django.mo is older than django.po: {differ[:10]}"
