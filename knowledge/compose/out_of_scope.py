"""When the NLU calls a message out of scope: whether the list covers it anyway.

The NLU's out-of-scope class is learnt from other agencies' matters asked in few words ("驾照
到期去哪换"). A message it so calls may still be the list's: a strong passage holding its rare
terms, a story told in the list's own words (many of them, beside the everyday words that made
the NLU doubt), a question on the bureau's own competence whose rare terms a passage holds, or a
follow-up that changes one detail of the conversation's topic. Anything else stays refused, with
no office or phone of the bureau.
"""

from __future__ import annotations

from ..aspects import without_asking
from ..normalize import clean
from ..question_forms import kind_of, says
from ..retrieval import RARE_EVIDENCE, RARE_IDF, RARE_MARGIN, HybridRetriever

# A message that says this many words of the list (and more of them than of matters the list
# lacks) is the list's when a passage is found; the other agencies' matters callers ask of the
# bureau say five at most ("买的商品房想办不动产登记证，人社局哪个科室负责？电话多少？").
LIST_WORDED = 6
# How far above ``override`` a passage holding one rare term of the question overrules the call.
VERY_STRONG = 0.15


class OutOfScopeGate:
    def __init__(self, retriever: HybridRetriever, override: float = 0.6, certain: float = 0.9):
        """``override``: the search score above which a passage holding the question's rare terms
        (or any, when the NLU itself was unsure) answers; ``certain``: the NLU's confidence from
        which a wrong told in the list's words does not overrule its call ("房东不退押金": a
        landlord's deposit, not an employer's)."""
        self.retriever = retriever
        self.override = override
        self.certain = certain

    def covered(self, question: str, doubted: bool, certain: bool = False) -> tuple[bool, str | None]:
        """Whether the list covers the message after all, and the kind its form says (None: any);
        ``certain``: the NLU's call is all but sure (see ``self.certain``)."""
        retriever = self.retriever
        hits = retriever.search(question, k=3)
        if not hits:
            return False, None
        # (the passage found among the first few: a duty row the words of a long story reach
        # first does not hide the clause below it that the story is about)
        hits = [next((h for h in hits if h.found), hits[0])]
        # (its rare terms, not the words that ask: "报销比例是多少" holds 比例 of the shares checked)
        asked = without_asking(clean(question))
        rare = retriever.holds_rare_terms(asked, hits[0].id)
        # (one rare term of the question: "城乡居民养老保险" is one compound word of the list)
        one_rare = retriever.rare_evidence(asked, hits[0].id) >= RARE_IDF
        strong = hits[0].score >= self.override and (doubted or rare)
        # a passage above the bar that holds a rare term the question says itself (not one the
        # synonym table adds: "孩子上小学报名" adds 未成年人), or far above it one it adds
        # ("城乡居民养老保险归哪个单位管？电话多少？": the NLU misled by the form it shares with
        # other agencies' matters)
        said_evidence = retriever.rare_evidence(asked, hits[0].id, said_only=True)
        said_rare = said_evidence >= RARE_IDF
        # (several rare terms said, as the found gate reads them: "丧葬扶恤费…证民材料" names the
        # list's 丧葬抚恤费 whatever its typo made the NLU think)
        override = self.override - (RARE_MARGIN if said_evidence >= RARE_EVIDENCE else 0.0)
        strong = strong or (hits[0].score >= override and said_rare) or (
            hits[0].score >= self.override + VERY_STRONG and one_rare)
        # a story in the list's own words ("…医保定点药店…刷卡…举报…核实了会受什么处理"), or a
        # question on the bureau's own competence whose rare terms the passage holds ("…人社局能
        # 不能管？不归你们管该找谁": 排污许可证 → the boundary row on 环保局)
        worded = hits[0].found and (self.in_list_words(question) or (retriever.names_the_bureau(question) and one_rare))
        # a wrong told in everyday words whose act the list names, in more of the list's words
        # than of others (the NLU's class knows other agencies' matters, not the list's wrongs said
        # as people say them: "…头一天就让交五百块钱押金，还把俺身份证收走了…找哪个部门")
        told = not certain and hits[0].found and one_rare and says(retriever.normalize(question), "violation") and (
            len(retriever.list_words(question)) > len(retriever.unknown_matter_words(question)))
        # an unsure call on a story the synonym table reads in the list's terms ("化工厂天天往河里排
        # 黑水" → 环境污染, "车间粉尘大" → 职业卫生): the passage found holds them, and the story
        # names more words of the list than matters it lacks
        read = doubted and hits[0].found and rare and (
            len(retriever.list_words(question)) > len(retriever.unknown_matter_words(question)))
        if not (strong or worded or told or read):
            return False, None
        return True, kind_of(retriever.said(question)) if doubted or worded or told or read else None

    def in_list_words(self, question: str) -> bool:
        """Whether the message says LIST_WORDED words of the list or more, and more of them than
        words of matters the list lacks."""
        said = len(self.retriever.list_words(question))
        return said >= LIST_WORDED and said > len(self.retriever.unknown_matter_words(question))

    def changes_a_detail(self, question: str) -> bool:
        """Whether a follow-up says no matter the list lacks, or as many of the list's words as of
        other words ("那要是查出毛病了，还让基金亏了钱呢": 基金 beside 毛病; not "那护照呢"). The list's
        words said, not those the synonym table gives for everyday ones ("孩子…上户口": 户口 beside
        no word of the list; 孩子 only stands for 未成年人)."""
        unknown = self.retriever.unknown_matter_words(question, strict=True)
        # (the words that ask are no matter: "那护照找谁办？电话多少？" names 护照 only)
        # (nor are the places it names: "那俺家户口想从石家庄迁回县里" names 户口 only)
        named = [w for w in self.retriever.list_words(without_asking(clean(question)), said_only=True)
                 if not self.retriever.place_name(w)]
        return not unknown or len(named) >= len(unknown)
