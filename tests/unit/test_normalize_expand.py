"""The synonym table's expansion (knowledge.normalize.expand)."""

import pytest

from knowledge.normalize import expand


def test_a_place_asked_for_is_no_party_named():
    # "哪个单位" asks which office; "单位不给交社保" names the employer
    assert "用人单位" not in expand("教师资格证认定归哪个单位管")
    assert "用人单位" in expand("单位不给交社保，找哪个部门")


def test_english_words_mixed_in_are_the_lists_whole_words_in_any_case():
    from knowledge.normalize import fix_typos

    assert fix_typos("哪个 Department 负责最低工资 policy 的监督？") == "哪个 部门 负责最低工资 政策 的监督？"
    assert fix_typos("minimum wage 是多少") == "最低工资 是多少"
    # not inside another word
    assert fix_typos("official") == "official"


def test_an_age_said_below_the_tables_limit_is_the_lists_term_for_it():
    from knowledge.normalize import said_ages

    # a number with 岁, after 才/刚, or below a limit ("不到十六" is fifteen at most)
    assert said_ages("俺家妞儿才十五 厂子里叫她上流水线") == [15]
    assert said_ages("孩子刚满14周岁") == [14]
    assert said_ages("还不到十六") == [15]
    # a sum, a count of days or a retirement age is no child's age
    assert said_ages("才十五块钱") == [] and said_ages("才上了两天") == []
    assert "未满十六周岁" in expand("俺家妞儿才十五 厂子里叫她上流水线")
    assert "未满十六周岁" not in expand("她今年十七岁，在厂里上班") and "未满十六周岁" not in expand("年满60岁退休")


def test_a_grown_child_is_no_minor_of_the_list():
    from knowledge.normalize import said_ages

    # an age told after the person, without 岁 ("孩子十九了")
    assert said_ages("俺家孩子十九了想学个电焊") == [19]
    assert said_ages("闺女今年都二十啦") == [20]
    assert said_ages("俺爹在厂里干了三十年") == []
    # a child of nineteen is not the minor the list protects; one of fifteen is
    assert "未成年人" not in expand("俺家孩子十九了想学个电焊，有培训吗")
    assert "未成年人" in expand("孩子十五了，厂里让他上夜班") and "未满十六周岁" in expand("孩子十五了，厂里让他上夜班")
    assert "未成年人" in expand("厂里招孩子干活")


@pytest.mark.parametrize("said,term", [
    ("它压根就没证还干着呢", "未取得"),
    ("要是用不着给行政处理", "不需要"),
    ("罚款数额大的案子谁拍板", "较大数额"),
    ("进场之前会先下个啥文书", "现场"),
])
def test_everyday_words_for_the_lists_terms(said, term):
    from knowledge.normalize import expand

    assert term in expand(said).split(" ", 1)[1]


def test_english_words_of_the_trade_become_the_lists():
    from knowledge.normalize import fix_typos

    fixed = fix_typos("startup incubator 基地 guidance, contact number please, how many working days")
    assert "创业" in fixed and "孵化基地" in fixed and "联系电话" in fixed and "工作日" in fixed


def test_the_story_told_keeps_its_terms_beside_the_asking_clause():
    from knowledge.normalize import story_terms

    message = "我爱人怀孕七个月了还让上夜班，我想举报这个厂子，归哪个部门查？"
    assert "女职工" in story_terms(message, "我想举报这个厂子，归哪个部门查？").split()


def test_a_message_typed_one_character_at_a_time_is_read_as_words():
    from knowledge.normalize import clean

    assert clean("稽 核 立 案 要 填 啥 单 子 ？") == "稽核立案要填啥单子 ?"
    # spaces between words stay
    assert clean("欠薪 找谁") == "欠薪 找谁"
    assert clean("药店 刷医保卡 买米 罚?") == "药店 刷医保卡 买米 罚?"


def test_words_typed_by_sound_and_english_sentences():
    from knowledge.normalize import fix_typos

    assert fix_typos("设保 内部机核 多久一次") == "社保 内部稽核 多久一次"
    fixed = fix_typos("Job agency send workers whose documents are not complete, how much fine per person?")
    assert "职业中介" in fixed and "证件不全" in fixed and "每人" in fixed


def test_a_section_asked_for_is_an_office_asked_for():
    from knowledge.normalize import fix_typos, tokens

    # "股" is a section of the bureau: "哪个股" asks for an office, as "哪个科室" does
    assert fix_typos("这个归哪个股管？") == "这个归哪个科室管？"
    assert fix_typos("局里哪个股室承办") == "局里哪个科室承办"
    assert tokens(fix_typos("这个归哪个股管？")) == ["科室", "管"]


def test_a_synonyms_gap_spans_a_clause_but_not_a_sentence():
    # "走了*领*退休金": what is said between may run over a comma, not past the sentence's end
    assert "冒领" in expand("俺们厂退休的老李走了一年多了他家里还在领他的退休金")
    assert "冒领" in expand("老爷子走了三年了，家里人还一直领着他的退休金")
    assert "冒领" not in expand("老李上个月走了。他家里想领他的退休金，咋办手续")


def test_a_person_a_story_is_about_is_no_matter():
    from knowledge.normalize import names_a_person

    assert names_a_person("老李") and names_a_person("小王") and names_a_person("老爷子")
    assert names_a_person("邻居") and names_a_person("家里人")
    # 老/小 before a word that is no surname, and matters, are not people
    assert not names_a_person("小学") and not names_a_person("老家") and not names_a_person("户口")


def test_an_age_of_sixteen_or_seventeen_is_a_minor_worker_not_child_labour():
    from knowledge.normalize import read_ages

    assert "未成年工" in read_ages("俺儿子才十六岁半，砖厂叫他天天上夜班")
    assert "未成年工" in read_ages("她今年十七岁")
    assert "未满十六周岁" not in read_ages("她今年十七岁")
    # fifteen is child labour only; an adult's age is neither
    assert "未成年工" not in read_ages("俺家妞儿才十五") and "未满十六周岁" in read_ages("俺家妞儿才十五")
    assert read_ages("年满60岁退休") == "年满60岁退休"



def test_wanting_a_small_business_is_starting_one_running_one_is_not():
    assert "创业" in expand("想自己干点小买卖 有培训不").split(" ", 1)[1]
    # an employer who runs one already ("雇了仨服务员") asks of its workers, not of starting out
    assert "创业" not in expand("俺是个体户开了个小饭馆，雇了仨服务员，没给他们弄社保登记")


def test_the_parts_of_a_phrase_read_whole_are_known():
    from knowledge.normalize import phrase_parts_said

    # "想*小买卖" reads the whole phrase as 创业: its 小买卖 is no matter of its own
    assert "小买卖" in phrase_parts_said("刚回来，想在县里自己干点小买卖。")
    # alone, no phrase of the table holds it
    assert "小买卖" not in phrase_parts_said("隔壁小买卖的老板")
