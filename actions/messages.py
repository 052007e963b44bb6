"""Fixed texts the custom actions send. They never state a fact of the responsibility list:
offices, phones, amounts and time limits always come from knowledge/."""

KB_UNAVAILABLE = "抱歉，查询服务暂时不可用，请稍后再试。"

NOT_FOUND = (
    "抱歉，我没有在鸡泽县人社局责任清单中找到与您的问题相关的内容。"
    "您可以换个说法再问一次，或者说“转人工”请工作人员帮忙。"
)
NOT_FOUND_BUTTONS = [
    {"title": "我能问什么？", "payload": "你能帮我做什么"},
    {"title": "转人工", "payload": "转人工"},
]

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
FORM_RESUME = "（您的投诉登记还没有完成，请接着回答下面的问题；不想登记了可以说“取消”。）"
