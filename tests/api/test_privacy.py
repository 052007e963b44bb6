"""appdata.privacy: personal numbers are masked, the bureau's published numbers are not."""

from __future__ import annotations

import pytest

from appdata.privacy import CARD_MASK, CONTACT_MASK, ID_MASK, LANDLINE_MASK, MOBILE_MASK, Masker

BUREAU = ["7523309", "7591916", "8565682"]


@pytest.fixture(scope="module")
def masker():
    return Masker(BUREAU)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("身份证130431199001011234", f"身份证{ID_MASK}"),
        ("身份证13043119900101123X号", f"身份证{ID_MASK}号"),
        ("身份证13043119900101123x", f"身份证{ID_MASK}"),
        ("老身份证130431900101123", f"老身份证{ID_MASK}"),
        ("手机13812345678", f"手机{MOBILE_MASK}"),
        ("手机 138-1234-5678 找我", f"手机 {MOBILE_MASK} 找我"),
        ("手机 138 1234 5678", f"手机 {MOBILE_MASK}"),
        ("+86 13812345678", MOBILE_MASK),
        ("8613812345678", MOBILE_MASK),
        ("卡号6222021234567890123", f"卡号{CARD_MASK}"),
        ("卡号 6222 0212 3456 7890", f"卡号 {CARD_MASK}"),
        ("卡号6222-0212-3456-7890-123", f"卡号{CARD_MASK}"),
        ("全角１３８１２３４５６７８", f"全角{MOBILE_MASK}"),
    ],
)
def test_masks_personal_numbers(masker, text, expected):
    assert masker.mask(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "农保中心电话7591916",
        "投诉举报电话8565682",
        "办公室 7523309",
        "拨打0310-7523309",
        "罚款5000元以上10000元以下",
        "2023年12月31日前",
        "第12345号文件",
        "1 2 3 4 5 6 7 8 9 10 11 12",
        "12345678901",  # 11 digits but not a mobile number (starts 12)
        "",
    ],
)
def test_keeps_other_text(masker, text):
    assert masker.mask(text) == text


def test_mixed_sentence(masker):
    text = "我叫张三，身份证130431199001011234，电话13812345678，农保中心7591916说让我打8565682"
    out = masker.mask(text)
    assert "130431199001011234" not in out and "13812345678" not in out
    assert "7591916" in out and "8565682" in out and "张三" in out


def test_none_is_empty(masker):
    assert masker.mask(None) == ""


# ---------------------------------------------------------------------- landlines and refs
@pytest.mark.parametrize(
    "text, expected",
    [
        ("座机0310-1234567", f"座机{LANDLINE_MASK}"),
        ("座机 0310 12345678", f"座机 {LANDLINE_MASK}"),
        ("座机(0310)1234567", f"座机{LANDLINE_MASK}"),
        ("座机（0310）1234567找我", f"座机{LANDLINE_MASK}找我"),
        ("03101234567", LANDLINE_MASK),
        ("北京010-62345678", f"北京{LANDLINE_MASK}"),
        ("+86 310 1234567", LANDLINE_MASK),
        ("家里电话1234567", f"家里电话{LANDLINE_MASK}"),
        ("打 62345678 找我", f"打 {LANDLINE_MASK} 找我"),
        ("QQ 12345678", f"QQ {LANDLINE_MASK}"),
        ("分机0310-1234567转801", f"分机{LANDLINE_MASK}转801"),
        ("电话１２３４５６７", f"电话{LANDLINE_MASK}"),
        ("联系我7654321或13912345678", f"联系我{LANDLINE_MASK}或{MOBILE_MASK}"),
    ],
)
def test_masks_citizens_landlines(masker, text, expected):
    assert masker.mask(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "拨打0310-7591916",
        "（0310）7523309",
        "+86 310 8565682",
        "03107591916",
        "拖欠工资1200000元",
        "一共 12000000 元",
        "￥1200000",
        "20240315开始拖欠",
        "第1234567号文件",
        "1234567人次",
        "投诉编号 TS-20261127-0007",
        "TS-20261127-12345",
        "邮编057150",
    ],
)
def test_keeps_bureau_numbers_amounts_dates_and_refs(masker, text):
    assert masker.mask(text) == text


def test_redact_cuts_out_given_values_then_masks(masker):
    text = "联系方式：张先生 微信zhang_san88\n电话 13812345678，农保中心7591916"
    out = masker.redact(text, ["张先生 微信zhang_san88", "", " "], CONTACT_MASK)
    assert out == f"联系方式：{CONTACT_MASK}\n电话 {MOBILE_MASK}，农保中心7591916"


# ---------------------------------------------------------------------- the conversation log
def test_contact_answer_in_the_complaint_form_is_not_logged(client, fake_rasa, store):
    """The message that answers the form's contact question is stored as a placeholder, and the
    summary that repeats the contact is stored without it; the ticket alone keeps it."""
    sid = "contact-log-0001"
    contact = "张先生 微信zhang_san88 电话0310-1234567"
    fake_rasa.contact_step.add(sid)
    r = client.post("/api/chat", json={"sender_id": sid, "message": contact})
    assert r.status_code == 200, r.text
    shown = "\n".join(rep["text"] for rep in r.json()["replies"])
    assert "zhang_san88" in shown  # the user sees their own summary
    conv = store.get_conversation(r.json()["message_id"])
    assert conv.message == CONTACT_MASK
    for secret in ("zhang_san88", "张先生", "1234567"):
        assert secret not in conv.message and secret not in conv.reply
    assert f"联系方式：{CONTACT_MASK}" in conv.reply


def test_numbers_in_ordinary_messages_are_masked_in_the_log(client, store):
    msg = "我家座机0310-1234567，卡号6222021234567890123，农保中心电话7591916"
    body = client.post("/api/chat", json={"sender_id": "log-landline-01", "message": msg}).json()
    conv = store.get_conversation(body["message_id"])
    assert conv.message == f"我家座机{LANDLINE_MASK}，卡号{CARD_MASK}，农保中心电话7591916"


def test_feedback_reason_is_masked(client, store):
    r = client.post(
        "/api/feedback",
        json={"sender_id": "fb-mask-00001", "reply": "答复", "rating": "down", "reason": "请打13812345678回我"},
    )
    assert r.status_code == 201
    row = next(f for f in store.feedback() if f["id"] == r.json()["id"])
    assert row["reason"] == f"请打{MOBILE_MASK}回我"
