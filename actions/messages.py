"""Fixed texts the custom actions send. They never state a fact of the responsibility list:
offices, phones, amounts and time limits always come from knowledge/, and so does the
bureau's name — the templates below name it as ``{bureau}``, ``{short_name}`` or ``{title}``
and are filled from ``kb.identity`` when they are sent (:func:`identity`)."""

from __future__ import annotations

import logging

from knowledge.identity import Identity

logger = logging.getLogger(__name__)

# Said when the knowledge base cannot tell who it speaks for (it failed to load).
UNKNOWN_IDENTITY = Identity(county="", bureau="人力资源和社会保障局", short_name="人社局", general_phone="",
                            title="责任清单")

KB_UNAVAILABLE = "抱歉，查询服务暂时不可用，请稍后再试。"

NOT_FOUND = (
    "抱歉，我没有在{short_name}责任清单中找到与您的问题相关的内容。"
    "您可以换个说法再问一次，或者说“转人工”请工作人员帮忙。"
)
# After an answer from the list that found nothing: a human, not a number that may be the wrong
# department's.
HANDOFF_HINT = "需要工作人员帮忙，请说“转人工”。"
HANDOFF_BUTTON = {"title": "转人工", "payload": "转人工"}
NOT_FOUND_BUTTONS = [
    {"title": "我能问什么？", "payload": "你能帮我做什么"},
    {"title": "转人工", "payload": "转人工"},
]

GREETING = (
    "您好！我是{bureau}的政策问答助手。我可以帮您查找各项业务由哪个科室负责、科室联系电话、"
    "劳动维权和投诉举报的途径、违规行为的处罚标准，以及各项监管制度。请直接输入您的问题。"
)
GREETING_BUTTONS = [
    {"title": "我能问什么？", "payload": "你能帮我做什么"},
    {"title": "拖欠工资怎么办", "payload": "单位拖欠工资怎么投诉"},
    {"title": "登记投诉", "payload": "我要投诉"},
]

HELP = (
    "我只回答《{title}》里的内容，例如：\n"
    "· 某项业务由哪个科室负责，科室的联系电话；\n"
    "· 拖欠工资、不签劳动合同、扣押证件、不缴社保等问题怎样投诉举报，案件怎样查处；\n"
    "· 人力资源服务机构（中介）、职业技能培训机构、定点医院和药店违规会受到什么处罚；\n"
    "· 人社局与财政、地税、残联、卫生、安监、环保等部门的职责分工；\n"
    "· 就业服务活动、“三春行动”、社保政策咨询，以及各项监督检查和社保稽核制度。\n"
    "想登记一条投诉，请说“我要投诉”；需要工作人员帮忙，请说“转人工”。"
)
HELP_BUTTONS = [
    {"title": "职称申报找哪个科室", "payload": "职称申报找哪个科室"},
    {"title": "黑中介会怎么处罚", "payload": "黑中介会怎么处罚"},
    {"title": "转人工", "payload": "转人工"},
]

OUT_OF_SCOPE = (
    "抱歉，这个问题不在{short_name}责任清单的范围内，我无法回答。"
    "我只能解答清单中的人社业务问题，比如哪个科室负责什么业务、劳动维权途径、违规处罚和监管制度等。"
)


def identity() -> Identity:
    """Who the assistant speaks for, read from the knowledge layer now (``kb.identity``)."""
    from actions import common  # common imports this module

    try:
        found = common.get_kb().identity
    except Exception:  # the user still gets a sentence; the log says why it is unnamed
        logger.exception("knowledge identity unavailable")
        return UNKNOWN_IDENTITY
    return found if isinstance(found, Identity) else UNKNOWN_IDENTITY


def render(template: str, who: Identity | None = None) -> str:
    """``template`` with the bureau's names filled in."""
    return template.format(**(who or identity()).to_dict())


def not_found() -> str:
    return render(NOT_FOUND)


def greeting() -> str:
    return render(GREETING)


def help_text() -> str:
    return render(HELP)


def out_of_scope() -> str:
    return render(OUT_OF_SCOPE)

HANDOFF_DONE = "已为您提交人工服务请求，登记编号：{ref}。工作人员会在工作时间查看并跟进。"
HANDOFF_FAILED = "抱歉，人工服务请求暂时没有登记成功。"
HANDOFF_CALL = "如需马上咨询，可以直接联系："

COMPLAINT_DONE = "您的投诉线索已登记，登记编号：{ref}。"
COMPLAINT_NO_OFFICE = "受理科室暂时无法确定，工作人员会根据登记编号跟进。"
COMPLAINT_NO_OFFICE_CALL = (
    "受理科室暂时无法确定，工作人员会根据登记编号跟进；也可以联系{office}（电话 {phone}）咨询。"
)
COMPLAINT_FAILED = "抱歉，投诉登记暂时没有保存成功，请稍后再试。"
COMPLAINT_NOT_FILING = (
    "请注意：这条记录只是帮助工作人员跟进的线索登记，不能代替正式的投诉举报或立案；"
    "请带好劳动合同、工资条、聊天记录等证据，向受理科室正式提出投诉。"
)

ASK_AGAIN_EMPLOYER = "单位名称好像太短了，请再说一下被投诉单位或老板的名字。"
ASK_AGAIN_DETAILS = "请再具体说一下遇到了什么问题。"
CONTACT_NONE_VALUE = "未留"
CONTACT_NONE_ACK = "好的，不留联系方式。"
UNKNOWN_VALUE = "不清楚"
CHANGE_WHICH = (
    "请告诉我要修改哪一项：单位名称、问题描述、时间金额、联系方式；也可以回复“确认”提交，或“取消”放弃登记。"
)
CHANGE_ACK = "好的，请重新提供：{labels}。"
# After answering a question asked in the middle of the complaint form.
FORM_OFFER = "如需我帮您登记这条投诉线索，请接着回答下面的问题；不需要登记可以说“取消”。"
# A complaint about another department's matter: said so, and the form offered all the same.
FORM_FOREIGN = "如果您仍想在这里登记这条线索，请接着回答下面的问题；不需要登记可以说“取消”。"
FORM_RESUME = "（您的投诉登记还没有完成，请接着回答下面的问题；不想登记了可以说“取消”。）"
