"""What a follow-up says about the passage the conversation is at, beside the words it shares with it.

A follow-up is read with the conversation's topic ("那要是…呢"), and the passage the conversation
is at answers what it asks of it. Three things the words alone do not tell:

- it points at a document that passage names ("那这个文书里一般写哪些内容？" after "下达监督意见书");
- it states plainly what that passage negates ("那要是需要行政处理的呢" after "不需要行政处理的…"):
  the detail changed, so that passage is no answer and the topic is read without the negation;
- it asks a number (how long, how often, how many) a clause does not state.
"""

from __future__ import annotations

import re

from ..aspects import STATED_OR_NOT, Aspect, asked_aspects, without_asking
from ..normalize import clean
from ..retrieval import HybridRetriever
from ..store import KnowledgeStore
from .base import Answer
from .parts import DOCUMENT_NAME, DOCUMENT_VERB, POINTED_DOCUMENT
from .previous import PreviousPassageComposer

# A word negated ("不需要行政处理", "没造成…"): the negation before it (a pattern of ``word``).
NEGATED = r"(不|没有|没|未|无)(?=(需要|需|用|必)?{word})"


# This many first characters of a passage, in an answer, say the answer shows it.
SHOWN_CHARS = 20

# What the list promises the person who reports or is charged: kept secret, heard.
RIGHTS_ASPECTS = frozenset({"secrecy", "hearing", "by_letter"})


class FollowUpDetails:
    def __init__(self, store: KnowledgeStore, retriever: HybridRetriever, previous: PreviousPassageComposer):
        self.store = store
        self.retriever = retriever
        self.previous = previous

    def _lead(self, answer_or_context: Answer | dict):
        context = answer_or_context.context if isinstance(answer_or_context, Answer) else answer_or_context
        return self.store.passage_by_id.get((context.get("ids") or [""])[0])

    def document_named(self, question: str, context: dict) -> str:
        """The question with a document it points at ("这个文书", "那张表") named as the passage the
        conversation is at names it ("下达监督意见书" → 监督意见书); the question itself when it
        points at none or the passage names no single document."""
        pointed = POINTED_DOCUMENT.search(question)
        lead = self._lead(context)
        if pointed is None or lead is None:
            return question
        names = list(dict.fromkeys(DOCUMENT_VERB.sub("", m.group(1) or m.group(2))
                                   for m in DOCUMENT_NAME.finditer(lead.text)))
        if len(names) != 1:
            return question
        return question[:pointed.start()] + names[0] + question[pointed.end():]

    def only_names_the_document(self, question: str, answer: Answer) -> bool:
        """Whether the answer's clause only names the document the question asks about."""
        lead = self._lead(answer)
        return lead is not None and lead.kind == "clause" and self.previous.names_document_only(lead, question)

    def unnegated(self, topic: str, question: str) -> str:
        """The topic without the negation of what the follow-up states ("…不需要行政处理的…" →
        "那要是得行政处理呢": 需要行政处理): the detail changes to what was negated."""
        for word in self._said_plainly(question):
            topic = re.sub(NEGATED.format(word=re.escape(word)), "", topic)
        return topic

    def flips(self, question: str, answer: Answer) -> bool:
        """Whether the follow-up states plainly what the answer's passage negates ("那要是得行政处理呢"
        after "不需要行政处理的，下达监督意见书"): it is not a question about that passage."""
        lead = self._lead(answer)
        return lead is not None and any(re.search(NEGATED.format(word=re.escape(w)), lead.text)
                                        for w in self._said_plainly(question))

    def _said_plainly(self, question: str) -> list[str]:
        """The follow-up's words of the list (two characters or more) that it does not negate."""
        text = clean(question)
        return [w for w in self.retriever.list_words(text)
                if len(w) >= 2 and not re.search(NEGATED.format(word=re.escape(w)), text)]

    def asks_what_it_does_not_state(self, question: str, answer: Answer) -> bool:
        """Whether the question asks a number (how long, how often, how many) or what is done to
        the wrongdoer that the clause answering it does not state (who is asked is stated in too
        many ways to tell)."""
        asked = [a for a in asked_aspects(clean(question)) if a.name in STATED_OR_NOT]
        lead = self._lead(answer)
        if not asked or lead is None or lead.kind != "clause":
            return False
        if not any(a.answered_in(lead.text) for a in asked):
            return True
        # the lead states it, but what the answer shows may be another clause (a heading's parts):
        # what it says counts then (not its neighbours or its citation)
        said = "\n".join(line for line in answer.text.splitlines() if not line.startswith(("另见：", "出处：")))
        return lead.text[:SHOWN_CHARS] not in said and not any(a.answered_in(said) for a in asked)

    def states_all_asked(self, question: str, passage_id: str) -> bool:
        """Whether the passage states every aspect the question asks, and the question names no word
        of the list beside them that the passage lacks ("抽查比例多少" of "…抽查面不低于 50％"; not
        "他们能录音录像吗")."""
        text = clean(question)
        asked = asked_aspects(text)
        p = self.store.passage_by_id[passage_id]
        held = self.retriever.words_of([passage_id])
        return bool(asked) and all(a.answered_in(p.text) for a in asked) and all(
            w in held or w in p.text for w in self.retriever.list_words(without_asking(text)))

    def rights_unstated(self, question: str, answer: Answer, asked: tuple[Aspect, ...] | None = None) -> tuple[Aspect, ...]:
        """What the question asks of the list's promises to the person who reports or is charged
        (RIGHTS_ASPECTS: secrecy, a hearing) that the answer's lead passage does not state."""
        if asked is None:
            asked = tuple(a for a in asked_aspects(clean(question)) if a.name in RIGHTS_ASPECTS)
        lead = self.store.passage_by_id.get((answer.context.get("ids") or [""])[0])
        return tuple(a for a in asked if lead is None or not a.answered_in(lead.text))
