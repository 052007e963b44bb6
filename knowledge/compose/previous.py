"""The passage a conversation is at: a follow-up that asks what it states is answered by it.

"抽查面有多大" after the clause "抽查工作由局财务股人员进行检查，抽查面不低于50％" asks about that
clause, not about another part of the list that states a ratio; "录进哪个系统" after an answer
that cited the filing step asks about the step. The answer's own passage and the ones it cited
(its time limits, its 另见) are kept in the conversation's context for this.
"""

from __future__ import annotations

import re

from ..aspects import COUNTED_ASPECTS, SITUATIONS, asked_aspects, without_asking
from ..normalize import clean
from ..question_forms import says
from ..retrieval import RARE_IDF
from .base import QUOTE_LINE, Answer, Kit
from .parts import DOCUMENT_NAME
from .passage import PARTS_ASPECTS, PassageComposer

# A near demonstrative with its classifier: the noun after it points back at what was said ("那个联系人
# 制度呢" introduces a matter of its own).
POINTING = r"(?:这个|这些|这种|这笔|这项)"
# A follow-up that asks what the previous passage states: that passage is put first.
PREVIOUS_BOOST = 1.0
# The passages an answer cites that the conversation keeps for its follow-ups.
MAX_CITED = 6
# How far below the found bar the passage the conversation is at still answers a follow-up that
# asks what it states.
FOLLOW_UP_MARGIN = 0.1
# What a penalty rule's follow-up asks that the penalty composer answers (the sanctions, the fine
# worked out for a count): the rule's other statements (who, how long) the rule itself answers.
PENALTY_ASPECTS = frozenset({"sanction", "amount", "basis"})
# The office or the people the conversation is at, as a caller points at them.
THEM = re.compile(r"他们|她们|它们|人家|他家|它家|这个科|那个科|这个单位|那个单位|这个部门|那个部门")
# What a service item's row states in its columns (its time, its offices and their phone).
ROW_ASPECTS = frozenset({"time_limit", "frequency", "who", "phone"})
# Of them, this many are tried (one composition each) for a follow-up.
MAX_TRIED = 4


# A figure a caller checks against the rule given ("罚五千块钱够不够", "都80个工作日了算不算超期"),
# and its unit as the list writes it.
TOLD_FIGURE = re.compile(r"[0-9０-９零〇一二两三四五六七八九十百千万]\s*(?:个|多)?\s*(工作日|日|天|月|年|元|块|万|千|次|回|人|名|家|分|%|％)")
UNIT_AS_LISTED = {"天": "日", "工作日": "日", "块": "元", "万": "元", "千": "元", "回": "次", "名": "人", "％": "%"}


def told_unit_stated(question: str, passage_text: str, checking: bool = False) -> bool:
    """Whether the question checks a figure (question_forms "checks_figure") whose unit the
    passage states a number of; ``checking``: the message is known to check what it tells (a
    figure heard: "不是说得15天吗？")."""
    text = clean(question)
    if not (checking or says(text, "checks_figure")):
        return False
    units = {UNIT_AS_LISTED.get(m.group(1), m.group(1)) for m in TOLD_FIGURE.finditer(text)}
    return any(re.search(rf"[0-9零〇一二两三四五六七八九十百千万]\s*(?:个)?\s*(?:工作)?{re.escape(u)}", passage_text)
               for u in units)


class PreviousPassageComposer:
    """``short_words``: a question with this many words of the list at most, all of them held
    by a passage of the conversation, asks about that passage even without an aspect."""

    def __init__(self, kit: Kit, passages: PassageComposer, short_words: int = 2):
        self.kit = kit
        self.passages = passages
        self.short_words = short_words

    @staticmethod
    def remember(answer: Answer) -> None:
        """Keep the passages the answer cites in its context, for the follow-ups."""
        answer.context["cited"] = list(dict.fromkeys(s["id"] for s in answer.sources if s.get("id")))[:MAX_CITED]

    def states(self, question: str, intent: str | None, context: dict) -> Answer | None:
        """The answer from the passage the conversation is at (the one quoted, then the ones
        cited) when it states what the follow-up asks; None otherwise."""
        store, retriever = self.kit.store, self.kit.retriever
        asked = tuple(a for a in asked_aspects(clean(question)) if a.name not in PARTS_ASPECTS)
        if (intent == "ask_penalty" and not [a for a in asked if a.name not in PENALTY_ASPECTS]
                and (context.get("ids") or [None])[0] in store.penalty_by_clause):
            # a penalty rule's follow-up ("那要是介绍了4个呢") is the penalty composer's, unless it
            # asks something else the rule states (its time limit, who, how)
            return None
        asks_parts = any(a.name in PARTS_ASPECTS for a in asked_aspects(clean(question)))
        words = {t for t in retriever.query_tokens(retriever.normalize(question)) if len(t) > 1 and t in retriever.idf}
        words = {t for t in words if not any(t != u and t in u for u in words)}  # 专项检查, not 专项 + 检查
        short = 0 < len(words) <= self.short_words
        asks_sanction = any(a.name == "sanction" for a in asked)
        matter_words = retriever.list_words(without_asking(clean(question)))
        referred = self.pointed_at(question) & words
        topic = context.get("topic") or context.get("question") or ""
        candidates = list(dict.fromkeys([*(context.get("ids") or [])[:1], *(context.get("cited") or [])]))
        for pid in candidates[:MAX_TRIED]:
            previous = store.passage_by_id.get(pid)
            if previous is not None and previous.kind == "service":
                row = self._service_row(question, asked, previous, referred, words)
                if row is not None:
                    return row
                continue
            if previous is not None and previous.kind == "duty":
                row = self._duty_row(question, previous, referred)
                if row is not None:
                    return row
                continue
            if previous is not None and previous.kind == "boundary":
                row = self._boundary_row(question, previous)
                if row is not None:
                    return row
                continue
            if previous is None or previous.kind != "clause":
                continue
            if not self.holds_document(previous, question):
                # "那处理决定书啥时候能下来" after the audit's warning for a light breach: the clause
                # that holds the document says when, whatever time the one just quoted states
                continue
            aspects = tuple(a for a in asked if a.answered_in(previous.text))
            if any(a.name in SITUATIONS and a not in aspects for a in asked):
                # a situation the follow-up tells that the passage does not speak of ("可老板已经把钱补上
                # 了，这案子还得罚？" after the complaint channel): the clause that does decides it
                continue
            held = retriever.words_of([previous.id]) | referred
            counted = any(a.name in COUNTED_ASPECTS for a in asked)
            if not aspects and (counted or not (short and all(w in held for w in words))
                                or (asks_sanction and not matter_words)):
                # (a question that asks a number the passage does not state is not about it,
                # whatever words it shares with it: "调查一般得多少天能完？" after the closing stage;
                # nor is one that asks only what is done to a party, of a clause that states no
                # measure: "这种学校会咋处理？" after the checks' "处理结果")
                continue
            if not aspects and asks_parts and self.names_document_only(previous, question):
                # "那监督意见书里都写啥？" after the clause that names it: its contents are listed
                # elsewhere, not in a clause that opens no parts
                continue
            answer = self.passages.compose(f"{topic} {question}", intent, aspects, boost={previous.id: PREVIOUS_BOOST},
                                           threshold=self.threshold(aspects))
            if answer.found and answer.context.get("ids", [None])[0] == previous.id:
                return answer
        return None

    def names_document_only(self, passage, question: str) -> bool:
        """Whether the question asks about a document (its name said) that the clause only names:
        the clause opens no parts (…主要包括下列内容：1、2、…)."""
        named = self._documents(question)
        if not named or not any(n in passage.text for n in named):
            return False
        clause = self.kit.store.clause_by_id.get(passage.record_id)
        return clause is not None and not self.passages.groups.opened_by(clause)

    def holds_document(self, passage, question: str) -> bool:
        """Whether the passage holds a document the question names (True when it names none)."""
        named = self._documents(question)
        return not named or any(n in passage.text for n in named)

    def _documents(self, question: str) -> set[str]:
        """The documents of the list a question names, as the list says them ("那监督意见书" is
        监督意见书; "哪几个通知书" names none)."""
        corpus = self.kit.retriever.corpus
        found = set()
        for m in DOCUMENT_NAME.finditer(question):
            name = m.group(1) or m.group(2)
            said = next((name[i:] for i in range(max(len(name) - 3, 1)) if name[i:] in corpus), None)
            if said:
                found.add(said)
        return found

    def _service_row(self, question: str, asked: tuple, row, referred: set[str], words: set[str]) -> Answer | None:
        """A service item's row answers a follow-up that asks what its columns state (when it is
        held, who holds it, their phone: "一般啥时候搞，找哪个部门问？", "这几项都是全年搞吗？")
        and names nothing the row lacks ("那社保政策咨询是谁负责？" names another item)."""
        retriever = self.kit.retriever
        held = retriever.words_of([row.id]) | referred
        # (the words said judge, when it says the list's words: "这些招聘会" is the row's, though the
        # synonym table adds 洽谈会 it lacks)
        asking_aside = without_asking(clean(question))
        named = retriever.list_words(asking_aside, said_only=True) or retriever.list_words(asking_aside)
        if any(w not in held for w in named):
            return None
        if not named and not {a.name for a in asked} & ROW_ASPECTS and not (words and words <= held):
            return None  # it asks nothing of the row's columns, and says none of its words ("全年")
        lines, citation = self.passages.services.lines(row)
        return self._row_answer(row, [*lines, f"出处：{citation}。"], "ask_service", question)

    def _duty_row(self, question: str, row, referred: set[str]) -> Answer | None:
        """The duty row the conversation is at answers a follow-up about the office that holds it
        ("除了让进基地，他们还能给俺提供啥帮助？"): one that speaks of them and names no rare thing
        of the list the row lacks."""
        retriever = self.kit.retriever
        text = clean(question)
        if not THEM.search(text):
            return None
        held = retriever.words_of([row.id]) | referred
        if any(w not in held and retriever.idf.get(w, 0.0) >= RARE_IDF
               for w in retriever.list_words(without_asking(text))):
            return None
        lines = [self.kit.office_line(row.office, row.phone), f"{QUOTE_LINE}{row.text}", f"出处：{row.citation}。"]
        return self._row_answer(row, lines, "ask_office", question)

    def _boundary_row(self, question: str, previous) -> Answer | None:
        """The share of a department the follow-up names, of the boundary item the conversation is
        at ("你刚才说人社这边也管，人社具体管哪一块？" after the 职业病 item): None when it names
        none of the item's departments."""
        store = self.kit.store
        record = next((b for b in store.boundaries if b.id == previous.record_id), None)
        if record is None:
            return None
        text = clean(question)
        rows = [b for b in store.boundaries if b.number == record.number and b.id in store.passage_by_id]
        named = [(text.find(name), b) for b in rows for name in _department_names(b.department) if name in text]
        if not named:
            return None
        chosen = min(named, key=lambda pair: pair[0])[1]
        passage = store.passage_by_id[chosen.id]
        lines = [*self.passages.boundaries.lines(passage), f"出处：{passage.citation}。"]
        return self._row_answer(passage, lines, "ask_boundary", question, office=chosen.department)

    def _row_answer(self, row, lines: list[str], intent: str, question: str, office: str | None = None) -> Answer:
        """A table row's answer, cited; the conversation moves to the row (its first office)."""
        offices = [o for o in row.office.split("、") if o]
        return Answer("\n".join(x for x in lines if x), [self.kit.source(row.id)], [], True,
                      {"intent": intent, "office": office or (offices[0] if offices else None), "ids": [row.id],
                       "system": "", "question": question})

    def restated(self, question: str, context: dict) -> Answer | None:
        """What the passage the conversation is at states, again, for a caller who checks what they
        heard against it ("不是说得15天吗？", "我听说只查20人以上的单位？", "举报电话是7523309吧？"):
        None when the question names a matter the passage lacks (the figures it claims aside)."""
        store, retriever = self.kit.store, self.kit.retriever
        ids = context.get("ids") or []
        previous = store.passage_by_id.get(ids[0]) if ids else None
        if previous is None or previous.kind not in ("clause", "service"):
            return None
        words = retriever.list_words(without_asking(clean(question)))
        # (a word the passage says in other pieces counts: 未成年人)
        if any(w not in retriever.words_of([previous.id]) and w not in previous.text for w in words):
            return None
        if previous.kind == "service":
            return self._service_row(question, (), previous, set(), set())
        topic = context.get("topic") or context.get("question") or ""
        aspects = tuple(a for a in asked_aspects(clean(question)) if a.name not in PARTS_ASPECTS)
        threshold = self.kit.retriever.found_threshold - FOLLOW_UP_MARGIN
        answer = self.passages.compose(f"{topic} {question}", context.get("intent"), aspects,
                                       boost={previous.id: PREVIOUS_BOOST}, threshold=threshold)
        if not (answer.found and answer.context["ids"][0] == previous.id) and told_unit_stated(
                question, previous.text, checking=True):
            # "都80个工作日了，这算不算超期？", "不是说得15天吗？": a figure checked against the rule given
            # is checked against that rule, whatever passage its other words ("超期" → 逾期) lead to
            answer = self.passages.compose(topic, context.get("intent"), aspects,
                                           boost={previous.id: PREVIOUS_BOOST}, threshold=threshold)
            if not (answer.found and answer.context["ids"][0] == previous.id):
                # (the topic read again may lead elsewhere - the story's act, "不签劳动合同", beside
                # the filing step it was answered with: the rule given, in its own words)
                answer = self.passages.compose(previous.text, context.get("intent"), aspects,
                                               boost={previous.id: PREVIOUS_BOOST}, threshold=threshold)
        return answer if answer.found and answer.context["ids"][0] == previous.id else None

    def pointed_at(self, question: str) -> set[str]:
        """The words a demonstrative points back at ("过了这个时间没提": the time the passage just
        quoted states): the passage's, whatever word names them."""
        retriever = self.kit.retriever
        return {w for w in retriever.query_tokens(retriever.normalize(question))
                if len(w) > 1 and re.search(f"{POINTING}{re.escape(w)}", question)}

    def threshold(self, aspects: tuple) -> float | None:
        """The found bar for the passage the conversation is at, read with the follow-up: lower by
        FOLLOW_UP_MARGIN when the follow-up asks what it states (its few words of its own,
        "得几个人来？都是谁？", thin the topic's match; the passage was found for the topic)."""
        return self.kit.retriever.found_threshold - FOLLOW_UP_MARGIN if aspects else None

    def answers_instead(self, question: str, answer: Answer, said: Answer) -> bool:
        """Whether the passage the conversation is at (``said``) answers the follow-up rather than
        ``answer``, the one found on its own: that one is not found, or holds no more of the words
        that tell the two apart, or belongs to another part of the list and shares no thing the
        follow-up names ("除了人社，还有哪些部门参加" after the hospitals' yearly check: the training
        schools' clause holds 参加, but the question names no matter of its own)."""
        for word in self.pointed_at(question):  # what it points back at tells nothing apart
            question = re.sub(f"{POINTING}{re.escape(word)}", " ", question)
        if not answer.found or self.holds_less(question, answer, said):
            return True
        store, retriever = self.kit.store, self.kit.retriever
        mine, theirs = answer.context["ids"][0], said.context["ids"][0]
        # (the words that ask the aspect name nothing: "第几号令" is no matter that "第47号令" holds)
        return (store.passage_by_id[mine].system_id != store.passage_by_id[theirs].system_id
                and retriever.rare_evidence(without_asking(clean(question)), mine, things_only=True) < RARE_IDF)

    def holds_less(self, question: str, answer: Answer, other: Answer) -> bool:
        """Whether the answer's passage holds no more than the other's of the question's words that
        tell the two apart ("情况复杂的能延长多久" after the filing step: the investigation's clause
        holds 延长 and 复杂, so it answers rather than the step just quoted)."""
        mine, theirs = (answer.context.get("ids") or [None])[0], (other.context.get("ids") or [None])[0]
        if not mine or not theirs or mine == theirs:
            return True
        telling = self.kit.retriever.distinguishing_coverage(question, [mine, theirs])
        return telling[mine] <= telling[theirs]


def _department_names(department: str) -> list[str]:
    """A department as a caller names it: "人社局" and "人社" (not a one-character stem)."""
    stem = department.removesuffix("局").removesuffix("部门")
    return [department, stem] if len(stem) >= 2 and stem != department else [department]
