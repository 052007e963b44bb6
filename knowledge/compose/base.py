"""What every composer shares: the Answer type and :class:`Kit`, the store-bound helpers
(office lines, citations, excerpts, the not-found reply, intent-aware search)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field

from ..aspects import Aspect, answering_sentences, sentences
from ..normalize import clean, has_content
from ..passages import OfficeDirectory, Passage
from ..retrieval import HybridRetriever, SearchHit
from ..store import KnowledgeStore

# Words appended to a question for each kind of question: the list's own vocabulary for it.
INTENT_TERMS = {
    "ask_complaint": "用人单位 投诉举报 立案调查 劳动保障违法行为",
    "ask_penalty": "处罚 罚款",
    "ask_procedure": "程序 阶段",
}
# The intent is evidence too: its vocabulary's ranking outweighs the bare question's a little,
# but not a passage the bare question finds this much more strongly.
EXPANSION_WEIGHT = 1.5
VOCABULARY_MARGIN = 0.1
INTENT_KINDS: dict[str, tuple[str, ...]] = {
    "ask_penalty": ("clause",),
    "ask_boundary": ("boundary",),
    "ask_service": ("service",),
    "ask_supervision": ("clause",),
    "ask_procedure": ("clause",),
}
MAX_EXCERPT = 180
# The intent's kind of passage is a prior, not a wall: a passage of another kind found this much
# more strongly answers instead ("有没有专门给残疾人办的招聘会", read as a service question: the
# boundary row on 残疾人人力资源交流会, not the general services).
KIND_MARGIN = 0.15
PRIOR_INTENTS = frozenset({"ask_boundary", "ask_service"})


# The list's word for an employer, which the synonym table gives for everyday ones (老板, 厂里).
EMPLOYER_TERM = "用人单位"
# How an answer's line quoting its passage begins.
QUOTE_LINE = "清单原文："


@dataclass
class Answer:
    text: str
    sources: list[dict] = field(default_factory=list)
    buttons: list[dict] = field(default_factory=list)
    found: bool = False
    context: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


class Kit:
    """Store-bound helpers for the composers; built once per knowledge base."""

    def __init__(self, store: KnowledgeStore, retriever: HybridRetriever):
        self.store = store
        self.retriever = retriever
        self.directory = OfficeDirectory(store.offices)
        phones = Counter(o.phone for o in store.offices if o.phone)
        # The bureau's general number: the one most offices share.
        self.general_phone = phones.most_common(1)[0][0] if phones else ""
        self.bureau = store.meta.get("bureau", "")
        # "Which office handles …" is what the duty table answers: its rows get a nudge.
        self.intent_boost = {"ask_office": {p.id: 0.005 for p in store.passages if p.kind == "duty"}}
        self.contacts_by_clause: dict[str, list] = {}
        for c in store.contact_points:
            self.contacts_by_clause.setdefault(c.clause_id, []).append(c)

    def is_the_bureau(self, department: str) -> bool:
        """Whether a department a boundary row names is the bureau as a whole ("人社局")."""
        return bool(department) and any(
            name.endswith(department) for name in (self.store.meta.get("short_name", ""), self.bureau) if name)

    # ------------------------------------------------------------------ search

    def search(self, question: str, intent: str | None, boost: dict | None = None,
               aspects: tuple[Aspect, ...] = (), kinds: tuple[str, ...] | None = None,
               threshold: float | None = None, k: int = 5) -> list[SearchHit]:
        """Top ``k`` (≤ 10) for a question of kind ``intent``: its own ranking fused with the ranking of
        the question plus the list's vocabulary for that kind; scores stay the question's."""
        # (only a few rows, the boundaries or the services: the clauses are most of the list; a
        # clause question that no clause answers may still be a row's: "仲裁开放日多久搞一次")
        prior = kinds is None and intent in INTENT_KINDS
        walled = intent not in PRIOR_INTENTS
        kinds = kinds if kinds is not None else INTENT_KINDS.get(intent or "")
        boost = {**self.intent_boost.get(intent or "", {}), **(boost or {})}
        if prior:
            hits = self._search(question, intent, boost, aspects, kinds, threshold, k)
            if walled and any(h.found for h in hits):
                return hits
            anywhere = self.retriever.search(question, k=k, boost=boost, aspects=aspects, threshold=threshold)
            if (anywhere and anywhere[0].found and anywhere[0].kind not in kinds
                    and (walled or anywhere[0].score >= max((h.score for h in hits), default=0.0) + KIND_MARGIN)):
                return anywhere
            return hits
        return self._search(question, intent, boost, aspects, kinds, threshold, k)

    def _search(self, question: str, intent: str | None, boost: dict, aspects: tuple[Aspect, ...],
                kinds: tuple[str, ...] | None, threshold: float | None, k: int) -> list[SearchHit]:
        expansion = f"{question} {INTENT_TERMS[intent]}" if intent in INTENT_TERMS else None
        if expansion:
            self.prefetch([question, expansion])
        hits = self.retriever.search(question, k=10, kinds=kinds, boost=boost, aspects=aspects,
                                     threshold=threshold)
        if expansion is None:
            return hits[:k]
        expanded = self.retriever.search(expansion, k=10, kinds=kinds, boost=boost, aspects=aspects,
                                         threshold=threshold, named_in=question)
        fused: dict[str, float] = {}
        by_id = {h.id: h for h in hits}
        for ranking, weight in ((hits, 1.0), (expanded, EXPANSION_WEIGHT)):
            for rank, h in enumerate(ranking):
                fused[h.id] = fused.get(h.id, 0.0) + weight / (10 + rank)
                by_id.setdefault(h.id, h)
        order = sorted(fused, key=lambda pid: -fused[pid])
        if hits and hits[0].found and hits[0].id != order[0] and hits[0].score >= by_id[order[0]].score + VOCABULARY_MARGIN:
            # the passage the question itself finds far more strongly is its answer, whatever the
            # kind's vocabulary lifts ("行政处罚案卷每年谁来评查": the review of case files, not the
            # closing stage that "阶段" lifts)
            order = [hits[0].id, *(pid for pid in order if pid != hits[0].id)]
        return [by_id[pid] for pid in order[:k]]

    def prefetch(self, queries: list[str]) -> None:
        """Embed the queries the next searches will make in one batch: one forward pass of the
        model instead of one each; the searches then hit the cache."""
        texts = list(dict.fromkeys(self.retriever.normalize(q) for q in queries if has_content(q)))
        if len(texts) > 1:
            self.retriever.embedder.embed_queries(texts)

    # ------------------------------------------------------------------ pieces of answers

    def excerpt(self, passage_text: str, question: str, aspects: tuple[Aspect, ...] = ()) -> str:
        """The passage whole when short; else the sentences that answer the question's aspects,
        else those sharing most words with it, in order."""
        if len(passage_text) <= MAX_EXCERPT:
            return passage_text
        answering = answering_sentences(passage_text, aspects)
        if answering and len("".join(answering)) <= MAX_EXCERPT * 2:
            return "……".join(answering)
        q = set(self.retriever.query_tokens(self.retriever.normalize(question)))
        scored = []
        for n, s in enumerate(sentences(passage_text)):
            s_tokens = set(self.retriever.query_tokens(clean(s)))
            scored.append((len(q & s_tokens), -n, s))
        best = sorted(scored, reverse=True)[:2]
        chosen = [s for _, _, s in sorted(best, key=lambda x: -x[1])]
        text = "……".join(chosen)
        return text if len(text) <= MAX_EXCERPT * 2 else text[: MAX_EXCERPT * 2] + "……"

    def without_also(self, answer: Answer, passage_id: str) -> Answer:
        """``answer`` without the passage ``passage_id`` among its "另见" (its lead stays)."""
        if (answer.context.get("ids") or [None])[0] == passage_id:
            return answer
        citation = f"（{self.store.passage_by_id[passage_id].citation}）"
        lines = [line for line in answer.text.split("\n")
                 if not (line.startswith("另见：") and line.endswith(citation))]
        if len(lines) == len(answer.text.split("\n")):
            return answer
        sources = [s for s in answer.sources if s.get("id") != passage_id]
        context = {**answer.context, "cited": [c for c in answer.context.get("cited") or [] if c != passage_id]}
        return Answer("\n".join(lines), sources, answer.buttons, answer.found, context)

    def source(self, passage_id: str, excerpt: str | None = None) -> dict:
        p = self.store.passage_by_id[passage_id]
        return {"id": p.id, "citation": p.citation, "excerpt": (excerpt or p.text)[:300]}

    def office_line(self, office: str, phone: str, label: str = "负责科室") -> str:
        if not office:
            return ""
        names = office.split("、")
        phones = phone.split("、") if phone else [self.directory.phone(n) for n in names]
        if len(set(p for p in phones if p)) == 1:
            return f"{label}：{office}，联系电话：{phones[0] or '清单未载明'}。"
        parts = [f"{n}（电话 {self.directory.phone(n) or '清单未载明'}）" for n in names]
        return f"{label}：" + "、".join(parts) + "。"

    def mentioned_office(self, question: str, entities: dict) -> str | None:
        for name in entities.get("office") or []:
            canonical = self.directory.canonical(clean(name))
            if canonical:
                return canonical
        # (as said, typos by sound mended: "是社宝中心管不" names the 社保中心)
        found = self.directory.mentioned(clean(question)) or self.directory.mentioned(self.retriever.said(question))
        return found[0] if found else None

    def button(self, hit: SearchHit) -> dict:
        p = self.store.passage_by_id[hit.id]
        title = re.sub(r"^[（(]?[一二三四五六七八九十\d]+[）)、.]\s*", "", p.text)
        title = re.split(r"[，。；：,;:]", title)[0][:22]
        return {"title": title, "payload": title}

    def not_found(self, question: str, hits: list[SearchHit], reason: str = "",
                  foreign: list[str] | None = None, phone: bool = True) -> Answer:
        """"Not in the list", with the closest matters as buttons; for a short question naming a
        matter the list lacks (``foreign``; by default when nothing of the list was found at all),
        that matter is named and no matters suggested. The bureau's number only for a question
        about the bureau itself ("人社局食堂…"): another question the list does not answer may be
        another department's, where the bureau's number sends the caller to the wrong office (the
        dialogue offers a human instead); ``phone``: False gives none even then."""
        if foreign is None:
            foreign = [] if reason or any(h.found for h in hits) else self.retriever.foreign_matter(question)
        if foreign:
            # another department's matter ("结婚登记"): no matters of the list to suggest, and not
            # the bureau's number, which would send the caller to the wrong office
            return Answer(f"抱歉，“{'、'.join(foreign)}”不在{self.bureau}责任清单的范围内，我无法回答，"
                          "请向主管部门咨询。", [], [], False, {"intent": None, "question": question, "foreign": foreign})
        buttons = []
        for h in hits:
            b = self.button(h)
            if b["title"] and b not in buttons:
                buttons.append(b)
            if len(buttons) == 3:
                break
        text = reason or f"抱歉，{self.bureau}责任清单中没有找到与您的问题直接对应的内容，我不能凭猜测回答。"
        if buttons:
            text += "\n您是不是想问下面这些事项？"
        if self.general_phone and phone and self.retriever.names_the_bureau(question):
            text += f"\n如需人工咨询，可拨打{self.bureau}电话 {self.general_phone}。"
        return Answer(text, [], buttons, False, {"intent": None, "question": question})

    def phone_lines(self, p: Passage, already: str) -> list[str]:
        """Phones the passage's clause prints itself (e.g. a complaints hotline)."""
        return [f"{c.context}（{c.citation}）。" for c in self.contacts_by_clause.get(p.record_id, [])
                if c.kind == "phone" and c.value not in already]
