"""What kind of question a message is, read from the NLU's call and the conversation.

The NLU classifies a message alone. A message that leans on the conversation ("你刚说的那个…",
"要是只考了58分呢", "他们有没有宣传材料") is a follow-up whatever it says; an unsure call gives way
to the kind the question's form states ("…归哪个部门": ask_office; "…咋罚": ask_penalty).
"""

from __future__ import annotations

import re

from ..aspects import asked_aspects, asks, without_asking
from ..courtesy import announces_another_matter
from ..normalize import clean
from ..question_forms import kind_of, says
from ..retrieval import HybridRetriever
from .out_of_scope import OutOfScopeGate
from .previous import THEM

# A message that leans on the previous one: "那…呢", "要是…", "如果…", "还有…", "办的话…", "除了…还有啥别的"
# (a sentence of its own may end so: "情节严重的呢？谁来罚？")
FOLLOW_UP_CUE = re.compile(r"^(那|那么|那要是|要是|如果|假如|万一|还有|另外)|呢\s*([？?]|$)|^[\u4e00-\u9fff]{1,3}的话"
                           r"|^除了.{1,12}还有(啥|什么)?(别的|其他|其它)")
# A message that points back at what came before: a pronoun or "altogether".
REFERS_BACK = re.compile(r"^(他|她|它|他们|她们|这|那)|一共|总共|这个|那个|这家|那家|这种|那种|这事|那事")
# Of those, one that opens with a demonstrative and its classifier ("这些活动是哪个单位在张罗").
POINTS_BACK = re.compile(r"^(这|那)(些|个|种|家|事|件)")
# A message that names what the answer said ("你刚说的那个…", "刚才提到的…", "上面说的…").
# Where a message's clauses part: punctuation, or the spaces a phone keyboard leaves for it.
CLAUSE_BREAK = re.compile(r"[，,。.！!？?；;…~～\s]+")
SAID_BEFORE = re.compile(r"(你|您)?(刚才?|刚刚|上面|前面|之前)(说|提|讲)(的|到|过)|(你|您)说的(那|这)")
# A question with at most this many content words cannot stand alone ("谁负责考").
ELLIPTICAL_TOKENS = 2
# The words a complaint is made in ("投诉", "举报", "告他们", "维权").
COMPLAINING = re.compile(r"投诉|举报|告(他|她|他们|老板|厂|公司|单位|状)|维权|反映|揭发|曝光|讨说法|讨个说法")
# Intents whose kind of passage is a few rows (the boundaries, the services): an unsure guess of
# one keeps the search from the rest of the list.
NARROW_INTENTS = frozenset({"ask_boundary", "ask_service"})
# What a penalty question asks (aspects.tsv): the sum, what is done to the offender, the rule's
# tiers when not corrected or refused.
PENALTY_ASPECTS = frozenset({"amount", "sanction", "not_corrected", "refuse", "corrected", "enforce", "discretion"})


def leans_back(text: str) -> bool:
    """Whether the message leans on the previous one (FOLLOW_UP_CUE), unless it opens by
    announcing another matter ("另外问一下，…领丧葬费得交啥材料？"; "另外他们…" still asks of them)."""
    return FOLLOW_UP_CUE.search(text) is not None and not (announces_another_matter(text) and not THEM.search(text))


def elliptical(retriever: HybridRetriever, question: str) -> bool:
    """Whether the question says too few content words to stand alone (ELLIPTICAL_TOKENS)."""
    return len(retriever.query_tokens(clean(question))) <= ELLIPTICAL_TOKENS


class IntentReading:
    def __init__(self, retriever: HybridRetriever, out_of_scope: OutOfScopeGate, weak_intent: float = 0.6,
                 prior_confidence: float = 0.8):
        """``weak_intent``: below this NLU confidence the question's form may set its kind;
        ``prior_confidence``: below this, a form that asks for a penalty or an office does."""
        self.retriever = retriever
        self.out_of_scope = out_of_scope
        self.weak_intent = weak_intent
        self.prior_confidence = prior_confidence

    def elliptical(self, question: str) -> bool:
        return elliptical(self.retriever, question)

    def asks_only(self, question: str) -> bool:
        """Whether the question asks an aspect and names nothing else (no word of the list, no
        matter the list lacks): "顶格能罚到多少？", "一年几次？", "找谁管？电话多少？"."""
        text = clean(question)
        rest = without_asking(text)
        # (the bureau named as where to ask is no matter: "该联系县人社局哪个单位？")
        named = [w for w in self.retriever.list_words(rest) if not self.retriever.names_the_bureau(w)]
        return bool(asked_aspects(text)) and not named and not self.retriever.unknown_matter_words(rest)

    def asks_amid_chatter(self, text: str) -> bool:
        """Whether a message asks in its first clause only, of no matter the list lacks, and the
        rest asks nothing: chatter ("都快急死了 这几天天天下雨也干不成活")."""
        clauses = [c for c in CLAUSE_BREAK.split(text) if c]
        if len(clauses) < 2 or not asked_aspects(clauses[0]) or self.retriever.unknown_matter_words(clauses[0]):
            return False
        return not any(asked_aspects(c) or asks(c) for c in clauses[1:])

    def read(self, question: str, intent: str | None, confidence: float | None, context: dict) -> str | None:
        """The intent to answer ``question`` as (None: no kind, retrieval alone)."""
        text = clean(question)
        topic = context.get("topic")
        weak = confidence is not None and confidence < self.weak_intent
        unsure = intent is None or (intent != "out_of_scope" and weak)
        if topic and SAID_BEFORE.search(text):
            # "你刚说的那个邯郸市政府令，是第几号？": about the answer given, whatever the NLU says
            return "follow_up"
        if unsure and topic and (leans_back(text) or (self.elliptical(question) and asked_aspects(text))):
            # the NLU was unsure, but the message leans on the previous answer, or asks a few words
            # about it ("一年几次？" after the clause on the yearly check)
            return "follow_up"
        if intent == "out_of_scope" and context.get("missed"):
            # the turn before was refused: "那转学手续咋办？" after "划片咋划的？" leans on that
            # matter, not on the list's topic before it
            return intent
        if intent == "out_of_scope" and topic and self.asks_only(question):
            # "找谁管？电话多少？" after a story of unpaid wages: it names no matter at all, the
            # NLU's call on its form alone says nothing; it asks about the topic
            return kind_of(text) or "follow_up"
        if intent == "out_of_scope" and topic and leans_back(text) and self.asks_amid_chatter(text):
            # "那恁们查要查多长时间啊 都快急死了 这几天天天下雨也干不成活 烦死了": the NLU's call is
            # on the weather; the clause that asks is about the topic
            return kind_of(text) or "follow_up"
        if intent == "out_of_scope" and topic and (leans_back(text) or POINTS_BACK.search(text)) \
                and (weak or self.out_of_scope.changes_a_detail(question)):
            # "要是只考了58分呢" changes one detail of the topic, "这些活动是哪个单位在张罗" points at
            # it; "那护照呢", "那网购被骗呢" name matters the list lacks (unless the NLU was unsure
            # of its call: "那要是钱已经打到我们账上了呢")
            return "follow_up"
        if intent == "out_of_scope" and topic and THEM.search(text) and weak:
            # "另外他们有没有啥宣传材料能发给村民？": an unsure call on a message about the office or
            # the people the conversation is at
            return "follow_up"
        if intent in ("out_of_scope", "follow_up"):
            return intent
        doubted = confidence is not None and confidence < self.prior_confidence
        if intent == "ask_complaint" and doubted and not says(text, "violation") and not COMPLAINING.search(text):
            # "我失业了，想办《就业失业登记证》，是不是得先交材料审核？", read as a complaint without
            # much confidence: it tells no wrong and makes no complaint (the form's kind, if any)
            return kind_of(text)
        if intent == "ask_phone" and weak and "phone" not in {a.name for a in asked_aspects(text)}:
            # "会不会打电话问我们学员？", an unsure phone call on a message that asks no number
            return kind_of(text)
        if intent == "ask_boundary" and weak and says(text, "asks_bureau"):
            # "…偷偷排污，找人社局管用不？该找谁？": an unsure boundary call the form agrees with
            # (whether the bureau is the place at all), though it asks who too
            return intent
        if (intent == "ask_penalty" and weak and kind_of(text) != intent
                and not {a.name for a in asked_aspects(text)} & PENALTY_ASPECTS):
            # "俺们厂领过就业补贴 人社局还会回头来查吗 多长时间查一次啊", an unsure penalty call on a
            # message that asks no fine and no sanction: the penalty rules are no guess to keep
            return kind_of(text)
        if intent is None or weak:
            # the NLU is unsure; the question's form may still say its kind ("…归哪个部门"); if it
            # does not, a guess that would keep the search to one kind of passage (a boundary row for
            # "开了家职业中介，来检查都查些啥") is no guess to keep
            return kind_of(text) or (None if intent in NARROW_INTENTS else intent)
        if intent != "ask_penalty" and doubted and kind_of(text) == "ask_penalty":
            # "…还收了我介绍费，这种中介咋罚", read as a complaint without much confidence: it asks
            # for the penalty in so many words
            return "ask_penalty"
        if intent == "ask_boundary" and doubted and kind_of(text) == "ask_office" and not says(text, "asks_bureau"):
            # "…这个认定是谁负责", read as a boundary question without much confidence: the office
            # path keeps a row that gives the matter to another department, and prefers the duty
            # row to one that gives it to the bureau as a whole (unless it asks whether the bureau
            # is the place at all: "隔壁厂子偷偷排污，找人社局管用不？该找谁？")
            return "ask_office"
        if intent in NARROW_INTENTS and doubted and not says(text, "asks_bureau") and kind_of(text) != intent:
            # "人社局会不会去查那些职业中介？", read as a boundary question without much confidence: a
            # guess that keeps the search to one kind of passage is no guess to keep (the form's
            # kind, if it says one)
            return kind_of(text)
        return intent
