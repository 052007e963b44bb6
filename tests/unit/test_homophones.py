"""Words typed by sound (knowledge/homophones.py), on a small vocabulary."""

from knowledge.homophones import HomophoneCorrector, sound_of

VOCABULARY = ["劳动", "监察", "大队", "监察大队", "登记证", "年检", "年检不合格", "最低工资", "工资", "等级", "证书"]
LANGUAGE = {"公司", "合格", "证书"}


def corrector(**kwargs) -> HomophoneCorrector:
    return HomophoneCorrector(VOCABULARY, is_word=LANGUAGE.__contains__, **kwargs)


def test_a_stretch_that_sounds_like_one_word_of_the_list_is_read_as_it():
    fix = corrector()
    assert fix.correct("俺去劳动监查大对反映了") == "俺去劳动监察大队反映了"
    assert fix.correct("失业登计证在哪办") == "失业登记证在哪办"
    assert fix.correct("比最底工资还低") == "比最低工资还低"


def test_words_of_the_list_and_of_the_language_are_left_alone():
    fix = corrector()
    assert fix.correct("职业技能等级证书") == "职业技能等级证书"  # 等级 + 证书, not 登记证
    assert fix.correct("公司不合格") == "公司不合格"
    assert fix.correct("劳动监察大队电话") == "劳动监察大队电话"


def test_a_sound_two_words_share_says_neither():
    fix = HomophoneCorrector(["监察大队", "检查大队"], is_word=lambda w: False)
    assert fix.correct("监查大对") == "监查大对"


def test_the_lists_own_wording_is_not_corrected():
    assert corrector().correct("年捡不合格的") == "年检不合格的"
    fix = corrector(corpus="……年捡不合格继续从事……")  # the list's own misspelling
    assert fix.correct("年捡不合格的") == "年捡不合格的"


def test_sounds_are_toneless_and_loose_on_retroflex_initials():
    assert sound_of("监察") == sound_of("监查")
    assert sound_of("诉") == sound_of("述")  # su / shu


def test_a_word_spelt_in_pinyin_is_read_as_the_word_of_the_list():
    fix = corrector()
    assert fix.correct("zuidigongzi是多少") == "最低工资是多少"
    assert fix.correct("去Jiancha大队") == "去监察大队"
    # letters that spell no word of the list, or one syllable, stay
    assert fix.correct("HR问app的事") == "HR问app的事"
    assert fix.correct("ke在哪") == "ke在哪"


def test_a_word_spelt_a_syllable_at_a_time_is_read_as_the_word_of_the_list():
    fix = corrector()
    # "jian cha": the syllables typed apart spell one word of the list (too few words in letters
    # for a message typed in pinyin)
    assert fix.correct("jian cha大队电话") == "监察大队电话"
    assert fix.correct("最低gong zi是多少") == "最低工资是多少"
    # words in letters that spell none stay as typed
    assert fix.correct("thank you 多少钱") == "thank you 多少钱"


def test_a_spelling_two_words_of_the_list_share_says_neither():
    fix = HomophoneCorrector(["监察", "检查"], is_word=lambda w: False)
    assert fix.correct("jiancha几次") == "jiancha几次"


def test_a_message_typed_in_pinyin_is_read_word_by_word():
    fix = HomophoneCorrector(["劳动", "监察", "检查", "大队", "立案", "调查", "工资"], is_word=lambda w: False,
                             corpus="劳动监察大队……检查……检查", asking=["多久", "哪个"])
    # across the spaces typed ("li an"), the words questions ask with too, else a common word of the
    # language ("yihou": 以后); a syllable no word spells ("neng", "wan") is left out
    assert fix.correct("laodong jiancha li an yihou duojiu neng diaocha wan") == "劳动监察立案以后多久调查"
    # a common word only of whole typed words and as many syllables ("yue le" is no 余额), no noun
    assert fix.correct("gongzi san ge yue le") == "工资三个"
    # a spelling two words share: the one the list writes after the word before, else the commoner
    assert fix.correct("jiancha dadui duojiu diaocha") == "检查大队多久调查"


def test_english_mixed_in_is_no_message_typed_in_pinyin():
    from knowledge.homophones import typed_in_pinyin

    assert typed_in_pinyin("wo de laoban qian wo gongzi, gai zhao na ge bumen?")
    assert not typed_in_pinyin("my boss 拖欠 salary 三个月了，where can I complain? 有没有 phone number?")
    assert not typed_in_pinyin("zhicheng申报找哪个科")  # one word spelt: read by the word's own spelling


def test_a_message_written_in_english_is_told_from_one_with_english_mixed_in():
    from knowledge.homophones import written_in_english

    assert written_in_english("And how many officers will be assigned to the case?")
    assert not written_in_english("my boss 拖欠 salary 三个月了，where can I complain?")
    assert not written_in_english("wo de laoban qian wo gongzi san ge yue le")  # pinyin
    assert not written_in_english("OK thanks")  # too few words to tell


def test_a_common_noun_typed_in_pinyin_is_read_not_left_out():
    # "hu kou" left out, "kou qian" would read as 扣钱 and the question as a wage complaint
    fix = HomophoneCorrector(["扣钱", "工资"], is_word=lambda w: False, corpus="", asking=["我想", "哪里"])
    assert "户口" in fix.correct("wo xiang ban hu kou qian yi, qu na li ban a")


def test_a_name_one_character_off_inside_is_read_as_the_name():
    # 栽 looks like 裁 and does not sound like it: a character picked by its look
    fix = HomophoneCorrector(["仲裁", "电话"], is_word=LANGUAGE.__contains__, names=["仲裁科", "劳动仲裁科", "职称科"])
    assert fix.correct("仲栽科 电话 多少") == "仲裁科 电话 多少"
    assert fix.correct("劳动仲栽科在哪") == "劳动仲裁科在哪"
    assert fix.correct("职秤科管啥") == "职称科管啥"


def test_a_name_off_at_its_ends_or_by_a_word_is_not_read_as_the_name():
    fix = HomophoneCorrector([], is_word={"劳务", "公司"}.__contains__, names=["劳动科", "人事科", "人才科"])
    assert fix.correct("劳动局电话") == "劳动局电话"  # the last character: another unit, not a typo
    assert fix.correct("劳务科电话") == "劳务科电话"  # 劳务 is a word of its own
    assert fix.correct("人材科电话") == "人材科电话"  # 人?科: a pattern two names share says neither


def _pairs(words, dictionary=(), framing="想是我的", names=None, cut_words=None):
    from knowledge.homophones import PairCorrector

    # a dictionary cut that knows the given words and nothing else: every other character alone
    def cut(text: str) -> list[str]:
        out, i = [], 0
        while i < len(text):
            word = next((w for w in sorted(dictionary if cut_words is None else cut_words, key=len, reverse=True)
                         if text.startswith(w, i)), text[i])
            out.append(word)
            i += len(word)
        return out

    return PairCorrector(words, in_dictionary=set(dictionary).__contains__, cut=cut, framing=framing.__contains__,
                         is_word=None if names is None else (lambda w: w in dictionary and w not in names))


def test_two_characters_typed_by_sound_for_a_thing_of_the_list_are_the_thing():
    fix = _pairs(["培训", "职称", "医保"], dictionary=["报名", "中级"])
    assert fix.correct("报名陪训班") == "报名培训班"
    assert fix.correct("职成中级") == "职称中级"
    assert fix.correct("医宝卡丢了") == "医保卡丢了"


def test_a_pair_a_word_or_a_framing_character_explains_is_left_alone():
    fix = _pairs(["事项", "培训", "举报"], dictionary=["陪同", "训练"])
    assert fix.correct("有个事想问") == "有个事想问"  # 想 frames the question: no 事项
    assert fix.correct("陪训练") == "陪训练"  # 训 is 训练's
    # two pairs that overlap say neither: 陪训 and 训抱 of 陪训抱
    fix = _pairs(["培训", "巡抱"])
    assert fix.correct("陪训抱") == "陪训抱"


def test_a_name_the_neighbour_makes_by_chance_does_not_explain_the_pair():
    # 南人 is a dictionary entry (a place name), no word a caller means in "困南人员"
    fix = _pairs(["困难"], dictionary=["南人", "人员"], names={"南人"}, cut_words=["人员"])
    assert fix.correct("认定就业困南人员") == "认定就业困难人员"
    # a word people use does explain it: 南方 of "困南方" stays
    fix = _pairs(["困难"], dictionary=["南方", "方向"], names=set(), cut_words=["方向"])
    assert fix.correct("困南方向") == "困南方向"


def test_a_typed_word_that_spells_a_word_is_not_cut_and_a_shared_spelling_reads_by_the_message():
    fix = HomophoneCorrector(["事业", "失业", "失业金", "我市", "电话", "毕业生", "毕业", "省会"],
                             is_word=lambda w: False, corpus="事业单位 事业 我市 失业", asking=["哪个"])
    # "woshi" would cut "shiye", a word's spelling typed whole; 失业 is the one "shiyejin" holds
    assert fix.correct("wo shiye le, xiang ling shiyejin, da na ge dianhua") == "失业, 失业金, 哪个电话"
    # without the message saying which, the one the list writes most
    assert fix.correct("wo shiye le, da na ge dianhua") == "事业, 哪个电话"
    # 毕业 + 省会 would read a character more, cutting the word typed whole
    graduate = fix.correct("biyesheng hui xian na ge dianhua")
    assert "毕业生" in graduate and "省会" not in graduate


def test_every_reading_of_a_syllable_counts_as_pinyin():
    from knowledge.homophones import syllables_typed, typed_in_pinyin

    # 谁 is typed "shei" as often as its common reading "shui"
    assert typed_in_pinyin("shebao shenji: shei shen? ji nian yi ci?")
    assert syllables_typed("zhicheng shenbao na ge ke") == 7
