"""A part asked by its place: "头一步是啥", "第三步是啥？", "第二项是干啥的？", "最后一步呢？".

The unit is a clause's numbered siblings (a procedure's steps) or a service item's parts. A
follow-up that asks a place is answered from the unit the conversation is at, and the
conversation moves to that part, so "那第四步呢" counts on from the same unit.
"""

from __future__ import annotations

import re

from ..aspects import asking_clause
from ..normalize import clean
from ..passages import Passage
from ..records import Clause
from .base import QUOTE_LINE, Answer, Kit
from .parts import DOCUMENT_NAME, DOCUMENT_VERB, NEXT_STEP, ORDINAL, ClauseGroups, ordinal_asked
from .service import ServiceComposer

# a mark and the start of another clause
# Something told as not done ("也没去申请复议"), and a clause's condition of it ("既不履行又不申请…的")
NOT_DONE = re.compile(r"(没|没有|不|未|也没)(去|来|再)?(申请|履行|交|缴|改|起诉|告|提|理)")
NOT_DONE_CONDITION = re.compile(r"(不|未)[^，,。；;]{0,16}的")
# A follow-up on a document once it is in hand: "收到以后", "拿到这个之后"
RECEIVED = re.compile(r"(收到|接到|拿到|领到)(了|这个|那个)?(以后|之后|后)")
CLAUSE_FOLLOWS = re.compile(r"[，,；;。]\s*[\u4e00-\u9fff]")
# A step's short title: "1、立案。", "（五）执行阶段。", "3、法制审核。"
STEP_TITLE = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*([^。，,；;：:（(]{1,8})。")


class OrdinalPart:
    def __init__(self, kit: Kit, groups: ClauseGroups, services: ServiceComposer):
        self.kit = kit
        self.groups = groups
        self.services = services

    def lines(self, clause: Clause) -> tuple[list[str], str, list[dict]]:
        """One part of a clause's unit, said as which of how many it is: lines, citation, sources."""
        group = [c.id for c in self.groups.siblings(clause) if c.id in self.kit.store.passage_by_id]
        return self._part_at(self.groups.title(clause), group, group.index(clause.id))

    def answer(self, question: str, context: dict) -> Answer | None:
        """The part at the place the follow-up asks, of the unit the conversation is at; None when
        it asks no place, the conversation is at no such unit, or it names another unit ("那稽核的
        第三步呢")."""
        place = ordinal_asked(clean(question))
        if place is None:
            return self._next(question, context)
        store, retriever = self.kit.store, self.kit.retriever
        # (the first passage the answer cited: the part it told, or the first of the parts it listed)
        cited = context.get("cited") or []
        units = [u for pid in [*cited[:1], *(context.get("ids") or [])[:1], *cited[1:]]
                 if (u := self._numbered_parts(pid)) is not None]
        if not units:
            return None
        title, parts = units[0]
        index = place - 1 if place > 0 else len(parts) - 1
        if not 0 <= index < len(parts):
            return None
        # the words beside the place are the unit's own, or none
        held = retriever.words_of(parts)
        if any(w not in held for w in retriever.list_words(ORDINAL.sub(" ", clean(question)))):
            return None
        lines, citation, sources = self._part_at(title, parts, index)
        lines.append(f"出处：{citation}。")
        return self._telling_lines(lines, sources, store.passage_by_id[parts[index]], context)

    @staticmethod
    def _telling_lines(lines: list[str], sources: list[dict], part: Passage, context: dict) -> Answer:
        """The answer of ``lines`` that tells ``part``; the conversation moves to it."""
        offices = [o for o in part.office.split("、") if o]
        return Answer("\n".join(lines), sources, [], True,
                      {**context, "ids": [part.id], "cited": [part.id],
                       "office": offices[0] if offices else context.get("office"), "system": part.system_id})

    def _next(self, question: str, context: dict) -> Answer | None:
        """The step after the clause the conversation is at ("人定下来以后，下一步干啥？" after the
        filing stage's approval: the investigation stage); None when the follow-up asks no next
        step, names words of the list the next clause lacks, or the clause is its section's last."""
        text = clean(question)
        if (m := NEXT_STEP.search(text)) is None:
            return self._after_received(text, context)
        store, retriever = self.kit.store, self.kit.retriever
        at = store.clause_by_id.get((context.get("ids") or [""])[0])
        after = self.groups.next_step(at) if at is not None else None
        # (the things it names: "报上去以后先是谁审" names no unit, "那稽核下一步呢" names one)
        named = self._things_named(NEXT_STEP.sub(" ", text))
        named_done = self._things_named(text[:m.start()])
        told_undone = ([t for t in retriever.query_tokens(retriever.normalize(text[:m.start()]))
                        if len(t) > 1 and t in retriever.idf] if NOT_DONE.search(text[:m.start()]) else [])
        if (at is not None and told_undone and NOT_DONE_CONDITION.search(store.passage_by_id[at.id].text)
                and any(retriever.holds_word(retriever.words_of([at.id]), w) for w in told_undone)):
            # "他也没去申请复议，也没去法院告。那下一步咋办？" at the enforcement stage: what it
            # says happens when that is not done, not the stage after it
            part = store.passage_by_id[at.id]
            return self._telling(part, f"{QUOTE_LINE}{part.text}", context)
        if (after is not None and named_done and self.groups.next_step(after) is not None
                and not any(retriever.holds_word(retriever.words_of([at.id]), w) for w in named_done)
                and all(retriever.holds_word(retriever.words_of([after.id]), w) for w in named_done)):
            # the step after the one told is done ("大队长审完以后呢" after the proposal: the brigade
            # head's review is done); the one after it is asked
            at, after = after, self.groups.next_step(after)
        if after is None or not all(retriever.holds_word(retriever.words_of([at.id, after.id]), w) for w in named):
            # "调查完了呢？再下一步是啥？" after a complaint's act: the step it names, of the
            # conversation's system, and the one after it ("那稽核下一步呢" names another unit).
            # The step done is the one named before "下一步"; the words after it describe the
            # step asked for ("调查完了呢？下一步谁定咋处理？": 调查, not the decision's 处理).
            done = text[:m.start()]
            # (of the stage the conversation is at first: "大队长审完以后呢" at the approval stage is
            # its review by the brigade's head, not the filing stage's)
            stage = at.subsection if at is not None else ""
            if not named_done:
                # "下一步法制审核是谁来做？": the step it names after the cue is the one asked
                asked = self._step_named(NEXT_STEP.sub(" ", text), named, context.get("system") or "", stage)
                return self._step_after(at or asked, asked, context)
            at = self._step_named(done, named_done, context.get("system") or "", stage)
            if at is None:
                # what is done next told in the sentence that names the thing done ("填完那个登记单以后呢？":
                # the paragraph where the form is filled in says who signs it and who approves)
                return self._told_after(done, named_done, context)
            after = self.groups.next_step(at) if at is not None else None
        return self._step_after(at, after, context)

    def _after_received(self, text: str, context: dict) -> Answer | None:
        """What a party does once it has the document the conversation's passage issues, when the
        follow-up names no document ("收到以后我们单位得干啥？" after 下达处理意见书): the paragraph
        that names the document received and goes on after it; None otherwise."""
        if RECEIVED.search(text) is None or DOCUMENT_NAME.search(text):
            return None
        at = self.kit.store.passage_by_id.get((context.get("ids") or [""])[0])
        found = DOCUMENT_NAME.search(at.text) if at is not None else None
        if found is None:
            return None
        # (the verb that issues it is no part of its name: "下达处理意见书")
        document = DOCUMENT_VERB.sub("", found.group(1) or found.group(2))
        return self._told_after(f"接到{document}后 {text}", [document], context)

    def _told_after(self, done: str, named: list[str], context: dict) -> Answer | None:
        """The passage of the conversation's system, no step of a numbered procedure, that holds
        every thing ``named`` as done and goes on after it; None when there is none."""
        store, retriever = self.kit.store, self.kit.retriever
        system = context.get("system") or ""
        told = frozenset(c.id for c in store.clauses if c.system_id == system and c.id in store.passage_by_id
                         and self.groups.next_step(c) is None and not c.marker)
        hits = retriever.search(done, k=1, only=told) if told else []
        if not hits or not hits[0].found:
            return None
        part = store.passage_by_id[hits[0].id]
        if any(not retriever.holds_word(retriever.words_of([part.id]), w) for w in named):
            return None
        # (a clause follows the first mention of what is done)
        first = min((at for w in named if (at := part.text.find(w)) >= 0), default=-1)
        if first < 0 or not CLAUSE_FOLLOWS.search(part.text[first:]):
            return None
        return self._telling(part, f"{QUOTE_LINE}{part.text}", context)

    def _step_after(self, at: Clause | None, after: Clause | None, context: dict) -> Answer | None:
        """The answer telling the step ``after`` (the one after ``at``)."""
        store = self.kit.store
        if at is None or after is None or after.id not in store.passage_by_id:
            return None
        part = store.passage_by_id[after.id]
        # (a new stage says its name: "（二）调查阶段")
        stage = after.subsection.split(" / ")[-1] if after.subsection and after.subsection != at.subsection else ""
        return self._telling(part, f"接下来是{stage}：{part.text}", context)

    def _telling(self, part: Passage, first_line: str, context: dict) -> Answer:
        """The answer that tells ``part`` (its first line, its office, its citation); the conversation
        moves to it."""
        lines = [first_line]
        if office_line := self.kit.office_line(part.office, part.phone):
            lines.append(office_line)
        lines.append(f"出处：{part.citation}。")
        return self._telling_lines(lines, [self.kit.source(part.id)], part, context)

    def nth_of_stage_named(self, question: str) -> Answer | None:
        """"审批阶段第一步是干啥？" asked with no conversation before it: the step at the place asked
        of the one stage the message names, in the supervision system of the passage it finds; None
        when it asks no place, names no stage or several, or finds nothing."""
        text = clean(question)
        if (place := ordinal_asked(text)) is None:
            return None
        store, retriever = self.kit.store, self.kit.retriever
        hits = retriever.search(text, k=1)
        if not hits or not hits[0].found:
            return None
        system = store.passage_by_id[hits[0].id].system_id
        named = {c.subsection: c for c in store.clauses
                 if system and c.system_id == system and c.subsection and c.marker and c.id in store.passage_by_id
                 and self.groups.title(c) in text and self.groups.siblings(c)}
        if len(named) != 1:
            return None
        clause = next(iter(named.values()))
        parts = [c.id for c in self.groups.siblings(clause) if c.id in store.passage_by_id]
        index = place - 1 if place > 0 else len(parts) - 1
        if not 0 <= index < len(parts):
            return None
        lines, citation, sources = self._part_at(self.groups.title(clause), parts, index)
        lines.append(f"出处：{citation}。")
        return self._telling_lines(lines, sources, store.passage_by_id[parts[index]], {"system": system})

    def after_named(self, question: str) -> Answer | None:
        """"调查完了下一步是啥？" asked with no conversation before it: the step after the one its
        asking clause names, in the supervision system of the passage the message finds; None when
        it asks no next step, names no step, or finds nothing."""
        text = clean(question)
        asking = asking_clause(text)
        retriever = self.kit.retriever
        if (m := NEXT_STEP.search(asking)) is None or self._things_named(asking[m.end():]):
            # (a step named after "下一步" is the one asked about: "下一步交给谁做法制审核")
            return None
        hits = retriever.search(text, k=1)
        if not hits or not hits[0].found:
            return None
        system = self.kit.store.passage_by_id[hits[0].id].system_id
        asked = NEXT_STEP.sub(" ", asking)
        named = self._things_named(asked)
        at = self._step_named(asked, named, system)
        # (the word it names is the step's name: "调查" of （二）调查阶段, not "投诉" that the filing
        # step speaks of - "投诉以后谁来处理" asks what is done with a complaint)
        if at is None or not any(w in self._label(at) for w in named):
            return None
        return self._step_after(at, self.groups.next_step(at), {"system": system})

    def _things_named(self, text: str) -> list[str]:
        """The words of the list ``text`` names things by (not verbs: "报上" of "报上去")."""
        retriever = self.kit.retriever
        return [w for w in retriever.list_words(text) if retriever.names_a_thing(w)]

    def _label(self, clause: Clause) -> str:
        """A step's name: its short title ("1、立案。" → 立案) and its stage's ("（二）调查阶段")."""
        text = self.kit.store.passage_by_id[clause.id].text if clause.id in self.kit.store.passage_by_id else ""
        title = STEP_TITLE.match(text)
        stage = clause.subsection.split(" / ")[-1] if clause.subsection else ""
        return f"{title.group(1) if title else ''} {stage}"

    def _step_named(self, text: str, named: list[str], system: str, stage: str = "") -> Clause | None:
        """The step of a procedure in ``system`` that holds every word ``named`` (the best found
        for ``text``), one of ``stage`` (a subsection) if any of its steps does; None when it
        names none or no such step is found."""
        if not named or not system:
            return None
        store, retriever = self.kit.store, self.kit.retriever
        steps = [c for c in store.clauses if c.system_id == system and c.id in store.passage_by_id
                 and self.groups.next_step(c) is not None]
        for among in ([c for c in steps if stage and c.subsection == stage], steps):
            hits = retriever.search(text, k=1, only=frozenset(c.id for c in among)) if among else []
            if hits and hits[0].found and all(retriever.holds_word(retriever.words_of([hits[0].id]), w) for w in named):
                return store.clause_by_id.get(hits[0].id)
        return None

    def _part_at(self, title: str, parts: list[str], index: int) -> tuple[list[str], str, list[dict]]:
        kit = self.kit
        part = kit.store.passage_by_id[parts[index]]
        text = part.text.removeprefix(f"{title}：")  # (a service's part repeats the item's name)
        lines = [f"{title}共{len(parts)}项，第{index + 1}项是：", text]
        office_line = kit.office_line(part.office, part.phone)
        if office_line:
            lines.append(office_line)
        return lines, part.citation, [kit.source(part.id)]

    def _numbered_parts(self, pid: str) -> tuple[str, list[str]] | None:
        """The title and the part ids of the unit with numbered parts that ``pid`` is one of: a
        clause's numbered siblings, a service item's parts; None when it is one of none."""
        store = self.kit.store
        clause = store.clause_by_id.get(pid)
        if clause is not None:
            group = [c.id for c in self.groups.siblings(clause) if c.id in store.passage_by_id]
            return (self.groups.title(clause), group) if group else None
        p = store.passage_by_id.get(pid)
        if p is not None and p.kind == "service" and p.record_id in self.services.by_id:
            parts = [q.id for q in store.passages if q.kind == "service" and q.record_id == p.record_id]
            return (self.services.by_id[p.record_id].item, parts) if len(parts) >= 2 else None
        return None
