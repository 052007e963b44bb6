"""The widget, the agent console and the station page in headless chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.integration

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def shipped_identity():
    """The names the shipped list gives itself (what the pages must show)."""
    from knowledge.identity import derive_identity
    from knowledge.parser import parse_file
    from knowledge.settings import DEFAULT_SOURCE

    records = parse_file(DEFAULT_SOURCE)
    return derive_identity(records.title, records.seals, records.offices)


def wait(driver, timeout=60):
    return WebDriverWait(driver, timeout)


def shot(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def ask(driver, text):
    """Type a question in the widget and wait for the bot's answer; return the new bot rows."""
    before = len(driver.find_elements(By.CSS_SELECTOR, ".jz-row.jz-bot:not(.jz-typing-row)"))
    box = driver.find_element(By.CSS_SELECTOR, ".jz-text")
    box.send_keys(text)
    box.send_keys(Keys.ENTER)
    wait(driver).until(
        lambda d: (
            not d.find_elements(By.CSS_SELECTOR, ".jz-typing-row")
            and len(d.find_elements(By.CSS_SELECTOR, ".jz-row.jz-bot")) > before
        )
    )
    return driver.find_elements(By.CSS_SELECTOR, ".jz-row.jz-bot")[before:]


def no_alert(driver):
    try:
        _ = driver.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def test_widget_answers_phone_with_citation(browser_system, browser):
    browser.get(browser_system.url + "/")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".jz-text")))
    identity = shipped_identity()
    assert browser.find_element(By.CSS_SELECTOR, ".jz-title").text == identity.short_name + "政策问答"
    assert identity.title in browser.find_element(By.CSS_SELECTOR, ".jz-subtitle").text
    wait(browser).until(lambda d: identity.bureau in d.find_element(By.CSS_SELECTOR, ".demo-head h1").text)
    rows = ask(browser, "农保中心电话是多少")
    text = "\n".join(r.text for r in rows)
    assert "7591916" in text
    phones = [e.text for e in rows[-1].find_elements(By.CSS_SELECTOR, ".jz-phone")] + [
        e.text for r in rows for e in r.find_elements(By.CSS_SELECTOR, ".jz-phone")
    ]
    assert "7591916" in phones  # highlighted
    summary = rows[-1].find_element(By.CSS_SELECTOR, ".jz-sources summary")
    assert "依据" in summary.text
    summary.click()
    cites = rows[-1].find_elements(By.CSS_SELECTOR, ".jz-cite")
    assert cites and all(c.is_displayed() and c.text.strip() for c in cites)
    shot(browser, "widget-answer")

    # 👍 posts feedback
    rows[-1].find_element(By.CSS_SELECTOR, ".jz-fb-up").click()
    wait(browser).until(lambda d: "谢谢" in rows[-1].find_element(By.CSS_SELECTOR, ".jz-feedback").text)


def test_widget_shows_hostile_input_as_text(browser_system, browser):
    browser.get(browser_system.url + "/")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".jz-text")))
    evil = '<img src=x onerror="alert(1)"><script>alert(2)</script><b>粗</b>'
    ask(browser, evil)
    bubbles = browser.find_elements(By.CSS_SELECTOR, ".jz-row.jz-user .jz-bubble")
    assert bubbles[-1].text == evil
    log = browser.find_element(By.CSS_SELECTOR, ".jz-log")
    assert not log.find_elements(By.TAG_NAME, "img")
    assert not log.find_elements(By.TAG_NAME, "script")
    assert not log.find_elements(By.TAG_NAME, "b")
    assert no_alert(browser)


def test_widget_floating_mode(browser_system, browser):
    """Embedded with one script tag and no target: a launcher button opens the panel."""
    browser.get(browser_system.url + "/static/embed.html")
    launcher = wait(browser).until(EC.element_to_be_clickable((By.CSS_SELECTOR, ".jz-launcher")))
    assert not browser.find_element(By.CSS_SELECTOR, ".jz-chat").is_displayed()
    launcher.click()
    wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".jz-chat")))
    rows = ask(browser, "农保中心电话是多少")
    assert "7591916" in "\n".join(r.text for r in rows)
    shot(browser, "widget-floating")
    browser.find_element(By.CSS_SELECTOR, ".jz-close").click()
    wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".jz-launcher")))


def test_widget_quick_reply_button(browser_system, browser):
    browser.get(browser_system.url + "/")
    wait(browser).until(EC.element_to_be_clickable((By.CSS_SELECTOR, ".jz-quick")))
    before = len(browser.find_elements(By.CSS_SELECTOR, ".jz-row.jz-bot"))
    first = browser.find_element(By.CSS_SELECTOR, ".jz-quick")
    title = first.text
    first.click()
    wait(browser).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".jz-row.jz-bot:not(.jz-typing-row)")) > before
    )
    assert browser.find_elements(By.CSS_SELECTOR, ".jz-row.jz-user .jz-bubble")[-1].text == title


def test_complaint_through_form_then_agent_console(browser_system, browser):
    browser.get(browser_system.url + "/")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".jz-text")))
    for message in [
        "我要投诉",
        "鸡泽县浏览器测试建材有限公司",
        "拖欠两个月工资不给",
        "去年十月开始，八千元",
        "13912345678",
    ]:
        ask(browser, message)
    rows = ask(browser, "确认")
    text = "\n".join(r.text for r in rows)
    ref = re.search(r"TS-\d{8}-\d{4}", text).group(0)
    shot(browser, "widget-complaint")

    browser.get(browser_system.url + "/agent")
    token = wait(browser).until(EC.visibility_of_element_located((By.ID, "token")))
    token.send_keys(browser_system.admin_token)
    token.send_keys(Keys.ENTER)
    card = wait(browser).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, f'.ticket[data-ref="{ref}"]'))
    )
    assert "浏览器测试建材" in card.text and "13912345678" in card.text
    shot(browser, "agent-tickets")

    # search with office/phone highlighted, suggested reply with copy button
    q = browser.find_element(By.ID, "q")
    q.send_keys("城乡居民养老保险")
    q.send_keys(Keys.ENTER)
    wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#hits .hit")))
    marks = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#hits mark.phone")] + [
        b.text for b in browser.find_elements(By.CSS_SELECTOR, "#hits .badge.phone")
    ]
    assert any("7591916" in m for m in marks)
    wait(browser).until(lambda d: d.find_element(By.ID, "suggest-text").get_attribute("value"))
    browser.find_element(By.ID, "copy").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "copy-state").text)
    shot(browser, "agent-search")

    # mark done: it leaves the open list
    card = browser.find_element(By.CSS_SELECTOR, f'.ticket[data-ref="{ref}"]')
    card.find_element(By.CSS_SELECTOR, "button.ok").click()
    wait(browser).until(lambda d: not d.find_elements(By.CSS_SELECTOR, f'.ticket[data-ref="{ref}"]'))

    # the token is kept for this tab: a reload goes straight to the console
    browser.refresh()
    wait(browser).until(EC.visibility_of_element_located((By.ID, "console")))


def test_agent_console_rejects_wrong_token(browser_system, browser):
    browser.get(browser_system.url + "/agent")
    token = wait(browser).until(EC.visibility_of_element_located((By.ID, "token")))
    token.send_keys("wrong-token")
    token.send_keys(Keys.ENTER)
    wait(browser).until(lambda d: d.find_element(By.ID, "login-error").text)
    assert not browser.find_element(By.ID, "console").is_displayed()


def test_station_answer_and_print_slip(browser_system, browser):
    browser.get(browser_system.url + "/station")
    button = wait(browser).until(EC.element_to_be_clickable((By.XPATH, "//div[@id='common']/button[1]")))
    identity = shipped_identity()
    wait(browser).until(lambda d: identity.short_name in d.find_element(By.CSS_SELECTOR, ".station-head h1").text)
    assert browser.find_element(By.ID, "slip-bureau").get_attribute("textContent") == identity.bureau
    assert browser.title == "自助政策查询 · " + identity.bureau
    question = button.text
    button.click()
    wait(browser).until(EC.visibility_of_element_located((By.ID, "answer")))
    assert "7591916" in browser.find_element(By.ID, "answer-text").text
    shot(browser, "station-answer")
    # the slip is filled in and is the only thing printed
    assert browser.find_element(By.ID, "slip-q").get_attribute("textContent") == question
    assert "7591916" in browser.find_element(By.ID, "slip-phone").get_attribute("textContent")
    assert browser.find_element(By.ID, "slip-cite").get_attribute("textContent") not in ("", "—")
    assert browser.find_element(By.ID, "slip-date").get_attribute("textContent")
    assert not browser.find_element(By.ID, "slip").is_displayed()
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert browser.find_element(By.ID, "slip").is_displayed()
        assert not browser.find_element(By.CSS_SELECTOR, ".station-main").is_displayed()
        shot(browser, "station-print")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_mobile_layout(browser_system, browser):
    browser.set_window_size(390, 844)
    try:
        browser.get(browser_system.url + "/")
        wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".jz-text")))
        ask(browser, "职称申报找哪个科室")
        chat = browser.find_element(By.CSS_SELECTOR, ".jz-chat")
        assert chat.size["width"] <= 390
        shot(browser, "widget-mobile")
    finally:
        browser.set_window_size(1280, 900)
