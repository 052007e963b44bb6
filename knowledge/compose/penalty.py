"""Penalties: the fine and the measures first, then the clause, the authority and the basis."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..aspects import SITUATIONS, Aspect, asking_part
from ..normalize import clean
from ..numerals import CN_NUMBER, cn_to_int
from ..retrieval import SearchHit
from .base import EMPLOYER_TERM, QUOTE_LINE, Answer, Kit

# (a count of people, not of time: "三个礼拜", "两个月")
COUNT = re.compile(rf"(\d+|{CN_NUMBER})\s*(?:个|名|位|人)(?!民|社|力|事|员|才|月|礼拜|星期|工作日|小时|钟头|季度|年|周|多月)")
# Boost (in fused-rank units) for clauses that carry a penalty rule, on a "how is it punished"
# question; rank 1 in both rankings is worth about 0.033.
PENALTY_BOOST = 0.02
# A penalty rule ranked below the best passage answers only within this score of it.
RULE_MARGIN = 0.1
# What a penalty question may ask that a penalty rule does not state: who imposes penalties,
# the appeal route, service and enforcement of the decision, a corrected case, the steps.
NOT_THE_RULE = frozenset({"who", "definition", "appeal", "hearing", "refuse", "enforce", "corrected", "steps", "time_limit", "result",
                          "discretion", "score"})


def count_in(question: str, entities: dict) -> int | None:
    said = list(COUNT.finditer(clean(question)))
    for value in entities.get("count") or []:
        # (the NLU's count, where the question says it as a count of people: "三个" of "干满三个月"
        # counts time)
        if not any(str(value) in (m.group(0), m.group(1)) for m in said):
            continue
        try:
            return cn_to_int(re.sub(r"[个名位人]", "", str(value)))
        except ValueError:
            continue
    # the last count said: a follow-up read with its topic ("…1个… 那要是介绍了4个呢") changes it
    m = next(reversed(said), None)
    if m:
        try:
            return cn_to_int(m.group(1))
        except ValueError:
            return None
    return None


# How much the words that tell a unit's rules apart add to a rule's score (see closest_rule)
TELLING_WEIGHT = 0.3
# How much a rule loses for saying the contrary of what the question says (see
# HybridRetriever.contrary_share): "已经造成基金损失" is not the rule for "没有造成基金损失的".
CONTRARY_WEIGHT = 0.2
# A follow-up's own rule this much closer to its words than the topic's rule is another act asked.
OTHER_ACT_MARGIN = 0.05
# How far into a unit of rules its opening names the party it punishes ("（一）根据《…条例》第二十五条
# 规定，人力资源服务机构违反本条例规定，…").
OPENING_CHARS = 60


class PenaltyComposer:
    def __init__(self, kit: Kit, subjects: dict[str, str] | None = None,
                 subject_of: Callable[[str], str | None] = lambda question: None):
        """``subjects``: the names of what each supervision system supervises, with its id;
        ``subject_of``: the system whose party a question names (both PassageComposer's)."""
        self.kit = kit
        self.subjects = subjects or {}
        self.subject_of = subject_of
        self.boost = {p.clause_id: PENALTY_BOOST for p in kit.store.penalties}
        # the numbered rules a unit quotes ("（一）根据…依照下列规定处罚：（1）…"), by the unit's id
        self.rules_of: dict[str, frozenset[str]] = {}
        self.unit_of: dict[str, str] = {}
        for c in kit.store.clauses:
            if c.parent_id and c.id in kit.store.penalty_by_clause:
                self.rules_of[c.parent_id] = self.rules_of.get(c.parent_id, frozenset()) | {c.id}
                self.unit_of[c.id] = c.parent_id

    def other_act(self, follow_up: str, own: Answer, with_topic: Answer) -> bool:
        """Whether a follow-up describes another act of the same unit of rules than the topic's
        ("那要是介绍人去干法律不允许干的行当呢？" after the rule on placing children): the topic's rule
        says the contrary of it, or its own rule holds as much of its words that tell the two apart
        and matches it by OTHER_ACT_MARGIN more ("那要是介绍了4个呢" matches both alike)."""
        mine, theirs = (own.context.get("ids") or [None])[0], (with_topic.context.get("ids") or [None])[0]
        if not (own.found and with_topic.found and mine and theirs and mine != theirs):
            return False
        if not self._one_unit(mine, theirs):
            return False
        retriever = self.kit.retriever
        if retriever.contrary_share(follow_up, theirs) > retriever.contrary_share(follow_up, mine):
            return True  # "那要是已经造成基金损失了呢？": the topic's rule is for "没有造成基金损失的"
        telling = retriever.distinguishing_coverage(follow_up, [mine, theirs])
        scores = {h.id: h.score for h in retriever.search(follow_up, k=2, only=frozenset({mine, theirs}))}
        return (telling[mine] >= telling[theirs]
                and scores.get(mine, 0.0) >= scores.get(theirs, 0.0) + OTHER_ACT_MARGIN)

    def _one_unit(self, a: str, b: str) -> bool:
        """Whether two rules are of one unit: quoted by one clause, or numbered under one heading."""
        if self.unit_of.get(a) is not None and self.unit_of.get(a) == self.unit_of.get(b):
            return True
        ca, cb = self.kit.store.clause_by_id.get(a), self.kit.store.clause_by_id.get(b)
        return (ca is not None and cb is not None
                and (ca.system_id, ca.section, ca.subsection) == (cb.system_id, cb.section, cb.subsection))

    def for_another_party(self, question: str, rule_id: str) -> bool:
        """Whether a rule (or its unit) punishes a party the question does not speak of: the unit
        opens by naming what its system supervises ("人力资源服务机构违反本条例规定…"), and the
        question names an employer ("老板克扣工资，会被罚多少？") and no party of that system."""
        store = self.kit.store
        passage = store.passage_by_id.get(rule_id)
        if (passage is None or not passage.system_id
                or (rule_id not in store.penalty_by_clause and rule_id not in self.rules_of)):
            return False
        if EMPLOYER_TERM not in self.kit.retriever.normalize(question) or self.subject_of(question) == passage.system_id:
            return False
        unit = store.passage_by_id.get(self.unit_of.get(rule_id, rule_id), passage)
        opening = unit.text[:OPENING_CHARS]
        return any(name in opening for name, system in self.subjects.items() if system == passage.system_id)

    def asks_beyond_the_rule(self, aspects: tuple[Aspect, ...], answer: Answer) -> bool:
        """True when the question asks what the penalty rule of ``answer`` does not state."""
        beyond = [a for a in aspects if a.name in NOT_THE_RULE]
        rule = self.kit.store.penalty_by_clause.get((answer.context.get("ids") or [""])[0])
        return bool(beyond) and not (rule and any(a.answered_in(rule.text) for a in beyond))

    def closest_rule(self, question: str, rules: frozenset[str], aspects: tuple[Aspect, ...],
                     threshold: float | None) -> SearchHit | None:
        """Of one unit's numbered rules, the one whose act the question describes: meaning, and
        the words that tell the rules apart (not the words they all share)."""
        retriever = self.kit.retriever
        hits = [h for h in retriever.search(question, k=len(rules), aspects=aspects, only=rules,
                                            threshold=threshold) if h.found]
        if not hits:
            return None
        ids = [h.id for h in hits]
        # in a story, the act the question itself names ("这种发假招工信息的职介所该怎么罚") before
        # what the story tells ("表哥给我介绍了…")
        telling = retriever.distinguishing_coverage(asking_part(clean(question)), ids)
        if not any(telling.values()):
            telling = retriever.distinguishing_coverage(question, ids)
        asked = asking_part(clean(question))
        return max(hits, key=lambda h: h.score + TELLING_WEIGHT * telling[h.id]
                   - CONTRARY_WEIGHT * retriever.contrary_share(asked, h.id))

    def _holds_more(self, question: str, one: SearchHit, other: SearchHit) -> bool:
        """Whether ``one`` holds more of the words of the list the question says than ``other``."""
        retriever = self.kit.retriever
        said = set(retriever.list_words(question))
        return len(said & retriever.words_of([one.id])) > len(said & retriever.words_of([other.id]))

    def compose(self, question: str, entities: dict, aspects: tuple[Aspect, ...],
                boost: dict | None = None, threshold: float | None = None,
                subject: str | None = None) -> Answer | None:
        """The penalty answer, or None when the best clause carries no penalty rule; ``subject``:
        the system whose party the conversation is about (its rules answer a follow-up that names
        none: "他们要是嘴上认了，就是一直不改呢？" after the audit's warning)."""
        kit, store = self.kit, self.kit.store
        hits = kit.search(question, "ask_penalty", {**self.boost, **(boost or {})}, aspects, threshold=threshold)
        # the boost lifts rules in the order: a lifted rule below the bar does not hide a passage
        # above it ("抽查不符合规定，拨下来的钱要退吗" is answered by a clause, not a rule)
        found = [h for h in hits[:5] if h.found]
        if not found:
            return kit.not_found(question, hits)
        # a penalty rule close to the best passage answers; one far below it is another matter
        # (of the close ones, the rule whose words cover the act described best)
        # (the margin is to the best score, not to a lifted rule)
        best = max(found, key=lambda h: h.score)
        considered = hits[:3]
        own = [h for h in found if subject and store.passage_by_id[h.id].system_id == subject]
        if own and store.passage_by_id[best.id].system_id != subject:
            best = max(own, key=lambda h: h.score)
            considered = own
        # (and of the best passage's own system: a rule of another one is about another matter,
        # "补贴抽查违规" is not the agencies' "证件不全" rule)
        system = store.passage_by_id[best.id].system_id
        rules = [h for h in considered if h.found and h.id in store.penalty_by_clause
                 and h.score >= best.score - RULE_MARGIN
                 and (not system or store.passage_by_id[h.id].system_id == system)]
        # (of rules scored alike, not the one that says the contrary: "已经造成基金损失" is not
        # "…且没有造成基金损失的")
        asked = asking_part(clean(question))
        # (nor, of rules scored alike, the one that does not state the situation told: "限期整改，
        # 单位就是拖着不改" is the rule for 拒不执行整改意见, not the warning for a slight wrong)
        told = [a for a in aspects if a.name in SITUATIONS]

        def fit(h: SearchHit) -> float:
            situation = max((kit.retriever.specificity(a) for a in told if a.answered_in(h.text)), default=0.0)
            return (h.score - CONTRARY_WEIGHT * kit.retriever.contrary_share(asked, h.id)
                    + kit.retriever.aspect_weight * situation)

        hit = max(rules, key=fit) if rules else best
        if hit is not best and best.id not in store.penalty_by_clause and self._holds_more(question, best, hit):
            # the best passage, a measure rather than a rule, describes the situation told better
            # ("单位拒不配合稽核调查，能采取什么措施": 紧急保全, not the warning for slight wrongs)
            hit = best
        # a unit that quotes its numbered rules ("（一）根据…依照下列规定处罚：（1）…（10）…"), or
        # one of them: the rule whose act the question describes answers, not the whole unit
        parts = self.rules_of.get(self.unit_of.get(hit.id, hit.id))
        if parts:
            rule = self.closest_rule(question, parts, aspects, threshold)
            if rule is not None:
                hit = rule
        penalty = store.penalty_by_clause.get(hit.id)
        if penalty is None:
            return None
        p = store.passage_by_id[hit.id]
        lines = []
        if penalty.fine_min is not None:
            unit = "每人" if penalty.per_person else ""
            amount = (f"{penalty.fine_min} 元" if penalty.fine_min == penalty.fine_max
                      else f"{penalty.fine_min} 元以上 {penalty.fine_max} 元以下")
            lines.append(f"罚款：{unit}{amount}。")
            count = count_in(question, entities)
            if penalty.per_person and count:
                lo, hi = penalty.fine_min * count, penalty.fine_max * count
                total = f"{lo} 元" if lo == hi else f"{lo} 元至 {hi} 元"
                lines.append(f"按 {count} 人计算：{count} × {amount} = {total}。")
        other = [m for m in penalty.measures if m != "罚款"]
        if other:
            lines.append("其他措施：" + "、".join(other) + "。")
        for cond in penalty.conditional_measures:
            lines.append(f"另外：{cond}。")
        lines.append(f"{QUOTE_LINE}{penalty.text}")
        if penalty.imposed_by:
            lines.append(f"处罚机关：{penalty.imposed_by}。")
        if penalty.legal_basis:
            lines.append(f"依据：{penalty.legal_basis}。")
        lines.append(f"出处：{penalty.citation}。")
        return Answer("\n".join(lines), [kit.source(hit.id, penalty.text)], [], True,
                      {"intent": "ask_penalty", "office": p.office.split("、")[0] or None, "ids": [hit.id],
                       "system": p.system_id, "question": question, "score": hit.score})
