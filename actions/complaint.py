"""The complaint form: ``validate_complaint_form`` and ``action_submit_complaint``.

Flow (domain.yml ``complaint_form``): employer → details → since/amount → contact → summary
("确认提交吗？"). Free text fills each field (from_text mappings); this validator

* cancels at any step when the user says so ("取消", "算了", "不投诉了" …): the fields are
  cleared, ``complaint_confirmed`` becomes False and the form ends; the submit action then
  says that nothing was recorded. Cancelling is decided on the words, not on the ``deny``
  intent, so a complaint text full of "不" (不给工资, 不签合同) never cancels by accident;
* accepts "不留/无/跳过" as "no contact given";
* at the summary: "确认" submits; "修改单位名称" (or any field name) clears that field so the
  form asks for it again; a bare "不对/修改" asks which field to change;
* starts every new ``file_complaint`` from empty fields (the form was requested while no slot
  was being asked for), even if an earlier, unfinished complaint left values behind;
* answers a question asked in the middle of the form ("劳动监察大队电话多少？" while it asks for
  the employer) instead of storing it as the field: when NLU is sure it is a question about the
  list (:data:`QUESTION_INTENTS`, confidence ≥ :data:`QUESTION_MIN_CONFIDENCE`), the words read
  as a question and knowledge/ finds the answer, the answer is sent, the field stays empty and
  the form asks for it again. Complaint questions ("拖欠工资怎么办") are the complaint itself and
  stay field values, except where the form asks for the employer's name: a question there is
  no name ("厂里不给加班费，能立案不？" before the caller takes up the offer to register), and
  it is answered whatever the NLU's confidence. Another department's question ("身份证丢了去哪
  补办？", NLU sure it is out of scope) gets the list's refusal and is not stored either.

``action_submit_complaint`` stores the ticket first (appdata.store), then confirms with the
reference number, the handling office and phone and the time limits that knowledge/ gives for
the complaint (intent ask_complaint), and says that the record does not replace a filing.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import common, messages

logger = logging.getLogger(__name__)

FORM = "complaint_form"
TEXT_SLOTS = ("complaint_employer", "complaint_details", "complaint_since_amount", "complaint_contact")
CONFIRMED = "complaint_confirmed"
FORM_SLOTS = (*TEXT_SLOTS, CONFIRMED)
MAX_LEN = {
    "complaint_employer": 200,
    "complaint_details": 1000,
    "complaint_since_amount": 200,
    "complaint_contact": 100,
}

FIELD_LABELS = {
    "complaint_employer": "被投诉单位",
    "complaint_details": "问题描述",
    "complaint_since_amount": "时间和金额",
    "complaint_contact": "联系方式",
}
# Words that point at one field of the summary ("改一下单位名称", "电话写错了").
FIELD_WORDS = {
    "complaint_employer": re.compile(r"单位|公司|名称|名字|老板|企业|厂|雇主|工地|中介"),
    "complaint_details": re.compile(r"问题|情况|经过|内容|描述|详情|事情|诉求"),
    "complaint_since_amount": re.compile(r"时间|日期|金额|多少钱|钱数|数额|几个月|开始"),
    "complaint_contact": re.compile(r"联系|电话|手机|号码|微信"),
}

_PUNCT = re.compile(r"[\s，。！？、,.!?~～…；;：:\"'“”‘’（）()【】\[\]]+")
CANCEL = re.compile(
    r"取消|不投诉|不想投诉|不要投诉|不用投诉|不登记|不想登记|放弃|退出|撤销|撤回|不弄了|不办了|不填了|不想填|不告了"
    r"|^(算了|算了吧|算了算了|不用了|不要了|不了|不用|不要|停|停止|结束|拉倒|不搞了|没事了)$"
)
NO_CONTACT = re.compile(
    r"^(无|没有|不留|不想留|不用留|不留了|跳过|略|不方便|不方便留|不给|保密|匿名|不用了|不要了|算了不留了?|不留联系方式|不想留联系方式|不想给)$"
    r"|不留|不想留|不方便留|匿名|跳过"
)
UNKNOWN = re.compile(r"^(不清楚|不知道|不记得|记不清|忘了|不太清楚|说不清|不确定|没算过)")
# "没问题/没错" are yes; rewrite them first so that 问题/错 do not read as a field or a no.
IDIOM_YES = re.compile(r"没有?问题|没错|没毛病|不错")
NEGATIVE = re.compile(r"不对|不是|不行|不确认|不提交|不可以|不好|错|有误|改|重新|^不$|^否|^no")
AFFIRM = re.compile(r"确认|提交|是的|对的|正确|可以|好|^行|^对|^是|^嗯|^ok|^yes|就这样")
# Questions about the list that interrupt the form; ask_complaint/file_complaint describe the
# complaint itself and are kept as the field's value.
QUESTION_INTENTS = frozenset(
    {
        "ask_office",
        "ask_phone",
        "ask_penalty",
        "ask_boundary",
        "ask_service",
        "ask_supervision",
        "ask_procedure",
    }
)
QUESTION_MIN_CONFIDENCE = 0.6
OUT_OF_SCOPE = "out_of_scope"
EMPLOYER = "complaint_employer"
# Where the employer's name is asked, a question of these intents is no name.
NAMELESS_INTENTS = QUESTION_INTENTS | {"ask_complaint", OUT_OF_SCOPE}
# The words of a request to complain ("我要帮我登记一个投诉"); what is left names the matter.
REQUEST_WORDS = re.compile(
    r"我们|我|要|想|帮忙|帮|给|登记|投诉|举报|反映|告|维权|提交|记录|一下|一个|一家|一条|一起|个|家|条"
    r"|在线|这里|直接|现在|就|能不能|能|可以|吗|开始|信息|线索|问题|情况|事|的|了|下|上去|通过|你|把|开|单|留|来"
)
MATTER_MIN_CHARS = 2
QUESTION_WORDS = re.compile(
    r"[?？]|吗$|呢$|多少|哪个|哪些|哪里|哪儿|哪家|怎么|怎样|如何|什么|啥|谁|几[个天日号]|是否"
)


def _norm(text: Any) -> str:
    return _PUNCT.sub("", str(text or "")).lower()


def is_cancel(text: Any) -> bool:
    return bool(CANCEL.search(_norm(text)))


def complaint_office(answer: Any) -> str | None:
    """The office that receives the complaint, as knowledge/ tells it in Answer.context:
    ``complaint_office`` if given, else the office of the answer."""
    ctx = getattr(answer, "context", None)
    if isinstance(ctx, dict) and ctx.get("complaint_office"):
        return str(ctx["complaint_office"])
    return common.context_office(answer)


def is_question(text: Any, tracker: Tracker, slot: str | None = None) -> bool:
    """True when the message is a question rather than the value of ``slot``: NLU sure it is a
    question about the list or one out of its scope, or, where the employer's name is asked, any
    question the NLU reads as one (a complaint question included)."""
    words = str(text or "").strip()
    if not QUESTION_WORDS.search(words) or UNKNOWN.search(_norm(words)):
        return False
    intent = (tracker.latest_message or {}).get("intent") or {}
    name = intent.get("name")
    if name in QUESTION_INTENTS or name == OUT_OF_SCOPE:
        if float(intent.get("confidence") or 0.0) >= QUESTION_MIN_CONFIDENCE:
            return True
    return slot == EMPLOYER and name in NAMELESS_INTENTS


def answer_question(
    slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
) -> dict[str, Any] | None:
    """Answer a question asked instead of a field value; None when it is the value after all
    (not a question, or knowledge/ has no answer for a question of the list: then it is kept as
    written). The answer is read in the conversation's context and becomes its context."""
    if not is_question(value, tracker, slot):
        return None
    intent = common.latest_intent(tracker)
    answer = common.ask_knowledge(
        common.latest_text(tracker), intent, common.entities_of(tracker), common.kb_context(tracker),
        common.latest_confidence(tracker), common.latest_query_vector(tracker),
    )
    if answer is not None and answer.found:
        common.utter_answer(dispatcher, answer, suffix=messages.FORM_RESUME)
        return {slot: None, **({common.KB_CONTEXT_SLOT: answer.context} if answer.context else {})}
    if intent == OUT_OF_SCOPE:  # declined as action_answer_out_of_scope declines it
        dispatcher.utter_message(text=f"{messages.out_of_scope()}\n{messages.FORM_RESUME}",
                                 json_message={"route": "not_found"})
        return {slot: None}
    return None


def names_a_matter(text: Any) -> bool:
    """True when "我要举报<X>" says what X is, beyond the request to complain itself."""
    return len(REQUEST_WORDS.sub("", _norm(text))) >= MATTER_MIN_CHARS


def tell_who_handles(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """At the start of the form, a complaint that names its matter is first told who handles
    it and the number (knowledge/, as for "怎么投诉"); the form then offers to register it."""
    text = common.latest_text(tracker)
    if not names_a_matter(text):
        return
    answer = common.ask_knowledge(text, "ask_complaint", common.entities_of(tracker), common.kb_context(tracker),
                                  common.latest_confidence(tracker))
    if answer is not None and answer.found:
        common.utter_answer(dispatcher, answer, suffix=messages.FORM_OFFER)
    elif answer is not None and (answer.context or {}).get("foreign"):
        # another department's matter ("银行乱扣我手续费"): said so before the form asks anything
        dispatcher.utter_message(text=f"{answer.text}\n{messages.FORM_FOREIGN}", json_message={"route": "not_found"})


def cancel_slots() -> dict[str, Any]:
    """Clear the fields, mark the complaint as not confirmed and end the form."""
    return {**dict.fromkeys(TEXT_SLOTS), CONFIRMED: False, "requested_slot": None}


def reset_events() -> list[EventType]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS]


class ValidateComplaintForm(FormValidationAction):
    def name(self) -> str:
        return "validate_complaint_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        # A form being activated has not asked for anything yet: start from empty fields.
        requested = tracker.get_slot("requested_slot")
        if requested is None:
            tell_who_handles(dispatcher, tracker)
            return reset_events()
        value = tracker.slots_to_validate().get(requested)
        if isinstance(value, str) and not is_cancel(value):
            answered = answer_question(requested, value, dispatcher, tracker)
            if answered is not None:
                return [SlotSet(slot, v) for slot, v in answered.items()]
        return await super().run(dispatcher, tracker, domain)

    @staticmethod
    def _text(value: Any, slot: str) -> str:
        return str(value or "").strip()[: MAX_LEN[slot]]

    def validate_complaint_employer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if is_cancel(value):
            return cancel_slots()
        text = self._text(value, "complaint_employer")
        if len(_norm(text)) < 2:
            dispatcher.utter_message(text=messages.ASK_AGAIN_EMPLOYER)
            return {"complaint_employer": None}
        return {"complaint_employer": text}

    def validate_complaint_details(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if is_cancel(value):
            return cancel_slots()
        text = self._text(value, "complaint_details")
        if len(_norm(text)) < 2:
            dispatcher.utter_message(text=messages.ASK_AGAIN_DETAILS)
            return {"complaint_details": None}
        return {"complaint_details": text}

    def validate_complaint_since_amount(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if is_cancel(value):
            return cancel_slots()
        text = self._text(value, "complaint_since_amount")
        if not _norm(text) or UNKNOWN.search(_norm(text)):
            return {"complaint_since_amount": messages.UNKNOWN_VALUE}
        return {"complaint_since_amount": text}

    def validate_complaint_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        norm = _norm(value)
        # "不留"/"算了不留了" answers the question; a bare "取消"/"算了" cancels the complaint.
        if not norm or NO_CONTACT.search(norm):
            dispatcher.utter_message(text=messages.CONTACT_NONE_ACK)
            return {"complaint_contact": messages.CONTACT_NONE_VALUE}
        if is_cancel(value):
            return cancel_slots()
        return {"complaint_contact": self._text(value, "complaint_contact")}

    def validate_complaint_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value is True:  # already decided (e.g. a slot event replayed)
            return {CONFIRMED: True}
        norm = _norm(value)
        if is_cancel(norm):
            return cancel_slots()
        norm = IDIOM_YES.sub("好", norm)
        # "可以吗？" / "嗯？" ask back rather than agree.
        negative = bool(NEGATIVE.search(norm)) or bool(re.search(r"[?？吗]\s*$", str(value or "")))
        if not negative and (AFFIRM.search(norm) or common.latest_intent(tracker) == "affirm"):
            return {CONFIRMED: True}
        to_change = [slot for slot, words in FIELD_WORDS.items() if words.search(norm)]
        if to_change:
            labels = "、".join(FIELD_LABELS[s] for s in to_change)
            dispatcher.utter_message(text=messages.CHANGE_ACK.format(labels=labels))
            return {**dict.fromkeys(to_change), CONFIRMED: None}
        dispatcher.utter_message(text=messages.CHANGE_WHICH)
        return {CONFIRMED: None}


class ActionSubmitComplaint(Action):
    def name(self) -> str:
        return "action_submit_complaint"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot(CONFIRMED) is not True:
            dispatcher.utter_message(response="utter_complaint_cancelled")
            return reset_events()

        fields = {
            "employer": tracker.get_slot("complaint_employer"),
            "details": tracker.get_slot("complaint_details"),
            "since_amount": tracker.get_slot("complaint_since_amount"),
            "contact": tracker.get_slot("complaint_contact"),
        }
        # Who handles it, their phone and the time limits: from knowledge/, for this complaint.
        answer = common.ask_knowledge(str(fields["details"] or ""), "ask_complaint")
        found = answer is not None and bool(answer.found)
        office = complaint_office(answer) if found else None
        phone = common.office_phone(office)

        # The record exists before we tell the user it does.
        try:
            ticket = common.get_store().create_ticket(
                kind="complaint", sender_id=tracker.sender_id, fields=fields, office=office, phone=phone
            )
        except Exception:
            logger.exception("could not store the complaint")
            if found:
                common.utter_answer(dispatcher, answer, prefix=messages.COMPLAINT_FAILED)
            else:
                dispatcher.utter_message(text=messages.COMPLAINT_FAILED)
            return reset_events()

        # The knowledge answer names the receiving office, its phone and the time limits; when
        # nothing was found, point to the general office (its phone from the store).
        lines = [messages.COMPLAINT_DONE.format(ref=ticket.ref)]
        if not found:
            general_phone = common.office_phone(common.GENERAL_OFFICE)
            if general_phone:
                lines.append(
                    messages.COMPLAINT_NO_OFFICE_CALL.format(
                        office=common.GENERAL_OFFICE, phone=general_phone
                    )
                )
            else:
                lines.append(messages.COMPLAINT_NO_OFFICE)
        head = "\n".join(lines)
        if found:
            common.utter_answer(dispatcher, answer, prefix=head, suffix=messages.COMPLAINT_NOT_FILING)
            return [*reset_events(), *common.context_slot(answer)]
        dispatcher.utter_message(text=head + "\n" + messages.COMPLAINT_NOT_FILING)
        return reset_events()
