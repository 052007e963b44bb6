"""What a question asks about (knowledge/aspects.py), on the shipped aspects file."""

from knowledge.aspects import asked_aspects, asking_clauses, aspects_of
from knowledge.normalize import clean


def names(aspects) -> set[str]:
    return {a.name for a in aspects}


def test_a_story_before_the_question_does_not_ask_what_it_tells():
    message = clean("上个月我去了一家职介所，人家先收了我八百块钱。去问处理结果，等了三个礼拜也没人理。"
                    "我妈气得不行。我想问一下：这种职介所按规定该怎么罚？")
    # "处理结果" tells what happened; the question asks for a penalty
    assert "result" in names(aspects_of(message))
    assert "result" not in names(asked_aspects(message))


def test_a_short_message_is_read_whole():
    message = clean("举报以后会有结果吗？")
    assert names(asked_aspects(message)) == names(aspects_of(message))
    assert "result" in names(asked_aspects(message))


def test_how_long_until_a_result_asks_a_time_not_the_result():
    # "多久能有结果", "多长时间才有结果": the result is what the time runs to
    for message in ("举报以后多久能有结果？", "立案以后调查一般得多长时间才有结果？"):
        assert names(asked_aspects(clean(message))) == {"time_limit"}


def test_full_width_marks_end_sentences_after_cleaning():
    # clean() turns "！" and "？" into "!" and "?": the story's sentences are still told apart
    message = clean("老板跑了！结果工资没人给！我该找谁？")
    assert "!" in message
    assert "result" not in names(asked_aspects(message))


def test_a_question_marked_sentence_after_one_story_sentence_is_what_asks():
    # two sentences: the story has a word that asks ("咋弄") but no question mark
    message = clean("去问了处理结果也没人理，中介又不肯退钱，也不知道该咋弄。想问一下，这种中介会怎么罚？")
    assert "result" in names(aspects_of(message))
    assert "result" not in names(asked_aspects(message))


def test_a_long_sentence_chained_by_commas_asks_in_its_asking_clauses():
    message = clean("你好，我在村卫生室干了十来年了，以前一直是乡卫生院那边管着我们，今年听别人说有一块归到人社局了，"
                    "家里人也说不明白，俺们村医这块的事在人社局是哪个科室在管，我好过去当面问问，谢谢了啊")
    asking = asking_clauses(message)
    assert "哪个科室在管" in asking
    assert "乡卫生院" not in asking and "十来年" not in asking
    short = clean("村医归哪个科室管，我好过去问问")
    assert asking_clauses(short) == short


def test_what_the_bureau_does_with_a_report_is_asked_many_ways():
    for message in ("有人投诉一家定点药店，是不是得等一年一回的检查才查？", "举报隔壁公司骗领补贴，人社局会怎么去核实？",
                    "村民举报中介扣身份证，人社局接了举报会不会去查", "我想举报一家公司，人社局去了会查些啥"):
        assert "on_report" in names(asked_aspects(clean(message))), message
    assert "on_report" not in names(asked_aspects(clean("举报电话是多少")))


def test_how_many_units_is_answered_by_a_count_of_them_not_of_months():
    from knowledge.aspects import default_aspects

    ratio = next(a for a in default_aspects() if a.name == "ratio")
    assert ratio in aspects_of("每回查几家？")
    assert ratio.answered_in("每月不少于 2 次，每次巡查不少于 2 个定点培训机构。")
    assert not ratio.answered_in("可以延长不少于 2 个月")


def test_what_befalls_is_asked_many_ways():
    for question in ("挪用基金，情节严重的会咋处理？", "查出来以后咋办？", "会受到哪些处理？",
                     "钱已经领到手了，还能要回来不？", "收了俺200块，钱能退不？", "举报了能把钱退给俺不？",
                     "查出来有问题，钱已经拨了咋办？"):
        assert "sanction" in {a.name for a in aspects_of(question)}, question
    # "哪些处理" asks for the sanctions, not for the numbered parts of a unit
    assert "parts" not in {a.name for a in aspects_of("会受到哪些处理？")}


def test_a_situation_the_story_tells_is_read_wherever_it_is_told():
    from knowledge.aspects import asked_aspects

    question = clean("监察大队来查的时候，老板已经把拖的工资补上了，问题也不大，这案子最后咋了结？")
    assert "corrected" in {a.name for a in asked_aspects(question)}


def test_refusing_to_be_investigated_is_not_refusing_to_pay():
    assert "enforce" not in {a.name for a in aspects_of("稽核的时候当事人不配合、拒绝调查取证，有啥办法？")}
    assert "enforce" in {a.name for a in aspects_of("罚款下来了他就是不配合，不交，咋办？")}


def test_who_takes_part_and_which_decree_are_asked_many_ways():
    assert "who" in {a.name for a in aspects_of("除了人社，还有哪些部门参加？")}
    assert "basis" in {a.name for a in aspects_of("那是市政府第几号令？")}


def test_how_often_is_answered_by_a_frequency_not_by_a_check_named_regular():
    from knowledge.aspects import default_aspects

    frequency = next(a for a in default_aspects() if a.name == "frequency")
    assert frequency.answered_in("1、定期检查。每年一次，检查对象随机确定。")
    assert frequency.answered_in("（二）每年定期、不定期开展专项检查工作。")
    # a check's name says nothing of how often: "定期检查。由人社部门牵头", "不定期检查。由市…进行"
    assert not frequency.answered_in("（一）定期检查。由人社部门牵头，组织卫生等部门进行。")
    # "每月对…进行稽核" says how often without 次
    assert frequency.answered_in("1、内部稽核：每月对上个月已处理完毕的社保经办业务进行稽核，稽核面不低于 20%；")
    assert not frequency.answered_in("（二）不定期检查。由市社会保险管理中心等单位进行。")


def test_who_is_answered_by_a_long_list_of_those_who_take_part():
    from knowledge.aspects import default_aspects

    who = next(a for a in default_aspects() if a.name == "who")
    assert who.answered_in("（二）不定期检查。由市社会保险管理中心、市卫生监督所、市物价监督分局、市食品药品监察支队等单位组织专业人员进行。")
    assert not who.answered_in("每年一次，检查对象随机确定。")


def test_what_a_question_names_without_what_it_asks():
    from knowledge.aspects import without_asking

    assert "号令" not in without_asking(clean("那是市政府第几号令？"))
    assert "市政府" in without_asking(clean("那是市政府第几号令？"))


def test_how_a_report_is_verified_is_asked_many_ways():
    from knowledge.aspects import default_aspects

    verify = next(a for a in default_aspects() if a.name == "verify")
    for question in ("我举报了，人社局咋核实是不是真培训？", "他们怎么确认材料真假", "咋知道他报的是不是真的"):
        assert verify in aspects_of(clean(question)), question
    assert verify.answered_in("电话暗访时，随机抽查每班次学员，就是办班真实性和有效性问询。")
    assert verify not in aspects_of(clean("培训学校归哪个科管"))


def test_a_year_said_is_not_how_often_asked():
    names_of = lambda q: {a.name for a in aspects_of(clean(q))}  # noqa: E731
    assert "frequency" not in names_of("每年用人单位书面审查是咋安排的？")
    assert "frequency" in names_of("每年都查吗？")
    assert "frequency" in names_of("投诉后会有人去查吗？还是等每年的例行检查？")


def test_the_name_of_a_document_is_asked_many_ways():
    from knowledge.aspects import default_aspects

    document = next(a for a in default_aspects() if a.name == "document")
    for question in ("事先送给我们的那个文书叫啥？", "下给我们的是什么通知书", "要填哪张表"):
        assert document in aspects_of(clean(question)), question
    assert document.answered_in("案件承办人员制作并送达《劳动保障监察行政处理（罚）告知书》。")
    assert document.answered_in("（二）需要行政处理的，下达处理意见书。")
    assert document not in aspects_of(clean("罚款罚多少"))


def test_a_limit_of_the_fine_is_asked_not_a_sum_told():
    names_of = lambda q: {a.name for a in aspects_of(clean(q))}  # noqa: E731
    assert "amount" in names_of("一万是最低的吧？顶格能罚到多少？")
    assert "amount" not in names_of("有个培训学校报个名收好几千，举报了会咋处理？")


def test_a_sum_is_asked_of_a_benefit_or_a_standard_not_of_a_name():
    names_of = lambda q: {a.name for a in aspects_of(clean(q))}  # noqa: E731
    for question in ("养老金每月能领多少？", "最低工资标准是多少？", "生育保险能报销多少钱？", "医保报销比例是多少？"):
        assert "sum" in names_of(question), question
    # the minimum wage named is no sum asked, nor is a fine
    assert "sum" not in names_of("工资低于最低工资标准找谁？")
    assert "sum" not in names_of("没规定罚款幅度，人社咋定罚多少？")
    assert "sum" not in names_of("这种罚多少钱？")


def test_being_heard_secrecy_and_sanctions_are_asked_many_ways():
    names_of = lambda q: {a.name for a in aspects_of(clean(q))}  # noqa: E731
    assert "hearing" in names_of("我们对认定的事实有不同看法，还有机会说话吗？")
    assert "secrecy" in names_of("我的情况会不会被泄露出去？")
    assert "sanction" in names_of("人社局能怎么处理他们？")
    assert "secrecy" not in names_of("社保基金的举报电话是多少？")


def test_then_is_no_result_asked():
    names_of = lambda q: {a.name for a in aspects_of(clean(q))}  # noqa: E731
    assert "result" not in names_of("刚立案查我们厂欠工资，结果老板连夜跑了，这案子是不是就黄了？")
    assert "result" in names_of("查完以后会告诉我结果不？")
    assert "result" in names_of("稽核结果啥时候出来？")


def test_a_lowest_grade_told_is_no_limit_of_a_fine_asked():
    names_of = lambda q: {a.name for a in aspects_of(clean(q))}  # noqa: E731
    assert "amount" not in names_of("公司给俺交社保一直按最低档的基数报，这不是少报吗？")
    assert "amount" in names_of("最高能罚多少？")


def test_a_fine_is_stated_in_yuan_or_as_a_multiple():
    from knowledge.aspects import default_aspects

    amount = next(a for a in default_aspects() if a.name == "amount")
    assert amount.answered_in("处以一万元以上三万元以下罚款")
    assert amount.answered_in("处骗取金额二倍以上五倍以下的罚款")


def test_a_long_run_without_stops_asks_after_its_last_i_want_to_ask():
    from knowledge.aspects import asked_aspects, asking_part

    story = ("我们厂子不大也就三十来号人社保都是按规定交的吧结果上个礼拜来了俩人说是社保稽核的证也亮了"
             "然后要跟我们老板约谈我就想问一句他们到底有没有权力录音录像复制资料")
    assert asking_part(story) == "他们到底有没有权力录音录像复制资料"
    # "结果" told in the story is no question about a result
    assert "result" not in {a.name for a in asked_aspects(story)}
    # a short question that opens with 请问 is the question
    assert asking_part("请问农保中心电话多少") == "请问农保中心电话多少"


def test_past_the_time_limit_is_answered_by_what_the_list_says_of_overdue():
    from knowledge.aspects import asked_aspects

    asked = {a.name: a for a in asked_aspects("要是过了那个时间我们没提呢？")}
    assert "overdue" in asked
    assert asked["overdue"].answered_in("被检查单位在收到报告 10 日内提出书面意见，逾期未提书面意见的视同无异议。")
    assert not asked["overdue"].answered_in("在当事人自觉履行后或者行政处理期限、缴纳罚款期满后")


def test_a_party_that_will_not_correct_is_a_situation_told():
    message = clean("社保稽核让限期整改，单位就是拖着不改，下一步会怎样？")
    assert "not_corrected" in names(asked_aspects(message))
    # already corrected is the other situation
    assert "not_corrected" not in names(asked_aspects(clean("老板已经改正了，还罚不罚？")))


def test_a_rough_number_told_asks_no_count():
    # "几" beside a numeral or after 好/这/前 tells a number; alone it asks one
    for told in ("老板拖了我们十几个人三个月工资", "村里好几个人在那上过课", "几十家单位都这样", "前几天去问过"):
        assert not names(aspects_of(clean(told))) & {"headcount", "ratio", "time_limit"}, told
    assert "headcount" in names(aspects_of(clean("来查的时候几个人？")))
    assert "ratio" in names(aspects_of(clean("一次抽几家？")))


def test_a_time_limit_is_asked_many_ways():
    for message in ("投诉以后几天能录进系统？", "这个调查是不是有个期限？", "查不完能往后延多长？"):
        assert "time_limit" in names(aspects_of(clean(message))), message


def test_a_story_of_being_told_to_go_asks_no_hearing():
    # "让她上夜班，说不干就走人": 让 and 说 in two clauses; "让我们说说" asks to be heard
    assert "hearing" not in names(aspects_of(clean("厂里非让她上夜班，说不干就走人")))
    assert "hearing" in names(aspects_of(clean("罚之前让不让我们说说理由？")))


def test_wages_already_paid_is_a_correction_told():
    assert "corrected" in names(asked_aspects(clean("我已经把钱全给工人了，这案子还罚吗？")))


def test_a_fine_told_unpaid_asks_how_it_is_enforced():
    # the fine and its not being paid told apart ("被罚了款，到现在也不交")
    assert "enforce" in {a.name for a in aspects_of("厂里被罚了款，到现在也不交，就这么一直拖着咋整？")}
    assert "enforce" in {a.name for a in aspects_of("罚款一直没交咋办")}
    assert "enforce" not in {a.name for a in aspects_of("罚款交了没有")}


def test_a_wrong_put_right_is_told_in_everyday_words():
    assert "corrected" in {a.name for a in asked_aspects(clean("俺第二天就给补签上了，事也不大，这还会罚俺不？"))}
    assert "corrected" in {a.name for a in asked_aspects(clean("合同已经补齐了，事儿不大吧"))}


def test_a_threat_to_pay_is_no_refusal_to_pay_a_fine():
    # "不交钱就别想出门" is what an agency threatens, not a fined party refusing to pay
    assert "enforce" not in {a.name for a in aspects_of("中介吓唬人家不交钱就别想出门，这种中介咋罚？")}
    assert "enforce" in {a.name for a in aspects_of("他就是赖着不交钱，咋办")}


def test_being_told_the_result_and_kept_secret_are_asked_in_everyday_words():
    asked = {a.name for a in asked_aspects(clean("查完了会跟俺说一声不？俺的名字会不会叫人知道？"))}
    assert {"result", "secrecy"} <= asked
    assert "secrecy" in {a.name for a in asked_aspects(clean("俺想举报又怕露了名"))}
    # telling someone where to go, or paying them, asks no result
    assert "result" not in {a.name for a in asked_aspects(clean("告诉俺们去哪办"))}
    assert "result" not in {a.name for a in asked_aspects(clean("给我们发工资"))}


def test_whether_a_fine_is_at_the_inspectors_whim_asks_their_discretion_not_an_amount():
    for message in ("监察大队罚款多少是不是看心情？", "劳动监察罚款的数额是承办人员随便定的吗？",
                    "有个标准没有，还是你们说罚多少就罚多少？", "罚款罚多罚少，有没有人管着他们？"):
        assert "discretion" in names(aspects_of(clean(message))), message
    # how a fine is computed for the act told is the rule's amount ("介绍了3个人，罚款咋算")
    for message in ("介绍了3个人，罚款咋算", "这种罚款的标准是多少"):
        assert "discretion" not in names(aspects_of(clean(message))), message


def test_a_document_to_follow_is_a_basis_but_a_document_sent_is_not():
    assert "basis" in names(aspects_of(clean("这套标准是照着哪个文件定的？")))
    assert "basis" not in names(aspects_of(clean("监督机构会给单位发个啥文件？")))


def test_a_report_by_letter_and_a_reporters_name_kept_are_asked_in_everyday_words():
    assert "by_letter" in names(aspects_of(clean("能不能给你们写封信举报那个黑中介？")))
    assert "secrecy" in names(aspects_of(clean("你们会不会把俺的名字透给他？")))


def test_still_not_paying_after_the_check_is_not_corrected():
    assert "not_corrected" in names(asked_aspects(clean("要是查出来了公司还是不给补交呢？")))
    # a first complaint that the employer does not pay is no order left unheeded
    assert "not_corrected" not in names(asked_aspects(clean("老板到现在还不交社保，找谁")))


def test_the_clauses_of_a_story_that_ask_nothing_are_its_story():
    from knowledge.aspects import told_clauses

    assert told_clauses("俺侄子才十五，让中介介绍到外地厂子里干活去了，中介这么干合法不？归谁管？") == (
        "俺侄子才十五，让中介介绍到外地厂子里干活去了")
    # every clause asks: the message itself
    assert told_clauses("罚多少？谁来罚？") == "罚多少？谁来罚？"


def test_refusing_outright_to_pay_back_is_not_corrected():
    assert "not_corrected" in names(asked_aspects(clean("要是俺们就是不退呢？")))
    assert "not_corrected" in names(asked_aspects(clean("他死活不改咋办")))
    assert "not_corrected" not in names(asked_aspects(clean("多报的钱咋退？")))


def test_how_a_time_limit_runs_on_is_asked_of_the_time_limit():
    assert "time_limit" in names(asked_aspects(clean("时间是重新算还是接着算？")))
    assert "time_limit" in names(asked_aspects(clean("期限从头计算吗")))
    assert "time_limit" not in names(asked_aspects(clean("罚款怎么算")))


def test_who_has_the_say_asks_who():
    assert "who" in names(asked_aspects(clean("这么大的事是一个人说了算还是咋定？")))


def test_what_is_done_once_a_wrong_is_found_true_asks_the_sanction():
    assert "sanction" in names(asked_aspects(clean("要是核实了这家咋处理？")))
    assert "sanction" in names(asked_aspects(clean("这事坐实了能罚款不？")))
    assert "sanction" in names(asked_aspects(clean("他们会不会被罚")))
    # how a complaint is handled is no measure against anyone
    assert "sanction" not in names(asked_aspects(clean("投诉了以后咋处理？")))


def test_how_long_until_there_is_a_result_asks_the_time_not_the_reply():
    asked = names(asked_aspects(clean("俺们都投诉了，要多久才能有个结果？")))
    assert "time_limit" in asked and "result" not in asked
    assert "result" in names(asked_aspects(clean("处理完了能给俺个结果不？")))


def test_keeping_the_inspectors_out_asks_what_is_done_about_obstruction():
    assert "obstruct" in names(asked_aspects(clean("稽核的人来了，那家单位锁着门不让查，也不给账本，咋办？")))
    assert "obstruct" in names(asked_aspects(clean("经办机构不配合检查怎么处理")))
    assert "obstruct" not in names(asked_aspects(clean("稽核一年查几次？")))


def test_an_investigation_that_cannot_go_on_is_asked_as_stalled():
    assert "stalled" in names(asked_aspects(clean("证据一直拿不到，案子没法往下查了，咋办？")))
    assert "stalled" in names(asked_aspects(clean("调查进行不下去了怎么处理")))
    assert "stalled" not in names(asked_aspects(clean("调查要多长时间？")))


def test_whether_the_subsidy_still_comes_asks_the_sanction():
    assert "sanction" in names(asked_aspects(clean("查出来以后补贴还给他们发不发")))
    assert "sanction" in names(asked_aspects(clean("这种厂子会咋弄")))


def test_going_up_level_by_level_asks_the_steps():
    assert "steps" in names(asked_aspects(clean("处理意见还得一层一层往上报，都得谁审？")))
    assert "steps" not in names(asked_aspects(clean("大队长审完以后还要经过谁？")))


def test_how_long_between_visits_asks_how_often_not_a_time_limit():
    # "多长时间…一趟" with the place said in between: how often, not how long a step takes
    for message in ("你们多长时间去定点培训机构查一趟？", "多久来俺们中介检查一次"):
        asked = names(asked_aspects(clean(message)))
        assert "frequency" in asked and "time_limit" not in asked


def test_a_licence_altered_is_no_wrong_corrected():
    # "涂改了" holds 改了; altering a licence is the wrong, not a correction of it
    assert "corrected" not in names(aspects_of(clean("许可证要是涂改了会咋罚？")))
    assert "corrected" not in names(aspects_of(clean("材料被人修改了怎么办")))
    assert "corrected" in names(aspects_of(clean("他们已经改了还罚不罚")))
