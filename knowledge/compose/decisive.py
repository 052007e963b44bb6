"""The clause that alone states what a question asks ("不交罚款怎么办", "处罚不服怎么办", "拒不签收
怎么办", "举报以后会怎么处理"), when the passage found for the question's matter does not.

Few clauses state such a thing (an aspect of high specificity, knowledge.aspects); their words
are the procedure's, the question's words are the matter's, so retrieval alone ranks them low.
What one procedure states for all (行政复议, 强制执行) is taken wherever it stands; what several
supervision systems state each for itself (how a report is taken, the share checked) is the
matter's system's to say.
"""

from __future__ import annotations

from ..aspects import COUNTED_ASPECTS, Aspect
from ..retrieval import SearchHit
from .base import Kit

# Aspects this specific (HybridRetriever.specificity) decide which clause answers, for questions
# of these kinds.
DECISIVE_SPECIFICITY = 0.5
DECISIVE_INTENTS = frozenset({"ask_penalty", "ask_procedure", "ask_complaint", "ask_supervision"})
# An aspect this specific is stated by one or two clauses of the list: when the question's
# matter is found, the best of them answers whatever its words.
SOLE_SPECIFICITY = 0.7
# ... and so many clauses of the system a conversation is about state what it asks.
SOLE_IN_SYSTEM = 2


class DecisiveClause:
    def __init__(self, kit: Kit):
        self.kit = kit

    def find(self, question: str, intent: str | None, aspects: tuple[Aspect, ...],
             hits: list[SearchHit], subject: str | None = None) -> SearchHit | None:
        """For a question of a factual kind that asks something only a few clauses state ("不交罚款
        怎么办", "处罚不服怎么办", "拒不签收怎么办"): the best of those clauses, when the best
        passage found does not state it. Their bar is lower by the aspect's re-rank weight: the
        question's words are the matter's, the clause's words are the procedure's. ``subject``:
        the supervision system the conversation is about (its party named before)."""
        retriever = self.kit.retriever
        specific = [a for a in aspects if retriever.specificity(a) >= DECISIVE_SPECIFICITY]
        if hits and hits[0].found:
            # the best passage describes the very situation asked about ("拒不执行整改意见的，
            # 经办机构应报请…处罚"): it answers, not the general clause on that situation
            specific = [a for a in specific if not a.question.search(hits[0].text)]
        if not specific:
            return None
        counted = [a for a in aspects if a.name in COUNTED_ASPECTS]
        if (hits and hits[0].found and hits[0].kind != "clause" and counted
                and all(a.answered_in(hits[0].text) for a in (*specific, *counted))):
            # a row that states in its own words all that is asked, a time among it ("对农民工欠薪
            # 投诉实行当日受理"): it answers (a row that names a wrong in passing does not answer
            # how a case goes on)
            return None
        if intent not in DECISIVE_INTENTS:
            if intent is not None:
                return None
            # without an intent (the NLU unsure) only what one or two clauses state decides ("包工头
            # 跑了，电话也打不通，这案子还查不查": the clause on a party who fled, whatever else it asks),
            # or what one or two clauses of the system the conversation is about state ("要是俺们就是
            # 不退呢" after an audit's decision: the audit's clause on orders not heeded)
            specific = [a for a in specific if retriever.specificity(a) >= SOLE_SPECIFICITY
                        or self._sole_in(a, subject)]
            if not specific:
                return None
        # the most specific first ("包工头跑了，这案子还查不查": the clause on a party who fled, not
        # the one on what is done with reports)
        for aspect in sorted(specific, key=lambda a: -retriever.specificity(a)):
            found = self._for(question, [aspect], hits, subject)
            if found is not None:
                return found
            if hits and hits[0].found and hits[0].kind == "clause" and aspect.answered_in(hits[0].text):
                return None  # the best passage states it: it answers
        return None

    def _sole_in(self, aspect: Aspect, system: str | None) -> bool:
        """Whether one or two clauses of ``system`` state ``aspect``."""
        store = self.kit.store
        return bool(system) and 0 < sum(
            store.passage_by_id[pid].system_id == system for pid in self.kit.retriever.answering(aspect)) <= SOLE_IN_SYSTEM

    def _for(self, question: str, specific: list[Aspect], hits: list[SearchHit],
             subject: str | None = None) -> SearchHit | None:
        """The clause that states ``specific`` for the matter (or for the conversation's
        ``subject`` system when no matter is found), or None."""
        retriever = self.kit.retriever
        # (clauses: a table row or a service answers by its columns, as in the search's re-rank)
        stating = [h for h in hits if h.found and h.kind == "clause" and any(a.answered_in(h.text) for a in specific)]
        bar = retriever.found_threshold - retriever.aspect_weight * max(retriever.specificity(a) for a in specific)
        if stating:
            # a found passage states it already: the best of those ("申诉" on the civil servants' row);
            # but when it is of another part of the list than the matter's, the matter's own part
            # says it for the matter ("骗领就业补贴，举报以后会怎么处理": the employment fund's clause
            # on reports, not the labour inspectors') - unless it is of the system the conversation
            # is about ("投诉了以后多久有结果？" after unpaid wages reported to the labour inspectors:
            # their filing clause, not the fund's, which the word 投诉举报 of its hotline reaches)
            if subject and self.kit.store.passage_by_id[stating[0].id].system_id == subject:
                return None if stating[0] is hits[0] else stating[0]
            if subject and all(self._sole_in(a, subject) for a in specific):
                # (the conversation's party's own clause on it, though another party's rule shares
                # the words: "一直不改呢" after an audit's warning is the audit's order not heeded,
                # not the agencies' 拒不改正)
                if (own := self._stated_in(question, specific, subject, bar)) is not None:
                    return own
            own = self._stated_for_matter(question, specific, hits, stating[0], bar)
            if own is not None:
                return own
            if self._another_systems(question, stating[0], specific, hits):
                return None
            return None if stating[0] is hits[0] else stating[0]
        ids = frozenset(pid for a in specific for pid in retriever.answering(a))
        store = self.kit.store
        matter = self._matter(question, hits, None)
        system = store.passage_by_id[matter.id].system_id if matter is not None else ""
        sole = not system and all(self._sole_in(a, subject) for a in specific)
        if sole:
            system = subject or ""
        if system and self._system_bound(specific):
            # what several systems state each for itself (how a report is taken, the share checked)
            # is the matter's system's to say; another system's clause is about another matter
            ids = frozenset(pid for pid in ids if store.passage_by_id[pid].system_id == system)
            if not ids:
                return None
        found = retriever.search(question, k=1, aspects=tuple(specific), only=ids, threshold=bar)
        if found and not found[0].found and (sole or hits and hits[0].found and all(
                retriever.specificity(a) >= SOLE_SPECIFICITY for a in specific)):
            # the question is about the list (its matter was found), and what it asks only one
            # or two clauses state at all ("不公平，还有啥路子"): their words are the procedure's
            found[0].found = True
        return found[0] if found and found[0].found else None

    def _matter(self, question: str, hits: list[SearchHit], stating: SearchHit | None) -> SearchHit | None:
        """What the question is about: the passage ranked first if it was found and is not the one
        an aspect lifted there, else the passage found that holds most of the question's rare terms
        of the list ("…按最低档的基数报…收到举报会咋登记": the audit's 缴费基数, not a wage clause
        that scores as well on the common words), the best-scoring on a tie."""
        if hits and hits[0].found and hits[0] is not stating:
            return hits[0]
        rare = self.kit.retriever.rare_evidence
        return max((h for h in hits if h.found and h is not stating),
                   key=lambda h: (rare(question, h.id), h.score), default=None)

    def _system_bound(self, specific: list[Aspect]) -> bool:
        """Whether several supervision systems state the aspect each for its own matters (how a
        report is taken, the share checked), rather than one procedure for all (行政复议)."""
        store, retriever = self.kit.store, self.kit.retriever
        return len({store.passage_by_id[pid].system_id for a in specific for pid in retriever.answering(a)}) > 1

    def _another_systems(self, question: str, stating: SearchHit, specific: list[Aspect],
                         hits: list[SearchHit]) -> bool:
        """Whether the passage stating a system-bound aspect is of another system than the matter."""
        store = self.kit.store
        matter = self._matter(question, hits, stating)
        system = store.passage_by_id[matter.id].system_id if matter is not None else ""
        return (bool(system) and store.passage_by_id[stating.id].system_id != system
                and self._system_bound(specific))

    def _stated_for_matter(self, question: str, specific: list[Aspect], hits: list[SearchHit],
                           stating: SearchHit, bar: float) -> SearchHit | None:
        """The clause stating the aspect in the supervision system of the matter (see _matter),
        when the passage that states it is of another system and scores below the matter."""
        store = self.kit.store
        matter = self._matter(question, hits, stating)
        system = store.passage_by_id[matter.id].system_id if matter is not None else ""
        if not system or store.passage_by_id[stating.id].system_id == system or matter.score <= stating.score:
            return None
        return self._stated_in(question, specific, system, bar)

    def _stated_in(self, question: str, specific: list[Aspect], system: str, bar: float) -> SearchHit | None:
        """The best of ``system``'s clauses that state ``specific``, taken as found (the matter or
        the conversation's party is the system's; its clause says what is asked); None when none
        of its clauses states it."""
        store, retriever = self.kit.store, self.kit.retriever
        ids = frozenset(pid for a in specific for pid in retriever.answering(a)
                        if store.passage_by_id[pid].system_id == system)
        found = retriever.search(question, k=1, aspects=tuple(specific), only=ids, threshold=bar) if ids else []
        if not found:
            return None
        found[0].found = True
        return found[0]
