"""`labinov serve` collects the static files only when their sources changed."""

import os

import pytest

from labinov.core import staticfiles


@pytest.fixture
def sources(settings, tmp_path):
    folder = tmp_path / "sumber"
    folder.mkdir()
    (folder / "gaya.css").write_text("body { color: #123; }\n" * 50)
    settings.STATICFILES_DIRS = [folder]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "terkumpul"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    return folder


def test_collects_once_then_again_only_after_a_source_changes(sources, settings):
    assert staticfiles.collect() is True
    hashed = [p.name for p in settings.STATIC_ROOT.iterdir() if p.name.startswith("gaya.")]
    assert "gaya.css.gz" in hashed and any(len(n.split(".")) == 3 for n in hashed), hashed

    assert staticfiles.collect() is False

    changed = sources / "gaya.css"
    changed.write_text("body { color: #456; }\n" * 50)
    stat = changed.stat()
    os.utime(changed, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert staticfiles.collect() is True
    assert "#456" in (settings.STATIC_ROOT / "gaya.css").read_text()

    (sources / "baru.js").write_text("// baru\n")
    assert staticfiles.collect() is True
    assert (settings.STATIC_ROOT / "baru.js").exists()


def test_source_maps_are_not_compressed(sources, settings):
    (sources / "kode.js.map").write_text('{"version": 3, "names": []}\n' * 50)
    staticfiles.collect()
    assert (settings.STATIC_ROOT / "kode.js.map").exists()
    assert not (settings.STATIC_ROOT / "kode.js.map.gz").exists()
