"""Words typed by sound: "劳动监查大对投述" is 劳动监察大队投诉, "社宝登计" is 社保登记.

A pinyin input method offers every character of a sound; a hurried caller takes the wrong one.
A stretch of two to four characters of a question that is no word (neither of the list nor of
jieba's dictionary) but sounds like exactly one word of the list is read as that word. The
sound is compared without tones and loosely where speakers of the north and the south blur it
(zh/z, ch/c, sh/s).

A word spelt in pinyin ("zhicheng申报", when the input method was not switched on) is read
as the one word of the list spelt so: letters only, two syllables or more, exact spelling. A
message typed in pinyin altogether ("laodong jiancha li an yihou duojiu") is read word by word:
the reading of the most characters from spellings of words of the list or of the words questions
are asked with, across the spaces the caller typed, never cutting a word typed whole that is such
a spelling ("wo shiye": 事业 or 失业, not 我市 and a stray "ye"); a spelling two words share is the
one the message's other words hold ("shiyejin": 失业金, so 失业), else the one the list writes
after the word before ("laodong jiancha": 劳动监察, not 劳动检查), else the one it writes most.
Every reading of a syllable counts ("shei", as 谁 is said, beside its dictionary "shui").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import accumulate

_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
# A run of letters that may be a word spelt in pinyin: at least two syllables' worth.
_LATIN_RUN = re.compile(r"[A-Za-z]{4,}")
# Words in letters, with the spaces between them.
_LATIN_WORDS = re.compile(r"[A-Za-z]+(?:[ '-]+[A-Za-z]+)*")
# A message with this many words in letters, and more letters than characters, is typed in pinyin.
PINYIN_WORDS = 3
# ...and at least this share of them are pinyin syllables.
PINYIN_SHARE = 0.8
# A message of this many English words at least may be written in English.
ENGLISH_WORDS = 4
# ... with at most this many Chinese characters in it.
ENGLISH_CHARACTERS = 2
# The longest spelling looked for, in letters (four syllables of six).
MAX_SPELT = 24
# Loose sound: the initials and finals speakers and input methods confuse.
_LOOSE = ((re.compile(r"^zh"), "z"), (re.compile(r"^ch"), "c"), (re.compile(r"^sh"), "s"))
MIN_CHARS, MAX_CHARS = 3, 5


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (of the common CJK block's readings)."""
    from pypinyin import Style, pinyin

    block = "".join(chr(code) for code in range(0x4E00, 0xA000))
    # every reading of a character, not its common one only: 谁 is typed "shei" as often as "shui"
    readings = pinyin(block, style=Style.NORMAL, heteronym=True, errors="ignore")
    return frozenset(r for char_readings in readings for r in char_readings if r.isascii())


# A word of the language this common (jieba's dictionary count) is read in a message typed in
# pinyin where no word of the list or of asking is spelt ("yihou": 以后); a noun only this common
# ("hukou": 户口, a matter the list lacks, is read rather than left out for the rest to be read
# as another question: "wo xiang ban hu kou qian yi" is no 扣钱).
EVERYDAY_SPELLING_FREQ = 300
EVERYDAY_NOUN_FREQ = 1000


@lru_cache(maxsize=1)
def _everyday_spellings() -> dict[str, str]:
    """The commonest word of two to four characters of jieba's dictionary for each spelling; a
    noun only among the commonest (a thing read from letters the caller may not have meant would
    be a matter the list lacks, and the question refused)."""
    import jieba
    import jieba.posseg

    jieba.initialize()
    jieba.posseg.dt.makesure_userdict_loaded()
    tags = jieba.posseg.dt.word_tag_tab
    best: dict[str, tuple[str, int]] = {}
    for word, freq in jieba.dt.FREQ.items():
        noun = tags.get(word, "n").startswith(("n", "vn"))
        if (freq >= (EVERYDAY_NOUN_FREQ if noun else EVERYDAY_SPELLING_FREQ) and 2 <= len(word) <= 4
                and _CJK.match(word)):
            spelt = spelling_of(word)
            if spelt not in best or best[spelt][1] < freq:
                best[spelt] = (word, freq)
    return {spelt: word for spelt, (word, _) in best.items()}


def _is_pinyin(word: str) -> bool:
    """Whether a word in letters is pinyin syllables run together ("jiancha"; not "salary")."""
    syllables, word = _syllables(), word.lower()
    ends = {0}
    for end in range(1, len(word) + 1):
        if any(start in ends and word[start:end] in syllables for start in range(max(0, end - 6), end)):
            ends.add(end)
    return len(word) in ends


def _syllable_count(letters: str) -> int:
    """How many syllables the letters are, read longest syllable first ("yihou": 2, "yue": 1)."""
    syllables, count, i = _syllables(), 0, 0
    while i < len(letters):
        end = next((e for e in range(min(len(letters), i + 6), i, -1) if letters[i:e] in syllables), i + 1)
        count, i = count + 1, end
    return count


def typed_in_pinyin(text: str) -> bool:
    """Whether a message is typed in pinyin: PINYIN_WORDS words in letters or more, most of them
    pinyin (English words mixed in are not: "my boss 拖欠 salary"), and more letters than
    characters."""
    words = re.findall(r"[A-Za-z]+", text)
    if len(words) < PINYIN_WORDS:
        return False
    letters = sum(len(w) for w in words)
    if letters <= sum(bool(_CJK.match(ch)) for ch in text):
        return False
    return sum(_is_pinyin(w) for w in words) >= PINYIN_SHARE * len(words)


def syllables_typed(text: str) -> int:
    """How many syllables a message typed in pinyin spells ("ni hao": 2; "zhicheng shenbao": 4)."""
    return sum(_syllable_count(w.lower()) for w in re.findall(r"[A-Za-z]+", text) if _is_pinyin(w))


def written_in_english(text: str) -> bool:
    """Whether a message is written in English (a caller's "And how many officers will be assigned
    to the case?"): ENGLISH_WORDS words in letters or more, hardly a character (a Chinese sentence
    with English words mixed in is not: "my boss 拖欠 salary 三个月了"), and not typed in pinyin."""
    words = re.findall(r"[A-Za-z]+", text)
    if len(words) < ENGLISH_WORDS or typed_in_pinyin(text):
        return False
    return sum(bool(_CJK.match(ch)) for ch in text) <= ENGLISH_CHARACTERS


def _loose(syllable: str) -> str:
    for pattern, replacement in _LOOSE:
        syllable = pattern.sub(replacement, syllable)
    return syllable


@lru_cache(maxsize=8192)
def _spelling(char: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(char, style=Style.NORMAL, errors=lambda chars: list(chars))[0]


def _syllable(char: str) -> str:
    return _loose(_spelling(char))


def spelling_of(word: str) -> str:
    """``word`` spelt in toneless pinyin, as typed without the input method ("职称" → zhicheng)."""
    return "".join(_spelling(ch) for ch in word)


def sound_of(text: str) -> tuple[str, ...]:
    """The toneless, loosened syllables of ``text``, one per character (each character's common
    reading: a typed-by-sound word is typed a character at a time)."""
    return tuple(_syllable(ch) for ch in text)


class HomophoneCorrector:
    """Reads the stretches of a question that sound like one word of the list as that word.

    ``vocabulary``: the list's words (a stretch that is one is left as it is); ``is_word``:
    whether a stretch is a word of the language anyway ("公司" sounds like the list's "公示" but is
    a word of its own)."""

    def __init__(self, vocabulary: Iterable[str], is_word: Callable[[str], bool],
                 targets: Iterable[str] | None = None, corpus: str = "", asking: Iterable[str] = (),
                 names: Iterable[str] = ()):
        """``targets``: the words of the vocabulary a stretch may be read as (default: all);
        ``corpus``: the list's text (a stretch it holds is the list's own wording); ``asking``:
        the words questions are asked with ("多久", "哪个"), read in a message typed in pinyin;
        ``names``: names (the offices') a stretch one character off inside is read as, whatever
        that character sounds like ("仲栽科": 仲裁科, a character picked by its look)."""
        self.corpus = corpus
        vocabulary = set(vocabulary)
        self.known = {w for w in vocabulary if len(w) >= 2 and _CJK.match(w)}
        self.vocabulary = {w for w in self.known if MIN_CHARS <= len(w) <= MAX_CHARS}
        self.is_word = is_word
        by_sound: dict[tuple[str, ...], set[str]] = {}
        for word in self.vocabulary if targets is None else self.vocabulary & set(targets):
            by_sound.setdefault(sound_of(word), set()).add(word)
        # a sound shared by two words of the list says neither
        self._word_of = {sound: next(iter(words)) for sound, words in by_sound.items() if len(words) == 1}
        # spelt in letters, every word of the list of two characters or more may be meant ("zhicheng"):
        # letters are no word of the language to protect, and a spelling two words share says neither
        by_spelling: dict[str, set[str]] = {}
        for word in self.known:
            if len(word) <= MAX_CHARS:
                by_spelling.setdefault(spelling_of(word), set()).add(word)
        self._spelt = {spelt: next(iter(words)) for spelt, words in by_spelling.items() if len(words) == 1}
        # a name with one character inside it left open: a name's first and last characters are
        # kept by a caller who knows it, and a pattern two names share says neither
        by_pattern: dict[str, set[str]] = {}
        for name in names:
            if len(name) >= MIN_CHARS and _CJK.match(name):
                for i in range(1, len(name) - 1):
                    by_pattern.setdefault(name[:i] + "?" + name[i + 1:], set()).add(name)
        self._name_of = {pattern: next(iter(found)) for pattern, found in by_pattern.items() if len(found) == 1}
        self._name_sizes = sorted({len(p) for p in self._name_of}, reverse=True)
        # a message typed in pinyin: every word of the list or of asking, by its spelling
        self._spellings: dict[str, list[str]] = {}
        asking_words = {w for w in asking if len(w) >= 2 and _CJK.match(w)}
        for word in {*self.known, *asking_words}:
            self._spellings.setdefault(spelling_of(word), []).append(word)
        # (a question is asked with its asking words: "wo xiang" is 我想, not the list's 我县)
        for words in self._spellings.values():
            words.sort(key=lambda w: (w not in asking_words, -corpus.count(w), w))

    def _pieces(self, letters: str) -> list[list[str]]:
        """Words typed in pinyin read as pieces, each the words it may be (the likeliest first).

        The reading reads the most characters from spellings of the list's words or of asking,
        across the spaces typed, never cutting inside a typed word that is such a spelling itself
        ("wo shiye": 事业 with "wo" left, not 我市 with "ye" left); of readings of as many, the one
        cutting fewest typed words inside, then the one of fewest pieces. Where no word of the list
        or of asking starts, the commonest word of the language so spelt is read, of whole typed
        words ("yue le" is no 余额); a typed word no word spells, mostly a particle or a verb of one
        syllable, is left as letters."""
        words = letters.lower().split()
        joined = "".join(words)
        ends = list(accumulate(len(w) for w in words))
        typed_ends = set(ends)
        everyday = _everyday_spellings()
        size = len(joined)
        # a typed word that is itself a spelling of the list or of asking is not cut inside
        # ("biyesheng hui": 毕业生, not 毕业 + 省会)
        starts = [0, *ends[:-1]]
        inside_kept = {at for begin, stop in zip(starts, ends, strict=True)
                       if joined[begin:stop] in self._spellings for at in range(begin + 1, stop)}
        # best[p]: (characters read, -cuts inside typed words, -pieces) from p on, the piece's end
        # and its words; of moves as good, the first (the longest spelling)
        best: list[tuple[tuple[int, int, int], int, list[str]]] = [((0, 0, 0), size, [])] * (size + 1)
        for start in range(size - 1, -1, -1):
            moves: list[tuple[int, list[str], bool]] = []
            for stop in range(min(size, start + MAX_SPELT), start + 1, -1):
                if joined[start:stop] in self._spellings and stop not in inside_kept and start not in inside_kept:
                    moves.append((stop, self._spellings[joined[start:stop]], True))
            if not moves:
                moves += [(stop, [everyday[joined[start:stop]]], True) for stop in reversed(ends)
                          if start < stop <= start + MAX_SPELT and joined[start:stop] in everyday
                          and _syllable_count(joined[start:stop]) == len(everyday[joined[start:stop]])]
            rest_of_word = next(stop for stop in ends if stop > start)
            moves.append((rest_of_word, [joined[start:rest_of_word]], False))
            chosen = None
            for stop, candidates, read in moves:
                (covered, cuts, pieces), _, _ = best[stop]
                value = (covered + (len(candidates[0]) if read else 0), cuts - (stop not in typed_ends), pieces - 1)
                if chosen is None or value > chosen[0]:
                    chosen = (value, stop, candidates)
            best[start] = chosen
        out: list[list[str]] = []
        at = 0
        while at < size:
            _, stop, candidates = best[at]
            out.append(candidates)
            at = stop
        return out

    def _spell_out(self, letters: str, context: str = "") -> str:
        """Words typed in pinyin read as characters (see _pieces). A spelling two words share is
        the one the message's other words hold ("shiye" beside "shiyejin" 失业金: 失业, not 事业),
        else the one the list writes after the word before, else the one it writes most."""
        pieces = self._pieces(letters)
        out: list[str] = []
        for index, candidates in enumerate(pieces):
            before = out[-1] if out else ""
            others = context + "".join(p[0] for i, p in enumerate(pieces) if i != index)
            word = next((w for w in candidates if len(candidates) > 1 and w in others),
                        next((w for w in candidates if before and before + w in self.corpus), candidates[0]))
            out.append(word)
        # (letters no word spells are left out: they would only blur the sense of the words read)
        return "".join(w for w in out if _CJK.match(w))

    def spell_out(self, text: str) -> str:
        """``text`` read as characters when it is typed in pinyin (see typed_in_pinyin)."""
        if not typed_in_pinyin(text):
            return text
        groups = list(_LATIN_WORDS.finditer(text))
        first = [self._spell_out(m.group()) for m in groups]
        # each group read beside the rest of the message as first read
        text_around = _LATIN_WORDS.sub("", text)
        readings = iter([self._spell_out(m.group(), text_around + "".join(first[:i] + first[i + 1:]))
                         for i, m in enumerate(groups)])
        return _LATIN_WORDS.sub(lambda m: next(readings), text)

    def _compound(self, stretch: str) -> bool:
        """Whether the stretch is words said together ("等级证书": 等级 + 证书), not a typo."""
        def word(part: str) -> bool:
            return part in self.known or self.is_word(part)

        if len(stretch) == 3:
            # a word and one character ("等级证"): the word was meant
            return word(stretch[:2]) or word(stretch[1:])
        return any(word(stretch[:i]) and word(stretch[i:]) for i in range(2, len(stretch) - 1))

    def correct(self, text: str) -> str:
        """``text`` with each stretch that is no word but sounds like one word of the list replaced
        by that word; longest stretches first, none overlapping a word of the list."""
        text = self.spell_out(text)
        if self._spelt:
            # a word spelt a syllable at a time ("zhi cheng申报")
            text = _LATIN_WORDS.sub(lambda m: self._spelt.get(re.sub(r"[ '-]+", "", m.group()).lower(), m.group())
                                    if " " in m.group() else m.group(), text)
        if self._spelt and _LATIN_RUN.search(text):
            text = _LATIN_RUN.sub(lambda m: self._spelt.get(m.group().lower(), m.group()), text)
        if not self._word_of and not self._name_of:
            return text
        taken = [False] * len(text)
        for size in range(MAX_CHARS, MIN_CHARS - 1, -1):
            for start in range(len(text) - size + 1):
                if text[start:start + size] in self.vocabulary:
                    taken[start:start + size] = [True] * size
        if all(taken):
            return text
        sounds = sound_of(text)
        replacements: list[tuple[int, int, str]] = []
        for size in range(MAX_CHARS, MIN_CHARS - 1, -1):
            for start in range(len(text) - size + 1):
                word = self._word_of.get(sounds[start:start + size])
                if word is None or any(taken[start:start + size]):
                    continue
                stretch = text[start:start + size]
                if (_CJK.match(stretch) and not self.is_word(stretch) and stretch not in self.corpus
                        and not self._compound(stretch)):
                    replacements.append((start, size, word))
                    taken[start:start + size] = [True] * size
        for size in self._name_sizes:
            for start in range(len(text) - size + 1):
                if any(taken[start:start + size]):
                    continue
                stretch = text[start:start + size]
                name = next((self._name_of[p] for i in range(1, size - 1)
                             if (p := stretch[:i] + "?" + stretch[i + 1:]) in self._name_of), None)
                if (name is not None and _CJK.match(stretch) and not self.is_word(stretch)
                        and stretch not in self.corpus and not self._compound(stretch)):
                    replacements.append((start, size, name))
                    taken[start:start + size] = [True] * size
        for start, size, word in sorted(replacements, reverse=True):
            text = text[:start] + word + text[start + size:]
        return text


class PairCorrector:
    """Two characters typed by sound for a two-character word of the list: "陪训班" is 培训班,
    "职成" 职称, "医宝" 医保.

    Two characters of a message sound alike far more often than a caller mistypes, so a pair is
    read as the word only where nothing else explains it: the dictionary cuts it into two single
    characters, the two are no word together nor with the characters beside them ("举" of 举报),
    neither frames a question or is a function word ("事想问": 想), and the word it sounds like is
    one of the list's, a thing (a noun), and the only one so sounding. Two such pairs that overlap
    say neither.
    """

    def __init__(self, words: Iterable[str], in_dictionary: Callable[[str], bool],
                 cut: Callable[[str], list[str]], framing: Callable[[str], bool], corpus: str = "",
                 is_word: Callable[[str], bool] | None = None):
        """``words``: the list's two-character things; ``in_dictionary``: whether a stretch is a word
        of the dictionary; ``cut``: the dictionary's cut of a text (no guessing at new words);
        ``framing``: whether a character frames a question or is a function word; ``corpus``: the
        list's text (a pair it holds is its own wording); ``is_word``: whether a stretch is a word
        a caller may mean (default ``in_dictionary``): a pair's character makes one with its
        neighbour only so ("困南人员": 南人, a place name, is no word meant there)."""
        by_sound: dict[tuple[str, ...], set[str]] = {}
        for word in words:
            if len(word) == 2 and _CJK.match(word):
                by_sound.setdefault(sound_of(word), set()).add(word)
        self._word_of = {sound: next(iter(found)) for sound, found in by_sound.items() if len(found) == 1}
        self.in_dictionary, self.cut, self.framing, self.corpus = in_dictionary, cut, framing, corpus
        self.is_word = is_word or in_dictionary

    def correct(self, text: str) -> str:
        if not self._word_of:
            return text
        pieces = self.cut(text)
        starts = list(accumulate((len(p) for p in pieces), initial=0))
        found: list[tuple[int, str]] = []
        for k in range(len(pieces) - 1):
            first, second = pieces[k], pieces[k + 1]
            pair = first + second
            if len(first) != 1 or len(second) != 1 or not _CJK.match(pair):
                continue
            word = self._word_of.get(sound_of(pair))
            if (word is None or self.in_dictionary(pair) or pair in self.corpus
                    or self.framing(first) or self.framing(second)):
                continue
            before = pieces[k - 1][-1:] if k > 0 else ""
            after = pieces[k + 2][:1] if k + 2 < len(pieces) else ""
            if (before and self.is_word(before + first)) or (after and self.is_word(second + after)):
                continue
            found.append((starts[k], word))
        overlapping = {s for s, _ in found} & {s + 1 for s, _ in found}
        for start, word in reversed(found):
            if start not in overlapping and start + 1 not in overlapping:
                text = text[:start] + word + text[start + 2:]
        return text
