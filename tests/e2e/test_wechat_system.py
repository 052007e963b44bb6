"""The WeChat Official Account channel in front of the real system: real Rasa, real actions,
the real knowledge base. WeChat's servers are played by wechatpy (tests/api/test_wechat.py)."""

from __future__ import annotations

import uuid

import pytest

from tests.api.test_wechat import WeChatServers

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def wechat(e2e_system):
    return WeChatServers(e2e_system.url)


def test_question_gets_the_office_phone_and_citation(wechat):
    user = "o-e2e-" + uuid.uuid4().hex[:12]
    reply = wechat.ask(user, "城乡居民养老保险归哪个科室管")
    assert "农保中心" in reply and "7591916" in reply
    assert "出处" in reply


def test_follow_up_across_messages_keeps_the_office(wechat):
    user = "o-e2e-" + uuid.uuid4().hex[:12]
    first = wechat.ask(user, "城乡居民养老保险归哪个科室管", encrypted=True)
    assert "农保中心" in first
    second = wechat.ask(user, "电话呢", encrypted=True)
    assert "7591916" in second


def test_out_of_scope_is_declined_without_a_phone(wechat):
    user = "o-e2e-" + uuid.uuid4().hex[:12]
    reply = wechat.ask(user, "护照在哪里办")
    assert "7591916" not in reply and "农保中心" not in reply
