"""HTML and script from anywhere (the user, Rasa's replies, buttons, citations, ticket fields,
logged questions) are shown as text on every face: the widget, the station page and its printed
slip, the agent console. Headless chromium against the real app in-process (uvicorn thread,
fake-embedder knowledge base, temp app.db) and a Rasa stand-in that answers with markup; no
trained Rasa model needed."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import uvicorn
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.integration

EVIL = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>粗</b>'
TOKEN = "hostile-text-admin-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MarkupRasa:
    """Rasa's REST channel answering every message with markup in text, buttons and sources."""

    def __init__(self) -> None:
        self.port = free_port()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _send(self, body: bytes, ctype: str = "application/json") -> None:
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                self._send(b"Hello from Rasa: 3.6.21", "text/plain")

            def do_POST(self):
                sender = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))["sender"]
                self._send(
                    json.dumps(
                        [
                            {
                                "recipient_id": sender,
                                "text": "回答：" + EVIL + " 电话7591916",
                                "buttons": [{"title": EVIL, "payload": "你好"}],
                            },
                            {
                                "recipient_id": sender,
                                "custom": {"sources": [{"id": "x1", "citation": EVIL, "excerpt": EVIL}]},
                            },
                        ]
                    ).encode()
                )

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.daemon_threads = True

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    import knowledge.service as service
    from bot.core.config import AppSettings
    from bot.main import create_app

    data = tmp_path_factory.mktemp("hostile-data")
    with MarkupRasa() as rasa:
        settings = AppSettings(
            data_dir=data,
            embedding_model="fake:64",
            rasa_url=f"http://127.0.0.1:{rasa.port}",
            action_port=free_port(),
            admin_token=TOKEN,
            app_db_path=data / "app.db",
        )
        service.build(settings)
        kb = service.KnowledgeBase(settings)
        kb.warm_up()
        saved, service._instance = service._instance, kb
        app = create_app(settings)
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        )
        server.capture_signals = lambda: _NoSignals()  # type: ignore[method-assign]
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        store = app.state.store
        ref = store.create_ticket(
            kind="complaint",
            sender_id="hostile-sender-01",
            fields={"employer": EVIL, "details": EVIL, "since_amount": EVIL, "contact": EVIL},
            office=EVIL,
            phone="7591916",
        ).ref
        store.log_conversation(sender_id="hostile-sender-01", message=EVIL, reply="", fallback=True)
        try:
            yield f"http://127.0.0.1:{port}", ref
        finally:
            server.should_exit = True
            thread.join(10)
            service._instance = saved


class _NoSignals:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return None


def wait(driver, timeout=30):
    return WebDriverWait(driver, timeout)


def assert_inert(driver, scope: str) -> None:
    """No element was made from the markup and none of its scripts ran."""
    found = driver.execute_script(
        "var s = document.querySelector(arguments[0]);"
        "return s ? s.querySelectorAll('img, script, b, iframe').length : -1;",
        scope,
    )
    assert found == 0, f"{scope} holds elements made from text"
    assert driver.execute_script("return window.__xss === undefined")


def test_widget_shows_replies_buttons_and_citations_as_text(hostile_app, browser):
    url, _ = hostile_app
    browser.get(url + "/")
    box = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".jz-text")))
    box.send_keys(EVIL)
    box.send_keys(Keys.ENTER)
    wait(browser).until(lambda d: EVIL in d.find_element(By.CSS_SELECTOR, ".jz-log").text)
    log = browser.find_element(By.CSS_SELECTOR, ".jz-log")
    assert log.text.count(EVIL) >= 3  # the user's bubble, the reply, the button title
    for summary in log.find_elements(By.CSS_SELECTOR, ".jz-sources summary"):
        summary.click()
    assert EVIL in " ".join(c.text for c in log.find_elements(By.CSS_SELECTOR, ".jz-cite"))
    assert_inert(browser, ".jz-log")


def test_station_answer_and_printed_slip_show_markup_as_text(hostile_app, browser):
    url, _ = hostile_app
    browser.get(url + "/station")
    q = wait(browser).until(EC.element_to_be_clickable((By.ID, "question")))
    q.send_keys(EVIL)
    q.send_keys(Keys.ENTER)
    wait(browser).until(EC.visibility_of_element_located((By.ID, "answer")))
    assert EVIL in browser.find_element(By.ID, "answer-text").text
    assert EVIL in browser.find_element(By.ID, "answer-sources").text
    slip = {
        f: browser.find_element(By.ID, f).get_attribute("textContent")
        for f in ("slip-q", "slip-a", "slip-cite")
    }
    assert slip["slip-q"] == EVIL
    assert EVIL in slip["slip-a"] and EVIL in slip["slip-cite"]
    assert_inert(browser, "#answer")
    assert_inert(browser, "#slip")


def test_agent_console_shows_ticket_fields_and_questions_as_text(hostile_app, browser):
    url, ref = hostile_app
    browser.get(url + "/agent")
    token = wait(browser).until(EC.visibility_of_element_located((By.ID, "token")))
    token.send_keys(TOKEN)
    token.send_keys(Keys.ENTER)
    card = wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, f'.ticket[data-ref="{ref}"]')))
    assert card.text.count(EVIL) >= 4
    wait(browser).until(lambda d: EVIL in d.find_element(By.ID, "unanswered").text)
    q = browser.find_element(By.ID, "q")
    q.send_keys(EVIL)
    q.send_keys(Keys.ENTER)
    wait(browser).until(EC.visibility_of_element_located((By.ID, "hits-panel")))
    assert_inert(browser, "#tickets")
    assert_inert(browser, "#unanswered")
    assert_inert(browser, "#hits")
    assert_inert(browser, "#suggest-panel")
