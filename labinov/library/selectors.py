"""Reads of the knowledge base. It is public: everyone, logged in or not, may search and
read every entry (the records come from public sources). Import runs are seen by the
person who started them and by platform administrators."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString

from labinov.accounts.access import get_access
from labinov.library.models import (
    EmbeddingRun,
    ImportRun,
    LibraryEntry,
    Replication,
    local_innovation_id,
)
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
    snippet: SafeString  # escaped HTML from engine.snippet
    near_duplicate: bool


def similar_entries(
    text: str, *, region: str | None = None, limit: int = 5, exclude: tuple[str, str] | None = None
) -> list[Similar]:
    """Entries that address the need described in ``text`` (a problem found in diagnose,
    an idea or innovation being written), best first. Those from ``region`` (its name, as
    the knowledge base writes it, e.g. "Kabupaten Purbalingga") that match most of the text
    are flagged ``near_duplicate``. ``exclude``: (source, source_id) of an entry not to
    offer, e.g. the innovation's own once it is in the knowledge base."""
    # Lexical only: near-duplicates are judged against the text's own lexical score.
    results = engine.search(text, limit=limit + (1 if exclude else 0), semantic=False)
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
        if (hit.entry.source, hit.entry.source_id) != exclude
    ][:limit]


#: How many generations of sources an entry page shows.
LINEAGE_DEPTH = 5


def replications_of(entry: LibraryEntry) -> QuerySet[Replication]:
    """Who replicated ``entry``: region and unit are public, as the entry is."""
    return entry.replications.select_related(
        "innovation__enrolment__unit__region", "innovation__enrolment__programme__region"
    )


def lineage(entry: LibraryEntry, depth: int = LINEAGE_DEPTH) -> list[Replication]:
    """The chain of sources behind a local entry: if the innovation it publishes was a
    replication, its source, then that source's source, up to ``depth`` generations."""
    chain: list[Replication] = []
    seen = {entry.pk}
    current = entry
    while len(chain) < depth and current.source == LibraryEntry.Source.LOCAL:
        innovation_id = local_innovation_id(current.source_id)
        if innovation_id is None:
            break
        link = (
            Replication.objects.select_related("source", "innovation__enrolment__unit__region")
            .filter(innovation_id=innovation_id)
            .first()
        )
        if link is None or link.source_id in seen:
            break
        chain.append(link)
        seen.add(link.source_id)
        current = link.source
    return chain


@dataclass
class EmbeddingProgress:
    """Where the sentence embeddings of the knowledge base stand, for its administrators:
    so many of so many, the run in progress and its estimated end, recent runs (a failed
    one with its reason)."""

    enabled: bool
    entries: int
    embedded: int
    running: EmbeddingRun | None
    estimated_end: datetime | None
    runs: list[EmbeddingRun]

    @property
    def missing(self) -> int:
        return max(self.entries - self.embedded, 0)

    @property
    def percent(self) -> int:
        return int(100 * self.embedded / self.entries) if self.entries else 100


def embedding_progress(*, recent: int = 5) -> EmbeddingProgress:
    from labinov.library.search import embeddings

    entries = LibraryEntry.objects.count()
    missing = embeddings.missing() if entries else 0
    runs = list(EmbeddingRun.objects.all()[:recent])
    running = next((r for r in runs if r.status == EmbeddingRun.Status.RUNNING), None)
    estimated_end = None
    if running and running.embedded:
        # The pace of this run so far, applied to what is still missing.
        elapsed = (running.updated_at - running.started_at).total_seconds()
        if elapsed > 0:
            estimated_end = timezone.now() + timedelta(seconds=missing * elapsed / running.embedded)
    return EmbeddingProgress(
        enabled=embeddings.enabled(),
        entries=entries,
        embedded=entries - missing,
        running=running,
        estimated_end=estimated_end,
        runs=runs,
    )
