"""Hybrid retrieval: FAISS over passage embeddings + BM25 over jieba tokens, fused by RRF.

The fused *order* comes from reciprocal rank fusion; the reported *score* (0..1) is
calibrated so callers can tell "found in the list" from "not in the list": half dense
similarity (rescaled to the e5 range) and half keyword coverage (IDF-weighted share of the
question's content words that the passage contains).
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, OrderedDict
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np

from .aspects import Aspect, aspects_of
from .dense_index import DenseIndex, IndexError_
from .embedder import Embedder
from .homophones import HomophoneCorrector, PairCorrector
from .keyword_index import KeywordIndex
from .normalize import (
    STOPWORDS,
    clean,
    everyday_phrases,
    expand,
    fix_typos,
    has_content,
    names_a_person,
    normalize_passage,
    parties,
    phrase_parts_said,
    synonym_targets,
    tokenizer,
    tokens,
)
from .passages import case_by_department
from .question_forms import says
from .sectors import SectorReader
from .store import KnowledgeStore

# the clauses of a message, between its marks
_CLAUSES = re.compile(r"[^，,。！!？?；;]+")

RRF_K = 60
CANDIDATES = 50
RERANK = 20  # fused candidates re-ranked by the calibrated score
PER_RETRIEVER = 10  # each retriever's top passages always reach the re-rank
# Part-of-speech tags (jieba's dictionary) of words that frame a question rather than name its
# matter: numerals, measure words, pronouns, adverbs, prepositions, conjunctions, particles,
# interjections, localisers, time words, adjectives. An IDF of 1.0 is that of a word in about
# 40 % of passages.
FUNCTION_TAGS = frozenset("mqrdpcuyeofta")
# The dictionary's tags of a thing: a noun, a verb used as one (培训), a name, an abbreviation.
NOUN_TAGS = ("n", "vn", "an", "nz", "nt", "j")
# Dictionary tags of proper names (people, places): an entry a caller makes by two neighbouring
# characters only by chance ("困南人员": 南人 is no word meant there).
NAME_TAGS = ("nr", "ns")
FUNCTION_WORD_IDF = 1.0
RERANK_RRF_WEIGHT = 0.1
# How much of a passage's hubness (its mean similarity to the other passages above the average)
# is taken off its dense similarity to a question.
HUBNESS_WEIGHT = 1.0
# A word of the list in few passages (IDF ≥ RARE_IDF: about 3 % of them) is a rare term; a
# passage holding RARE_EVIDENCE of the question's rare terms (two of them) passes the found
# bar lowered by RARE_MARGIN.
RARE_IDF = 3.5
# A word in at most about 5 % of passages can describe the act a rule is about (see
# HybridRetriever.distinguishing_coverage).
ACT_IDF = 3.0
# A question with this many words of the list at most, naming a matter the list lacks, is
# about that matter ("我想办结婚登记，去哪个部门"), not about the list's common word it shares.
FOREIGN_MATTER_WORDS = 2
RARE_EVIDENCE = 7.5
# A stretch of a question this frequent in jieba's dictionary is a word of the language, not the
# list's word typed by sound ("公司" is no "公示").
LANGUAGE_WORD_FREQ = 10
# Only a word of the list this rare (in about 15 % of passages or fewer) is what a stretch typed by
# sound may be read as: a common one ("我县") sounds like too much everyday speech ("我想").
HOMOPHONE_IDF = 2.0
# A word this frequent in jieba's dictionary is an everyday word (老人, 房子, 手机): beside a rarer
# word the list lacks (低保, 护照) it is not the matter asked about.
EVERYDAY_WORD_FREQ = 2000
# A word said with one of these in the three characters before it is denied ("没有造成",
# "未经许可", "不签"; not "无故拖欠").
NEGATION = re.compile(r"没|未|无(?!故)|不|非")
NEGATION_SPAN = 3
# What follows the bureau's name when it is where a matter is taken: "(去人社局)找哪个科",
# "(人社局)哪个部门管", "(人社局)能办吗", "(人社局)管这个不".
DESTINATION = r"(?=(?:这边|那边|里边|里面|里)?(?:找|去|到)?(?:哪个|哪些|哪|谁|能办|能不能办|管不管|管吗|办不办|管(?:这个|这事|这些)?(?:不|吗|没)))"
RARE_MARGIN = 0.06
# a word a boundary row holds only in its item's example covers the question half
EXAMPLE_COVERAGE = 0.5
# A name the question puts in quotation marks or title marks (“三支一扶”, 《就业失业登记证》) that
# at most QUOTED_PASSAGES passages hold word for word is the thing asked about: those passages
# pass the found bar lowered by RARE_MARGIN and rank QUOTED_LIFT higher.
QUOTED = re.compile(r"[“\"「『《]([^“”\"「」『』《》]{2,16})[”\"」』》]")
QUOTED_PASSAGES = 3
QUOTED_LIFT = 0.1
# A township's, a village's or a street's name, as a story tells where it happens ("吴官营乡").
PLACE_NAME = re.compile(r"[\u4e00-\u9fff]{1,3}(?:乡|镇|村|庄|街道)(?![\u4e00-\u9fff]?(?:里|上|长|干部|委))")
# A passage whose sentence on the matter is for another sector than the one the question says
# (企业 vs 机关、事业单位) is ordered after those that are not, by this much.
SECTOR_PENALTY = 0.1
# So is the label a numbered clause opens with ("2、不定期检查。…", "（四）集体讨论：…", 3 to 10
# characters) when the question names it, unquoted.
LABEL = re.compile(r"^\s*(?:\d+\s*[、.．]|[（(][一二三四五六七八九十\d]+[）)])\s*([\u4e00-\u9fff]{3,10})[。：:]")
# And so is a stretch of this many characters or more that the question says word for word as the
# list does, unquoted ("不需要行政处理的，发个啥"): a caller reading from a notice or repeating
# an answer.
LITERAL_CHARS = 7
# A document a question names by the end of its title ("处理报批表", "立案审批表"), and the fewest
# characters of it that name one
DOCUMENT_MADE = re.compile(r"(?:写|填|做|制作|开)(?:好|完|了)*([\u4e00-\u9fff]{0,12}(?:通知书|意见书|决定书|告知书|登记单|"
                           r"登记表|审批表|报批表|记录表|记录))")
DOCUMENT_MAKING = "(?:制作|填写|填报|出具|下达)"
DOCUMENT_CHARS = 4
# A verb-object word split by an aspect particle or a measure word: 立了案, 签过字, 交完钱, 创个业
# (not a number or a pointing word before 个: "两个人", "这个事" are no 两人, 这事).
SEPARATED = re.compile(r"([\u4e00-\u9fff])(?:(?:了|过|完|好)(?:个|了)?|(?<![一二两三四五六七八九十百千几每这那哪某各整半多])个)"
                       r"([\u4e00-\u9fff])")
# An aspect this specific (see HybridRetriever.specificity) brings every clause that states it
# into the re-rank: few clauses do.
POOL_SPECIFICITY = 0.5  # weight of the fused rank (1.0 = rank 1 in both lists ≈ 2.0) in the re-rank
# One answer searches for the same question several times (its own ranking, the kind's passages,
# the follow-up's topic, the audit's scores, the checks of foreign matters): its normalisation
# and jieba words are kept for the last texts seen (pure functions of the text).
TEXT_CACHE = 4096
# The calibrated scores of the passages the last searches computed, by normalised question: the
# audit record's scores of an answer's sources (see known_scores) are mostly among them.
SCORE_CACHE = 256


@dataclass
class SearchHit:
    id: str
    kind: str
    citation: str
    text: str
    office: str
    phone: str
    score: float
    found: bool
    dense: float = 0.0
    keyword: float = 0.0
    printed: str = ""  # the passage as its row prints it (Passage.printed)

    def to_dict(self) -> dict:
        """The hit as a reader sees it on its own: its ``text`` is the passage as its row prints it
        (with the row's time, office and phone)."""
        d = asdict(self)
        d.pop("dense")
        d.pop("keyword")
        d["text"] = d.pop("printed") or self.text
        return d


@dataclass(frozen=True)
class QueryWords:
    """A question's words as the re-rank weighs them (:meth:`HybridRetriever._query_words`)."""

    rare: tuple[tuple[str, float], ...]  # its whole rare words of the list, with their IDF
    weights: dict[str, float]  # its whole words (not a compound's parts) and their weight
    total: float
    parts: dict[str, list[str]]  # each whole word's parts among its words


_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]+$")
# a verb said with its aspect and a measure word ("开了个职介所"): the dictionary holds a few as
# nouns, but they frame what follows
_VERB_SAID_WITH_ASPECT = re.compile(r"[\u4e00-\u9fff][了过着]个")


class HybridRetriever:
    """Dense + keyword retrieval over a :class:`KnowledgeStore`."""

    def __init__(self, store: KnowledgeStore, embedder: Embedder, index: DenseIndex,
                 found_threshold: float = 0.5, dense_floor: float = 0.78, dense_ceiling: float = 0.92,
                 aspect_weight: float = 0.08, sectors: SectorReader | None = None):
        """``sectors``: whom the list's duties are for (resources/sectors.tsv by default)."""
        if index.meta.get("source_sha256") != store.source_sha256:
            raise IndexError_("the dense index was built from another source: run `python -m knowledge build`")
        if index.meta.get("model_id") != embedder.model_id:
            raise IndexError_(f"the dense index was built with {index.meta.get('model_id')}, "
                              f"not {embedder.model_id}: run `python -m knowledge build`")
        self.store, self.embedder, self.index = store, embedder, index
        self.sectors = sectors if sectors is not None else SectorReader()
        self.keywords = KeywordIndex(store.db)
        self.said = lru_cache(maxsize=TEXT_CACHE)(self._said)
        self.normalize = lru_cache(maxsize=TEXT_CACHE)(self._normalize)
        self.sector_of = lru_cache(maxsize=TEXT_CACHE)(self._sector_of)
        self._query_tokens = lru_cache(maxsize=TEXT_CACHE)(self._tokenize)
        self.quoted_holders = lru_cache(maxsize=TEXT_CACHE)(self._quoted_holders)
        self._scores: OrderedDict[str, dict[str, float]] = OrderedDict()
        self._scores_lock = threading.Lock()
        self.found_threshold = found_threshold
        self.dense_floor, self.dense_ceiling = dense_floor, dense_ceiling
        # re-rank bonus for a passage that states what the question asks (a time limit, who …)
        self.aspect_weight = aspect_weight
        self._specificity: dict[str, float] = {}
        self._answering_ids: dict[str, list[str]] = {}
        self.office_words = tuple(w for o in store.offices for w in (o.name, *o.aliases))
        rows = store.db.query("select id, tokens from passages")
        self.passage_tokens = {r["id"]: set(r["tokens"].split()) for r in rows}
        self._example_words = self._others_case_words(store)
        df: Counter[str] = Counter()
        for toks in self.passage_tokens.values():
            df.update(toks)
        n = max(1, len(self.passage_tokens))
        self.idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self.default_idf = math.log(1 + n)
        # the passages' text as questions are cleaned (for the names a question quotes), and the
        # labels numbered clauses open with ("2、不定期检查。", "4、集体讨论。"): names of a step,
        # unless the list says them in many passages (a common phrase, not a name)
        self._clean_texts = {p.id: clean(p.text) for p in store.passages}
        labels: dict[str, list[str]] = {}
        for p in store.passages:
            m = LABEL.match(self._clean_texts[p.id]) if p.kind == "clause" else None
            if m:
                labels.setdefault(m.group(1), []).append(p.id)
        # (said as its own name: "定期检查" in "不定期检查" is another step's)
        longer = {label: [other for other in labels if other != label and label in other] for label in labels}

        def says_label(label: str, text: str) -> bool:
            for other in longer[label]:
                text = text.replace(other, " ")
            return label in text

        self._labels = {label: ids for label, ids in labels.items()
                        if sum(says_label(label, t) for t in self._clean_texts.values()) <= QUOTED_PASSAGES}
        import jieba.posseg

        # (the list's rarer words: "我县", in most passages, is no word a caller means by "我想"; and
        # the everyday phrases the synonym table knows: "加伴费" is 加班费, which it maps to 加班工资)
        phrases = everyday_phrases()
        # (a phrase of the table is a word; a stretch holding one is not: "社保鸡金" holds 社保)
        everyday = frozenset(phrases)
        # the list's text, cleaned as questions are: a stretch it holds is the list's own wording
        self.corpus = "\n".join(self._clean_texts.values())
        self.homophones = HomophoneCorrector(
            [*self.idf, *phrases], is_word=lambda w: jieba.dt.FREQ.get(w, 0) >= LANGUAGE_WORD_FREQ or w in everyday,
            targets=[*(w for w, idf in self.idf.items() if idf >= HOMOPHONE_IDF), *phrases],
            corpus=self.corpus, asking=[*STOPWORDS, *phrases], names=self.office_words)
        # the user dictionary's tags ("低保 n": a matter, not jieba's verb) with the dictionary's
        tokenizer()
        jieba.posseg.dt.makesure_userdict_loaded()
        self._word_tags: dict[str, str] = jieba.posseg.dt.word_tag_tab
        tags = self._word_tags
        # two characters typed by sound for a thing of the list ("陪训" 培训): see PairCorrector
        self.pairs = PairCorrector(
            [w for w in self.idf if tags.get(w, "n").startswith(NOUN_TAGS)],
            in_dictionary=lambda w: jieba.dt.FREQ.get(w, 0) > 0, cut=lambda t: jieba.lcut(t, HMM=False),
            framing=lambda ch: ch in STOPWORDS or tags.get(ch, "")[:1] in FUNCTION_TAGS or tags.get(ch, "") == "zg",
            corpus=self.corpus,
            is_word=lambda w: jieba.dt.FREQ.get(w, 0) > 0 and not tags.get(w, "").startswith(NAME_TAGS))
        # Hubness: a short passage ("(十一)用人单位不依法参加社会保险的；") is close to every
        # question in the model's narrow range. Its mean similarity to the other passages, above
        # the average, is taken off its dense similarity (a CSLS-style correction).
        # (the mean of v·v_j over all j is v·mean(v_j): no N×N matrix)
        vectors = index.index.reconstruct_n(0, len(index.ids)) if len(index.ids) else np.zeros((0, 1))
        hub = vectors @ vectors.mean(axis=0) if len(index.ids) else np.zeros(0)
        self._hubness = {pid: float(h - hub.mean()) for pid, h in zip(index.ids, hub, strict=True)}

    def _others_case_words(self, store: KnowledgeStore) -> dict[str, set[str]]:
        """A boundary item's 案例 and 依据 are said on its first row: the words of its clauses that tell
        of another department of the item show the item, not the row's department's share ("…人社部门
        发现企业已…为职工参加工伤保险" on the 卫生局 row: 工伤 is the 人社局's matter)."""
        def words(text: str) -> set[str]:
            return set(tokens(normalize_passage(text), self.office_words))

        items: dict[int, list] = {}
        for b in store.boundaries:
            items.setdefault(b.number, []).append(b)
        out: dict[str, set[str]] = {}
        for rows in items.values():
            first = rows[0]
            if not first.case.strip():
                continue
            told = case_by_department(first.case, [b.department for b in rows])
            own = words(f"{first.topic} {first.department} {first.share} "
                        f"{told.get(first.department, '')} {told.get('', '')}")
            others = words(" ".join(text for d, text in told.items() if d not in ("", first.department)))
            # (so is the item's 依据, said on its first row too: "《工作场所职业卫生监督管理规定》"
            # names the 安监局's share, not the 卫生局's)
            others |= words(first.legal_basis) & words(" ".join(b.share for b in rows[1:]))
            out[first.id] = (self.passage_tokens.get(first.id, set()) & others) - own
        return out

    def _said(self, query: str) -> str:
        """The query as said: cleaned, its known misspellings fixed, its words typed by sound read
        as the list's; without the list's terms the synonym table adds ("孩子" adds 未成年人)."""
        return self.pairs.correct(self.homophones.correct(fix_typos(clean(query))))

    def _normalize(self, query: str) -> str:
        """The text searched for a query: as said, with the synonym table's terms appended."""
        return expand(self.said(query))

    def answering(self, aspect: Aspect) -> list[str]:
        """Ids of the clauses that state what ``aspect`` asks."""
        ids = self._answering_ids.get(aspect.name)
        if ids is None:
            ids = [p.id for p in self.store.passages if p.kind == "clause" and aspect.answered_in(p.text)]
            self._answering_ids[aspect.name] = ids
        return ids

    def specificity(self, aspect: Aspect) -> float:
        """How much stating ``aspect`` singles a clause out, 0..1 (an IDF over clauses): the
        one clause that says what happens when a fine is not paid decides an "不交罚款" question;
        one of the many passages naming who is responsible barely counts."""
        value = self._specificity.get(aspect.name)
        if value is None:
            # every passage counts, with its office's phone: a duty row states it in its columns
            texts = [f"{p.text} {p.phone}" for p in self.store.passages]
            answering = sum(aspect.answered_in(t) for t in texts)
            value = math.log(len(texts) / answering) / math.log(len(texts)) if answering and len(texts) > 1 else 0.0
            self._specificity[aspect.name] = value
        return value

    def _weight(self, word: str) -> float:
        """A question word's weight in the coverage: its IDF in the list; a function word or a
        single character weighs like a common word whether the list uses it or not ("再")."""
        idf = self.idf.get(word)
        if idf is None:
            return self._unknown_weight(word)
        if self._framing(word, self._word_tags.get(word) or ""):
            return min(idf, FUNCTION_WORD_IDF)
        return idf

    @staticmethod
    def _framing(word: str, tag: str) -> bool:
        """A function word, a single character that is not a noun ("办", "归", "再"; but "证",
        "卡" name a matter), or a verb said with its aspect and a measure word ("开了个")."""
        return (bool(tag) and tag[:1] in FUNCTION_TAGS or (len(word) == 1 and not tag.startswith("n"))
                or bool(_VERB_SAID_WITH_ASPECT.fullmatch(word)))

    def _unknown_weight(self, word: str) -> float:
        """A word the list never uses is what it lacks ("户口", "护照": full weight), unless
        the dictionary tags it a function word ("几月", "一般", "通常") or it is a single
        character other than a noun: that frames the question and weighs like a common word of
        the list."""
        tag = self._word_tags.get(word) or ""
        if self._framing(word, tag):
            return FUNCTION_WORD_IDF
        return self.default_idf

    def query_tokens(self, normalized: str) -> list[str]:
        return list(self._query_tokens(normalized))

    def _tokenize(self, normalized: str) -> tuple[str, ...]:
        found = self._reglued([part for t in tokens(normalized, self.office_words) for part in self._unglued(t)],
                              normalized)
        # A separable word said apart ("立了案", "签过字") is the list's word ("立案", "签字")
        # when the list uses it.
        said = {m.group(): m.group(1) + m.group(2) for m in SEPARATED.finditer(normalized)}
        said = {apart: word for apart, word in said.items() if word in self.idf}
        # (the word said apart is no word of its own the list lacks: "创个业" is 创业)
        return tuple([t for t in found if t not in said]
                     + [w for w in dict.fromkeys(said.values()) if w not in found])

    def _reglued(self, found: list[str], normalized: str) -> list[str]:
        """A list's word that jieba's HMM split, gluing its last character to the next one
        ("村医是" → 村 + 医是): the single character before, joined to the made-up word's first
        character, is the list's word ("村医"); the made-up word's other character is dropped."""
        import jieba

        out: list[str] = []
        for token in found:
            before = out[-1] if out else ""
            if (len(token) == 2 and len(before) == 1 and token not in self.idf and token not in jieba.dt.FREQ
                    and _CJK_WORD.match(token) and before + token[0] in self.idf and before + token in normalized):
                out[-1] = before + token[0]
                continue
            out.append(token)
        return out

    def _unglued(self, token: str) -> list[str]:
        """A word jieba's HMM made up of a word of the list and what goes before or after it
        ("村医归哪个科管" → 村医归): the list's word, and the rest when it is two characters or
        more; any other token as it is."""
        import jieba

        if len(token) < 3 or token in self.idf or token in jieba.dt.FREQ or not _CJK_WORD.match(token):
            return [token]
        for size in range(len(token) - 1, 1, -1):
            # (the list's word said after a verb before one said before it: 归 + 安监 of 归安监)
            splits = [(token[-size:], token[:-size], True), (token[:size], token[size:], False)]
            word, rest, rest_first = next(((w, r, f) for w, r, f in splits if w in self.idf), ("", "", False))
            if word and word in self.store.meta.get("short_name", ""):
                # (the bureau's own name, "归人社": whether it is the bureau's at all, not a matter)
                return [token]
            if word:
                kept = [rest] if len(rest) >= 2 else []
                return kept + [word] if rest_first else [word] + kept
        return [token]

    def dense_norm(self, similarity: float) -> float:
        return min(1.0, max(0.0, (similarity - self.dense_floor) / (self.dense_ceiling - self.dense_floor)))

    def unknown_matter_words(self, query: str, strict: bool = False) -> list[str]:
        """The query's words that name a matter the list never mentions ("户口", "护照"), after
        the synonym table has mapped everyday words to the list's own. ``strict``: any content
        word the list does not use ("网购"), not only dictionary nouns."""
        normalized = self.normalize(query)
        tokens = self.query_tokens(normalized)
        words = set(tokens)
        # in the order said (a set's order changes with the process's hash seed)
        whole = [t for t in dict.fromkeys(tokens) if not any(t != u and t in u for u in words)]
        # (a place the story happens in is no matter: "吴官营乡", "曹庄镇", "北关村")
        places = "".join(PLACE_NAME.findall(self.said(query)))
        whole = [t for t in whole if t not in places]
        # (nor is a word a clause that tells, not asks, says: "这不是踢皮球嘛，到底谁收？")
        clauses = _CLAUSES.findall(self.said(query))
        told = [c for c in clauses if says(c, "rhetorical")]
        if told:
            asked = "".join(c for c in clauses if c not in told)
            whole = [t for t in whole if t in asked or not any(t in c for c in told)]
        named = self._content_word if strict else self.names_a_thing
        # a word that asks for a kind of fact ("号码", "座机", "比例") names what is asked of the
        # matter, not a matter
        # (nor does a word that frames a question: "县里", "不是")
        # (a word the list's text holds is no matter it lacks, though the list's own words cut it
        # otherwise: "城乡居民" in 城乡居民养老保险)
        party_names = {phrase for phrase, _ in parties()}
        # (nor a word of a phrase the synonym table reads whole: "小买卖" of "想…干点小买卖" is 创业)
        read_whole = phrase_parts_said(self.said(query))
        # (a word of a party's everyday name the query says: "学校" of "定点培训学校")
        said_parties = [phrase for phrase in party_names if phrase in normalized]
        return [t for t in whole if t not in self.idf and named(t) and t not in STOPWORDS
                and not any(t in phrase for phrase in said_parties) and not any(t in part for part in read_whole)
                and not any(t in u for u in words if u in self.idf) and expand(t) == t
                and not aspects_of(t) and t not in self.corpus
                # (nor a term the synonym table gives for the list's, "拖欠工资", nor a party's
                # everyday name, "医院")
                and t not in synonym_targets() and t not in party_names
                # (nor a person a story is about: "老爷子", "老李"; nor a key held down: "啊啊啊")
                and not names_a_person(t) and len(set(t)) > 1
                # (nor a word of the list and one character more: "追回来" is 追回, "月工资" 工资)
                and t[:-1] not in self.idf and t[1:] not in self.idf]

    def foreign_matter(self, query: str) -> list[str]:
        """The matter a short question names that the list lacks ("结婚登记"): its unknown matter
        words, when it has FOREIGN_MATTER_WORDS words of the list at most; else []."""
        # a compound led by a word of the list is a detail of the list's matter ("退休年龄"); one
        # led by a word the list lacks is another matter ("结婚登记", "贷款额度")
        unknown = [w for w in self.unknown_matter_words(query)
                   if not any(w[:n] in self.idf for n in range(2, len(w)))]
        # (a place named is where the matter is, not a matter of the list: "户口从石家庄迁回来")
        matter_words = [w for w in self.list_words(query) if not self.place_name(w)]
        if not unknown or len(matter_words) > FOREIGN_MATTER_WORDS or self.names_the_bureau(query):
            return []
        if says(clean(query), "violation"):
            # a wrong told ("包工头一分钱没给") is the complaint channel's, whatever words tell it
            return []
        # the matter is the rarer word: "家里老人想申请低保" is about 低保, not 老人
        import jieba

        frequency = jieba.dt.FREQ
        return [w for w in unknown if frequency.get(w, 0) < EVERYDAY_WORD_FREQ] or unknown

    def names_the_bureau(self, query: str) -> bool:
        """Whether the query names the bureau or one of its offices ("就业局的办公室在几楼"): a
        question about the bureau itself, whatever matter it names, is the bureau's to answer.
        The bureau named as where to take a matter ("低保去人社局找哪个科") is not."""
        text = clean(query)
        short = self.store.meta.get("short_name", "")
        local = short.removeprefix(self.store.meta.get("county", ""))  # 某县人社局 → 人社局
        words = [w for w in (*self.office_words, short, local) if w]
        if not words:
            return False
        named = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        text = re.sub(f"(?:{named}){DESTINATION}", "", text)
        return any(w in text for w in words)

    def place_name(self, word: str) -> bool:
        """Whether a word is a place's name (jieba's "ns": 石家庄, 河北) or the county's own (the
        list's county without 县): where a matter happens, not a matter of the list."""
        county = self.store.meta.get("county", "")
        short = county[:-1] if len(county) > 2 and county.endswith(("县", "市", "区", "旗")) else county
        return self._word_tags.get(word) == "ns" or (bool(county) and word in (county, short))

    def list_words(self, query: str, said_only: bool = False) -> list[str]:
        """The query's content words that the list uses (not framing words, not fragments);
        ``said_only``: not the list's terms the synonym table adds for its everyday words."""
        text = self.said(query) if said_only else self.normalize(query)
        known = {t for t in self.query_tokens(text) if t in self.idf and self._content_word(t)}
        return [t for t in known if not any(t != u and t in u for u in known)]

    def _content_word(self, word: str) -> bool:
        """Not a number, not a function word, and not a fragment of framing characters ("只考");
        a dictionary noun is a matter whatever its characters ("补贴": 补 and 贴 are verbs)."""
        if len(word) < 2 or any(ch.isdigit() for ch in word):
            return False
        if self._framing(word, self._word_tags.get(word) or ""):
            return False
        return self.names_a_thing(word) or not all(self._framing(ch, self._word_tags.get(ch) or "") for ch in word)

    def names_a_thing(self, word: str) -> bool:
        """A dictionary noun or noun-like word (户口, 护照, 年检, 食品安全); not a number or a
        fragment jieba made up ("58", "只考")."""
        tag = self._word_tags.get(word) or ""
        return len(word) > 1 and (tag[:1] == "n" or tag in ("vn", "j", "l"))

    def rare_things(self, query: str, said_only: bool = True) -> list[str]:
        """The rare words of the list (see RARE_IDF) the query says that name a thing ("病退");
        ``said_only``: not the list's terms the synonym table adds for its everyday words."""
        text = self.said(query) if said_only else self.normalize(query)
        tokens = [t for t in self.query_tokens(text) if self.names_a_thing(t)]
        return [t for t, _ in self._query_words(tokens).rare]

    def holds_rare_terms(self, query: str, passage_id: str) -> bool:
        """Whether the passage holds enough of the query's rare terms of the list (see RARE_IDF)."""
        return self.rare_evidence(query, passage_id) >= RARE_EVIDENCE

    def rare_evidence(self, query: str, passage_id: str, things_only: bool = False, said_only: bool = False) -> float:
        """IDF mass of the query's rare terms of the list that the passage holds (see RARE_IDF);
        ``things_only``: of the words that name a thing ("联系人制度"), not of the words that
        change a detail ("超过", "减半"); ``said_only``: of the words said, not of the list's terms
        the synonym table adds ("孩子" adds 未成年人)."""
        text = self.said(query) if said_only else self.normalize(query)
        q_tokens = self.query_tokens(text)
        if things_only:
            q_tokens = [t for t in q_tokens if self.names_a_thing(t)]
        return self._rare_evidence(self._query_words(q_tokens), passage_id)

    def _rare_evidence(self, q: QueryWords, passage_id: str) -> float:
        """IDF mass of the question's rare words of the list (in few passages) that the passage
        holds; words the list never uses add nothing, so out-of-scope matters find none."""
        have = self.passage_tokens.get(passage_id, set()) - self._example_words.get(passage_id, set())
        return sum(idf for t, idf in q.rare if t in have)

    def _query_words(self, q_tokens: list[str], covering: list[str] | None = None) -> QueryWords:
        """What coverage and rare-term evidence need of a question, computed once per search
        rather than once per candidate passage (same sets, same order, same sums); the coverage
        weighs the ``covering`` words (default: all)."""
        words = set(q_tokens)
        # 营业执照, not 营业 + 执照
        whole = {t for t in words if not any(t != u and t in u for u in words)}
        # (a place's name is rare in the list but tells where, not what: "户口从石家庄迁回来")
        rare = tuple((t, self.idf[t]) for t in whole if len(t) > 1 and t in self.idf
                     and self.idf.get(t, 0.0) >= RARE_IDF and not self.place_name(t))
        if covering is not None:
            words = set(covering)
        # Words the list never uses weigh as much as its rarest word: they are what the list
        # lacks (colloquial words are mapped to the list's own by the synonym table first).
        weights = {t: self._weight(t) for t in [t for t in words if not any(t != u and t in u for u in words)]}
        # Search-mode tokens repeat a compound's parts ("营业执照" → 营业, 执照, 营业执照): each
        # word counts once, and a passage with only some of its parts covers it in part.
        parts = {t: [u for u in words if u != t and u in t] for t in weights}
        return QueryWords(rare, weights, sum(weights.values()), parts)

    def _coverage(self, q: QueryWords, passage_id: str) -> float:
        if not q.total:
            return 0.0
        have = self.passage_tokens.get(passage_id, set())
        example = self._example_words.get(passage_id, set())

        def covered(word: str) -> float:
            if word in have:
                return EXAMPLE_COVERAGE if word in example else 1.0
            # (a part held only by the item's story of another department counts as little as
            # a whole word held so: "投诉举报" → 举报, told of the 安监部门 on the 卫生局 row)
            return max((len(u) * (EXAMPLE_COVERAGE if u in example else 1.0)
                        for u in q.parts[word] if u in have), default=0) / len(word)

        return sum(w * covered(t) for t, w in q.weights.items()) / q.total

    def distinguishing_coverage(self, query: str, siblings: list[str]) -> dict[str, float]:
        """Of ``siblings`` (the numbered rules of one unit), how much of what the query says
        that tells them apart each holds, 0..1: a word weighs its IDF in the list times how few
        siblings hold it. The words all of them share ("人力资源服务", "许可证") decide nothing
        between them; "虚假" + "信息" in one rule outweigh "求职者" in two."""
        words = set(self.query_tokens(self.normalize(query)))
        whole = [t for t in words if len(t) > 1 and not any(t != u and t in u for u in words)]

        def covered(word: str, pid: str) -> float:
            have = self.passage_tokens.get(pid, set())
            if word in have:
                return 1.0
            # in part, by a part that describes an act itself ("按规定" is not covered by 规定)
            return max((len(u) for u in words if u != word and u in word and u in have
                        and self.idf.get(u, 0.0) >= ACT_IDF), default=0) / len(word)

        # (the words of every kind of rule - "规定", "信息", "处罚" - describe no act)
        whole = [t for t in whole if self.idf.get(t, self.default_idf) >= ACT_IDF]
        held = {t: {pid: covered(t, pid) for pid in siblings} for t in whole}
        n = len(siblings)
        weights = {}
        for t, share in held.items():
            holders = sum(share.values())
            if holders:
                weights[t] = self._weight(t) * math.log((n + 1) / holders) / math.log(n + 1)
        total = sum(weights.values())
        if not total:
            return dict.fromkeys(siblings, 0.0)
        return {pid: sum(w * held[t][pid] for t, w in weights.items()) / total for pid in siblings}

    def words_of(self, passage_ids: list[str]) -> set[str]:
        """The words of these passages together."""
        return set().union(*(self.passage_tokens.get(pid, set()) for pid in passage_ids))

    def holds_word(self, held: set[str], word: str) -> bool:
        """Whether ``held`` (a passage's words) holds ``word``, or every part of a compound the
        passage spells another way ("大队长" of "监察大队队长": 大队 and 队长)."""
        parts = [t for t in self.query_tokens(word) if t != word and len(t) > 1]
        return word in held or (bool(parts) and all(t in held for t in parts))

    def contrary_share(self, query: str, passage_id: str) -> float:
        """The share (0..1) of the query's verbs the passage holds only with the contrary
        polarity: denied where the query affirms them, or affirmed where it denies them ("已经造成
        基金损失" against "…且没有造成基金损失的"). Verbs only: a denied verb's object is not
        denied itself ("没办许可证" and "未取得…许可证" say the same)."""
        text = clean(self.store.passage_by_id[passage_id].text)
        asked = clean(query)
        words = [t for t in dict.fromkeys(self.query_tokens(self.normalize(query)))
                 if len(t) > 1 and t in self.idf and self._content_word(t) and t in asked and t in text
                 and (self._word_tags.get(t) or "")[:1] == "v"]
        if not words:
            return 0.0

        def polarities(said: str, word: str) -> set[bool]:
            return {not NEGATION.search(said[max(0, m.start() - NEGATION_SPAN):m.start()])
                    for m in re.finditer(re.escape(word), said)}

        contrary = [t for t in words if not polarities(asked, t) & polarities(text, t)]
        return len(contrary) / len(words)

    def search(self, query: str, k: int = 5, kinds: tuple[str, ...] | None = None,
               boost: dict[str, float] | None = None, mode: str = "hybrid",
               aspects: tuple[Aspect, ...] = (), threshold: float | None = None,
               trace: dict | None = None, only: frozenset[str] | None = None,
               named_in: str | None = None) -> list[SearchHit]:
        """Top ``k`` passages for ``query``; ``kinds`` restricts passage kinds; ``boost`` adds
        RRF weight to passages by id (used for follow-up context); ``aspects`` (what the
        question asks about) re-rank passages that state it higher; ``threshold`` replaces the
        found threshold for this search (the NLU's intent as a prior); ``mode`` "dense" or
        "keyword" ranks by one retriever alone (for the benchmark); ``trace``, when given, gets
        the ids of the candidates that reached the re-rank (``"candidates"``, for the benchmark's
        error table); ``only`` restricts the search to these passage ids; ``named_in``: the text
        whose quoted names and labels count (default the query; the question itself when the query
        is the question plus the words of its kind)."""
        if not has_content(query):
            return []
        normalized = self.normalize(query)
        q_tokens = self.query_tokens(normalized)
        # an everyday word the synonym table maps ("欠薪" → 拖欠工资) is covered by the list's
        # words it stands for, not counted again as a word the list lacks
        q_words = self._query_words(q_tokens, [t for t in q_tokens if t in self.idf or expand(t) == t])
        vector = self.embedder.embed_queries([normalized])[0]
        narrow = bool(kinds or only)
        dense = self.index.search(vector, CANDIDATES if not narrow else len(self.index.ids))
        keyword = self.keywords.search(q_tokens, CANDIDATES if not narrow else 1000)

        def allowed(pid: str) -> bool:
            return (not kinds or self.store.passage_by_id[pid].kind in kinds) and (only is None or pid in only)

        dense = [(pid, s) for pid, s in dense if allowed(pid)]
        keyword = [(pid, s) for pid, s in keyword if allowed(pid)]
        rankings = {"hybrid": (dense, keyword), "dense": (dense,), "keyword": (keyword,)}[mode]
        fused: dict[str, float] = {}
        for ranking in rankings:
            for rank, (pid, _) in enumerate(ranking):
                fused[pid] = fused.get(pid, 0.0) + 1.0 / (RRF_K + rank + 1)
        for pid, extra in (boost or {}).items():
            if pid in fused:
                fused[pid] += extra
        dense_score = dict(dense)
        hits: list[SearchHit] = []
        # RRF picks the candidates, plus each retriever's own best few (a passage that only
        # one of them ranks first is not lost to fusion); within them the calibrated score
        # decides, with the fused rank (and any follow-up boost) as a tie-breaker.
        chosen = [pid for pid, _ in sorted(fused.items(), key=lambda kv: -kv[1])[: max(k, RERANK)]]
        for ranking in rankings:
            chosen.extend(pid for pid, _ in ranking[:PER_RETRIEVER])
        if mode == "hybrid":
            # "不交罚款怎么办" shares few words with the one clause that answers it: the clauses
            # stating what a specific question asks are candidates whatever their words
            for a in aspects:
                if self.specificity(a) >= POOL_SPECIFICITY:
                    chosen.extend(pid for pid in self.answering(a) if allowed(pid))
        candidates = [(pid, fused.get(pid, 0.0)) for pid in dict.fromkeys(chosen)]
        if trace is not None:
            trace["candidates"] = [pid for pid, _ in candidates]
        scored: dict[str, float] = {}
        named = self.quoted_holders(query if named_in is None else named_in)
        sector_said, matter = self.sector_of(query)
        for pid, rrf in candidates:
            p = self.store.passage_by_id[pid]
            d = dense_score.get(pid)
            if d is None:
                d = float(np.dot(vector, self.index.index.reconstruct(self.index.ids.index(pid))))
            hubness = self._hubness.get(pid, 0.0)
            # the found gate only discounts hubs; the order also lifts passages few questions
            # come close to (lifting them in the gate too would let off-topic questions through)
            d_norm = self.dense_norm(d - HUBNESS_WEIGHT * max(0.0, hubness))
            lift = 0.5 * (self.dense_norm(d - HUBNESS_WEIGHT * hubness) - d_norm)
            cov = self._coverage(q_words, pid)
            score = round(0.5 * d_norm + 0.5 * cov, 4)
            bar = self.found_threshold if threshold is None else threshold
            if pid in named or self._rare_evidence(q_words, pid) >= RARE_EVIDENCE:
                # the passage holds the question's rare terms of the list (or the name it quotes):
                # a long, colloquial question ("俺男人…轧伤了手，要做劳动鉴定再报批") is about it,
                # whatever else it says
                bar -= RARE_MARGIN
            hits.append(SearchHit(p.id, p.kind, p.citation, p.text, p.office, p.phone, score,
                                  score >= bar,
                                  round(d, 4), round(cov, 4), p.printed or p.text))
            if pid in dense_score:  # FAISS's similarity, as a search restricted to it computes
                scored[pid] = score
            # Only clauses are told apart by their sentences; a table row answers "who" or
            # "when" by its columns, equally for every row.
            answered = (sum(self.specificity(a) for a in aspects if a.answered_in(p.text)) / len(aspects)
                        if aspects and p.kind == "clause" else 0.0)
            order = score + lift + RERANK_RRF_WEIGHT * rrf * (RRF_K + 1) + self.aspect_weight * answered
            if pid in named:
                order += QUOTED_LIFT
            if self.sectors.conflict(sector_said, self._clean_texts[pid], matter):
                # "给厂里工人搞技术等级考核": the row that gives the grading of public institutions'
                # workers shares every word but is another sector's duty
                order -= SECTOR_PENALTY
            hits[-1]._order = order  # type: ignore[attr-defined]
        if mode == "hybrid":
            hits.sort(key=lambda h: -h._order)  # type: ignore[attr-defined]
        self._remember_scores(normalized, scored)
        hits = hits[:k]
        return hits

    def _sector_of(self, query: str) -> tuple[frozenset[str], dict[str, float]]:
        """The sectors the query places its matter in ("厂里" → 企业) and the words of the list that
        name the matter (not the sector's own), each weighing its IDF."""
        said = self.sectors.said(self.said(query))
        if not said:
            return said, {}
        return said, {w: self.idf[w] for w in self.list_words(query, said_only=True) if not self.sectors.said(w)}

    def other_sectors(self, query: str, passage_id: str) -> bool:
        """Whether the passage gives the query's matter to another sector than the one it says."""
        said, matter = self.sector_of(query)
        return self.sectors.conflict(said, self._clean_texts[passage_id], matter)

    def _quoted_holders(self, query: str) -> frozenset[str]:
        """The passages that hold, word for word, a name the question quotes ("“三支一扶”的事找哪个
        科"), or whose label the question names ("不定期检查" of "2、不定期检查。根据…"), when at most
        QUOTED_PASSAGES do (a common word names nothing in particular)."""
        held: set[str] = set()
        asked = clean(query)
        for name in QUOTED.findall(asked):
            holders = [pid for pid, text in self._clean_texts.items() if name in text]
            if 0 < len(holders) <= QUOTED_PASSAGES:
                held.update(holders)
        for said in DOCUMENT_MADE.findall(asked):
            # a document said made, named without its full title ("写好处理报批表" of 《劳动保障监察
            # 案件处理报批表》): the passages that make it, by the longest end of its name they hold
            for start in range(len(said) - DOCUMENT_CHARS + 1):
                made = re.compile(f"{DOCUMENT_MAKING}《?[^》。；]{{0,24}}{re.escape(said[start:])}")
                holders = [pid for pid, text in self._clean_texts.items() if made.search(text)]
                if holders:
                    if len(holders) <= QUOTED_PASSAGES:
                        held.update(holders)
                    break
        for stretch in self._literal_stretches(asked):
            holders = [pid for pid, text in self._clean_texts.items() if stretch in text]
            if 0 < len(holders) <= QUOTED_PASSAGES:
                held.update(holders)
        return frozenset(held | self.labelled(query))

    def labelled(self, query: str) -> frozenset[str]:
        """The passages whose label the question names ("不定期检查" of "2、不定期检查。根据…"; a
        label typed by sound is the list's: "内部机核")."""
        asked = self.said(query)
        named = [label for label in self._labels if label in asked]
        # ("不定期检查" is no 定期检查)
        return frozenset(pid for label in named if not any(label in other for other in named if other != label)
                         for pid in self._labels[label])

    def _literal_stretches(self, asked: str) -> list[str]:
        """The longest stretches of ``asked`` (LITERAL_CHARS characters or more) that the list's
        text holds word for word, none inside another."""
        stretches: list[str] = []
        end_reached = 0
        for start in range(len(asked) - LITERAL_CHARS + 1):
            end = start + LITERAL_CHARS
            if end <= end_reached or asked[start:end] not in self.corpus:
                continue
            while end < len(asked) and asked[start:end + 1] in self.corpus:
                end += 1
            stretches.append(asked[start:end])
            end_reached = end
        return stretches

    def clear_caches(self) -> None:
        """Forget the per-text caches (normalisation, words, BM25 rows, scores): the benchmark
        times a new question's parts with them empty."""
        self.said.cache_clear()
        self.normalize.cache_clear()
        self.sector_of.cache_clear()
        self._query_tokens.cache_clear()
        self.quoted_holders.cache_clear()
        self.keywords.clear_cache()
        with self._scores_lock:
            self._scores.clear()

    def _remember_scores(self, normalized: str, scored: dict[str, float]) -> None:
        with self._scores_lock:
            known = self._scores.pop(normalized, {})
            known.update(scored)
            self._scores[normalized] = known
            while len(self._scores) > SCORE_CACHE:
                self._scores.popitem(last=False)

    def known_scores(self, query: str, ids: frozenset[str]) -> dict[str, float] | None:
        """The calibrated score of each of these passages for ``query`` when an earlier search
        computed them all (the score of a passage does not depend on the search's kinds, boost,
        aspects or threshold: it is half the dense similarity, half the keyword coverage), else
        None."""
        if not has_content(query):
            return {}
        with self._scores_lock:
            known = self._scores.get(self.normalize(query))
            if known is None or not ids <= known.keys():
                return None
            return {pid: known[pid] for pid in ids}
