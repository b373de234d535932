from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from labinov.library import sectors

#: The ``source_id`` of a local entry (one of this installation's displayed innovations):
#: this prefix, then the innovation's number. Stable across updates.
LOCAL_SOURCE_PREFIX = "labinov-innovation-"


def local_source_id(innovation_id: int) -> str:
    return f"{LOCAL_SOURCE_PREFIX}{innovation_id}"


def local_innovation_id(source_id: str) -> int | None:
    """The innovation number behind a local entry's ``source_id``, if it is one of ours."""
    if source_id.startswith(LOCAL_SOURCE_PREFIX):
        rest = source_id[len(LOCAL_SOURCE_PREFIX) :]
        if rest.isdigit():
            return int(rest)
    return None


class LibraryEntry(models.Model):
    """One innovation of the national knowledge base, in the exchange format of DESIGN.md
    (contract 4). ``source_id`` is unique within its ``source``: re-importing updates.

    ``index_name``, ``index_main`` and ``index_rest`` hold the record's Indonesian search
    terms (Sastrawi stems, stop words removed), written by ``actions`` with the record. The
    database indexes them in the same transaction (SQLite: an FTS5 table kept by triggers;
    PostgreSQL: a tsvector column, given by an import or computed by a trigger), see
    docs/search.md.
    """

    class Source(models.TextChoices):
        IMPORTED = "impor", _("Imported")
        LOCAL = "labinov", _("This installation")

    class Form(models.TextChoices):
        PUBLIC_SERVICE = "pelayanan_publik", _("Public service")
        GOVERNANCE = "tata_kelola", _("Governance")
        OTHER = "lainnya", _("Other")

    class Stage(models.TextChoices):
        INITIATIVE = "inisiatif", _("Initiative")
        TRIAL = "uji_coba", _("Trial")
        APPLIED = "penerapan", _("Applied")

    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.IMPORTED
    )
    source_id = models.CharField(_("source id"), max_length=200)
    name = models.CharField(_("name"), max_length=300)
    region = models.CharField(_("region"), max_length=200, db_index=True)
    province = models.CharField(_("province"), max_length=100, blank=True, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    agency = models.CharField(_("agency"), max_length=300, blank=True)
    form = models.CharField(_("form"), max_length=20, choices=Form.choices, blank=True)
    digital = models.BooleanField(_("digital"), null=True, blank=True)
    sector = models.CharField(_("sector"), max_length=100, blank=True, db_index=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, blank=True)
    problem = models.TextField(_("problem"), blank=True)
    solution = models.TextField(_("solution"), blank=True)
    impact = models.TextField(_("impact"), blank=True)
    url = models.TextField(_("sources (URL)"), blank=True)
    #: Replications started from this entry (the Replication model of a later issue
    #: keeps it current).
    replication_count = models.PositiveIntegerField(_("replications"), default=0)
    index_name = models.TextField(editable=False, blank=True)
    index_main = models.TextField(editable=False, blank=True)
    index_rest = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("knowledge-base entry")
        verbose_name_plural = _("knowledge-base entries")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="library_entry_source_id")
        ]

    def __str__(self):
        return f"{self.name} ({self.region})"

    def get_absolute_url(self):
        return reverse("library:entry", kwargs={"pk": self.pk})

    @property
    def sector_label(self) -> str:
        return sectors.sector_label(self.sector)

    @property
    def urls(self) -> list[str]:
        return [u.strip() for u in self.url.replace("\n", ";").split(";") if u.strip()]


class LibraryTerm(models.Model):
    """A search term (a stem) and the number of entries that hold it: IDF for ranking,
    rarest-first query planning and spelling correction. Kept by ``actions``."""

    term = models.CharField(max_length=100, unique=True)
    df = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.term} ({self.df})"


class SearchChange(models.Model):
    """An entry inserted, updated or deleted since the embedded search index last applied
    it: noted by database triggers in the writing transaction, deleted once applied
    (``search.textindex``). No foreign key: a deleted entry's change must outlive it."""

    entry_id = models.BigIntegerField()

    def __str__(self):
        return f"{self.pk}: {self.entry_id}"


class LibraryWord(models.Model):
    """A word as written in the entries and its stem, for correcting misspelt queries."""

    word = models.CharField(max_length=100, unique=True)
    stem = models.CharField(max_length=100)

    def __str__(self):
        return self.word


class LibraryEmbedding(models.Model):
    """An entry's sentence embedding (name, problem and solution), computed in the
    background by ``search.embeddings``; deleted when the entry's text changes."""

    entry = models.OneToOneField(
        LibraryEntry, on_delete=models.CASCADE, primary_key=True, related_name="embedding"
    )
    model = models.CharField(max_length=50)
    #: float16, L2-normalised.
    vector = models.BinaryField()

    def __str__(self):
        return f"{self.entry_id} ({self.model})"


class EmbeddingRun(models.Model):
    """One run of the background task that embeds the entries without a vector, so that
    the administrator sees its progress, estimated end and any failure with its reason.
    A run cut short (its worker stopped) is followed by a new one that embeds only what
    is still missing (``search.embeddings``)."""

    class Status(models.TextChoices):
        RUNNING = "berjalan", _("Running")
        DONE = "selesai", _("Done")
        FAILED = "gagal", _("Failed")

    task_id = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    #: Entries still without a vector when the run started, and those it embedded since.
    missing_at_start = models.PositiveIntegerField(default=0)
    embedded = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status} {self.embedded}"


class LibraryStats(models.Model):
    """One row: entry count and field lengths for BM25, and a generation number that every
    write bumps, so each web process knows when its cached vocabulary is stale."""

    entries = models.PositiveBigIntegerField(default=0)
    name_length = models.PositiveBigIntegerField(default=0)
    main_length = models.PositiveBigIntegerField(default=0)
    rest_length = models.PositiveBigIntegerField(default=0)
    generation = models.PositiveBigIntegerField(default=0)
    #: The folder of the embedded search index last written from this database
    #: (``search.textindex``): an index folder of another database is not asked.
    search_index = models.CharField(max_length=40, blank=True, default="")

    def __str__(self):
        return f"{self.entries} entries, generation {self.generation}"

    @classmethod
    def current(cls) -> "LibraryStats":
        return cls.objects.get_or_create(pk=1)[0]


class ImportRun(models.Model):
    """A file imported from the browser, run as a background task; its page polls it."""

    class Status(models.TextChoices):
        WAITING = "menunggu", _("Waiting")
        RUNNING = "berjalan", _("Running")
        DONE = "selesai", _("Done")
        REJECTED = "ditolak", _("Rejected")
        FAILED = "gagal", _("Failed")

    file = models.FileField(_("file"), upload_to="library-imports/")
    original_name = models.CharField(_("file name"), max_length=255)
    skip_invalid = models.BooleanField(_("import the valid rows, skip the bad ones"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.WAITING
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0 if self.status in (self.Status.WAITING, self.Status.RUNNING) else 100
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REJECTED, self.Status.FAILED)


class Replication(models.Model):
    """ "Amati, Tiru, Modifikasi": an innovation of this installation started from a
    knowledge-base entry, with what its team observed, imitated and modified."""

    source = models.ForeignKey(
        LibraryEntry,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="replications",
    )
    innovation = models.OneToOneField(
        "innovations.Innovation",
        verbose_name=_("innovation"),
        on_delete=models.CASCADE,
        related_name="replication",
    )
    observed = models.TextField(_("what was observed"))
    imitated = models.TextField(_("what was imitated"))
    modified = models.TextField(_("what was modified"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("replicated"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("replication")
        verbose_name_plural = _("replications")

    def __str__(self):
        return f"{self.innovation} ← {self.source}"


class ImportWriting(models.Model):
    """An import writing its rows, in short transactions of one batch each (so that others
    can write between them). Until ``finished`` is set, in the same transaction as the
    import's term counts and audit event, the import can be undone from its ``ImportUndo``
    rows; an import whose process died (``heartbeat_at`` long past) is undone by the next
    import. See ``library/undo.py``."""

    started_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField()
    finished = models.BooleanField(default=False)

    def __str__(self):
        return f"import {self.pk} ({'finished' if self.finished else 'writing'})"


class ImportUndo(models.Model):
    """How to undo what a batch of an import wrote: for an entry it changed, a row of its
    ``source_id`` and the entry as it was before (``previous``, its changeable fields); for
    the entries it created, one row of their ``source_id``s (``created``; ``source_id``
    empty), whose deletion undoes them. A row of ``previous`` None and no ``created`` is one
    created entry (rows written before ``created`` was added: a dead import's, undone by
    the next)."""

    run = models.ForeignKey(ImportWriting, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=20)
    source_id = models.CharField(max_length=200, blank=True)
    previous = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    created = models.JSONField(null=True)

    def __str__(self):
        return f"{self.source}/{self.source_id}"
