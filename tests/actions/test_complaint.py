from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.events import SlotSet

from actions import complaint, messages
from actions.complaint import ActionSubmitComplaint, ValidateComplaintForm
from tests.actions.conftest import DOMAIN, make_tracker, slot_events

FILLED = {
    "complaint_employer": "鸡泽县某某建材厂",
    "complaint_details": "干了八个月不签合同，还拖欠工资",
    "complaint_since_amount": "今年三月开始，欠了一万二",
    "complaint_contact": "13800000000",
}


def run_validation(
    text: str, requested: str | None, intent: str | None = None, confidence: float = 0.99, **filled
):
    """Run validate_complaint_form as Rasa calls it: the extracted slot is the last event."""
    slots = {**filled, "requested_slot": requested}
    extracted = {requested: text} if requested else {}
    events = [{"event": "user", "text": text}, *slot_events(**extracted)]
    tracker = make_tracker(
        text, intent, slots={**slots, **extracted}, events=events, active_loop="complaint_form"
    )
    if intent:
        tracker.latest_message["intent"]["confidence"] = confidence
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateComplaintForm().run(dispatcher, tracker, DOMAIN))
    return {e["name"]: e["value"] for e in result if e.get("event") == "slot"}, dispatcher.messages


def test_new_complaint_starts_from_empty_fields():
    # Activation: nothing requested yet, leftovers of an unfinished complaint are prefilled.
    slots, _ = run_validation("我要投诉", None, "file_complaint", **FILLED)
    assert slots == dict.fromkeys(complaint.FORM_SLOTS)


def test_a_complaint_that_names_its_matter_is_first_told_who_handles_it(kb):
    # "我要举报<X>": who handles X and the number first, then the form offers to register it
    slots, msgs = run_validation("我要举报一个黑中介", None, "file_complaint", **FILLED)
    assert slots == dict.fromkeys(complaint.FORM_SLOTS)
    assert [c["intent"] for c in kb.calls] == ["ask_complaint"]
    assert kb.calls[0]["question"] == "我要举报一个黑中介"
    assert len(msgs) == 1
    assert msgs[0]["text"].startswith(kb.next_answer.text)
    assert msgs[0]["text"].endswith(messages.FORM_OFFER)
    assert msgs[0]["custom"]["sources"] == kb.next_answer.sources


@pytest.mark.parametrize("text", ["我要投诉", "帮我登记一个投诉", "能不能帮我提交投诉", "我来投诉的"])
def test_a_bare_request_to_complain_goes_straight_to_the_form(kb, text):
    slots, msgs = run_validation(text, None, "file_complaint")
    assert slots == dict.fromkeys(complaint.FORM_SLOTS)
    assert kb.calls == [] and msgs == []


def test_a_matter_the_list_does_not_cover_is_not_answered_before_the_form(kb):
    kb.next_answer.found = False
    slots, msgs = run_validation("我要举报邻居家的狗太吵", None, "file_complaint")
    assert slots == dict.fromkeys(complaint.FORM_SLOTS)
    assert len(kb.calls) == 1 and msgs == []


def test_another_departments_matter_is_said_so_before_the_form_asks(kb):
    kb.next_answer.found = False
    kb.next_answer.text = "抱歉，“手续费”不在鸡泽县人力资源和社会保障局责任清单的范围内，我无法回答，请向主管部门咨询。"
    kb.next_answer.context = {"intent": None, "foreign": ["手续费"]}
    slots, msgs = run_validation("银行乱扣我手续费，我要举报", None, "file_complaint")
    assert slots == dict.fromkeys(complaint.FORM_SLOTS)
    [msg] = msgs
    assert msg["text"].startswith(kb.next_answer.text) and msg["text"].endswith(messages.FORM_FOREIGN)
    assert msg["custom"]["route"] == "not_found"


def test_employer_is_kept():
    slots, msgs = run_validation("鸡泽县某某建材厂", "complaint_employer", "ask_office")
    assert slots == {"complaint_employer": "鸡泽县某某建材厂"}
    assert msgs == []


def test_too_short_employer_is_asked_again():
    slots, msgs = run_validation("厂", "complaint_employer")
    assert slots == {"complaint_employer": None}
    assert msgs[0]["text"] == messages.ASK_AGAIN_EMPLOYER


@pytest.mark.parametrize("text", ["取消", "算了", "算了吧", "不投诉了", "我不想投诉了", "放弃", "取消投诉"])
@pytest.mark.parametrize("requested", ["complaint_employer", "complaint_details", "complaint_since_amount"])
def test_cancel_at_any_step_ends_the_form(text, requested):
    slots, _ = run_validation(text, requested, "deny")
    assert slots["requested_slot"] is None
    assert slots["complaint_confirmed"] is False
    assert all(slots[s] is None for s in complaint.TEXT_SLOTS)


@pytest.mark.parametrize("text", ["他们不给我签合同，也不给发工资", "老板不让走还扣着身份证", "不交社保"])
def test_complaint_text_full_of_no_is_not_a_cancel(text):
    slots, _ = run_validation(text, "complaint_details", "deny")
    assert slots == {"complaint_details": text}


def test_unknown_time_and_amount():
    slots, _ = run_validation("不清楚", "complaint_since_amount", "deny")
    assert slots == {"complaint_since_amount": messages.UNKNOWN_VALUE}


@pytest.mark.parametrize("text", ["不留", "无", "跳过", "不想留", "算了不留了", "不方便留"])
def test_contact_can_be_skipped(text):
    slots, msgs = run_validation(text, "complaint_contact", "deny")
    assert slots == {"complaint_contact": messages.CONTACT_NONE_VALUE}
    assert msgs[0]["text"] == messages.CONTACT_NONE_ACK


def test_contact_cancel_still_cancels():
    slots, _ = run_validation("取消", "complaint_contact", "deny")
    assert slots["complaint_confirmed"] is False and slots["requested_slot"] is None


def test_contact_is_kept_verbatim():
    slots, _ = run_validation("13800000000 王先生", "complaint_contact")
    assert slots == {"complaint_contact": "13800000000 王先生"}


@pytest.mark.parametrize("text", ["确认提交", "确认", "是的", "对", "好的，提交", "没问题", "可以", "没错"])
def test_confirmation_submits(text):
    slots, _ = run_validation(text, "complaint_confirmed", "affirm", **FILLED)
    assert slots == {"complaint_confirmed": True}


@pytest.mark.parametrize(
    ("text", "cleared"),
    [
        ("修改单位名称", ["complaint_employer"]),
        ("改一下单位名称", ["complaint_employer"]),
        ("不对，电话写错了", ["complaint_contact"]),
        ("金额不对", ["complaint_since_amount"]),
        ("问题描述要改", ["complaint_details"]),
        ("公司名字和联系方式都要改", ["complaint_employer", "complaint_contact"]),
    ],
)
def test_correction_clears_the_named_fields(text, cleared):
    slots, msgs = run_validation(text, "complaint_confirmed", "deny", **FILLED)
    assert slots["complaint_confirmed"] is None
    assert {k for k, v in slots.items() if v is None and k != "complaint_confirmed"} == set(cleared)
    assert "请重新提供" in msgs[0]["text"]


@pytest.mark.parametrize("text", ["不对", "修改", "有错误", "嗯？", "可以吗", "什么意思"])
def test_unclear_reply_asks_which_field(text):
    slots, msgs = run_validation(text, "complaint_confirmed", "deny", **FILLED)
    assert slots == {"complaint_confirmed": None}
    assert msgs[0]["text"] == messages.CHANGE_WHICH


def test_cancel_at_confirmation():
    slots, _ = run_validation("取消投诉", "complaint_confirmed", "deny", **FILLED)
    assert slots["complaint_confirmed"] is False and slots["requested_slot"] is None


# ------------------------------------------------------------------ submit


def submit_tracker(confirmed, **fields):
    return make_tracker(
        "确认提交", "affirm", slots={**fields, "complaint_confirmed": confirmed}, sender_id="u-7"
    )


def test_submit_stores_ticket_then_confirms_with_ref_office_phone_and_limits(kb, store, dispatcher):
    kb.next_answer.context = {"intent": "ask_complaint", "office": "测试股", "ids": ["P7"]}
    kb.next_answer.text = "投诉举报受理：测试科，联系电话 1111111。自接到投诉举报之日起5个工作日内……"
    events = ActionSubmitComplaint().run(dispatcher, submit_tracker(True, **FILLED), DOMAIN)

    [ticket] = store.list_tickets()
    assert ticket.kind == "complaint" and ticket.status == "open" and ticket.sender_id == "u-7"
    assert ticket.fields == {
        "employer": FILLED["complaint_employer"],
        "details": FILLED["complaint_details"],
        "since_amount": FILLED["complaint_since_amount"],
        "contact": FILLED["complaint_contact"],
    }
    assert ticket.office == "测试股" and ticket.phone == "1111111"  # alias resolved via kb.offices()

    assert kb.calls == [
        {"question": FILLED["complaint_details"], "intent": "ask_complaint", "entities": {}, "context": None,
         "confidence": None}
    ]
    [msg] = dispatcher.messages
    assert msg["text"].startswith(messages.COMPLAINT_DONE.format(ref=ticket.ref))
    assert kb.next_answer.text in msg["text"]  # office, phone and time limits as knowledge/ states them
    assert messages.COMPLAINT_NOT_FILING in msg["text"]
    assert msg["custom"]["sources"] == kb.next_answer.sources
    assert SlotSet("kb_context", kb.next_answer.context) in events
    for slot in complaint.FORM_SLOTS:
        assert SlotSet(slot, None) in events


def test_submit_prefers_the_complaint_office_of_the_context(kb, store, dispatcher):
    kb.next_answer.context = {"intent": "ask_complaint", "office": "总办", "complaint_office": "测试科"}
    ActionSubmitComplaint().run(dispatcher, submit_tracker(True, **FILLED), DOMAIN)
    [ticket] = store.list_tickets()
    assert (ticket.office, ticket.phone) == ("测试科", "1111111")


def test_submit_after_cancel_records_nothing(kb, store, dispatcher):
    events = ActionSubmitComplaint().run(dispatcher, submit_tracker(False), DOMAIN)
    assert store.list_tickets() == []
    assert dispatcher.messages[0]["response"] == "utter_complaint_cancelled"
    assert kb.calls == []
    assert events == complaint.reset_events()


def test_submit_without_knowledge_still_records(kb, store, dispatcher):
    kb.fail = True
    ActionSubmitComplaint().run(dispatcher, submit_tracker(True, **FILLED), DOMAIN)
    [ticket] = store.list_tickets()
    assert ticket.office is None
    text = dispatcher.messages[0]["text"]
    assert (
        ticket.ref in text and messages.COMPLAINT_NO_OFFICE in text and messages.COMPLAINT_NOT_FILING in text
    )


def test_submit_when_no_office_is_found_points_to_the_general_office(kb, store, dispatcher):
    kb.next_answer.found = False
    kb.next_answer.text = "抱歉，没有找到……"
    events = ActionSubmitComplaint().run(dispatcher, submit_tracker(True, **FILLED), DOMAIN)
    [ticket] = store.list_tickets()
    assert ticket.office is None
    text = dispatcher.messages[0]["text"]
    assert ticket.ref in text
    assert "办公室" in text and "2222222" in text  # general office (alias of 总办), phone from kb.offices()
    assert "没有找到" not in text and messages.COMPLAINT_NOT_FILING in text
    assert events == complaint.reset_events()


def test_submit_when_the_store_fails_says_so(kb, dispatcher, monkeypatch):
    from actions import common

    def broken_store():
        raise OSError("database is locked")

    monkeypatch.setattr(common, "get_store", broken_store)
    events = ActionSubmitComplaint().run(dispatcher, submit_tracker(True, **FILLED), DOMAIN)
    assert dispatcher.messages[0]["text"].startswith(messages.COMPLAINT_FAILED)
    assert "登记编号" not in dispatcher.messages[0]["text"]
    assert events == complaint.reset_events()


# ---- a question asked in the middle of the form ----


@pytest.mark.parametrize(
    ("text", "intent", "requested"),
    [
        ("劳动监察大队电话多少？", "ask_phone", "complaint_employer"),
        ("扣押身份证会怎么处罚", "ask_penalty", "complaint_details"),
        ("职称申报找哪个科室", "ask_office", "complaint_since_amount"),
        ("那投诉一般多久处理完呢", "ask_procedure", "complaint_contact"),
        ("监察大队归谁管？", "ask_office", "complaint_confirmed"),
    ],
)
def test_question_mid_form_is_answered_and_the_field_asked_again(kb, text, intent, requested):
    filled = {s: FILLED[s] for s in complaint.TEXT_SLOTS if s != requested}
    slots, msgs = run_validation(text, requested, intent, **filled)
    # not stored as the field: the form asks for it again; the answer is the conversation's topic
    assert slots == {requested: None, "kb_context": kb.next_answer.context}
    assert kb.calls == [{"question": text, "intent": intent, "entities": {}, "context": None, "confidence": 0.99}]
    assert len(msgs) == 1
    assert msgs[0]["text"].startswith(kb.next_answer.text)  # the knowledge answer, with its sources
    assert msgs[0]["text"].endswith(messages.FORM_RESUME)
    assert msgs[0]["custom"]["sources"] == kb.next_answer.sources


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("老板拖欠工资三个月了怎么办", "ask_complaint", 0.95),  # the complaint itself
        ("老板拖欠工资三个月了怎么办", "file_complaint", 0.95),
        ("他们扣了我的身份证不还", "ask_penalty", 0.95),  # no question in the words
        ("哪个部门都不管我们的工资", "ask_office", 0.45),  # NLU is not sure
    ],
)
def test_complaint_words_stay_the_field_value(kb, text, intent, confidence):
    slots, msgs = run_validation(text, "complaint_details", intent, confidence)
    assert slots == {"complaint_details": text}
    assert msgs == []


def test_question_knowledge_cannot_answer_stays_the_field_value(kb):
    kb.next_answer.found = False
    slots, msgs = run_validation("华为公司怎么样？", "complaint_employer", "ask_office")
    assert slots == {"complaint_employer": "华为公司怎么样？"}
    assert msgs == []


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("厂里加班不给加班费，人社局能立案不？", "ask_complaint", 0.9),  # asks before registering
        ("加班费要交个税不？咋算？", "ask_complaint", 0.48),  # whatever the NLU's confidence
        ("这个归哪个科管？", "ask_office", 0.45),
    ],
)
def test_a_question_where_the_employer_is_asked_is_no_name(kb, text, intent, confidence):
    slots, msgs = run_validation(text, "complaint_employer", intent, confidence)
    assert slots == {"complaint_employer": None, "kb_context": kb.next_answer.context}
    assert kb.calls[0]["question"] == text and kb.calls[0]["intent"] == intent
    assert msgs[0]["text"].startswith(kb.next_answer.text) and msgs[0]["text"].endswith(messages.FORM_RESUME)


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("鸡泽县宏达建材厂", "ask_complaint", 0.5),  # a name asks nothing
        ("不知道叫啥名字", "ask_complaint", 0.5),  # not knowing the name is the answer
        ("县城东关的宏达建材厂，老板姓王", "ask_office", 0.7),  # a name the NLU misreads asks nothing
    ],
)
def test_an_employers_name_or_not_knowing_it_is_kept(kb, text, intent, confidence):
    slots, msgs = run_validation(text, "complaint_employer", intent, confidence)
    assert slots == {"complaint_employer": text}
    assert kb.calls == [] and msgs == []


def test_another_departments_question_gets_the_refusal_and_is_not_stored(kb):
    kb.next_answer.found = False
    slots, msgs = run_validation("身份证丢了补办去哪？", "complaint_details", "out_of_scope", 0.99,
                                 complaint_employer=FILLED["complaint_employer"])
    assert slots == {"complaint_details": None}
    assert msgs[0]["text"] == f"{messages.out_of_scope()}\n{messages.FORM_RESUME}"


def test_an_unsure_out_of_scope_reading_keeps_the_details(kb):
    kb.next_answer.found = False
    slots, msgs = run_validation("工资一直不发是不是不归你们管？", "complaint_details", "out_of_scope", 0.5,
                                 complaint_employer=FILLED["complaint_employer"])
    assert slots == {"complaint_details": "工资一直不发是不是不归你们管？"}
    assert msgs == []


def test_cancel_wins_over_a_question(kb):
    slots, _ = run_validation("能取消吗？", "complaint_details", "ask_procedure")
    assert slots["complaint_confirmed"] is False and slots["requested_slot"] is None
    assert kb.calls == []
