"""Answer composition: every sentence of an answer is built from records of the list.

The composer is told what kind of question it is (the NLU intent, when there is one) and
what came before (``context``, for follow-ups such as "电话呢" or "要是得了95分呢"). It reads
what the question asks about (:mod:`knowledge.aspects`), retrieves, and hands the best record
to the composer for its kind (:mod:`knowledge.compose`): who handles it and the phone, the
fine, the time limit, the sentence that answers, then the list's text and the citation. When
retrieval finds nothing convincing it says the list does not cover the question and offers
the closest matters.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .aspects import (
    SITUATIONS,
    Aspect,
    asked_aspects,
    asking_clause,
    asking_clauses,
    asking_part,
    asks,
    aspects_of,
    default_aspects,
    sentences,
    told_clauses,
    without_asking,
)
from .compose.bands import BandComposer
from .compose.base import EMPLOYER_TERM, QUOTE_LINE, Answer, Kit
from .compose.followup import FollowUpDetails
from .compose.matters import matters_asked
from .compose.office import OfficeComposer
from .compose.out_of_scope import OutOfScopeGate
from .compose.passage import PARTS_ASPECTS, PassageComposer
from .compose.penalty import PenaltyComposer
from .compose.previous import PreviousPassageComposer
from .compose.reading import ELLIPTICAL_TOKENS, NARROW_INTENTS, REFERS_BACK, IntentReading, leans_back
from .compose.topics import TopicHistory
from .compose.totals import TotalComposer
from .courtesy import after_courtesy, announces_another_matter, only_courtesy, without_denied
from .homophones import typed_in_pinyin, written_in_english
from .normalize import clean, fix_typos, has_content, parties, story_terms
from .passages import Passage
from .question_forms import form_of, kind_of, says
from .retrieval import RARE_IDF, HybridRetriever, SearchHit
from .store import KnowledgeStore

__all__ = ["Answer", "AnswerComposer"]

# What a question asks a figure of: a sum of money paid or a standard (aspects.tsv "sum"; a fine's
# limits are the penalty rules', whose method may be the answer: "按照比例原则匡算").
# The answer to a sum or standard the list does not state.
UNSTATED_SUM = "抱歉，{bureau}责任清单没有载明您问的具体数额或标准，我不能凭猜测回答，请向主管部门咨询。"
# Kinds of question whose answer an employer's wrong found in another party's rules is checked
# on (a fine asked, ask_penalty, is checked by _penalty; a number or a department asks no act).
EMPLOYERS_WRONG_INTENTS = frozenset({None, "ask_office", "ask_complaint", "ask_procedure", "ask_supervision"})
# A fine asked of an employer for a wrong the complaint channel lists: the list sets no sum for it.
NO_SUM_FOR_EMPLOYERS = "{bureau}责任清单没有载明对用人单位这种行为的具体罚款数额，它是清单列明受理投诉举报、立案调查的劳动保障违法行为："
UNSTATED_PERSON = "抱歉，{bureau}责任清单写明各项职责由哪个科室负责，没有载明您问的这位人员的姓名，我不能凭猜测回答。"
# What the list does not state, though it names the matter: a sum, a person's name.
UNSTATED = {"sum": UNSTATED_SUM, "person": UNSTATED_PERSON}
# A follow-up about the person the conversation is about ("那他…", "她的…"; not "他们", mostly the
# office the answer named).
PERSON_BACK = re.compile(r"^(那|那么|要是|如果)?(他|她)(?!们)")
# The reply to a message that asks nothing in a conversation (thanks, "稍等我记一下").
HOLDING = "好的，不着急，您接着问。"
# A message asking several things: its questions end with a question mark ("…几个人？能录音吗？").
QUESTION_SPLIT = re.compile(r"[？?]+")
# A space between Chinese words, where a message typed without marks ends one question.
SPACE_SPLIT = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
SPACED_QUESTION_WORDS = 2
MAX_QUESTIONS = 3
# A question of its own has this many words of the list at least (not "对吗？", "是吧？").
QUESTION_TOKENS = 2
# A follow-up answered better on its own (by this score) leaves the previous context.
STANDALONE_MARGIN = 0.05
# A question for a legal basis in so many words ("根据哪条规定", "依据是啥", "凭什么"), and a case
# supposed ("那要是…", "如果…").
BASIS_ASKED = re.compile(r"依据|根据(什么|啥|哪)|按(什么|啥|哪)(规定|法|条)|哪(一)?(条|部|个)(法|规定|条例|文件|政策)|"
                         r"第几条|(什么|啥)(规定|法律|法规|文件|条例)|凭(什么|啥)")
SUPPOSED = re.compile(r"要是|如果|假如|万一|假设")
# A question that points back at the act a story told ("中介这么干罚不罚？", "这种做法合法吗").
ACT_BACK = re.compile(r"(这么|这样|那样|那么)(干|做|弄|搞)|(这种|这个|这样的)(行为|做法)|这么着"
                      r"|^(这样|这么着|那样)(中不中|行不行|合法|违法|算不算|可以|对吗|对不对)"
                      r"|(告|投诉|举报)(他们|她们|它们|他|她|人家)"
                      r"|这(种|个|样的|类)?(事(?!业)|情况)")
# ... or at the party the story told of ("这种中介罚多少钱？", "这家厂会咋样", "这中介能罚多少"), by a demonstrative
# before a party's everyday name (parties.tsv) or an employer's.
PARTY_BACK = r"(这种|这样的|这类|这家|那家|这个|那个|这)({parties}|老板|厂子|厂|公司|单位)"
# A follow-up that opens by saying the answer given was not the caller's case.
DENIED = re.compile(r"^(?:不是|不对|不是的|也不是)[，,。！!\s]")
# How an answer's line giving a rule's or a row's legal basis begins.
BASIS_LINE = "依据："
# Passage kinds that assign a duty to an office, and how far below the best passage one of
# them may score and still answer "which office handles …".
DUTY_KINDS = ("duty", "service")
DUTY_MARGIN = 0.08
# A question telling a wrong done to a worker ("工钱一分没见着"): the act the complaint channel
# lists for it is found this much below the bar.
VIOLATION_MARGIN = 0.05
# The follow-up weight taken off a passage that negates what the follow-up states plainly.
DEMOTED_BOOST = 1.0
# What asks which office and how to reach it.
OFFICE_ASPECTS = frozenset({"who", "phone"})
# A message this long may tell a story its question is lost in.
LONG_MESSAGE = 60
# The clauses of a story (a rare thing of the list is named in one of them).
STORY_CLAUSE = re.compile(r"[，,。！!？?；;、\s]+")
# Boost (fused-rank units) for the previous answer's part of the list on a follow-up.
CONTEXT_BOOST = 0.01


# Intents that say "this is a question about the list": a confident one lowers the found
# threshold a little (the intent as a prior); out_of_scope, chit-chat and follow-ups do not.
FACTUAL_INTENTS = frozenset({"ask_office", "ask_phone", "ask_complaint", "ask_penalty", "ask_boundary",
                             "ask_service", "ask_supervision", "ask_procedure"})
# a word that names who does something in a clause ("专业审计部门（审计局）", "稽核人员", "考核小组")
DOER = re.compile(r"部门|局|中心|大队|机构|科室|小组|人员|领导|负责人")
# what the NLU reads when it cannot tell a message's kind (none, or its fallback)
UNREAD = frozenset({None, "nlu_fallback"})


class AnswerComposer:
    def __init__(self, store: KnowledgeStore, retriever: HybridRetriever, out_of_scope_override: float = 0.6,
                 prior_confidence: float = 0.8, prior_margin: float = 0.05, weak_intent: float = 0.6):
        # below this NLU confidence the question's form (question_forms.tsv) may set its kind
        self.weak_intent = weak_intent
        self.prior_confidence, self.prior_margin = prior_confidence, prior_margin
        self.store = store
        self.retriever = retriever
        self.kit = Kit(store, retriever)
        self.passages = PassageComposer(self.kit)
        self.penalties = PenaltyComposer(self.kit, self.passages.subjects, self.passages.subject_system)
        self.offices = OfficeComposer(self.kit)
        self.previous = PreviousPassageComposer(self.kit, self.passages, short_words=ELLIPTICAL_TOKENS + 1)
        self.totals = TotalComposer()
        self.bands = BandComposer()
        self.details = FollowUpDetails(store, retriever, self.previous)
        self.topics = TopicHistory(retriever)
        self.out_of_scope = OutOfScopeGate(retriever, out_of_scope_override)
        self.reading = IntentReading(retriever, self.out_of_scope, weak_intent, prior_confidence)

    def not_found(self, question: str, hits, reason: str = "") -> Answer:
        return self.kit.not_found(question, hits, reason)

    # ------------------------------------------------------------------ entry point

    def answer(self, question: str, intent: str | None, entities: dict, context: dict,
               confidence: float | None = None) -> Answer:
        """Answer ``question``; ``intent`` and its ``confidence`` come from the NLU."""
        question = question or ""
        if not has_content(question):
            return Answer("请输入您想咨询的问题，例如“农保中心电话是多少”。", [], [], False, {})
        # "知道了谢谢。再问下，…": the thanks answer nothing, the question after them does
        question = after_courtesy(question[:500])
        if (corrected := without_denied(question)) != question:
            # a correction denies the party the conversation was about ("不是中介，是厂子自己招工
            # 的时候收了押金" after an agency's check): its system is no longer the subject
            question, context = corrected, {**context, "subject": None}
        if written_in_english(question):
            # an English message is read in the list's words (typos.tsv: "how many" → 几, "officers"
            # → 执法人员); the NLU, trained on Chinese, refusing it or unsure of it says nothing
            question = fix_typos(question)
            if intent in ("out_of_scope", "nlu_fallback", None) or (confidence or 0.0) < self.weak_intent:
                intent, confidence = None, None
        elif typed_in_pinyin(clean(question)):
            # a message typed in pinyin is read in characters once, for every composer; the NLU read
            # letters it was not trained on, and its call says nothing
            question = self.retriever.homophones.spell_out(clean(question))
            intent, confidence = None, None
        if (number := self.offices.number_named(question)) is not None:
            return number  # "7591916是哪个单位的电话？": a number the list prints, asked about
        if context.get("topic") and only_courtesy(question):
            # "稍等我记一下": nothing asked; the conversation waits where it is ("再说一遍罚款是多少")
            return Answer(HOLDING, [], [], True, dict(context))
        if (earlier := self.topics.returned_to(question, context)) is not None:
            # "回到俺娘那个事，那个单位电话多少？": the conversation goes back to a topic before
            context = earlier
        if context.get("topic") and intent != "out_of_scope" and (
                confirmed := self.offices.confirmation(question, context)) is not None:
            # "是农保中心不？还是别的地方？": one question about the answer given, not two to split
            return confirmed
        if context.get("topic") and (checked := self._heard(question, context)) is not None:
            return checked
        if context.get("topic") and (nth := self.passages.ordinal.answer(question, context)) is not None:
            return nth  # "第三步是啥？" after a step of a procedure
        if not context.get("topic") and (after := self.passages.ordinal.after_named(question)) is not None:
            return self._begun(question, after)  # "俺们厂被立案调查了，调查完了下一步是啥？"
        if not context.get("topic") and (nth := self.passages.ordinal.nth_of_stage_named(question)) is not None:
            return self._begun(question, nth)  # "进入审批阶段了，第一步是干啥？"
        if context.get("topic") and (again := self._basis_given(question, context)) is not None:
            return again  # "这是根据哪条规定罚的？" after the rule's answer, which gave its 依据
        if context.get("topic") and (rest := self.passages.rest_of_unit(question, context)) is not None:
            return rest  # "还有哪些情况会被立案？" after one of them
        if context.get("topic"):
            # "那这个文书里一般写哪些内容？": the document the answer given names
            question = self.details.document_named(question, context)
        whole = self._answer_one(question, intent, entities, context, confidence)
        # a follow-up ("那要是介绍了4个呢？一共罚多少？") changes a detail of the conversation's
        # matter, one that points back at its act asks of it ("这么干罚不罚？罚多少？"): its
        # questions are not read apart from it
        back = bool(context.get("topic")) and self._points_back(clean(question))
        if intent == "follow_up" or back:
            return whole
        # "…城乡居民养老，还有…工伤，这俩分别打哪个电话？": one question asked of matters told apart
        matters = self._matters(question)
        parts = matters or self._questions(question)
        if len(parts) < 2:
            return whole
        return self._several(question, parts, whole, intent, entities, context, confidence, apart=bool(matters))

    @staticmethod
    @lru_cache(maxsize=1)
    def _party_back() -> re.Pattern[str]:
        names = sorted({phrase for phrase, _ in parties()}, key=len, reverse=True)
        return re.compile(PARTY_BACK.format(parties="|".join(map(re.escape, names))))

    def _names_a_party_of_the_list(self, question: str) -> bool:
        """Whether a message names an employer (the synonym table reads 老板, 包工头, 厂里 as the
        list's 用人单位) or a party a supervision system watches (parties.tsv: 中介, 药店, …)."""
        cleaned = clean(question)
        return EMPLOYER_TERM in self.retriever.normalize(question) or any(
            phrase in cleaned for phrase, _ in parties())

    def _party_of_its_own(self, question: str, answer: Answer, said: Answer) -> bool:
        """Whether a follow-up names a party of its own ("那职业中介呢？平常多长时间查一回？" after
        the training schools' patrols), the one ``answer``'s system supervises, not ``said``'s."""
        own = self.passages.subject_system(question)
        mine, theirs = (self.store.passage_by_id.get((a.context.get("ids") or [""])[0]) for a in (answer, said))
        return (own is not None and answer.found and mine is not None and theirs is not None
                and mine.system_id == own != theirs.system_id)

    def _unknown_beyond(self, question: str, topic: str) -> list[str]:
        """The matter words of a follow-up the list lacks that the conversation's topic did not say:
        "这学校这么弄" after the story of a 培训学校 names the story's school, no matter of its own."""
        told = clean(topic)
        return [w for w in self.retriever.unknown_matter_words(question) if w not in told]

    def _story_reading_answers(self, alone: Answer, with_story: Answer, intent: str | None, context: dict) -> bool:
        """Whether a follow-up that points back at the story is answered as read with it
        (``with_story``) rather than alone: not when only the one alone reaches the part of the list
        the conversation is at ("那你们人社局在这个事儿里头管哪一块？" after the boundary row on
        职业病防治); and a message the NLU cannot read only when the story's reading finds the
        conversation's part and the one alone does not, or the one alone is the sentence that opens
        the list the story's act is part of."""
        if not with_story.found:
            return False
        alone_at, story_at = self._in_part_at(alone, context), self._in_part_at(with_story, context)
        if alone_at and not story_at:
            return False
        return intent not in UNREAD or (story_at and not alone_at) or self._opens_a_list(alone, with_story)

    def _opens_a_list(self, answer: Answer, part: Answer) -> bool:
        """Whether ``answer``'s passage is a sentence that opens a list of parts (the complaint
        channel's "…发现用人单位存在以下劳动保障违法行为的，进行立案调查："), and ``part``'s one of
        them: a question the NLU cannot read that points back ("这种情况厂子算不算违法？
        能找监察管不？") asks of the story's part, not of the sentence."""
        opening = self.store.clause_by_id.get((answer.context.get("ids") or [""])[0]) if answer.found else None
        if opening is None or not self.passages.groups.opened_by(opening):
            return False
        clause = self.store.clause_by_id.get((part.context.get("ids") or [""])[0])
        return clause is not None and self.passages.groups.lead_in(clause) is opening

    def _in_part_at(self, answer: Answer, context: dict) -> bool:
        """Whether ``answer``'s passage is of the part of the list the conversation is at: the same
        supervision system, or the same item of a table (a boundary item's rows)."""
        def part(pid: str) -> str:
            passage = self.store.passage_by_id.get(pid)
            return "" if passage is None else passage.system_id or pid.rsplit(".", 1)[0]
        mine, at = (answer.context.get("ids") or [""])[0], (context.get("ids") or [""])[0]
        return answer.found and bool(part(mine)) and part(mine) == part(at)

    def _points_back(self, cleaned: str) -> bool:
        """Whether a follow-up points back at the act or the party the story told of."""
        return ACT_BACK.search(cleaned) is not None or self._party_back().search(cleaned) is not None

    @staticmethod
    def _begun(question: str, answer: Answer) -> Answer:
        """``answer``, as the first of a conversation about a procedure's steps."""
        answer.context = {**answer.context, "topic": question, "question": question, "intent": "ask_procedure"}
        return answer

    @staticmethod
    def _one_passage_for_all(question: str, answered: list[tuple[str, Answer]], leads: list[Answer],
                             whole: Answer) -> Answer:
        """The answer to a message whose questions are each answered by one and the same passage
        ("…谁拍板立不立案？立了案派几个人来查？": the step that decides and names the inspectors),
        which is not the one the whole message reads best ("投诉交上去" reads the filing step); the
        whole message's answer otherwise."""
        ids = {(a.context.get("ids") or [None])[0] for a in leads if a.found}
        if not (answered and len(ids) == 1 and all(a.found for a in leads)):
            return whole
        own = answered[0][1]
        if whole.found and (whole.context.get("ids") or [None])[0] in ids:
            return whole
        return Answer(own.text, own.sources, own.buttons, True, {**own.context, "topic": question})

    def _heard(self, question: str, context: dict) -> Answer | None:
        """What a caller heard or remembers, checked against the answer given ("俺听说是劳动监察大队管
        的，不是吗？": yes or no with the office; "不是说得15天吗？": the passage again); None when the
        message tells nothing heard, or names a matter the passage lacks."""
        if not any(says(clean(question), form) for form in ("hearsay", "repeat", "checks_figure")):
            return None
        heard = form_of("repeat").sub(" ", form_of("hearsay").sub(" ", clean(question)))
        checked = self.offices.confirmation(heard, context) or self.previous.restated(heard, context)
        if checked is not None and checked.found and self._is_penalty_rule(checked):
            # a penalty rule checked ("罚五千块钱够不够？") is told as a penalty: the fine first, a
            # count told worked out
            ruled = self._penalty(f"{context['topic']} {question}", {}, threshold=self.retriever.found_threshold)
            if ruled.found and ruled.context.get("ids", [None])[0] == checked.context["ids"][0]:
                checked = ruled
        if checked is not None and not checked.text.startswith(("是的", "不是")):
            # (a count told is worked out: "他一共介绍了三个孩子，罚五千块钱够不够？")
            checked.text = "\n".join(["按责任清单：", *self._totals(question, checked), checked.text])
            # (the conversation stays at its topic, with the topics before it)
            checked.context = {**context, **checked.context, "topic": context["topic"]}
            self.previous.remember(checked)
        return checked

    def _basis_given(self, question: str, context: dict) -> Answer | None:
        """The answer given again, its legal basis first, for a follow-up that asks only for the
        basis ("这是根据哪条规定罚的？", "为什么这么分？依据是啥？") when that answer stated one (a
        penalty rule's or a boundary row's 依据, which is not in the passage's own words); None
        otherwise, or when the follow-up names a rare thing of the list the passage lacks."""
        text = clean(question)
        basis = next((a for a in asked_aspects(text) if a.name == "basis"), None)
        lead = (context.get("ids") or [None])[0]
        # (it asks for the basis in so many words, and tells no other case: "那要是介绍人去干法律不
        # 允许干的行当呢？" says 法律 of another act)
        if (not BASIS_ASKED.search(text) or SUPPOSED.search(text)
                or lead not in self.store.passage_by_id or not context.get("topic")):
            return None
        held = self.retriever.words_of([lead])
        if any(w not in held and self.retriever.idf.get(w, 0.0) >= RARE_IDF
               for w in self.retriever.list_words(without_asking(clean(question)))):
            return None
        again = self._answer_one(context["topic"], context.get("intent"), {}, {}, None)
        if not again.found or (again.context.get("ids") or [None])[0] != lead:
            return None
        lines = again.text.split("\n")
        # (the composers' own "依据：" line, or a sentence that states one)
        stated = [line for line in lines if line.startswith(BASIS_LINE) or (basis is not None and basis.answered_in(line))]
        if not stated and basis is not None and (preamble := self._system_basis(lead, basis)) is not None:
            # a clause of a system whose opening states the basis of the whole system ("根据《劳动保障
            # 监察条例》…制定如下…"): "立案查案子是根据啥定的？" after one of its clauses
            sentence = "".join(s for s in sentences(preamble.text) if basis.answered_in(s))
            stated = [f"{BASIS_LINE}{sentence}（{preamble.citation}）"]
            lines = [*stated, *lines]
            again.sources.append(self.kit.source(preamble.id, sentence))
        if not stated:
            return None
        again.text = "\n".join([*stated, *(line for line in lines if line not in stated)])
        again.context = {**context, **again.context, "topic": context["topic"],
                         "earlier": context.get("earlier", [])}
        return again

    def _system_basis(self, lead: str, basis: Aspect) -> Passage | None:
        """The first clause of ``lead``'s supervision system that states a legal basis (its opening
        sentence, for the system as a whole); None for a passage of no system or one that states none."""
        system = self.store.passage_by_id[lead].system_id
        if not system:
            return None
        return next((p for p in self.store.passages
                     if p.system_id == system and p.kind == "clause" and basis.answered_in(p.text)), None)

    def _is_penalty_rule(self, answer: Answer) -> bool:
        return (answer.context.get("ids") or [None])[0] in self.store.penalty_by_clause

    def _situation_only_in(self, question: str, own: Answer, with_topic: Answer) -> bool:
        """Whether a follow-up's own answer states the situation it tells ("…就是一直不改呢？":
        拒不执行整改意见) and the answer read with the topic does not: the situation is what changed."""
        told = self._situations_told(question)
        mine, theirs = (own.context.get("ids") or [None])[0], (with_topic.context.get("ids") or [None])[0]
        if not (told and own.found and mine and theirs and mine != theirs):
            return False
        text = self.store.passage_by_id[mine].text, self.store.passage_by_id[theirs].text
        return any(a.answered_in(text[0]) for a in told) and not any(a.answered_in(text[1]) for a in told)

    def _states_told_for_subject(self, question: str, answer: Answer, subject: str | None) -> bool:
        """Whether a follow-up that names no party is answered in the system of the conversation's
        party by a passage that states the situation it tells."""
        ids = answer.context.get("ids") or []
        if not (subject and answer.found and ids and self._of_subject(ids[0], subject)):
            return False
        if self.passages.subject_system(question):
            return False
        return any(a.answered_in(self.store.passage_by_id[ids[0]].text) for a in self._situations_told(question))

    def _answers_in_system(self, question: str, answer: Answer, system: str | None) -> bool:
        """Whether the answer's passage is of the conversation's part of the list, states every
        aspect the follow-up asks (no parts, no party's own) and holds every thing it names."""
        ids = answer.context.get("ids") or []
        passage = self.store.passage_by_id.get(ids[0]) if answer.found and ids else None
        if passage is None or not system or passage.system_id != system or self.passages.subject_system(question):
            return False
        asked = [a for a in asked_aspects(clean(question)) if a.name not in PARTS_ASPECTS]
        named = [w for w in self.retriever.list_words(without_asking(clean(question)))
                 if self.retriever.names_a_thing(w)]
        held = self.retriever.words_of([passage.id])
        return bool(asked) and bool(named) and all(a.answered_in(passage.text) for a in asked) and all(
            self.retriever.holds_word(held, w) for w in named)

    @staticmethod
    def _situations_told(question: str) -> list[Aspect]:
        """The situations a message tells ("拖着不改", "跑了"; aspects.SITUATIONS)."""
        return [a for a in asked_aspects(clean(question)) if a.name in SITUATIONS]

    def _of_subject(self, passage_id: str, subject: str | None) -> bool:
        """Whether the passage is of the system of the party the conversation is about (a question
        answered there is answered for that party: "来查的时候是几个人" → "人数不得少于 2 人")."""
        p = self.store.passage_by_id.get(passage_id)
        return bool(subject) and p is not None and p.system_id == subject

    def _questions(self, message: str) -> list[str]:
        """The questions of a message that asks several (each with words of its own); [] when
        it asks one or more than MAX_QUESTIONS."""
        parts = [p.strip(" ，,。.！!；;") for p in QUESTION_SPLIT.split(message)]
        if len(parts) == 1 and len(spaced := SPACE_SPLIT.split(message.strip())) > 1 and all(
                asks(p) and len(self.retriever.list_words(p, said_only=True)) >= SPACED_QUESTION_WORDS
                for p in spaced):
            # questions typed one after the other with a space for a mark ("…的中介罚多少 超出批准业务
            # 范围的又罚多少"), each with a word that asks and a matter of its own ("…找哪个科啊 电话多少"
            # is one question and its number)
            parts = spaced
        # after a first question, one word is a question about its matter ("…一年几次？谁牵头？"),
        # but thanks or a request for a reply ("…哪个科室？多谢", "…？在线等") asks nothing
        # nor does a question that tells ("…按最低档的基数报，这不是少报吗？")
        parts = [p for i, p in enumerate(parts)
                 if len(self.retriever.query_tokens(clean(p))) >= (QUESTION_TOKENS if i == 0 else 1)
                 and not (i and only_courtesy(p)) and not says(clean(p), "rhetorical")]
        return parts if 2 <= len(parts) <= MAX_QUESTIONS else []

    def _matters(self, message: str) -> list[str]:
        """The questions of a message that asks one thing of several matters told before it, one
        per matter (see compose/matters.py); [] for a message that asks more than one question."""
        if len([p for p in QUESTION_SPLIT.split(message) if p.strip(" ，,。.！!；;")]) != 1:
            return []
        return matters_asked(message, lambda clause: bool(self.retriever.list_words(clause, said_only=True)))

    def _several(self, question: str, parts: list[str], whole: Answer, intent: str | None, entities: dict,
                 context: dict, confidence: float | None, apart: bool = False) -> Answer:
        """A message that asks two or three things ("最少来几个人？能录音录像吗？"): each question
        answered on its own, shown together when they are answered from different parts of the
        list. A question's own answer counts when it is the whole message's or holds a rare term
        of the list the question names ("录音"); one that holds none ("一共罚多少") is read as
        part of the whole message. Otherwise the answer to the whole message. ``apart``: the
        questions are one question asked of matters told apart ("…养老，还有…工伤，这俩分别打哪个
        电话"), none read with another's matter."""
        whole_ids = whole.context.get("ids") if whole.found else None
        answered: list[tuple[str, Answer]] = []
        topic = ""
        # (each is read apart from the conversation's topic, not from the party it is about - or
        # the party the message names itself: "那社保基金平常的日常监督呢？抽多少？" after the audits)
        subject = context.get("subject")
        if subject and (own := self.passages.subject_system(question)) is not None:
            subject = own
        about = {"subject": subject} if subject else {}

        passages = self.store.passage_by_id
        whole_system = passages[whole_ids[0]].system_id if whole_ids else ""

        def counts(a: Answer, asked: str) -> bool:
            ids = a.context.get("ids") or []
            if not (a.found and ids):
                return False
            # (a matter told apart is a question of its own, whatever its words' rarity; so is one
            # its answer's clause states in the system the whole message is about: "…两定单位的
            # 定期检查一年几次？" by the clause "1、定期检查。每年一次…", which names no party)
            stated_in_system = (bool(whole_system) and passages[ids[0]].system_id == whole_system
                                and any(x.answered_in(passages[ids[0]].text) for x in asked_aspects(clean(asked))))
            return (apart or ids == whole_ids or self.retriever.rare_evidence(asked, ids[0]) >= RARE_IDF
                    or stated_in_system)

        leads: list[Answer] = []  # each question's own answer, counted or not
        for part in parts:
            if about:
                # in a conversation about a party, a question its system answers is answered there
                a = self._answer_one(part, intent, self._entities_in(part, entities), dict(about), confidence)
                ids = a.context.get("ids") or []
                if a.found and ids and self._of_subject(ids[0], about["subject"]) and ids[0] not in {
                        earlier.context["ids"][0] for _, earlier in answered}:
                    answered.append((part, a))
                    leads.append(a)
                    topic = topic or part
                    continue
            if topic and not apart:
                # a later question may ask about the first one's matter ("…定期检查一年几次？
                # 抽查比例多少？"): read with it, it counts when it is answered by another passage
                # than the questions before ("…最少来几个人？他们能录音录像吗？" is not)
                # (with the first one's office: "…哪个部门管？电话多少？" asks that office's number)
                said = answered[0][1].context if answered else {}
                first = {k: said[k] for k in ("office", "complaint_office") if said.get(k)}
                a = self._answer_one(part, intent, self._entities_in(part, entities), {**about, **first, "topic": topic}, confidence)
                before = {earlier.context["ids"][0] for _, earlier in answered}
                theirs = (a.found and a.context.get("intent") == "ask_phone" and bool(first)
                          and a.context.get("office") == first.get("office"))
                if (theirs or counts(a, a.context.get("question") or part)) and a.context["ids"][0] not in before:
                    answered.append((part, a))
                    leads.append(a)
                    continue
                if a.found and a.context["ids"][0] in before and self.details.states_all_asked(part, a.context["ids"][0]):
                    continue  # "…日常监督是怎么查的？抽查比例多少？": the answer given states it
            asked, sure = intent, confidence
            if apart and intent not in FACTUAL_INTENTS and "phone" in {x.name for x in asked_aspects(clean(part))}:
                # each matter asked its number ("…仲裁，电话告诉我呗"): a phone question, whatever the
                # NLU made of the whole message
                asked, sure = "ask_phone", None
            a = self._answer_one(part, asked, self._entities_in(part, entities), dict(about), sure)
            leads.append(a)
            if counts(a, part):
                answered.append((part, a))
                topic = topic or part
            elif not leads[:-1] and a.found:
                # the first question names the matter the others ask about, though its own answer
                # does not count ("医保两定单位的定期检查一年几次？抽查比例多少？")
                topic = part
        if len({tuple(a.context["ids"]) for _, a in answered}) < 2:
            own = answered[0][1] if answered else None
            if (own is not None and not whole.found and context.get("system")
                    and own.context.get("system") == context["system"]):
                # "查的时候会来几个人？会不会就一个人随便看看？" after a complaint about a pharmacy: the
                # question the conversation's part of the list answers is answered, though the whole
                # message finds nothing (a new matter refused stays refused)
                return Answer(own.text, own.sources, own.buttons, True, {**own.context, "topic": question})
            return self._one_passage_for_all(question, answered, leads, whole)
        seen: set[str] = set()
        sources = []
        for _, a in answered:
            for src in a.sources:
                if src.get("id") not in seen:
                    seen.add(src.get("id"))
                    sources.append(src)
        text = "\n\n".join(f"问：{part}\n{a.text}" for part, a in answered)
        return Answer(text, sources, [], True, {**answered[-1][1].context, "topic": question})

    def _entities_in(self, part: str, entities: dict) -> dict:
        """The NLU's entities of a whole message that one of its questions says ("农保中心电话多少？
        另外社保基金的举报电话是哪个？": 农保中心 is the first question's office, not the second's)."""
        said = clean(part)
        named = set(self.kit.directory.mentioned(said))
        return {kind: kept for kind, values in entities.items()
                if (kept := [v for v in values if clean(str(v)) in said or v in named])}

    def _answer_one(self, question: str, intent: str | None, entities: dict, context: dict,
                    confidence: float | None = None) -> Answer:
        # (the NLU's own call: an unsure one lets a short question's foreign matter refuse it below)
        unsure = intent is None or (intent != "out_of_scope" and confidence is not None
                                    and confidence < self.weak_intent)
        intent = self.reading.read(question, intent, confidence, context)
        # an out-of-scope call the NLU is unsure of ("…老人去世了还在领养老金，投诉举报电话是多少")
        # answers on a strong passage even without the question's rare terms
        # (the NLU read a word typed by sound as typed, "养劳保险": its call on it is doubted)
        doubted_out_of_scope = intent == "out_of_scope" and (
            (confidence is not None and confidence < self.weak_intent)
            or self.retriever.said(question) != fix_typos(clean(question)))
        certain_out_of_scope = (intent == "out_of_scope" and confidence is not None
                                and confidence >= self.out_of_scope.certain)
        topic = context.get("topic")
        # (few words, or only words that ask what is asked of the topic: "一万是最低的吧？顶格能罚到多少？")
        elliptical = self._elliptical(question) or bool(topic and context.get("ids") and self.reading.asks_only(question))
        threshold = None
        if (intent in FACTUAL_INTENTS and confidence is not None and confidence >= self.prior_confidence
                and not elliptical):  # two words are too little evidence to lower the bar for
            threshold = self.retriever.found_threshold - self.prior_margin
        answer = None
        previous = None
        # (an out-of-scope call on a few words may ask about the passage too: "每次抽多少"; so may one
        # that asks what the passage states and names no matter the list lacks: "事先送给我们的那个文书叫啥？")
        about_passage = intent == "out_of_scope" and (elliptical or (
            asked_aspects(clean(question)) and not self.retriever.unknown_matter_words(question)))
        if (topic and (intent is None or intent in FACTUAL_INTENTS or about_passage) and intent != "ask_phone"
                and not (announces_another_matter(question) and not elliptical)):
            # ("另外问下，外国人在咱这就业归哪个部门管？" asks no more of the passage just quoted)
            previous = self.previous.states(question, context.get("intent") or intent, context)
        if previous is not None and elliptical:
            answer = previous
        if answer is None and elliptical and topic and intent in FACTUAL_INTENTS and intent != "ask_phone":
            # "谁负责考" after "培训学校每年要考核吗": too short to stand alone, it asks about the topic
            # (a phone question already takes the office the conversation is at, which may have
            # changed since the topic: "社保中心电话" → "那农保中心呢" → "电话呢")
            answer = self._answer(f"{topic} {question}", intent, entities, context, threshold)
        if answer is None or not answer.found:
            answer = self._answer(question, intent, entities, context, threshold, doubted_out_of_scope,
                                  certain_out_of_scope=certain_out_of_scope)
            if (previous is not None and self.previous.answers_instead(question, answer, previous)
                    and not self._party_of_its_own(question, answer, previous)):
                # "抽查面有多大" after the fund's clause on spot checks: the clause just quoted says it;
                # another part of the list that states a ratio holds no more of the question's words
                # ("情况复杂的能延长多久" after the filing step: the investigation's clause holds 延长)
                answer = previous
        if (topic and topic != question and self._points_back(clean(question))
                and (intent in FACTUAL_INTENTS or intent in UNREAD)
                and not self._unknown_beyond(question, topic)):
            # "中介这么干罚不罚？" after the story of an agency that placed a girl of fifteen: the act
            # asked about is the story's, not whatever act of the agencies the words reach (what the
            # story asked before, "合法不？归谁管？", is not asked again)
            story = told_clauses(clean(topic))
            with_topic = self._answer(f"{story} {question}", intent, entities, context, threshold)
            if not with_topic.found and intent in NARROW_INTENTS:
                # "这种事你们人社局管不管？" after a clinic's faked bills: no boundary row tells the
                # story's act; the clause of the list that does answers whether the bureau handles it
                # - of the part of the list the story's act was found in ("…老板没跟俺签合同。这种
                # 情况人社局管不管？会咋样处理？": the labour inspectors', not an agency's rule that
                # shares 用人单位 with it)
                told = {**context, "subject": context.get("subject") or context.get("system")}
                with_topic = self._answer(f"{story} {question}", None, entities, told, threshold)
            if self._story_reading_answers(answer, with_topic, intent, context):
                answer = with_topic
        if (not answer.found and topic and topic != question and (intent in FACTUAL_INTENTS or intent in UNREAD)
                and (REFERS_BACK.search(clean(question)) or leans_back(clean(question)))
                and not self._unknown_beyond(question, topic)):
            # "他一共介绍了4个孩子，总共得罚多少": not a matter of its own, it points back at the topic,
            # whatever the NLU made of it ("那三春都是哪三个，各管啥？" after the spring campaigns)
            # ("那户口迁移找哪个部门" names a matter the list lacks: it is not read with the topic)
            with_topic = self._answer(f"{topic} {question}", intent, entities, context, threshold)
            if with_topic.found:
                answer = with_topic
        if (answer.found and topic and topic != question and intent in FACTUAL_INTENTS and intent != "ask_phone"
                and leans_back(clean(question)) and self.details.asks_what_it_does_not_state(question, answer)):
            # "那人社局会隔多久来核查一次？" after the fund's scope: a clause holding 核查 that states no
            # frequency is no answer; read with the topic, the system's checks state it
            with_topic = self._answer(f"{topic} {question}", intent, entities, context, threshold)
            if with_topic.found and not self.details.asks_what_it_does_not_state(question, with_topic):
                answer = with_topic
        if (answer.found and topic and topic != question and intent in FACTUAL_INTENTS and intent != "ask_phone"
                and context.get("system") and self.details.asks_what_it_does_not_state(question, answer)):
            # "如果查出来确实多报了，会怎么样？" after the subsidy checks: read with the topic, the checks
            # again, which state no sanction; read alone, the same system's clause that does
            alone = self._answer(question, intent, entities, context, threshold)
            lead = self.store.passage_by_id.get((alone.context.get("ids") or [""])[0])
            if (alone.found and lead is not None and lead.system_id == context["system"]
                    and not self.details.asks_what_it_does_not_state(question, alone)):
                answer = alone
        if (answer.found and topic and topic != question and intent in FACTUAL_INTENTS
                and PERSON_BACK.search(clean(question)) and answer.context.get("ids")):
            # "那他要想学点手艺、搞创业培训，该找谁？" after the disabled son's job fair: the person
            # the topic is about; the passage that speaks of them (the 残联's training of disabled
            # people) answers rather than the one on the matter alone
            with_topic = self._answer(f"{topic} {question}", intent, entities, context, threshold)
            ids = with_topic.context.get("ids") or []
            if with_topic.found and ids and ids[0] != answer.context["ids"][0] and (
                    self.retriever.rare_evidence(topic, ids[0]) > self.retriever.rare_evidence(topic, answer.context["ids"][0])):
                answer = with_topic
        if not answer.found and len(clean(question)) >= LONG_MESSAGE:
            # a long story the question is lost in: what its asking clauses ask, on their own
            # ("…听别人说村医的管理归到人社局了，…俺们村医这块的事在人社局到底是哪个科室在管，…")
            asking = asking_clauses(clean(question))
            if asking != clean(question) and self.retriever.query_tokens(self.retriever.normalize(asking)):
                # the list's terms for what the story tells stay with it ("我怀孕五个多月了…" →
                # 女职工), unless the asking clause names a party the list lacks ("这种房东该去哪告他")
                told = "" if self.retriever.unknown_matter_words(asking) else story_terms(clean(question), asking)
                focused = self._answer(f"{asking} {told}".strip(), intent, entities, context, threshold)
                if focused.found:
                    answer = focused
        if (intent in ("ask_office", "ask_phone")
                and (focused := self._rare_thing_focus(question, answer, intent, entities, context, threshold))):
            answer = focused
        fine = intent == "ask_penalty" or kind_of(clean(question)) == "ask_penalty"
        if intent in EMPLOYERS_WRONG_INTENTS or fine:
            # a wrong an employer did, found in another party's rules by a word they share ("老板说俺
            # 试用期不合格，工资只给一半" is no agency's "年检不合格"): the act the channel takes; so
            # for a follow-up that points back at it ("这种老板会被罚多少？")
            told = (f"{told_clauses(clean(topic))} {question}"
                    if topic and topic != question and self._points_back(clean(question)) else question)
            if (act := self._employers_act(told, answer, fine)) is not None:
                answer = act
        if (not answer.found and not certain_out_of_scope and intent != "follow_up" and says(clean(question), "violation")
                and self._names_a_party_of_the_list(question)
                and (act := self.passages.told_act(question)) is not None):
            # a wrong told amid chatter, in one run without stops ("…包工头一分钱没给人跑了俺该找谁
            # 告他电话多少谢谢了啊"): the clauses that tell it find the act the complaint channel
            # lists, though the whole message reaches no passage; that act answers, as reported
            # (a wrong done by an employer or a party the list supervises: a landlord's deposit or a
            # driving school's fee is another agency's matter whatever words it shares)
            answer = self._told_wrong(question, act)
        # (a complaint too: the complaint channel takes the list's wrongs, not every wrong a caller
        # reports: "银行乱扣我手续费，我要举报" names a matter the list lacks)
        foreign = (self.retriever.foreign_matter(question)
                   if answer.found and (unsure or intent == "ask_complaint") and intent != "follow_up" else [])
        if foreign and self._asks_of_the_list(question):
            # the words the list lacks are the story's ("…还挂着定点的牌子招生"), not what it asks
            # ("你们就不考核考核它吗")
            foreign = []
        if foreign and topic and topic != question and (
                self._points_back(clean(question)) or REFERS_BACK.search(clean(question))):
            # "这学校这么弄…", "这种学校你们咋处理？" after the story of a 培训学校: the school the story
            # told of
            foreign = [w for w in foreign if w not in clean(topic)]
        if foreign and answer.context.get("ids") and self.retriever.rare_evidence(
                question, answer.context["ids"][0]) < RARE_IDF:
            # the NLU unsure, a short question names a matter the list lacks ("结婚登记") and the
            # passage shares too little of its rare terms (a common word, "登记"): not an answer
            answer = self.kit.not_found(question, [], foreign=foreign)
        if answer.found and intent in FACTUAL_INTENTS and (unstated := self.details.rights_unstated(question, answer)):
            # "我怕举报了被人知道是我，你们会不会泄露我的信息？", read as a complaint: the intake states
            # no secrecy; the list's clause that does ("…做好保密工作") answers, found without the kind
            plain = self._answer(question, None, entities, context, threshold)
            if plain.found and not self.details.rights_unstated(question, plain, unstated):
                answer = plain
        if "principal" in {a.name for a in asked_aspects(clean(question))}:
            # "你们局长是谁": who signed the list as its principal, if the list says
            answer = self._principal(question)
        if answer.found and (unstated := self._unstated(question, answer)):
            # "最低工资标准是多少", "养老金每月能领多少": the list names the matter, not the sum;
            # "劳动科科长叫啥": the office, not who heads it
            answer = self.kit.not_found(question, [], UNSTATED[unstated].format(bureau=self.kit.bureau), foreign=[],
                                        phone=False)
        elif not answer.found and not certain_out_of_scope and self._sum_of_a_listed_matter(question):
            # "养老金每月能领多少" that no passage reaches: the list names the matter (养老保险) and
            # states no sum of it anywhere; said so, rather than that nothing was found
            answer = self.kit.not_found(question, [], UNSTATED["sum"].format(bureau=self.kit.bureau), foreign=[],
                                        phone=False)
        if answer.found and (totals := self._totals(question, answer)):
            answer.text = "\n".join([*totals, self._band_quoted(question, answer)])
        stays = (answer.found and topic and intent == "ask_phone" and elliptical and context.get("ids")
                 and answer.context.get("office") == context.get("office"))
        if stays:
            # "他们电话多少？": the number of the office the conversation is at; the conversation
            # stays at its passage ("除了让进基地，他们还能给俺提供啥帮助？" asks more of it)
            answer.context = {**answer.context, "ids": context["ids"], "cited": context.get("cited", []),
                              "system": context.get("system", "")}
        if answer.found:
            if not stays:
                self.previous.remember(answer)  # what a follow-up may ask more of
            # the topic a later "那…呢" refers to: the last question that stood on its own (a few
            # words, "他们电话多少？", stand on none)
            keeps_topic = intent == "follow_up" or (topic and (
                answer.context.get("question", "").startswith(topic) or elliptical))
            answer.context["topic"] = topic if keeps_topic else question
            answer.context["earlier"] = self.topics.earlier(context, answer.context)
            # the party the conversation is about (a 定点诊所), while it stays at that party's system
            subject = self.passages.subject_system(question) or context.get("subject")
            if subject and answer.context.get("system") == subject:
                answer.context["subject"] = subject
            else:
                answer.context.pop("subject", None)
        elif context:
            # a miss does not erase what the conversation is about; it is noted, for the turn after
            # it ("那转学手续咋办？" after a refused question on school districts is about schools)
            answer.context = {**context, "missed": question}
        if answer.found and topic and context.get("ids") and DENIED.match(clean(question)):
            # "不是，俺们那是查出问题还造成损失了，…": the clause just quoted is not the caller's case,
            # and is not shown again beside the one that is
            answer = self.kit.without_also(answer, context["ids"][0])
        return answer

    def _rare_thing_focus(self, question: str, answer: Answer, intent: str | None, entities: dict,
                          context: dict, threshold: float | None) -> Answer | None:
        """A story whose answer holds none of the rare things of the list it names ("俺今年56，在纺织厂
        挡车干了三十年，腰椎间盘突出，实在干不动了，想办个病退。人社局哪个部门管？": 病退, which the
        duty table gives to one office): what its asking clauses ask of the clauses that name them,
        on their own, when that answer's passage holds them; None otherwise."""
        cleaned = clean(question)
        retriever = self.retriever
        lead = (answer.context.get("ids") or [""])[0]
        # (the bureau named is where to ask, no thing of the matter)
        named = [w for w in retriever.rare_things(cleaned) if not retriever.names_the_bureau(w)]
        if not named:
            return None
        if lead in self.store.passage_by_id:
            # the answer holds a rare thing the story names, or one the synonym table reads in it
            # ("有权罚" → 行政处罚实施机构): it is about the story
            read = [w for w in retriever.rare_things(cleaned, said_only=False) if not retriever.names_the_bureau(w)]
            # (the searched text is the text as said with the table's terms appended)
            added = retriever.normalize(question)[len(retriever.said(question)):].split()
            if (any(w in retriever.words_of([lead]) for w in read)
                    or any(t in self.store.passage_by_id[lead].text for t in added)):
                return None
        clauses = [c for c in STORY_CLAUSE.split(cleaned) if c]
        naming = [c for c in clauses if any(w in c for w in named)]
        if len(clauses) < 3 or len(naming) == len(clauses):
            return None  # no story around it: the message is what it names
        if retriever.unknown_matter_words(" ".join(naming)):
            return None  # it names the thing inside a matter the list lacks ("不动产登记证")
        focused = self._answer(" ".join(dict.fromkeys([*naming, asking_clauses(cleaned)])), intent, entities,
                               context, threshold)
        ids = focused.context.get("ids") or []
        if not (focused.found and ids and ids[0] != lead):
            return None
        return focused if retriever.rare_evidence(" ".join(named), ids[0], things_only=True) >= RARE_IDF else None

    def _asks_of_the_list(self, question: str) -> bool:
        """Whether a message that tells a story before it asks asks in the list's words only: its
        asking sentences name a word of the list and none it lacks."""
        cleaned = clean(question)
        asking = asking_part(cleaned)
        if asking == cleaned and len(told := sentences(cleaned)) > 1:
            asking = told[-1]  # "…还挂着定点的牌子招生。你们就不考核考核它吗"
        # (the bureau named as where to ask is no word of the matter: "…低保，找人社局哪个科？")
        named = [w for w in self.retriever.list_words(asking, said_only=True) if not self.retriever.names_the_bureau(w)]
        return asking != cleaned and bool(named) and not self.retriever.unknown_matter_words(asking)

    def _totals(self, question: str, answer: Answer) -> list[str]:
        """A total the question asks for ("加起来最长多少个工作日"), or the band of a score it tells
        ("那要是只考了五十几分呢"), from the answer's passages."""
        texts = [self.store.passage_by_id[s["id"]].text for s in answer.sources
                 if s.get("id") in self.store.passage_by_id]
        return self.totals.lines(clean(question), texts) or self.bands.lines(clean(question), texts)

    def _band_quoted(self, question: str, answer: Answer) -> str:
        """``answer``'s text with a passage that grades by bands quoted for the band of the score
        the question tells only (the other bands are not the caller's)."""
        text = answer.text
        for source in answer.sources:
            passage = self.store.passage_by_id.get(source.get("id"))
            if passage is not None and passage.text in text and (said := self.bands.excerpt(clean(question), passage.text)):
                text = text.replace(passage.text, said)
        return text

    def _score_alone(self, question: str, answer: Answer) -> float:
        """The answer's score, or its passage's for the follow-up read alone when higher: a few
        words score higher alone than read with the topic's many ("那要是得行政处理呢": the
        topic's 需要行政处理的 clause holds them as well as another system's clause does)."""
        score = answer.context.get("score", 1.0)
        ids = answer.context.get("ids") or []
        if ids and ids[0] in self.store.passage_by_id:
            held = self.retriever.search(question, k=1, only=frozenset(ids[:1]))
            if held:
                score = max(score, held[0].score)
        return score

    def _names_more(self, question: str, alone: Answer, answer: Answer) -> bool:
        """Whether the follow-up's own answer holds more of the rare things of the list it names
        than the answer read with the topic ("那个联系人制度是针对多少人的": a matter of its own;
        "那要是超过两次呢" changes a detail, whatever clause says "超过")."""
        def evidence(a: Answer) -> float:
            ids = a.context.get("ids") or []
            return self.retriever.rare_evidence(question, ids[0], things_only=True) if ids else 0.0
        return evidence(alone) >= evidence(answer) + RARE_IDF

    def _principal(self, question: str) -> Answer:
        """Who heads the bureau: the principal's signature on the list's seal line, quoted with its
        line; that the list does not say, when no seal line is signed."""
        meta = self.store.meta
        if not meta.get("signature"):
            return self.kit.not_found(question, [], UNSTATED_PERSON.format(bureau=self.kit.bureau), foreign=[],
                                      phone=False)
        where = f"责任清单落款（第{meta.get('signature_line', '')}行）"
        text = f"{self.kit.bureau}责任清单的落款写明：{meta['signature']}。\n出处：{where}。"
        return Answer(text, [], [], True, {"intent": "ask_office", "ids": [], "question": question,
                                           "topic": question})

    def _unstated(self, question: str, answer: Answer) -> str | None:
        """What the question asks that the passage answering it does not state (an aspect of
        UNSTATED): a sum of money or a standard ("能领多少", "标准是多少", "报销比例是多少"), a
        person's name ("局长叫啥"); None when it asks neither or the passage states it."""
        asked = [a for a in asked_aspects(clean(question)) if a.name in UNSTATED]
        # (the passage that answers, not a neighbour shown beside it)
        lead = self.store.passage_by_id.get((answer.context.get("ids") or [""])[0])
        if lead is None:
            return None
        return next((a.name for a in asked if not a.answered_in(lead.text)), None)

    def _sum_of_a_listed_matter(self, question: str) -> bool:
        """Whether the question asks a sum or standard (UNSTATED "sum") of a matter the list names,
        and names no matter the list lacks."""
        if "sum" not in {a.name for a in asked_aspects(clean(question))}:
            return False
        retriever = self.retriever
        return (any(retriever.names_a_thing(w) for w in retriever.list_words(question))
                and not retriever.unknown_matter_words(question) and not retriever.foreign_matter(question))

    def _elliptical(self, question: str) -> bool:
        return self.reading.elliptical(question)

    def _answer(self, question: str, intent: str | None, entities: dict, context: dict,
                threshold: float | None = None, doubted_out_of_scope: bool = False,
                certain_out_of_scope: bool = False) -> Answer:
        if intent == "follow_up":
            return self._follow_up(question, entities, context)
        if intent == "out_of_scope":
            # the NLU thinks the list does not cover it; the gate asks for strong evidence that it does
            covered, kind = self.out_of_scope.covered(question, doubted_out_of_scope, certain_out_of_scope)
            if not covered:
                return Answer("", [], [], False, {})
            if kind == "ask_phone":
                return self.offices.phone(question, entities, context)
            return self._general(question, kind)
        if intent == "ask_phone":
            return self.offices.phone(question, entities, context)
        if intent == "ask_penalty":
            return self._penalty(question, entities, threshold=threshold)
        if intent == "ask_office":
            office = self.kit.mentioned_office(question, entities)
            if office and (matter := self._matter_beside(office, question, threshold)) is not None:
                return matter
            hits = self.retriever.search(question, k=5) if office else []
            if office and (not hits or not hits[0].found or office not in hits[0].office):
                return self.offices.profile(office, question)
            return self._office(question, threshold)
        return self._general(question, intent, threshold=threshold, subject=self._subject(question, context))

    def _subject(self, question: str, context: dict) -> str | None:
        """The system the conversation is about: the one whose party it named; or, for a question
        on the complaint itself that names no party ("投诉了以后多久有结果？" after wages unpaid were
        reported to the labour inspectors), the system whose channel took the complaint."""
        if context.get("subject"):
            return context["subject"]
        if (context.get("intent") == "ask_complaint" and context.get("system")
                and says(clean(question), "complained") and not self._names_a_party_of_the_list(question)):
            return context["system"]
        return None

    def _matter_beside(self, office: str, question: str, threshold: float | None) -> Answer | None:
        """"就业失业登记证在哪办，是社保中心管吗", "受了工伤要做鉴定往上报，是劳动科不": a matter of its
        own beside the office the caller guesses handles it. The matter decides, searched without
        the guess (whose name would pull its own row up); when another office handles it, the
        answer says that the one guessed does not. None when the question names no thing of the
        list but the office ("社保中心管啥", "农保中心负责什么"), the matter is not found or it is
        the office's own (its name then helps choose among its passages)."""
        aliases = sorted(self.kit.directory.aliases(office), key=len, reverse=True)
        rest = clean(question)
        if not any(alias in rest for alias in aliases):
            rest = self.retriever.said(question)  # the guess typed by sound ("是社宝中心管不")
        for alias in aliases:
            rest = rest.replace(alias, " ")
        if not any(self.retriever.names_a_thing(w) for w in self.retriever.list_words(rest, said_only=True)):
            return None
        # (a guess is overruled only by a matter the list is found to state on its own words)
        best = self.retriever.search(rest, k=1)
        if not best or not best[0].found:
            return None
        answer = self._office(rest, threshold)
        handling = answer.context.get("office") or ""
        if not answer.found or not handling or office in handling.split("、"):
            return None
        lead = f"按责任清单，这件事不是{office}负责，由{handling}负责。"
        return Answer(f"{lead}\n{answer.text}", answer.sources, answer.buttons, True,
                      {**answer.context, "question": question})

    def _office(self, question: str, threshold: float | None) -> Answer:
        """"Which office handles X": the duty table (and the services' own units) assign duties;
        a clause names an office only through its part of the list. A duty row close to the
        best passage answers. A wrong done to a worker that the complaint channel lists
        ("厂里欠了三个月工资，找哪个部门") is the channel's: the office that receives the
        complaint, not the one that makes the policy on wages."""
        cleaned = clean(question)
        acts = self.passages.reported_acts()
        violation = says(cleaned, "violation")
        if violation and acts and (duty := self._duty_asked(cleaned, threshold)) is not None:
            return duty
        if violation and acts:
            # (the wrong is told in so many words: its act passes a lower bar)
            bar = (threshold if threshold is not None else self.retriever.found_threshold) - VIOLATION_MARGIN
            act = self.retriever.search(question, k=1, only=acts, threshold=bar)
            if (act and act[0].found) or self.passages.told_act(question) is not None:
                other = self._another_departments_wrong(question, act[0].score if act else 0.0)
                if other is not None:
                    return other
                return self.passages.compose(question, "ask_complaint", self._asked_after_story(cleaned),
                                             threshold=bar, kinds=("clause",))
        general = self._general(question, "ask_office", threshold=threshold)
        if general.found and self.store.passage_by_id[general.context["ids"][0]].kind in DUTY_KINDS:
            return general
        duty = self.passages.compose(question, "ask_office", asked_aspects(clean(question)), threshold=threshold,
                                     kinds=DUTY_KINDS)
        # a boundary row that gives the matter to the bureau as a whole ("人社局") does not say which
        # of its offices handles it; a duty row that does answers (one giving it to 残联 stands)
        department = general.context.get("office") or ""
        whole_bureau = self.kit.is_the_bureau(department)
        # a question on the policy ("最低工资标准谁定") that shares its words with a wrong the
        # complaint channel lists is the policy's office's
        policy = not violation and general.found and general.context["ids"][0] in acts
        # a clause of a part of the list that names no office, nor says who does it, answers no "who"
        # ("失业保险到底归谁管？": the funds' scope, which names the 失业保险基金 among the funds)
        lead = self.store.passage_by_id[general.context["ids"][0]] if general.found else None
        says_none = lead is not None and not department and not lead.office and not DOER.search(lead.text)
        if duty.found and (not general.found or whole_bureau or policy or says_none
                           or duty.context.get("score", 0.0) >= general.context.get("score", 1.0) - DUTY_MARGIN):
            return duty
        return general

    @staticmethod
    def _asked_after_story(cleaned: str) -> tuple[Aspect, ...]:
        """The aspects an office question asks: what it says from where it asks whom to go to on
        ("…老板一分钱没给现在人也找不着了俺该找谁电话多少": the office, not what is done when a
        party fled - that is the story's)."""
        aspects = asked_aspects(cleaned)
        starts = [m.start() for a in aspects if a.name in OFFICE_ASPECTS and (m := a.question.search(cleaned))]
        if not starts:
            return aspects
        asking = cleaned[min(starts):]
        return tuple(a for a in aspects if a.question.search(asking))

    def _told_wrong(self, question: str, act: SearchHit) -> Answer:
        """The complaint of the act the clauses telling a wrong found, as the question reports it."""
        answer = self._general(act.text, "ask_complaint")
        answer.context = {**answer.context, "question": question}
        return answer

    def _another_departments_wrong(self, question: str, act_score: float) -> Answer | None:
        """The boundary row of another department that a told wrong reaches above the complaint
        channel's acts ("…车间粉尘大…厂里没申报过职业危害，该向哪个部门反映": the 安监局's 职业危害
        项目申报, not the labour inspectors' list); None otherwise."""
        hits = self.retriever.search(question, k=1, kinds=("boundary",))
        if not hits or not hits[0].found or hits[0].score <= act_score:
            return None
        row = self.store.passage_by_id[hits[0].id]
        if self.kit.is_the_bureau(row.office or ""):
            return None
        return self.passages.compose(question, "ask_boundary", asked_aspects(clean(question)), kinds=("boundary",))

    # ------------------------------------------------------------------ kinds of answers

    def _duty_asked(self, cleaned: str, threshold: float | None) -> Answer | None:
        """A story of a wrong whose last asking clause asks which office has a duty it names ("…一分
        补偿没给，我想申请劳动仲裁，是人社局哪个科管仲裁的？"): the duty row that holds every word of
        the list that clause says (the bureau named as where to ask is no duty); else None."""
        asking = asking_clause(cleaned)
        if asking == cleaned or kind_of(asking) != "ask_office":
            return None
        named = [w for w in self.retriever.list_words(without_asking(asking), said_only=True)
                 if not self.retriever.names_the_bureau(w)]
        if not named:
            return None
        duty = self.passages.compose(asking, "ask_office", asked_aspects(asking), threshold=threshold,
                                     kinds=DUTY_KINDS)
        return duty if duty.found and set(named) <= self.retriever.words_of(duty.context["ids"][:1]) else None

    def _general(self, question: str, intent: str | None, boost: dict | None = None,
                 threshold: float | None = None, subject: str | None = None) -> Answer:
        return self.passages.compose(question, intent, asked_aspects(clean(question)), boost, threshold,
                                     subject=subject)

    def _penalty(self, question: str, entities: dict, boost: dict | None = None,
                 threshold: float | None = None, subject: str | None = None) -> Answer:
        aspects = asked_aspects(clean(question))
        answer = self.penalties.compose(question, entities, aspects, boost, threshold, subject=subject)
        if answer is not None and not self.penalties.asks_beyond_the_rule(aspects, answer):
            return self._employers_act(question, answer) or answer
        # "谁实施处罚", "不服怎么办", "补签上了还会罚不": what the question asks no penalty rule
        # states (found or not); the clause that does
        stated = self.passages.compose(question, "ask_penalty", aspects, boost, threshold, subject=subject)
        if stated.found:
            return self._employers_act(question, stated) or stated
        return stated if answer is None else answer

    def _employers_act(self, question: str, answer: Answer, fine: bool = True) -> Answer | None:
        """For an employer's wrong ("老板克扣工资，会被罚多少？", "老板说俺试用期不合格，工资只给一
        半") that ``answer`` gives from another party's rules (the agencies' "年检不合格"): the act
        the complaint channel lists, as reported, and - a ``fine`` asked - that the list sets no
        sum for it; None when ``answer`` is not so, or no act is told."""
        if (not answer.found or not says(clean(question), "violation")
                or not self.penalties.for_another_party(question, (answer.context.get("ids") or [""])[0])):
            return None  # (no wrong told: "俺们公司那个案子，罚不罚是谁说了算？" asks who decides)
        bar = self.retriever.found_threshold - VIOLATION_MARGIN
        acts = self.retriever.search(question, k=1, only=self.passages.reported_acts(), threshold=bar)
        if not acts or not acts[0].found:
            return None
        act = self._told_wrong(question, acts[0])
        if not act.found or not fine:
            return act if act.found else None
        lines, sources = [NO_SUM_FOR_EMPLOYERS.format(bureau=self.kit.bureau), *act.text.splitlines()], list(act.sources)
        discretion = next((a for a in default_aspects() if a.name == "discretion"), None)
        if discretion is not None and (how := self._how_fines_are_set(acts[0].id, discretion)) is not None:
            # the act's system says how the sum is set ("按照行政处罚裁量标准计算出罚款数额")
            said = self.kit.excerpt(how.text, question, (discretion,))
            quoted = next((n for n, line in enumerate(lines) if line.startswith(QUOTE_LINE)), len(lines) - 1)
            lines.insert(quoted + 1, f"另见：{said}（{how.citation}）")
            sources.append(self.kit.source(how.id, said))
        return Answer("\n".join(lines), sources, act.buttons, True, act.context)

    def _how_fines_are_set(self, act_id: str, discretion: Aspect) -> Passage | None:
        """The clause of an act's supervision system that says how a fine's sum is set (the
        ``discretion`` aspect: "…按照行政处罚裁量标准计算出罚款数额"), or None."""
        system = self.store.passage_by_id[act_id].system_id
        return next((p for pid in self.retriever.answering(discretion)
                     if (p := self.store.passage_by_id[pid]).system_id == system and p.kind == "clause"), None)

    def _follow_up(self, question: str, entities: dict, context: dict) -> Answer:
        answer = self._follow_up_answer(question, entities, context)
        previous = context.get("intent") if context.get("intent") != "follow_up" else None
        said = self.previous.states(question, previous, context)
        if (said is not None and not self.details.flips(question, said)
                and self.previous.answers_instead(question, answer, said)
                and not self._party_of_its_own(question, answer, said)):
            # "要是过了期限没提呢" after the clause that says 逾期…视同无异议: the clause just quoted
            # (not when it names a party of its own: "那社保基金的日常监督呢？抽多少？" after the audits)
            return said
        system = context.get("system")
        if (said is not None and self._answers_in_system(question, said, system)
                and not self._answers_in_system(question, answer, system)):
            # the conversation's part of the list states what it asks, of the things it names
            # ("那不定期检查是根据啥开展的" after the pharmacies' yearly check), not the part read
            # alone that shares the words (the inspectors' special campaigns)
            return said
        return answer

    def _follow_up_answer(self, question: str, entities: dict, context: dict) -> Answer:
        previous = context.get("intent")
        if not previous or previous == "follow_up":
            previous = None
        if previous == "ask_phone":
            return self.offices.phone(question, entities, context)
        # Prefer the same part of the list as the previous answer - unless the follow-up names a
        # party another part supervises ("那社保基金的日常监督呢？" after the audits): its part.
        system = context.get("system")
        subject = context.get("subject")
        if (own := self.passages.subject_system(question)) is not None and own != system:
            system, subject = own, own
        boost = {p.id: CONTEXT_BOOST for p in self.store.passages if system and p.system_id == system}

        def ask(text: str, demoted: str | None = None) -> Answer:
            lifted = {**boost, demoted: -DEMOTED_BOOST} if demoted else boost
            if previous == "ask_penalty":
                return self._penalty(text, entities, lifted, subject=subject)
            return self._general(text, previous, lifted, subject=subject)

        topic = context.get("topic") or context.get("question")
        elliptical = self._elliptical(question)
        if elliptical and "phone" in {a.name for a in aspects_of(clean(question))} and context.get("office"):
            # "他们电话多少": the phone of the office the conversation is at
            return self.offices.phone(question, entities, context)
        def read_with_topic() -> Answer:
            with_topic = ask(f"{topic} {question}")
            if (with_topic.context.get("ids") or [None])[0] == (context.get("ids") or [None])[0] \
                    and self.details.flips(question, with_topic):
                # read with the topic, the passage that negates what the follow-up states plainly
                # comes back ("那要是需要行政处理的呢" after "不需要行政处理的…"): the topic without
                # its negation
                unnegated = f"{self.details.unnegated(topic, question)} {question}"
                with_topic = ask(unnegated)
                if self.details.flips(question, with_topic):
                    # (still the passage that negates it, by the topic's other words: the one
                    # below it that does not)
                    with_topic = ask(unnegated, demoted=with_topic.context["ids"][0])
            return with_topic

        if elliptical and topic and topic != question:
            # "谁负责考": too short to stand alone, it asks about the topic
            answer = read_with_topic()
            if answer.found:
                return answer
        answer = ask(question)
        if topic and topic != question and (not answer.found or leans_back(clean(question))):
            # "要是得了95分呢", "那要是介绍了4个呢": the detail changes, the matter is the topic's -
            # unless it describes another act of the same rules ("那要是介绍人去干法律不允许干的行当呢？")
            with_topic = read_with_topic()
            if answer.found and self.details.only_names_the_document(question, with_topic):
                # "那监督意见书里都写啥？": read with the topic, the clause that hands the document
                # over; read alone, the one that lists what it holds
                return answer
            if (with_topic.found or not answer.found) and not (
                    previous == "ask_penalty" and self.penalties.other_act(question, answer, with_topic)) \
                    and not self._situation_only_in(question, answer, with_topic):
                answer = with_topic
        if elliptical:
            return answer  # two words name no matter of their own
        # "那招这孩子的厂子呢": it may name a matter of its own that the list states elsewhere
        if self._states_told_for_subject(question, answer, subject):
            # (it names no party of its own: the conversation's party's clause on what it tells
            # answers, not another party's rule on the same words - "拒不改正" of the agencies)
            return answer
        alone = self._general(question, None)
        if (answer.found and alone.found
                and self.penalties.unit_of.get((answer.context.get("ids") or [""])[0]) == alone.context["ids"][0]):
            # read alone, the unit quoting every rule of the agencies holds more of "那要是年检过了，
            # 可它干了批准范围以外的业务呢" than the one rule on it, which answers
            return answer
        back = (alone.context.get("ids") or [None])[0] == (context.get("ids") or [None])[0]
        if alone.found and not (back and self.details.flips(question, alone)) and (
                not answer.found or alone.context.get("score", 0.0) > self._score_alone(question, answer) + STANDALONE_MARGIN
                or self._names_more(question, alone, answer)):
            alone.context["intent"] = previous  # still the same kind of conversation
            return alone
        return answer
