"""Reads of the knowledge base. It is public: everyone, logged in or not, may search and
read every entry (the records come from public sources). Import runs are seen by the
person who started them and by platform administrators."""

from dataclasses import dataclass

from django.db.models import QuerySet

from labinov.accounts.access import get_access
from labinov.library.models import ImportRun, LibraryEntry
from labinov.library.search import engine, index, ranking

#: A hit from the same region scoring at least this share of what the text would score
#: against itself is flagged as a near-duplicate.
NEAR_DUPLICATE_SHARE = 0.5


def entries_visible_to(user) -> QuerySet[LibraryEntry]:
    return LibraryEntry.objects.all()


def import_runs_visible_to(user) -> QuerySet[ImportRun]:
    access = get_access(user)
    if access.is_platform_admin:
        return ImportRun.objects.all()
    if not access.is_authenticated:
        return ImportRun.objects.none()
    return ImportRun.objects.filter(created_by=user)


def search_entries(user, text: str, **options) -> engine.Results:
    """Search what ``user`` may read (all of it); see ``engine.search`` for the options."""
    return engine.search(text, **options)


@dataclass
class Similar:
    entry: LibraryEntry
    score: float
    snippet: str
    near_duplicate: bool


def similar_entries(text: str, *, region: str | None = None, limit: int = 5) -> list[Similar]:
    """Entries that address the need described in ``text`` (a problem found in diagnose,
    an idea or innovation being written), best first. Those from ``region`` (its name, as
    the knowledge base writes it, e.g. "Kabupaten Purbalingga") that match most of the text
    are flagged ``near_duplicate``."""
    results = engine.search(text, limit=limit)
    if not results.hits or results.query is None:
        return []
    own = ranking.Document(None, index.index_fields({"name": text, "problem": text}))
    own_lengths = tuple(float(max(len(f), 1)) for f in own.fields)
    ceiling = ranking.score(results.query, own, own_lengths) or 1.0
    region_key = (region or "").strip().lower()
    return [
        Similar(
            entry=hit.entry,
            score=hit.score,
            snippet=hit.snippet,
            near_duplicate=bool(region_key)
            and hit.entry.region.strip().lower() == region_key
            and hit.score / ceiling >= NEAR_DUPLICATE_SHARE,
        )
        for hit in results.hits
    ]
