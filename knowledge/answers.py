"""Answer composition: every sentence of an answer is built from records of the list.

The composer is told what kind of question it is (the NLU intent, when there is one) and
what came before (``context``, for follow-ups such as "电话呢"). It retrieves, picks the
record that answers, and says who handles it, the phone, the relevant text verbatim, amounts
and time limits where the record has them, and the citation. When retrieval finds nothing
convincing it says the list does not cover the question and offers the closest matters.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field

from .normalize import clean, has_content, normalize_query
from .numerals import CN_NUMBER, cn_to_int
from .passages import OfficeDirectory, Passage
from .retrieval import HybridRetriever, SearchHit
from .store import KnowledgeStore

# Words appended to a question for each kind of question: the list's own vocabulary for it.
INTENT_TERMS = {
    "ask_complaint": "用人单位 投诉举报 立案调查 劳动保障违法行为",
    "ask_penalty": "处罚 罚款",
    "ask_procedure": "程序 阶段",
}
# The intent is evidence too: its vocabulary's ranking outweighs the bare question's a little.
EXPANSION_WEIGHT = 1.5
INTENT_KINDS: dict[str, tuple[str, ...]] = {
    "ask_penalty": ("clause",),
    "ask_boundary": ("boundary",),
    "ask_service": ("service",),
    "ask_supervision": ("clause",),
    "ask_procedure": ("clause",),
}
COUNT = re.compile(rf"(\d+|{CN_NUMBER})\s*(?:个|名|位|人)(?!民|社|力|事|员|才)")
MAX_EXCERPT = 180


@dataclass
class Answer:
    text: str
    sources: list[dict] = field(default_factory=list)
    buttons: list[dict] = field(default_factory=list)
    found: bool = False
    context: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[。；;！？])", text)
    return [p for p in (s.strip() for s in parts) if p]


class AnswerComposer:
    def __init__(self, store: KnowledgeStore, retriever: HybridRetriever, out_of_scope_override: float = 0.6):
        self.out_of_scope_override = out_of_scope_override
        self.store = store
        self.retriever = retriever
        self.directory = OfficeDirectory(store.offices)
        phones = Counter(o.phone for o in store.offices if o.phone)
        # The bureau's general number: the one most offices share.
        self.general_phone = phones.most_common(1)[0][0] if phones else ""
        self.bureau = store.meta.get("bureau", "")
        self.time_limits_by_system: dict[str, list] = {}
        for t in store.time_limits:
            clause = store.clause_by_id.get(t.clause_id)
            if clause:
                self.time_limits_by_system.setdefault(clause.system_id, []).append(t)
        # "Which office handles …" is what the duty table answers: its rows get a nudge.
        self.intent_boost = {"ask_office": {p.id: 0.005 for p in store.passages if p.kind == "duty"}}
        self.contacts_by_clause: dict[str, list] = {}
        for c in store.contact_points:
            self.contacts_by_clause.setdefault(c.clause_id, []).append(c)

    # ------------------------------------------------------------------ helpers

    def _excerpt(self, passage_text: str, question: str) -> str:
        """The sentences of a passage that share most words with the question, in order."""
        if len(passage_text) <= MAX_EXCERPT:
            return passage_text
        q = set(self.retriever.query_tokens(normalize_query(question)))
        scored = []
        for n, s in enumerate(_sentences(passage_text)):
            s_tokens = set(self.retriever.query_tokens(clean(s)))
            scored.append((len(q & s_tokens), -n, s))
        best = sorted(scored, reverse=True)[:2]
        chosen = [s for _, _, s in sorted(best, key=lambda x: -x[1])]
        text = "……".join(chosen)
        return text if len(text) <= MAX_EXCERPT * 2 else text[: MAX_EXCERPT * 2] + "……"

    def _source(self, passage_id: str, excerpt: str | None = None) -> dict:
        p = self.store.passage_by_id[passage_id]
        return {"id": p.id, "citation": p.citation, "excerpt": (excerpt or p.text)[:300]}

    def _office_line(self, office: str, phone: str) -> str:
        if not office:
            return ""
        names = office.split("、")
        phones = phone.split("、") if phone else [self.directory.phone(n) for n in names]
        if len(set(p for p in phones if p)) == 1:
            return f"负责科室：{office}，联系电话：{phones[0] or '清单未载明'}。"
        parts = [f"{n}（电话 {self.directory.phone(n) or '清单未载明'}）" for n in names]
        return "负责科室：" + "、".join(parts) + "。"

    def _mentioned_office(self, question: str, entities: dict) -> str | None:
        for name in entities.get("office") or []:
            canonical = self.directory.canonical(clean(name))
            if canonical:
                return canonical
        found = self.directory.mentioned(clean(question))
        return found[0] if found else None

    def _count(self, question: str, entities: dict) -> int | None:
        for value in entities.get("count") or []:
            try:
                return cn_to_int(re.sub(r"[个名位人]", "", str(value)))
            except ValueError:
                continue
        m = COUNT.search(clean(question))
        if m:
            try:
                return cn_to_int(m.group(1))
            except ValueError:
                return None
        return None

    def _button(self, hit: SearchHit) -> dict:
        p = self.store.passage_by_id[hit.id]
        title = re.sub(r"^[（(]?[一二三四五六七八九十\d]+[）)、.]\s*", "", p.text)
        title = re.split(r"[，。；：,;:]", title)[0][:22]
        return {"title": title, "payload": title}

    def not_found(self, question: str, hits: list[SearchHit], reason: str = "") -> Answer:
        buttons = []
        for h in hits:
            b = self._button(h)
            if b["title"] and b not in buttons:
                buttons.append(b)
            if len(buttons) == 3:
                break
        text = (reason or f"抱歉，{self.bureau}责任清单中没有找到与您的问题直接对应的内容，我不能凭猜测回答。")
        if buttons:
            text += "\n您是不是想问下面这些事项？"
        if self.general_phone:
            text += f"\n如需人工咨询，可拨打{self.bureau}电话 {self.general_phone}。"
        return Answer(text, [], buttons, False, {"intent": None, "question": question})

    # ------------------------------------------------------------------ entry point

    def answer(self, question: str, intent: str | None, entities: dict, context: dict) -> Answer:
        question = question or ""
        if not has_content(question):
            return Answer("请输入您想咨询的问题，例如“农保中心电话是多少”。", [], [], False, {})
        question = question[:500]
        if intent == "follow_up":
            return self._follow_up(question, entities, context)
        if intent == "out_of_scope":
            # The NLU thinks the list does not cover it; answer only on strong evidence that it does.
            hits = self.retriever.search(question, k=3)
            if hits and hits[0].score >= self.out_of_scope_override:
                return self._general(question, None, entities, context)
            return Answer("", [], [], False, {})
        if intent == "ask_phone":
            return self._phone(question, entities, context)
        if intent == "ask_penalty":
            return self._penalty(question, entities, context)
        if intent == "ask_office":
            office = self._mentioned_office(question, entities)
            hits = self.retriever.search(question, k=5)
            if office and (not hits or not hits[0].found or office not in hits[0].office):
                return self._office_profile(office, question)
        return self._general(question, intent, entities, context)

    # ------------------------------------------------------------------ kinds of answers

    def _search(self, question: str, intent: str | None, boost: dict | None = None) -> list[SearchHit]:
        kinds = INTENT_KINDS.get(intent or "")
        boost = {**self.intent_boost.get(intent or "", {}), **(boost or {})}
        expansion = f"{question} {INTENT_TERMS[intent]}" if intent in INTENT_TERMS else None
        if expansion:
            self._prefetch([question, expansion])
        hits = self.retriever.search(question, k=10, kinds=kinds, boost=boost)
        if expansion is None:
            return hits[:5]
        # The question's own ranking, fused with the ranking of the question plus the list's
        # vocabulary for this kind of question; the reported scores stay the plain question's.
        expanded = self.retriever.search(expansion, k=10, kinds=kinds, boost=boost)
        fused: dict[str, float] = {}
        by_id = {h.id: h for h in hits}
        for ranking, weight in ((hits, 1.0), (expanded, EXPANSION_WEIGHT)):
            for rank, h in enumerate(ranking):
                fused[h.id] = fused.get(h.id, 0.0) + weight / (10 + rank)
                by_id.setdefault(h.id, h)
        order = sorted(fused, key=lambda pid: -fused[pid])
        return [by_id[pid] for pid in order[:5]]

    def _prefetch(self, queries: list[str]) -> None:
        """Embed the queries the next searches will make in one batch: one forward pass of the
        model instead of one each (~25% less CPU for two); the searches then hit the cache."""
        texts = list(dict.fromkeys(normalize_query(q) for q in queries if has_content(q)))
        if len(texts) > 1:
            self.retriever.embedder.embed_queries(texts)

    def _general(self, question: str, intent: str | None, entities: dict, context: dict,
                 boost: dict | None = None) -> Answer:
        hits = self._search(question, intent, boost)
        if not hits or not hits[0].found:
            return self.not_found(question, hits)
        top = hits[0]
        p = self.store.passage_by_id[top.id]
        excerpt = self._excerpt(p.text, question)
        lines = []
        office_line = self._office_line(p.office, p.phone)
        if p.kind == "boundary":
            lines.append(self._boundary_text(p))
        elif p.kind == "service":
            lines.append(self._service_text(p, excerpt))
        else:
            if office_line:
                lines.append(office_line)
            lines.append(f"清单原文：{excerpt}")
        sources = [self._source(top.id, excerpt)]
        procedure_passage = p
        if intent == "ask_complaint":
            # Where complaints are filed: the clause the list's complaint vocabulary finds first.
            channel = self._complaint_channel()
            if channel is not None:
                procedure_passage = channel
                if channel.office and channel.office not in p.office:
                    lines.insert(0, "投诉举报受理：" + self._office_line(channel.office, channel.phone)
                                 .removeprefix("负责科室："))
                    lines.append(f"受理依据：{self._excerpt(channel.text, question)}（{channel.citation}）")
                    sources.append(self._source(channel.id))
        if intent in ("ask_complaint", "ask_procedure") or (p.kind == "clause" and intent is None):
            limits = self._time_limits(procedure_passage)
            if limits:
                lines.append(limits[0])
                sources.extend(limits[1])
        contacts = self.contacts_by_clause.get(p.record_id, [])
        for c in contacts:
            if c.kind == "phone" and c.value not in "".join(lines):
                lines.append(f"{c.context}（{c.citation}）。")
        lines.append(f"出处：{p.citation}。")
        offices = [o for o in p.office.split("、") if o]
        context = {"intent": intent, "office": offices[0] if offices else None, "ids": [top.id],
                   "system": p.system_id, "question": question}
        if intent == "ask_complaint" and procedure_passage.office:
            # complaints are filed with the office that receives them, whoever owns the matter
            context["complaint_office"] = procedure_passage.office.split("、")[0]
            context["office"] = context["complaint_office"]
        return Answer("\n".join(lines), sources, [], True, context)

    def _complaint_channel(self) -> Passage | None:
        if not hasattr(self, "_channel"):
            hits = self.retriever.search(INTENT_TERMS["ask_complaint"], k=1, kinds=("clause",))
            self._channel = self.store.passage_by_id[hits[0].id] if hits else None
        return self._channel

    def _boundary_text(self, p: Passage) -> str:
        record = next(b for b in self.store.boundaries if b.id == p.record_id)
        others = [b for b in self.store.boundaries if b.number == record.number and b.id != record.id]
        text = f"关于“{record.topic}”，{record.department}的职责是：{record.share}"
        if others:
            text += "\n相关部门分工：" + "；".join(f"{b.department}：{b.share[:40]}" for b in others)
        if record.legal_basis:
            text += f"\n依据：{record.legal_basis.splitlines()[0][:120]}"
        return text

    def _service_text(self, p: Passage, excerpt: str) -> str:
        record = next(s for s in self.store.services if s.id == p.record_id)
        return (f"{record.item}：{excerpt}\n活动时间：{record.time or '清单未载明'}。\n"
                + self._office_line(p.office, p.phone))

    def _time_limits(self, p: Passage) -> tuple[str, list[dict]] | None:
        system = p.system_id
        if not system:
            # a duty or service: use the system whose clauses retrieval ranks first for it
            hits = self.retriever.search(p.text, k=3, kinds=("clause",))
            system = self.store.passage_by_id[hits[0].id].system_id if hits else ""
        limits = self.time_limits_by_system.get(system, [])
        if not limits:
            return None
        parts = [f"{t.context}（{t.citation}）" for t in limits[:3]]
        sources = [{"id": t.clause_id, "citation": t.citation, "excerpt": t.context} for t in limits[:3]]
        return "办理时限：" + "；".join(parts) + "。", sources

    def _office_profile(self, office: str, question: str) -> Answer:
        record = next((o for o in self.store.offices if o.name == office), None)
        if record is None:
            return self.not_found(question, [])
        duties = [d for d in self.store.duties if d.id in record.duty_ids]
        lines = [f"{office}（联系电话：{record.phone or '清单未载明'}）负责："]
        sources = []
        for d in duties[:4]:
            excerpt = d.work_item if len(d.work_item) <= 120 else d.work_item[:120] + "……"
            lines.append(f"· {excerpt}（{d.citation}）")
            sources.append({"id": d.id, "citation": d.citation, "excerpt": excerpt})
        if not duties:
            lines.append("清单的职责登记表中没有单列该科室的事项。")
        return Answer("\n".join(lines), sources, [], True,
                      {"intent": "ask_office", "office": office, "ids": [d.id for d in duties[:4]],
                       "question": question})

    def _phone(self, question: str, entities: dict, context: dict) -> Answer:
        office = self._mentioned_office(question, entities)
        if office is None and context.get("office"):
            office = context["office"]
        if office is None:
            # "举报社保基金问题打什么电话": a phone printed in a clause, or the office of the best match
            hits = self.retriever.search(question, k=5)
            for h in hits:
                if not h.found:
                    break
                for c in self.contacts_by_clause.get(self.store.passage_by_id[h.id].record_id, []):
                    if c.kind == "phone":
                        return Answer(f"{c.context}。\n出处：{c.citation}。", [self._source(h.id)], [], True,
                                      {"intent": "ask_phone", "office": h.office or None, "ids": [h.id],
                                       "question": question})
            if hits and hits[0].found and hits[0].office:
                office = hits[0].office.split("、")[0]
            else:
                return self.not_found(question, hits, "抱歉，我没能确定您要找哪个科室的电话。")
        record = next((o for o in self.store.offices if o.name == office), None)
        if record is None or not record.phone:
            return self.not_found(question, [], f"抱歉，责任清单没有载明{office}的电话。")
        duty = next((d for d in self.store.duties if d.id in record.duty_ids), None)
        citation = duty.citation if duty else "责任清单"
        sources = [{"id": duty.id, "citation": duty.citation, "excerpt": f"{office} {record.phone}"}] if duty else []
        text = f"{office}的联系电话：{record.phone}。\n出处：{citation}（责任科室及联系方式）。"
        return Answer(text, sources, [], True,
                      {"intent": "ask_phone", "office": office, "ids": [s["id"] for s in sources],
                       "question": question})

    def _penalty(self, question: str, entities: dict, context: dict, boost: dict | None = None) -> Answer:
        penalty_ids = {p.clause_id: 0.02 for p in self.store.penalties}
        merged = {**penalty_ids, **(boost or {})}
        hits = self._search(question, "ask_penalty", merged)
        if not hits or not hits[0].found:
            return self.not_found(question, hits)
        hit = next((h for h in hits[:3] if h.id in self.store.penalty_by_clause), hits[0])
        penalty = self.store.penalty_by_clause.get(hit.id)
        p = self.store.passage_by_id[hit.id]
        if penalty is None:
            return self._general(question, "ask_penalty", entities, context, boost)
        lines = [f"清单原文：{penalty.text}"]
        if penalty.fine_min is not None:
            unit = "每人" if penalty.per_person else ""
            amount = (f"{penalty.fine_min} 元" if penalty.fine_min == penalty.fine_max
                      else f"{penalty.fine_min} 元以上 {penalty.fine_max} 元以下")
            lines.append(f"罚款：{unit}{amount}。")
            count = self._count(question, entities)
            if penalty.per_person and count:
                lo, hi = penalty.fine_min * count, penalty.fine_max * count
                total = f"{lo} 元" if lo == hi else f"{lo} 元至 {hi} 元"
                lines.append(f"按 {count} 人计算：{count} × {amount} = {total}。")
        other = [m for m in penalty.measures if m != "罚款"]
        if other:
            lines.append("其他措施：" + "、".join(other) + "。")
        for cond in penalty.conditional_measures:
            lines.append(f"另外：{cond}。")
        if penalty.imposed_by:
            lines.append(f"处罚机关：{penalty.imposed_by}。")
        if penalty.legal_basis:
            lines.append(f"依据：{penalty.legal_basis}。")
        lines.append(f"出处：{penalty.citation}。")
        return Answer("\n".join(lines), [self._source(hit.id, penalty.text)], [], True,
                      {"intent": "ask_penalty", "office": p.office or None, "ids": [hit.id],
                       "system": p.system_id, "question": question})

    def _follow_up(self, question: str, entities: dict, context: dict) -> Answer:
        previous = context.get("intent")
        if not previous:
            return self._general(question, None, entities, context)
        # Prefer the same part of the list as the previous answer.
        boost = {}
        system = context.get("system")
        if system:
            boost = {p.id: 0.01 for p in self.store.passages if p.system_id == system}
        if previous == "ask_penalty":
            return self._penalty(question, entities, context, boost)
        if previous == "ask_phone":
            return self._phone(question, entities, context)
        answer = self._general(question, previous, entities, context, boost)
        if not answer.found and context.get("question"):
            answer = self._general(f"{context['question']} {question}", previous, entities, context, boost)
        return answer
