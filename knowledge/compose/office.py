"""An office's profile (what it handles, its phone) and an office's phone number."""

from __future__ import annotations

import re

from ..aspects import aspects_of, without_asking
from ..normalize import STOPWORDS, clean
from ..phones import find_phones, same_number, split_phones
from ..question_forms import form_of, says
from ..records import Duty, Office
from ..retrieval import RARE_IDF
from .base import QUOTE_LINE, Answer, Kit
from .reading import elliptical

# A phone printed in a clause answers a phone question only within this score of the best match.
PRINTED_PHONE_MARGIN = 0.05
# A hotline to report to, printed in a clause of the matter, answers "举报…打哪个电话" within this
# score of the best match (the matter's other clauses share more of a story's words).
HOTLINE_MARGIN = 0.15
# A message that reports something: its phone is the hotline the list prints for reports.
REPORTING = re.compile(r"举报|投诉|反映")
# A confirmation ("跟社保中心是一个地方不？") says at most this many words beside the office it names.
CONFIRM_WORDS = 1
# A question word: the message asks something, not whether something is so.
WH_WORD = re.compile(r"哪|什么|啥|几|多少|怎|咋|谁|如何")
# A number asked about: a word that asks whose or what it is, in its clause ("7591916是哪个单位的",
# "8565682这是啥电话").
NUMBER_ASKED = re.compile(r"^\d+[^，,。？?！!；;]{0,6}?(是哪|是啥|是什么|是谁|哪个|哪儿|哪里|什么|啥)")
# "A和B的电话": the words that join two things asked about
AND = re.compile(r"和|跟|与|及|还有|以及|、")


class OfficeComposer:
    def __init__(self, kit: Kit):
        self.kit = kit

    def profile(self, office: str, question: str) -> Answer:
        store = self.kit.store
        record = next((o for o in store.offices if o.name == office), None)
        if record is None:
            return self.kit.not_found(question, [])
        duties = [d for d in store.duties if d.id in record.duty_ids]
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

    def confirmation(self, question: str, context: dict) -> Answer | None:
        """ "是农保中心不？", "跟社保中心是一个地方不？" after an answer that named the office handling
        the matter: yes or no, with the office the list gives and its phone, and the passage the
        conversation is at. None when the question does not ask so of an office, names a matter of
        its own (more than CONFIRM_WORDS words beside the office and the words that ask "is it so":
        "农保中心周末上班吗"), asks a question word or an aspect ("农保中心在哪办公吗", "电话是多少吧"),
        or the conversation names no office.
        The conversation stays at its passage and office (a later "那找他们打啥电话" asks theirs)."""
        kit = self.kit
        text = clean(question)
        named = kit.directory.mentioned(text)
        at = (context.get("office") or "").split("、")[0]
        ids = context.get("ids") or []
        if not named or not at or not ids or ids[0] not in kit.store.passage_by_id or not says(text, "confirm"):
            return None
        rest = text
        for name in named:
            for alias in kit.directory.aliases(name):
                rest = rest.replace(alias, " ")
        if WH_WORD.search(rest) or aspects_of(rest):
            return None
        rest = form_of("confirm").sub(" ", rest)  # the words that ask "is it so"
        said = [t for t in kit.retriever.query_tokens(kit.retriever.normalize(rest)) if len(t) > 1 and t not in STOPWORDS]
        if len([t for t in said if not any(t != u and t in u for u in said)]) > CONFIRM_WORDS:
            return None
        passage = kit.store.passage_by_id[ids[0]]
        offices = [o for o in passage.office.split("、") if o] or [at]
        phone = kit.directory.phone(at)
        # (offices named together in the row, "劳动仲裁科、劳动科", are said together)
        who = "、".join(offices) if at in offices else at
        handles = f"由{who}负责" + (f"（联系电话：{phone}）" if phone else "")
        if named[0] in offices:
            lead = f"是的。按责任清单，这件事{handles}。"
        else:
            other = kit.directory.phone(named[0])
            lead = (f"不是。按责任清单，这件事{handles}，不是{named[0]}"
                    + (f"（{named[0]}的联系电话：{other}）" if other and other != phone else "") + "。")
        text = f"{lead}\n{QUOTE_LINE}{passage.text}\n出处：{passage.citation}。"
        return Answer(text, [kit.source(passage.id)], [], True, {**context, "office": at})

    def phone(self, question: str, entities: dict, context: dict) -> Answer:
        offices = self.several_offices(question)
        if len(offices) > 1:
            answers = [self.office_phone(o, question) for o in offices]
            if all(a.found for a in answers):
                return Answer("\n".join(a.text for a in answers), [s for a in answers for s in a.sources], [],
                              True, {**answers[-1].context, "ids": [i for a in answers for i in a.context["ids"]]})
        return self.one_phone(question, entities, context)

    def number_named(self, question: str) -> Answer | None:
        """"７５９１９１６是哪个单位的电话？", "8565682这是啥电话啊？打过去能干啥": a number the list
        prints, asked about: whose it is (every office sharing it) and where the list prints it;
        None when the question names no number the list prints or asks nothing of it."""
        text = clean(question)
        # (the number is what is asked about: "8565682这是啥电话", not "打了8565682，多久有结果")
        numbers = [n for n in find_phones(text) if NUMBER_ASKED.search(text[text.find(n.split("-")[-1]):])]
        if not numbers:
            return None
        store, kit = self.kit.store, self.kit
        lines: list[str] = []
        sources: list[dict] = []
        offices: list[str] = []
        for number in numbers:
            holders = [o for o in store.offices if any(same_number(p, number) for p in split_phones(o.phone))]
            if len(holders) == 1:
                # one office's number: what that office handles too ("…主要管啥业务")
                profile = self.profile(holders[0].name, question)
                lines.extend([f"{number} 是{holders[0].name}的联系电话。", *profile.text.splitlines()])
                sources.extend(profile.sources)
            elif holders:
                row = self._row_of(holders[0])
                # (the table, not the first sharer's row, is where they all are)
                table = row.citation.split(" ")[0] if row else "责任清单"
                lines.append(f"{number} 是{'、'.join(o.name for o in holders)}的联系电话（{len(holders)}个科室共用）。")
                lines.append(f"出处：{table}（责任科室及联系方式）。")
                if row:
                    sources.append({"id": row.id, "citation": table, "excerpt": f"{holders[0].name} {holders[0].phone}"})
            offices.extend(o.name for o in holders)
            for c in store.contact_points:
                if c.kind == "phone" and any(same_number(p, number) for p in split_phones(c.value)):
                    passage = store.passage_by_id.get(c.clause_id)
                    lines.append(f"{number}：{passage.text if passage else c.context}")
                    lines.append(f"出处：{c.citation}。")
                    sources.append(kit.source(c.clause_id) if passage else
                                   {"id": c.clause_id, "citation": c.citation, "excerpt": c.context})
        if not lines:
            return None
        ids = [s["id"] for s in sources]
        return Answer("\n".join(lines), sources, [], True,
                      {"intent": "ask_phone", "office": offices[0] if len(set(offices)) == 1 else None,
                       "ids": ids, "question": question})

    def _row_of(self, record: Office) -> Duty | None:
        """The office's first row of the duty table (its citation), or None."""
        return next((d for d in self.kit.store.duties if d.id in record.duty_ids), None)

    def _office_of_thing_named(self, question: str) -> str | None:
        """The office of the passage a question leads to when it holds a rare thing of the list the
        question names (not the bureau's own name); None otherwise."""
        retriever = self.kit.retriever
        if not [w for w in retriever.rare_things(question) if not retriever.names_the_bureau(w)]:
            return None
        hits = retriever.search(question, k=1)
        if not hits or not hits[0].found or not hits[0].office:
            return None
        if retriever.rare_evidence(question, hits[0].id, things_only=True, said_only=True) < RARE_IDF:
            return None
        return hits[0].office.split("、")[0]

    def several_offices(self, question: str) -> list[str]:
        """The offices a phone question asks about when it joins two ("社保中心和农保中心的电话",
        "城乡居民养老保险的电话和就业局的电话"): each named office, and the office of a matter
        of the list named beside one; [] when it asks about one."""
        text = clean(question)
        if not AND.search(text):
            return []
        named = self.kit.directory.mentioned(text)
        if len(named) != 1:
            return named
        # the matter named beside the office: the rest of the question, when it holds the rare
        # terms of the list of a duty another office has
        rest = text
        for alias in self.kit.directory.aliases(named[0]):
            rest = rest.replace(alias, " ")
        hits = self.kit.retriever.search(rest, k=1, kinds=("duty",))
        if not hits or not hits[0].found or not hits[0].office:
            return named
        other = hits[0].office.split("、")[0]
        if other == named[0] or self.kit.retriever.rare_evidence(rest, hits[0].id) < RARE_IDF:
            return named
        # in the order asked
        at = min(text.find(a) for a in self.kit.directory.aliases(named[0]) if a in text)
        matter_first = self.kit.retriever.rare_evidence(text[:at], hits[0].id) >= RARE_IDF
        return [other, named[0]] if matter_first else [named[0], other]

    def _printed_among(self, hits: list, question: str) -> Answer | None:
        """The phone printed in one of the found matches within PRINTED_PHONE_MARGIN of the best
        (a hotline printed in a clause far below the matter found is another matter's), or within
        HOTLINE_MARGIN for a hotline to report to when the question reports something."""
        reporting = bool(REPORTING.search(clean(question)))
        for h in hits:
            if not h.found:
                break
            if (printed := self._printed_phone(h.id, question)) is None:
                continue
            margin = HOTLINE_MARGIN if reporting and REPORTING.search(printed.text) else PRINTED_PHONE_MARGIN
            if h.score >= hits[0].score - margin:
                return printed
        return None

    def _printed_phone(self, pid: str, question: str) -> Answer | None:
        """The phone the passage prints itself (a complaints hotline), as the answer; None if it
        prints none."""
        kit = self.kit
        passage = kit.store.passage_by_id.get(pid)
        for c in kit.contacts_by_clause.get(passage.record_id, []) if passage else []:
            if c.kind == "phone":
                return Answer(f"{c.context}。\n出处：{c.citation}。", [kit.source(pid)], [], True,
                              {"intent": "ask_phone", "office": passage.office.split("、")[0] or None, "ids": [pid],
                               "question": question})
        return None

    def office_phone(self, office: str, question: str) -> Answer:
        store = self.kit.store
        record = next((o for o in store.offices if o.name == office), None)
        if record is None or not record.phone:
            return self.kit.not_found(question, [], f"抱歉，责任清单没有载明{office}的电话。")
        duty = self._row_of(record)
        citation = duty.citation if duty else "责任清单"
        sources = [{"id": duty.id, "citation": duty.citation, "excerpt": f"{office} {record.phone}"}] if duty else []
        text = f"{office}的联系电话：{record.phone}。\n出处：{citation}（责任科室及联系方式）。"
        # a number the list prints for the office elsewhere is said too, with where (a service row
        # gives the arbitration institute a desk of its own)
        for service in store.services:
            other = next((c.phone for c in service.contacts if c.phone and c.phone != record.phone
                          and self.kit.directory.canonical(c.office) == office), None)
            if not other or other in text:
                continue
            row = next((p.id for p in store.passages if p.kind == "service" and p.record_id == service.id), None)
            if row:
                text += f"\n另：{service.citation}（{service.item}）载明{office}电话 {other}。"
                sources.append({"id": row, "citation": service.citation, "excerpt": f"{office} {other}"})
        return Answer(text, sources, [], True,
                      {"intent": "ask_phone", "office": office, "ids": [s["id"] for s in sources],
                       "question": question})

    def one_phone(self, question: str, entities: dict, context: dict) -> Answer:
        kit = self.kit
        office = kit.mentioned_office(question, entities)
        # (few words, or none but those that ask for a number: "往哪打电话？")
        short = elliptical(kit.retriever, question) or not kit.retriever.list_words(
            without_asking(clean(question)), said_only=True)
        if office is None and short:
            # "电话多少" after the fund's clause "设立投诉举报电话8565682": the number the passage the
            # conversation is at prints; without an office of the conversation, also one it cited
            # (a complaint's intake: not another system's hotline beside the labour inspectors');
            # not for a question that names its own matter ("我要问的是农村居民养老保险那边的电话")
            at = [*(context.get("ids") or [])[:1], *([] if context.get("office") else context.get("cited") or [])]
            for pid in dict.fromkeys(at):
                if (printed := self._printed_phone(pid, question)) is not None:
                    return printed
        if office is None and REPORTING.search(clean(question)) and not short:
            # "俺要是发现有人挪用社保的钱，想举报，打哪个电话": a matter of its own to report, whose
            # hotline the list prints, rather than the office the conversation was at
            hits = kit.retriever.search(question, k=5)
            if (printed := self._printed_among(hits, question)) is not None:
                return printed
        if office is None and context.get("office") and not short:
            # "仲裁这块归人社局哪个科？电话多少？" after a dismissal the labour inspectors take: a
            # rare thing of the list named is a matter of its own, with its own office's number
            office = self._office_of_thing_named(question)
        if office is None and context.get("office"):
            office = context["office"].split("、")[0]  # (a context kept from before may name two)
        if office is None:
            # "举报社保基金问题打什么电话": a phone printed in a clause, or the office of the best match
            # ("电话多少？" alone asks the number for the matter the conversation is at)
            asked = f"{context['topic']} {question}" if context.get("topic") and short else question
            hits = kit.retriever.search(asked, k=5)
            if (printed := self._printed_among(hits, asked)) is not None:
                return printed
            if hits and hits[0].found and hits[0].office:
                office = hits[0].office.split("、")[0]
            else:
                return kit.not_found(question, hits, "抱歉，我没能确定您要找哪个科室的电话。")
        return self.office_phone(office, question)
