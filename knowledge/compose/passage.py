"""The general answer: the best passage of any kind, said so that the first line answers.

A duty row: who handles it and the phone, then the row. A clause: the sentences that state
what the question asks (a time limit, who, the appeal route …), the office, then the clause
and its citation. A question for the parts of a unit ("哪些审批", "哪三个") gets every part.
"""

from __future__ import annotations

import re

from ..aspects import COUNTED_ASPECTS, SITUATIONS, Aspect, answering_sentences, asking_clause, without_asking
from ..headings import heading_asked
from ..normalize import clean, expand, parties
from ..passages import Passage
from ..phones import find_phones
from ..question_forms import clauses_saying, says
from ..records import Clause
from ..retrieval import RARE_EVIDENCE, SearchHit
from .base import INTENT_TERMS, MAX_EXCERPT, QUOTE_LINE, Answer, Kit
from .boundary import BoundaryComposer
from .decisive import DecisiveClause
from .ordinal import OrdinalPart
from .parts import (
    MAX_PARTS,
    ORDINAL,
    REST_OF_UNIT,
    STAGES_ASKED,
    WHOLE_PARTS_CHARS,
    ClauseGroups,
    lead,
    ordinal_asked,
)
from .service import ServiceComposer
from .thresholds import ThresholdClause

# Aspects that ask for the parts of a unit rather than one sentence of it.
PARTS_ASPECTS = frozenset({"parts", "steps"})
# A runner-up within this score of the best passage that also states what the question asks
# is shown too ("另见"), each cited: two close items are both answers, not a coin toss. In
# the same supervision system as the best passage the margin is wider (the same procedure).
NEIGHBOUR_MARGIN = 0.08
SAME_SYSTEM_MARGIN = 0.15
# What befalls an offender ("查出来会怎样") is told in several clauses of one system, one for each
# way the wrong comes to light (抽查: 终止拨付、责令退回; 举报: 追回资金; 处理: 严肃处理、追究): up to
# this many of its clauses that state sanctions are shown beside the best.
MAX_SANCTIONS = 3
# An aspect this specific (a time limit, how often) tells the clause of the matter's system that
# answers from one that only shares the matter's words ("who" and "which sanctions" do not).
STATING_SPECIFICITY = 0.4
STATING_MARGIN = 0.2
# A passage that states an aspect this specific ("对有举报的…") answers, not a part by heading.
STATED_SPECIFICITY = 0.6
# Without an aspect to check, only a near tie is shown.
NEIGHBOUR_TIE = 0.02
MAX_NEIGHBOURS = 2
# A clause that names reports or complaints (a system's own intake of them).
INTAKE_WORDS = re.compile(r"举报|投诉")
# A wrong the complaint channel lists, this close to the passage found, is what a complaint tells.
ACT_MARGIN = 0.05
# What the office line of any answer states: who handles it, and the number.
OFFICE_LINE_ASPECTS = frozenset({"who", "phone"})
# Words that point back at the story told ("这种情况能投诉吗"): they ask of nothing new.
TOLD_BACK = re.compile(r"(这|那)(种|个|样|样的|类|些)(情况|事情|事儿|事|问题|行为|做法)")
# What a supervision system's title names it supervises: the title without the word for the
# supervising ("人力资源服务机构监管" → 人力资源服务机构; "…定点零售药店医疗服务监管" → …定点零售药店).
SUPERVISING = re.compile(r"(医疗服务|使用|事项)?监管$")
# A party said not to be the one meant ("不是中介，是厂子自己").
NEGATED = re.compile(r"(不是|并非|而非)[^，,。；;？?！!]{1,8}")
# The shortest tail of such a name that still names it ("职业技能定点培训机构" → 培训机构).
MIN_SUBJECT_CHARS = 4
# A clause of the system whose party the question names, this close to the best clause of
# another system, answers instead.
SUBJECT_MARGIN = 0.1
# The same when the party is the conversation's, named in an earlier question: wider, as the
# question's own words are few and the conversation says whose clauses answer.
CONVERSATION_SUBJECT_MARGIN = 0.2
# A clause this far below a table row answers a question for a part of its system by heading.
HEADING_MARGIN = 0.1
# An answering sentence is said first unless it is most of the quoted clause anyway.
ANSWER_SHARE = 0.7


def _squashed(text: str) -> str:
    return "".join(text.split())


class PassageComposer:
    def __init__(self, kit: Kit):
        self.kit = kit
        self.groups = ClauseGroups(kit.store)
        self.services = ServiceComposer(kit)
        self.boundaries = BoundaryComposer(kit)
        self.thresholds = ThresholdClause(kit)
        self.decisive = DecisiveClause(kit)
        self.ordinal = OrdinalPart(kit, self.groups, self.services)
        self.time_limits_by_system: dict[str, list] = {}
        for t in kit.store.time_limits:
            clause = kit.store.clause_by_id.get(t.clause_id)
            if clause:
                self.time_limits_by_system.setdefault(clause.system_id, []).append(t)
        self._channel: Passage | None | bool = False
        self._acts: frozenset[str] | None = None
        self._intakes: dict[str, Passage | None] = {}
        self._offences: dict[str, str] | None = None
        self.subjects = self._system_subjects()

    def _system_subjects(self) -> dict[str, str]:
        """The names of what each supervision system supervises, and their tails no other
        system's name shares ("培训机构", "零售药店"), each with its system's id."""
        names: dict[str, set[str]] = {}
        for system in self.kit.store.systems:
            subject = SUPERVISING.sub("", system.title)
            if subject == system.title:
                continue  # "规范案件查处": a way of working, not a kind of supervised party
            for name in subject.split("、"):
                for start in range(len(name) - MIN_SUBJECT_CHARS + 1):
                    names.setdefault(name[start:], set()).add(system.id)
        return {name: next(iter(ids)) for name, ids in names.items() if len(ids) == 1}

    def subject_system(self, question: str) -> str | None:
        """The system whose supervised party the question names ("职介所": 人力资源服务机构, by the
        synonym table), when it names one system's only."""
        said = NEGATED.sub("", clean(question))
        text = self.kit.retriever.normalize(said) + " " + " ".join(
            name for phrase, names in parties() if phrase in said for name in names)
        named = {system for name, system in self.subjects.items() if name in text}
        return named.pop() if len(named) == 1 else None

    def compose(self, question: str, intent: str | None, aspects: tuple[Aspect, ...],
                boost: dict | None = None, threshold: float | None = None,
                kinds: tuple[str, ...] | None = None, subject: str | None = None) -> Answer:
        """``subject``: the system whose party the conversation is about, when the question names
        none of its own ("投诉以后是要等年度检查吗" after a complaint about a 定点诊所)."""
        kit = self.kit
        # (the place a part is asked by is no word of the unit's: "最后一步" does not find the
        # clause that says 最后由局领导决定结案)
        searched = ORDINAL.sub(" ", question) if ordinal_asked(clean(question)) is not None else question
        hits = kit.search(searched, intent, boost, aspects, kinds=kinds, threshold=threshold, k=10)
        own = self.subject_system(question)
        named = (own or subject) if hits else None
        if named and kit.store.passage_by_id[hits[0].id].system_id not in ("", named):
            # the party or fund the question names is supervised by one system: its clauses speak
            # of it, another system's of another party ("领了就业补贴，日常多久查一次": the fund's
            # quarterly check, not the training institutions' per class). A complaint goes there
            # whatever the words shared: a 职介所 that keeps ID cards is the 人力资源服务机构's
            # matter, though an employer's doing so is the labour inspectors'. So does a question
            # that names no party in a conversation about one ("投诉以后要等年度检查吗" after a
            # complaint about a 定点诊所: its system's clause on checks "随时进行").
            margin = 1.0 if intent == "ask_complaint" else SUBJECT_MARGIN if own else CONVERSATION_SUBJECT_MARGIN
            bar = hits[0].score - margin
            candidates = [h for h in hits if kit.store.passage_by_id[h.id].system_id == named]
            if not candidates and not own:
                ids = frozenset(p.id for p in kit.store.passages if p.system_id == named)
                candidates = kit.retriever.search(question, k=1, aspects=aspects, only=ids)
            # (the best passage found says the question is the list's: the named system's clause
            # close below it answers though it falls short of the bar on its own)
            # (or, the party being the conversation's, one that states what the few words ask:
            # "来查的时候是几个人" → its "人数不得少于 2 人")
            chosen = next((h for h in candidates if h.score >= bar and (h.found or hits[0].found or (
                not own and any(a.answered_in(h.text) for a in aspects)))), None)
            if chosen is not None:
                chosen.found = True
                hits = [chosen, *(h for h in hits if h.id != chosen.id)]
        if intent == "ask_complaint" and not named and hits:
            hits = self._act_first(question, hits, aspects)
        decisive = self.decisive.find(question, intent, aspects, hits, None if own else subject) or self.thresholds.find(question, hits)
        if decisive is not None:
            # the matter's own clause does not say what is asked; the one that does answers
            hits = [decisive, *(h for h in hits if h.id != decisive.id)]
        if kinds is None and hits and not hits[0].found and any(h.found for h in hits):
            # the kind's vocabulary ranked first a passage the question itself does not reach
            hits = [*(h for h in hits if h.found), *(h for h in hits if not h.found)]
        if not hits or not hits[0].found:
            return kit.not_found(question, hits)
        if decisive is None:
            hits = self._stating_first(hits, aspects, question)
        hits = self._heading_first(question, hits)
        top = hits[0]
        p = kit.store.passage_by_id[top.id]
        clause = kit.store.clause_by_id.get(p.record_id) if p.kind == "clause" else None
        sources: list[dict] = []
        citation = p.citation
        states = self._states_asked(p, aspects)
        told = top.id
        if p.kind == "boundary":
            lines = self.boundaries.lines(p, question)
            sources.append(kit.source(p.id))
        elif p.kind == "service":
            lines, citation = self.services.lines(p, kit.retriever.said(question))
            sources.append(kit.source(p.id))
        elif (clause is not None and STAGES_ASKED.search(clean(question))
              and (stages := self.groups.stages(clause)) and not self._names_a_stage(question, stages)):
            # "从立案到结案一共要走哪几个阶段": the section's stages, each by its name (not when it
            # names one: "到了审批阶段，都要走哪些环节" asks that stage's steps)
            lines, citation, sources = self._stage_lines(clause, stages, p)
        elif (clause is not None and (opened := self.groups.opened_by(clause))
              and p is not self._complaint_channel()):
            # a sentence that ends in a colon says nothing by itself: its parts answer (the
            # complaint channel's parts are the wrongs it takes, not what a complaint asks)
            lines, citation, sources = self._opened_lines(clause, opened, p)
        # (a clause chosen because it alone states what is asked - "不服可以走哪些途径" - is the
        # answer, not a part by heading or the numbered parts the question's other words point to)
        # (nor is a clause that states what else the question asks: "举报了会去查些啥" is answered
        # by the clause on what is done "对有举报的", not by the system's part on what it checks)
        elif (clause is not None and decisive is None and not states
              and top.id not in kit.retriever.labelled(question)
              and (part := self._heading_part(question, clause, hits)) is not None):
            # (not for a clause the question names by its label: "内部稽核每个月查啥")
            lines, citation, sources = self._part_lines(part, p, ordinal_asked(clean(question)))
        elif (clause is not None and decisive is None and not states
              and self._parts_asked(question, clause, top.id, aspects, hits)):
            clause = self._unit(hits[:5])
            place = ordinal_asked(clean(question))
            lines, citation, sources = self._parts(clause, p, place)
            if place is not None and (nth := self.groups.nth(clause, place)) is not None:
                told = nth.id  # the conversation is at the part told ("下一步呢" counts on from it)
        else:
            lines, sources = self._passage(p, question, aspects)
            lines.extend(self._neighbours(question, hits, aspects, sources, named))
        reported_to = p
        if intent == "ask_complaint":
            lines, sources, complaint_office, reported_to = self._complaint(p, question, lines, sources, top.score)
        asks_time = [a for a in aspects if a.name == "time_limit"]
        if intent == "ask_complaint" or (asks_time and not any(a.answered_in(p.text) for a in asks_time)):
            # the time limits of the part of the list the matter is reported to (or of the
            # passage's own) that the answer does not state yet - none when the passage answers
            # the time asked itself ("处理决定书多少天内送达": its 10 working days, not another's 5;
            # a complaint is told them all: its step's 5 days may not be what the caller waits for)
            limits = self._time_limits(reported_to, "".join(lines))
            if limits:
                lines.append(limits[0])
                sources.extend(limits[1])
        lines.extend(kit.phone_lines(p, "".join(lines)))
        lines.append(f"出处：{citation}。")
        offices = [o for o in p.office.split("、") if o]
        context = {"intent": intent, "office": offices[0] if offices else None, "ids": [told],
                   "system": p.system_id, "question": question, "score": top.score}
        if intent == "ask_complaint" and complaint_office:
            # complaints are filed with the office that receives them, whoever owns the matter
            context["complaint_office"] = complaint_office
            context["office"] = complaint_office
        return Answer("\n".join(lines), sources, [], True, context)

    # ------------------------------------------------------------------ shapes

    def _passage(self, p: Passage, question: str, aspects: tuple[Aspect, ...]) -> tuple[list[str], list[dict]]:
        kit = self.kit
        quoted = p.text if len(p.text) <= 2 * MAX_EXCERPT else kit.excerpt(p.text, question, aspects)
        answering = "".join(answering_sentences(p.text, aspects)) if aspects and p.kind == "clause" else ""
        lines: list[str] = []
        office_line = kit.office_line(p.office, p.phone)
        if answering and len(answering) > ANSWER_SHARE * len(quoted):
            # the clause is itself the answer: it comes first, in the list's words (cited below)
            return [quoted, *([office_line] if office_line else [])], [kit.source(p.id, quoted)]
        if answering:
            lines.append(answering)
        if office_line:
            lines.append(office_line)
        clause = kit.store.clause_by_id.get(p.record_id) if p.kind == "clause" else None
        opening = self.groups.lead_in(clause) if clause else None
        if opening is not None and len(opening.text) <= MAX_EXCERPT:
            # an item of a list says little without the sentence that opens the list
            quoted = f"{opening.text}……{quoted}"
        lines.append(f"{QUOTE_LINE}{quoted}")
        return lines, [kit.source(p.id, quoted)]

    def _neighbours(self, question: str, hits: list[SearchHit], aspects: tuple[Aspect, ...],
                    sources: list[dict], named: str | None = None) -> list[str]:
        """Passages close to the best that also state what is asked ("另见"); ``named``: the system
        of the party the question or its conversation names (another party's system adds none)."""
        top, lines = hits[0], []
        top_p = self.kit.store.passage_by_id[top.id]
        sanction = next((a for a in aspects if a.name == "sanction"), None)
        sanction_bar = 1.0
        # (and a number asked: "多久查一次" of a fund checked quarterly and once a year besides)
        stated = [a for a in aspects if a is sanction or a.name in COUNTED_ASPECTS]
        if stated and top_p.system_id:
            # the system's other clauses that state it, wherever the question's words rank them
            store, retriever = self.kit.store, self.kit.retriever
            seen = {h.id for h in hits}
            ids = frozenset(pid for a in stated for pid in retriever.answering(a)
                            if store.passage_by_id[pid].system_id == top_p.system_id and pid not in seen)
            if ids:
                hits = [*hits, *retriever.search(question, k=len(ids), only=ids)]
        if sanction is not None and top_p.system_id:
            retriever = self.kit.retriever
            # their bar is lower by the aspect's re-rank weight, as for a decisive clause: the
            # question's words are the wrong's, the clause's are the procedure's
            sanction_bar = retriever.found_threshold - retriever.aspect_weight * retriever.specificity(sanction)
        most = MAX_SANCTIONS if sanction is not None else MAX_NEIGHBOURS
        for h in hits[1:]:
            if len(lines) == most:
                break
            p = self.kit.store.passage_by_id[h.id]
            if named == top_p.system_id and p.system_id != named and p.system_id in self.subjects.values():
                # another party's system speaks of another party (the procedures for all do not)
                continue
            if _squashed(top_p.text) in _squashed(p.text):
                continue  # the clause that lists the best passage with its siblings says it again
            if self._another_offence(top_p.id, p.id):
                continue  # the fine for another act is not this act's
            if self.kit.retriever.other_sectors(question, p.id):
                continue  # the same matter for another sector than the caller's ("厂里工人" vs 机关事业单位)
            answering = "".join(answering_sentences(p.text, aspects)) if aspects else ""
            if aspects and not answering:
                continue  # the question asks something this passage does not state
            margin = NEIGHBOUR_TIE
            if answering:
                same_system = bool(p.system_id) and p.system_id == top_p.system_id
                if sanction is not None and top_p.system_id and not same_system:
                    continue  # another system's sanctions do not befall this offender
                if (top_p.system_id and not same_system and any(a.name == "phone" for a in aspects)
                        and any(name in question for name in self.kit.retriever.office_words)):
                    # nor is another system's line ("社保基金…举报电话") the number of the office asked for
                    continue
                margin = SAME_SYSTEM_MARGIN if same_system else NEIGHBOUR_MARGIN
                if same_system and sanction is not None and h.score >= sanction_bar:
                    margin = 1.0
            if top.score - h.score > margin or p.kind != top_p.kind:
                continue
            if p.kind != "clause" and all(a.name in OFFICE_LINE_ASPECTS for a in aspects):
                # a table row states who and the number in its columns, every row alike: what it
                # shows is its duty nearest the question ("负责…" of any duty is no answer to "找谁")
                answering = ""
            said = answering or self.kit.excerpt(p.text, question)
            if p.office and p.office != top_p.office and p.kind != "clause":
                said += self.kit.office_line(p.office, p.phone).rstrip("。").replace("：", " ", 1).join("（）")
            lines.append(f"另见：{said}（{p.citation}）")
            sources.append(self.kit.source(p.id, said))
        return lines

    def _stating_first(self, hits: list[SearchHit], aspects: tuple[Aspect, ...],
                       question: str | None = None) -> list[SearchHit]:
        """The clause of the best passage's supervision system that states what the question asks,
        found within SAME_SYSTEM_MARGIN of it, answers before it when it does not state it
        ("医保定点医院多长时间查一回": the yearly check's clause, not the sanctions clause that
        shares more of the matter's words)."""
        retriever = self.kit.retriever
        asked = [a for a in aspects if a.name not in PARTS_ASPECTS and retriever.specificity(a) >= STATING_SPECIFICITY]
        top = hits[0]
        store = self.kit.store
        system = store.passage_by_id[top.id].system_id
        if not asked or top.kind != "clause" or not system or any(a.answered_in(top.text) for a in asked):
            return hits
        for h in hits[1:]:
            if (h.found and h.kind == "clause" and top.score - h.score <= STATING_MARGIN
                    and store.passage_by_id[h.id].system_id == system and any(a.answered_in(h.text) for a in asked)):
                return [h, *(x for x in hits if x is not h)]
        # none among those found: the system's clauses that state it, ranked for the question
        # ("就业补贴多久查一次": the fund's 日常检查 clause, which shares no word with the question
        # but 查, under the clause on 贪污补贴 that shares 补贴)
        stating = frozenset(pid for a in asked for pid in retriever.answering(a)
                            if store.passage_by_id[pid].system_id == system)
        if question is not None and stating:
            best = retriever.search(question, k=1, aspects=tuple(asked), only=stating)
            # (how often the matter is checked, which the top clause does not state at all: the
            # system's clause on its checks answers however many more of the words the top shares;
            # not a share or a count, which the system may state of another thing than the one
            # asked: "报销比例" is no 抽查面)
            often = any(a.name == "frequency" for a in asked)
            if best and often:
                best[0].found = True  # the matter was found; its system's clause says what is asked
            if best and best[0].found and top.score - best[0].score <= (1.0 if often else STATING_MARGIN):
                return [best[0], *(x for x in hits if x.id != best[0].id)]
        return hits

    def _another_offence(self, top_id: str, other_id: str) -> bool:
        """Whether both passages are penalty rules, for different acts ("涂改许可证" and "年检不合格")."""
        if self._offences is None:
            self._offences = {p.clause_id: p.violation for p in self.kit.store.penalties}
        mine, theirs = self._offences.get(top_id), self._offences.get(other_id)
        return bool(mine and theirs and mine != theirs)

    def _heading_first(self, question: str, hits: list[SearchHit]) -> list[SearchHit]:
        """A question for a part of a supervision system by its heading ("社保基金监管都管哪些基金")
        whose best passage is a table row (the boundary row on 社会保险基金收支管理): the system's
        clause found close below it answers, when its system has that part."""
        top = hits[0]
        if top.kind == "clause" or not heading_asked(clean(question)):
            return hits
        store = self.kit.store
        for h in hits[1:]:
            if not h.found or top.score - h.score > HEADING_MARGIN:
                break
            clause = store.clause_by_id.get(store.passage_by_id[h.id].record_id) if h.kind == "clause" else None
            if clause is not None and self._heading_part(question, clause, hits) is not None:
                return [h, *(x for x in hits if x is not h)]
        return hits

    def _heading_part(self, question: str, top: Clause, hits: list[SearchHit]) -> Clause | None:
        """A clause of the part of the best passage's system that the question asks for by its
        heading ("都管哪些基金" → 监督检查对象; "主要查些什么" → 监督检查内容): the one retrieval
        ranks best, else the part's first; None when the question asks no heading or the system
        has no such part."""
        word = heading_asked(clean(question)) if top.system_id else None
        if word is None:
            return None
        store = self.kit.store
        system = [c for c in store.clauses if c.system_id == top.system_id and c.id in store.passage_by_id]
        # the heading nearest the clauses: "（一）监督检查内容" within "二、监督检查内容和指标"
        part = [c for c in system if word in c.subsection] or [c for c in system if word in c.section]
        if not part:
            return None
        ranked = {h.id: i for i, h in enumerate(hits)}
        return min(part, key=lambda c: ranked.get(c.id, len(ranked) + part.index(c)))

    def _part_lines(self, clause: Clause, p: Passage, place: int | None = None) -> tuple[list[str], str, list[dict]]:
        """The whole numbered unit of ``clause`` (or its part at ``place``), or the clause alone
        when it stands alone."""
        if self.groups.siblings(clause):
            return self._parts(clause, p, place)
        part = self.kit.store.passage_by_id[clause.id]
        lines = [f"{self.groups.title(clause)}：{part.text}"]
        office_line = self.kit.office_line(part.office, part.phone)
        if office_line:
            lines.append(office_line)
        return lines, part.citation, [self.kit.source(part.id)]

    def rest_of_unit(self, question: str, context: dict) -> Answer | None:
        """Every part of the numbered unit the conversation is at one part of, for a follow-up that
        asks for the rest ("还有哪些情况会被立案？" after the one about wages); None when it asks for
        no rest, the conversation is at no such part, or it names words the unit lacks."""
        text = clean(question)
        if not REST_OF_UNIT.search(text):
            return None
        store, retriever = self.kit.store, self.kit.retriever
        told = store.passage_by_id.get((context.get("ids") or [""])[0])
        if told is not None and told.kind == "service":
            # "另外俩是啥？" after one campaign of the three: the whole item
            lines, citation = self.services.lines(told)
            return Answer("\n".join([*lines, f"出处：{citation}。"]), [self.kit.source(told.id)], [], True,
                          {**context, "ids": [told.id], "cited": [told.id], "question": question})
        at = store.clause_by_id.get((context.get("ids") or [""])[0])
        # (a clause that opens a list, "…有下列情形之一的，…可取消培训资格：", is answered by its
        # parts: "除了这个，还有啥情况也会这样？")
        opened = self.groups.opened_by(at, whole_paragraph=True) if at is not None else None
        siblings = (opened or self.groups.siblings(at)) if at is not None else []
        parts = [c.id for c in siblings if c.id in store.passage_by_id]
        # (the words beside the cue are the unit's system's: "情况会被立案"; "那稽核还有哪些步骤" names
        # another part of the list)
        system = [q.id for q in store.passages if at is not None and q.system_id and q.system_id == at.system_id] or parts
        held = retriever.words_of(system)
        said = "".join(store.passage_by_id[pid].text for pid in system)
        if len(parts) < 2 or any(w not in held and w not in said
                                 for w in retriever.list_words(REST_OF_UNIT.sub(" ", text))):
            return None
        p = store.passage_by_id[at.id]
        lines, citation, sources = self._opened_lines(at, opened, p) if opened else self._parts(at, p)
        lines.append(f"出处：{citation}。")
        offices = [o for o in p.office.split("、") if o]
        return Answer("\n".join(lines), sources, [], True,
                      {**context, "ids": [at.id], "cited": [s["id"] for s in sources][:6],
                       "office": offices[0] if offices else context.get("office"), "system": p.system_id,
                       "question": question})

    def _states_asked(self, p: Passage, aspects: tuple[Aspect, ...]) -> bool:
        """Whether the passage states something specific the question asks ("对有举报的，到申报单位
        查阅工资发放单、考勤记录…" for "有人举报…实地核查会看哪些材料")."""
        return any(a.answered_in(p.text) for a in aspects
                   if a.name not in PARTS_ASPECTS and self.kit.retriever.specificity(a) >= STATED_SPECIFICITY)

    def _parts_asked(self, question: str, top: Clause, top_id: str, aspects: tuple[Aspect, ...],
                     hits: list[SearchHit]) -> bool:
        """Whether the answer is every part of a unit: the question asks for parts or steps and
        the found passages point to a unit with numbered parts - unless the best passage is
        not one of them, states them itself and holds the question's rare terms that the unit
        lacks ("…、局领导依次审批，最后由局领导决定结案" answers "结案要经过哪些人审批", not the
        numbered steps of filing a case)."""
        asked = [a for a in aspects if a.name in PARTS_ASPECTS]
        # (a part asked by its place asks for the unit too: "审批阶段头一步是啥")
        placed = ordinal_asked(clean(question)) is not None
        unit = self._unit(hits[:5]) if asked or placed else None
        if unit is None:
            return False
        if placed and not asked:
            # (a stage told in one clause, named by the question, is its own steps: "执行阶段的最后
            # 一步" is the best passage itself, not the last of the section's stages)
            told_in_one = [(name, c) for name, c in self.groups.stages(top) if c.id == top.id and not c.subsection]
            if told_in_one and self._names_a_stage(question, told_in_one):
                return False
            # (the best passage's own unit: "执行阶段的最后一步" is not another stage's last step)
            return (unit.system_id, unit.section, unit.subsection) == (top.system_id, top.section, top.subsection)
        if (unit.system_id, unit.section, unit.subsection) == (top.system_id, top.section, top.subsection):
            return True
        if not any(a.answered_in(top.text) for a in asked):
            return True
        retriever = self.kit.retriever
        store = self.kit.store
        parts = [c.id for c in self.groups.siblings(unit) if c.id in store.passage_by_id]
        if not any(a.answered_in(store.passage_by_id[pid].text) for pid in parts for a in asked):
            # the best passage states the steps; the unit's parts state none ("少报缴费基数…稽核
            # 接到举报后怎么走立案流程": the audit's 登记单, 审核, 审批, not the four things it checks)
            return False
        unit_evidence = max((retriever.rare_evidence(question, pid) for pid in parts), default=0.0)
        return retriever.rare_evidence(question, top_id) < unit_evidence + RARE_EVIDENCE

    def _unit(self, hits: list[SearchHit]) -> Clause | None:
        """The unit with numbered parts that the found hits point to most (score-weighted), of the
        best passage's supervision system when it has one there (the system the question names
        was put first: "社保基金监督检查发现问题，后面怎么走" is not 稽核's procedure)."""
        votes: dict[tuple, float] = {}
        best: dict[tuple, Clause] = {}
        store = self.kit.store
        system = store.passage_by_id[hits[0].id].system_id if hits else ""
        if system and any(h.found and store.passage_by_id[h.id].system_id == system
                          and self._numbered(h.id) for h in hits):
            hits = [h for h in hits if store.passage_by_id[h.id].system_id == system]
        for h in hits:
            if not h.found:
                continue
            clause = self.kit.store.clause_by_id.get(self.kit.store.passage_by_id[h.id].record_id)
            if clause is None or not self.groups.siblings(clause):
                continue
            key = (clause.system_id, clause.section, clause.subsection)
            votes[key] = votes.get(key, 0.0) + h.score
            best.setdefault(key, clause)
        return best[max(votes, key=votes.get)] if votes else None

    def _numbered(self, passage_id: str) -> bool:
        clause = self.kit.store.clause_by_id.get(self.kit.store.passage_by_id[passage_id].record_id)
        return clause is not None and bool(self.groups.siblings(clause))

    def _parts(self, clause: Clause, p: Passage, place: int | None = None) -> tuple[list[str], str, list[dict]]:
        """Every part of ``clause``'s unit; only the one at ``place`` when the question asks one
        by its place ("头一步是啥", "第三步")."""
        kit = self.kit
        if place is not None and (nth := self.groups.nth(clause, place)) is not None:
            return self.ordinal.lines(nth)
        group = self.groups.top_level(self.groups.siblings(clause))[:MAX_PARTS]
        lines = [f"{self.groups.title(clause)}共{len(group)}项："]
        whole = sum(len(c.text) for c in group) <= WHOLE_PARTS_CHARS
        lines.extend(c.text if whole else lead(c.text) for c in group)
        office_line = kit.office_line(p.office, p.phone)
        if office_line:
            lines.append(office_line)
        citation = re.sub(r"第[^第]*项$", "", clause.citation).rstrip()
        sources = [kit.source(c.id) for c in group if c.id in kit.store.passage_by_id]
        return lines, citation, sources

    @staticmethod
    def _names_a_stage(question: str, stages: list) -> bool:
        text = clean(question)
        return any(re.sub(r"^[（(][一二三四五六七八九十]+[）)]\s*", "", name) in text for name, _ in stages)

    def _stage_lines(self, clause: Clause, stages: list[tuple[str, Clause]], p: Passage) -> tuple[list[str], str, list[dict]]:
        """The stages of a procedure, by name, cited by the section."""
        kit = self.kit
        title = re.sub(r"^[一二三四五六七八九十]+、\s*", "", clause.section) or clause.system_title
        lines = [f"{title}共{len(stages)}个阶段：", *(name for name, _ in stages)]
        office_line = kit.office_line(p.office, p.phone)
        if office_line:
            lines.append(office_line)
        citation = clause.citation.split(" ")[0] + f" {clause.section.split('、')[0]}" if clause.section else clause.citation
        sources = [kit.source(c.id) for _, c in stages if c.id in kit.store.passage_by_id]
        return lines, citation, sources

    def _opened_lines(self, opening: Clause, parts: list[Clause], p: Passage) -> tuple[list[str], str, list[dict]]:
        """The sentence that opens ``parts`` and each of them, cited."""
        kit = self.kit
        whole = sum(len(c.text) for c in parts) <= WHOLE_PARTS_CHARS
        lines = [opening.text.strip(), *(c.text if whole else lead(c.text) for c in parts)]
        office_line = kit.office_line(p.office, p.phone)
        if office_line:
            lines.append(office_line)
        citation = re.sub(r"第[^第]*项$", "", opening.citation).rstrip()
        sources = [kit.source(c.id) for c in (opening, *parts) if c.id in kit.store.passage_by_id]
        return lines, citation, sources

    def _complaint_channel(self) -> Passage | None:
        """Where complaints are filed: the clause the list's complaint vocabulary finds first."""
        if self._channel is False:
            hits = self.kit.retriever.search(INTENT_TERMS["ask_complaint"], k=1, kinds=("clause",))
            self._channel = self.kit.store.passage_by_id[hits[0].id] if hits else None
        return self._channel or None

    def reported_acts(self) -> frozenset[str]:
        """Ids of the acts the complaint channel lists: the numbered clauses its sentence opens
        ("…发现用人单位存在以下劳动保障违法行为的，进行立案调查：" (一)… (十三)…)."""
        if self._acts is None:
            channel = self._complaint_channel()
            store = self.kit.store
            opening = store.clause_by_id.get(channel.record_id) if channel else None
            self._acts = frozenset(
                c.id for c in store.clauses
                if opening is not None and c.id in store.passage_by_id and self.groups.lead_in(c) is opening)
        return self._acts

    def _act_first(self, question: str, hits: list[SearchHit], aspects: tuple[Aspect, ...]) -> list[SearchHit]:
        """A complaint that tells a wrong the complaint channel lists ("老板拖了我们十几个人三个月
        工资，能投诉吗") is answered by that act, when it is close to the best passage: not by a
        campaign or a check that shares its words (三春行动's wage checks, 书面审查). Not when it
        asks what the act does not state ("…几天能录进系统？": the step's time limit)."""
        acts = self.reported_acts()
        if not acts or hits[0].id in acts or not says(clean(question), "violation"):
            return hits
        act = next((h for h in hits if h.id in acts), None)
        if act is None:
            found = self.kit.retriever.search(question, k=1, only=acts)
            act = found[0] if found else None
        if (act is None or not act.found) and not hits[0].found:
            # nothing found for the whole story: the clause that tells the wrong may find its act
            act = self.told_act(question)
        if act is None or not act.found or act.score < hits[0].score - ACT_MARGIN:
            return hits
        # (who handles it and the number: the answer's office line says them)
        if any(a.name not in SITUATIONS | OFFICE_LINE_ASPECTS and not a.answered_in(act.text) for a in aspects):
            return hits
        # (nor when what it asks names what the best passage holds and the act does not: "…窗口收了
        # 材料后会怎么处理？录到哪个系统？" asks of the step that enters the case in the system)
        retriever = self.kit.retriever
        asking = without_asking(TOLD_BACK.sub("", asking_clause(clean(question))))
        asked_words = {w for w in retriever.list_words(asking, said_only=True) if not retriever.names_the_bureau(w)}
        if asked_words & (retriever.words_of([hits[0].id]) - retriever.words_of([act.id])):
            return hits
        return [act, *(h for h in hits if h.id != act.id)]

    def told_act(self, question: str) -> SearchHit | None:
        """The act the complaint channel lists that the clauses telling the wrong find by themselves
        ("俺是曹庄的，…俺们二十多个人的工钱都压着，少的六七千…": the rest of a long story does not
        dilute them); None when they find none."""
        acts = self.reported_acts()
        told = clauses_saying(clean(question), "violation")
        if not acts or not told:
            return None
        # each clause as said, and in the list's terms its everyday words stand for ("工钱都压着" →
        # 拖欠工资): the model reads the everyday words less well than the list's
        queries = [*told, *(terms for c in told if (terms := expand(c)[len(c):].strip()))]
        found = [h for q in queries for h in self.kit.retriever.search(q, k=1, only=acts) if h.found]
        return max(found, key=lambda h: h.score) if found else None

    def intake(self, system_id: str) -> Passage | None:
        """The clause by which a supervision system takes reports itself ("接受群众对参保单位…的举报、
        投诉", "设立投诉举报电话…", "接举报投诉电话或信件，立即前往检查"): its first clause that
        names them; None for the complaint channel's own system and for a system without one."""
        if system_id not in self._intakes:
            channel = self._complaint_channel()
            store = self.kit.store
            found = None
            if system_id and not (channel and channel.system_id == system_id):
                found = next((q for q in store.passages if q.system_id == system_id and q.kind == "clause"
                              and INTAKE_WORDS.search(q.text)), None)
            self._intakes[system_id] = found
        return self._intakes[system_id]

    def _complaint(self, p: Passage, question: str, lines: list[str], sources: list[dict], score: float):
        channel = self._complaint_channel()
        # (a wrong done to a worker, "投诉了单位拖欠工资", is the channel's whatever passage was found)
        intake = self.intake(p.system_id) if p.system_id else None
        if intake is not None and says(clean(question), "violation") and self.subject_system(question) != p.system_id:
            acts = self.reported_acts()
            act = self.kit.retriever.search(question, k=1, only=acts) if acts else []
            if act and act[0].found and act[0].score >= score - ACT_MARGIN:
                # the wrong told is one the channel lists (not "社保违规" of the 稽核's matter)
                intake = None
        if intake is not None:
            # a matter of a system that takes reports itself (社保稽核, 基金监管 …) is reported there,
            # not to the labour inspectors who take the wrongs of employers
            office = intake.office or p.office
            if office:
                lines.insert(0, self.kit.office_line(office, intake.phone or p.phone, "投诉举报受理"))
            elif intake.id != p.id and find_phones(intake.text):
                # a system whose reports no office takes, at a number it prints ("设立投诉举报电话
                # 8565682"): its own words lead
                lines.insert(0, f"投诉举报受理：{self.kit.excerpt(intake.text, question)}（{intake.citation}）")
                lines[:] = [line for i, line in enumerate(lines) if not (i and intake.text[:12] in line)]
                if not any(s.get("id") == intake.id for s in sources):
                    sources.append(self.kit.source(intake.id))
            if office and intake.id != p.id and not any(s.get("id") == intake.id for s in sources):
                lines.append(f"受理依据：{self.kit.excerpt(intake.text, question)}（{intake.citation}）")
                sources.append(self.kit.source(intake.id))
            return lines, sources, office.split("、")[0] or None, p
        if channel is None:
            return lines, sources, p.office.split("、")[0] if p.office else None, p
        if channel.office and channel.office not in p.office:
            lines.insert(0, self.kit.office_line(channel.office, channel.phone, "投诉举报受理"))
            if channel.id != p.id and not any(s.get("id") == channel.id for s in sources):
                lines.append(f"受理依据：{self.kit.excerpt(channel.text, question)}（{channel.citation}）")
                sources.append(self.kit.source(channel.id))
        return lines, sources, (channel.office or p.office).split("、")[0] or None, channel

    def _time_limits(self, p: Passage, said: str) -> tuple[str, list[dict]] | None:
        system = p.system_id
        if not system:
            # a duty or service: use the system whose clauses retrieval ranks first for it
            hits = self.kit.retriever.search(p.text, k=3, kinds=("clause",))
            system = self.kit.store.passage_by_id[hits[0].id].system_id if hits else ""
        limits = [t for t in self.time_limits_by_system.get(system, []) if t.context not in said][:3]
        if not limits:
            return None
        parts = [f"{t.context}（{t.citation}）" for t in limits]
        sources = [{"id": t.clause_id, "citation": t.citation, "excerpt": t.context} for t in limits]
        return "办理时限：" + "；".join(parts) + "。", sources
