"""The benchmark's conversation mix: everyday questions a citizen types, written for the bench.

Each conversation is a list of turns sent by one sender (a fresh sender id per conversation),
so follow-ups ("那如果情节严重呢", "他们电话多少") are answered in context. The mix covers the kinds
of traffic the assistant gets: which office, phone numbers, penalties, how to complain, the
complaint form, questions the list does not cover (fallback), chit-chat and follow-ups.
These are deliberately not the evaluation questions (../shared/eval/dev.jsonl).
"""

from __future__ import annotations

# (kind, turns)
CONVERSATIONS: list[tuple[str, list[str]]] = [
    # which office
    ("office", ["退休以后养老金资格认证到哪个科室办"]),
    ("office", ["我想评中级职称，应该找你们哪个部门"]),
    ("office", ["应届大学生就业见习归哪个单位管"]),
    ("office", ["乡镇劳动保障事务站的工作谁来指导"]),
    ("office", ["跟单位闹劳动争议了，在哪里申请仲裁"]),
    ("office", ["辞职后人事档案放哪儿托管"]),
    ("office", ["事业单位人员工资调整是哪个科负责的"]),
    # phone numbers
    ("phone", ["劳动仲裁科的联系电话是多少"]),
    ("phone", ["请问就业局怎么联系"]),
    ("phone", ["社保中心座机号码给我一个"]),
    ("phone", ["人才中心电话"]),
    ("phone", ["城乡居民养老保险中心打哪个号码"]),
    # penalties
    ("penalty", ["职业中介没办许可证就开张，会被罚多少钱"]),
    ("penalty", ["伪造人力资源服务许可证怎么处罚"]),
    ("penalty", ["定点培训机构截留培训经费会怎样"]),
    ("penalty", ["用人单位招用不满十六周岁的孩子罚款多少"]),
    # how to complain
    ("complaint", ["社保基金被人挪用了，我要举报，打什么电话"]),
    ("complaint", ["老板拖了两个月工资不发，怎么投诉"]),
    ("complaint", ["公司一直不给交社保，我该去哪里维权"]),
    # follow-ups (context from the previous turn)
    ("follow_up", ["中介机构提供虚假招聘信息怎么罚", "那如果情节严重呢"]),
    ("follow_up", ["机关事业单位的工资福利归谁管", "他们电话多少"]),
    ("follow_up", ["农保中心主要负责哪些事", "那社保中心呢"]),
    ("follow_up", ["出租人力资源服务许可证罚多少", "要是涂改的呢"]),
    # questions the list does not cover
    ("fallback", ["明天鸡泽县会下雨吗"]),
    ("fallback", ["帮我买一张去石家庄的火车票"]),
    ("fallback", ["医保门诊报销比例是多少"]),
    # chit-chat
    ("chitchat", ["你好", "谢谢你，再见"]),
    # the complaint form, to the ticket
    ("complaint_form", [
        "我要投诉我们厂",
        "鸡泽县某某食品加工厂",
        "天天加班到晚上十点，一分钱加班费也不给",
        "从去年十月开始，算下来大概六千块",
        "13900001111",
        "确认",
    ]),
    # a handoff to a person
    ("handoff", ["能不能让工作人员跟我说"]),
]

# Messages that Rasa answers with a response template only (no custom action): the floor of
# our Rasa model (NLU + policies) without the action server.
# Greetings are not here: action_greet names the bureau from the knowledge base (a custom action).
NO_ACTION_MESSAGES = ["谢谢", "再见", "拜拜", "非常感谢", "多谢了"]


def all_turns() -> list[tuple[str, str]]:
    """Every (kind, text) of the mix, in order."""
    return [(kind, t) for kind, turns in CONVERSATIONS for t in turns]


def first_turns() -> list[str]:
    """Self-contained questions (no follow-ups, no form answers): for in-process timing."""
    skip = {"chitchat", "complaint_form", "handoff"}
    return [turns[0] for kind, turns in CONVERSATIONS if kind not in skip]
