"""The knowledge base: build it, load it once, search it, answer from it."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .aspects import aspects_of
from .curated import CuratedMatch, CuratedMatcher
from .dense_index import DenseIndex, IndexError_
from .embedder import Embedder, make_embedder
from .identity import Identity
from .normalize import clean, has_content
from .parser import parse_file
from .question_forms import kind_of
from .records import Office
from .retrieval import HybridRetriever, SearchHit
from .settings import KnowledgeSettings, get_settings
from .store import KnowledgeStore, StoreError, builder_digest, source_digest, write_store
from .suggestions import load_suggestions
from .versions import VersionArchive

# A search lists first this many of the passages the answer to the query cites.
LEAD_SOURCES = 3


@dataclass
class BuildReport:
    rebuilt: bool
    seconds: float
    passages: int
    model_id: str
    db_path: Path
    warnings: list[str] = field(default_factory=list)  # the parser's, when the list was parsed


def build(settings: KnowledgeSettings, *, force: bool = False, embedder: Embedder | None = None) -> BuildReport:
    """Parse the source into the store and embed it, unless both are up to date."""
    started = time.perf_counter()
    embedder = embedder or make_embedder(settings.embedding_model, settings.models_dir, settings.torch_threads,
                                         settings.embedding_backend)
    embedder.warm_up()
    digest = source_digest(settings.source_path)
    if not force:
        try:
            store = KnowledgeStore(settings.knowledge_db)
            index = DenseIndex.load(settings.index_dir)
            if (store.source_sha256 == digest and index.meta.get("source_sha256") == digest
                    and store.meta.get("builder_sha256") == builder_digest()
                    and index.meta.get("model_id") == embedder.model_id):
                return BuildReport(False, time.perf_counter() - started, len(store.passages), embedder.model_id,
                                   settings.knowledge_db)
        except StoreError:
            pass
    records = parse_file(settings.source_path)
    archive = VersionArchive(settings.data_dir)
    if settings.knowledge_db.exists():
        archive.keep(settings.knowledge_db)  # the previous version's records stay readable
    passages = write_store(records, settings.knowledge_db, settings.source_path)
    archive.keep(settings.knowledge_db)
    DenseIndex.build(passages, embedder, digest).save(settings.index_dir)
    return BuildReport(True, time.perf_counter() - started, len(passages), embedder.model_id, settings.knowledge_db,
                       list(records.warnings))


class KnowledgeBase:
    """Process-wide access to the records, the retriever and answer composition.

    Construction is cheap; :meth:`warm_up` loads the store, index and embedding model once.
    """

    def __init__(self, settings: KnowledgeSettings, embedder: Embedder | None = None):
        self.settings = settings
        self._embedder = embedder
        self._lock = threading.Lock()
        self._store: KnowledgeStore | None = None
        self._retriever: HybridRetriever | None = None
        self._composer = None
        self._identity: Identity | None = None
        self._suggestions: dict[str, list[str]] | None = None
        self._curated: CuratedMatcher | None = None

    def warm_up(self) -> None:
        if self._retriever is not None:
            return
        with self._lock:
            if self._retriever is not None:
                return
            from .answers import AnswerComposer

            embedder = self._embedder or make_embedder(self.settings.embedding_model, self.settings.models_dir,
                                                       self.settings.torch_threads,
                                                       self.settings.embedding_backend)
            embedder.warm_up()
            store = KnowledgeStore(self.settings.knowledge_db)
            if store.source_sha256 != source_digest(self.settings.source_path):
                raise IndexError_(f"{self.settings.knowledge_db} was built from another source than "
                                  f"{self.settings.source_path}: run `python -m knowledge build`")
            retriever = HybridRetriever(store, embedder, DenseIndex.load(self.settings.index_dir),
                                        found_threshold=self.settings.found_threshold,
                                        aspect_weight=self.settings.aspect_weight)
            retriever.search("社会保险")  # first query pays tokenizer and kernel set-up, not a user
            identity = store.identity.with_overrides(**self.settings.identity_overrides())
            # Whatever reads the bureau's name from the store's meta (the composers' "not found"
            # text) names the configured bureau too.
            store.meta["bureau"] = identity.bureau
            self._store, self._retriever, self._identity = store, retriever, identity
            self._composer = AnswerComposer(store, retriever, self.settings.out_of_scope_override,
                                            self.settings.intent_prior_confidence, self.settings.intent_prior_margin,
                                            self.settings.weak_intent)

    @property
    def ready(self) -> bool:
        return self._retriever is not None

    @property
    def store(self) -> KnowledgeStore:
        self.warm_up()
        return self._store  # type: ignore[return-value]

    @property
    def retriever(self) -> HybridRetriever:
        self.warm_up()
        return self._retriever  # type: ignore[return-value]

    def search(self, query: str, k: int = 5) -> list[SearchHit]:
        """The passages for ``query``: first those the answer to it would cite (up to
        ``LEAD_SOURCES``: the clause a time limit or a situation decides, the parts of what it
        asks the parts of), then the passages that state what it asks about; a "which office"
        question also gets the best duty or service row (the table that assigns duties). The
        cited ones keep their own scores, so the list is not always in score order."""
        aspects = aspects_of(clean(query))
        hits = self.retriever.search(query, k=k, aspects=aspects)
        if kind_of(clean(query)) == "ask_office" and hits:
            from .answers import DUTY_KINDS

            duty = self.retriever.search(query, k=1, kinds=DUTY_KINDS, aspects=aspects)
            if duty and duty[0].id not in {h.id for h in hits}:
                hits = [duty[0], *hits[:k - 1]] if duty[0].found else [*hits[:k - 1], duty[0]]
        cited = list(dict.fromkeys(s["id"] for s in self.answer(query).sources if s.get("id")))[:LEAD_SOURCES]
        if not cited:
            return hits
        scored = {h.id: h for h in self.retriever.search(query, k=len(cited), aspects=aspects, only=frozenset(cited))}
        lead = [scored[pid] for pid in cited if pid in scored]
        return [*lead, *(h for h in hits if h.id not in scored)][:k]

    def offices(self) -> list[Office]:
        return list(self.store.offices)

    @property
    def identity(self) -> Identity:
        """County, bureau, short name, general phone: the list's, with the settings' overrides."""
        self.warm_up()
        return self._identity  # type: ignore[return-value]

    def suggestions(self) -> dict[str, list[str]]:
        """The questions the pages offer, by group ("station", "widget"; knowledge/suggestions.py)."""
        if self._suggestions is None:
            self._suggestions = load_suggestions(self.settings.common_questions_path, self.store.offices,
                                                 self.identity)
        return self._suggestions

    def answer(self, question: str, intent: str | None = None, entities: dict | None = None,
               context: dict | None = None, confidence: float | None = None, query_vector: object = None):
        """Answer ``question``. ``query_vector``: the NLU's embedding of it (the parse data's
        ``query_vector``, knowledge.e5engine.pack_vector), used instead of embedding the question
        again when it is this embedder's vector of this question (see :meth:`accept_query_vector`)."""
        self.warm_up()
        if query_vector is not None:
            self.accept_query_vector(question, query_vector)
        return self._composer.answer(question, intent=intent, entities=entities or {}, context=context or {},
                                     confidence=confidence)

    def prefetch(self, message: str) -> int:
        """Embed the questions of a message that asks several ("…一年几次？抽查比例多少？")
        into the embedder's cache, each as retrieval will embed it: work :meth:`answer` does
        whatever the NLU says (unless it reads the message as a follow-up), so the gateway
        runs this while Rasa parses the message. The number of texts embedded (0 when the
        message asks one question)."""
        if self._composer is None:
            return 0
        parts = self._composer._questions((message or "")[:500])
        if len(parts) < 2:
            return 0
        texts = list(dict.fromkeys(self.retriever.normalize(p) for p in parts if has_content(p)))
        self.retriever.embedder.embed_queries(texts)
        return len(texts)

    def accept_query_vector(self, question: str, payload: object) -> bool:
        """Give the embedder the NLU's vector of ``question``; True if it took it (same model id,
        ``query: `` prefix, and the text the NLU embedded is the text retrieval embeds). An
        embedder without :meth:`accept` (sentence-transformers, fake) embeds as before."""
        from .normalize import normalize_query

        accept = getattr(self.retriever.embedder, "accept", None)
        if accept is None or not isinstance(payload, dict):
            return False
        return bool(accept(normalize_query(question or ""), payload))

    # ------------------------------------------------------------------ curated answers, audit

    @property
    def version(self) -> dict[str, str]:
        """The knowledge version answers come from: the list's sha256 and when it was built."""
        meta = self.store.meta
        return {"sha256": self.store.source_sha256, "built_at": meta.get("built_at", "")}

    def has_passage(self, passage_id: str) -> bool:
        return passage_id in self.store.passage_by_id

    @property
    def curated_matcher(self) -> CuratedMatcher:
        if self._curated is None:
            self._curated = CuratedMatcher(self.retriever.embedder, self.settings.curated_threshold)
        return self._curated

    def match_curated(self, question: str, entries, key: str | None = None,
                      query_vector: object = None) -> CuratedMatch | None:
        """The curated answer (``entries``: objects with ``id``, ``version``, ``texts()``) closest in
        meaning to ``question``, whether or not it passes the threshold (``match.passes``)."""
        self.warm_up()
        if query_vector is not None:
            self.accept_query_vector(question, query_vector)
        match = self.curated_matcher.closest(question, entries, key)
        if match is None or match.score < match.threshold:
            return match
        return replace(match, same_matter=self.same_matter(question, match.text, match.entry.sources))

    def same_matter(self, question: str, curated_text: str, sources: list[str]) -> bool:
        """Whether the list's best passage for ``question`` is the one for the curated text, or one
        the curated answer cites: the answer is grounded in that part of the list."""
        best = self.retriever.search(question, k=1)
        if not best:
            return False
        known = self.retriever.search(curated_text, k=1)
        return best[0].id in set(sources) | {h.id for h in known}

    def curated_answer(self, question: str, entry, match: CuratedMatch, intent: str | None = None):
        """The Answer for a curated answer ``entry`` (``answer``, ``sources``, ``question``): its
        text and the citations of its passages, with a context for follow-ups as a composed answer
        has; None when none of its passages is in the list any more."""
        from .answers import Answer

        kit = self._composer.kit
        ids = [pid for pid in entry.sources if pid in self.store.passage_by_id]
        if not ids:
            return None
        passages = [self.store.passage_by_id[pid] for pid in ids]
        citations = "；".join(dict.fromkeys(p.citation for p in passages))
        text = f"{entry.answer.strip()}\n出处：{citations}。"
        office = next((p.office.split("、")[0] for p in passages if p.office), None)  # (of offices named together, the first)
        context = {"intent": intent, "office": office, "ids": ids, "system": passages[0].system_id,
                   "question": question, "topic": question, "score": round(match.score, 4),
                   "curated": {"id": entry.id, "version": entry.version}}
        return Answer(text, [kit.source(pid) for pid in ids], [], True, context)

    def source_scores(self, question: str, ids: list[str]) -> dict[str, float]:
        """The retrieval score (0..1) of each of these passages for ``question`` (for the audit)."""
        wanted = frozenset(pid for pid in ids if pid in self.store.passage_by_id)
        if not wanted or not question:
            return {}
        known = self.retriever.known_scores(question, wanted)  # the answer's searches computed them
        if known is not None:
            return known
        hits = self.retriever.search(question, k=len(wanted), only=wanted)
        return {h.id: h.score for h in hits}


_instance: KnowledgeBase | None = None
_instance_lock = threading.Lock()


def get_knowledge() -> KnowledgeBase:
    """The process-wide knowledge base (nothing heavy is loaded until ``warm_up``)."""
    global _instance
    with _instance_lock:
        if _instance is None:
            _instance = KnowledgeBase(get_settings())
        return _instance
