"""Headless Debian chromium driven by Selenium (/usr/bin/chromium, /usr/bin/chromedriver; no
downloads) against the real system started with ``python -m bot.run`` on free ports."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.harness import RunningSystem, missing_parts, need

CHROMIUM = os.environ.get("JIZE_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("JIZE_CHROMEDRIVER", "/usr/bin/chromedriver")


@pytest.fixture(scope="session")
def browser_system(tmp_path_factory):
    missing = missing_parts()
    need(not missing, "the real system needs " + ", ".join(missing) + " (run `make setup` and `make train`)")
    system = RunningSystem(app_db=tmp_path_factory.mktemp("browser") / "app.db")
    system.start()
    yield system
    system.stop()


@pytest.fixture(scope="session")
def driver():
    need(
        bool(shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)),
        "needs chromium and chromium-driver (apt-get install -y chromium chromium-driver)",
    )
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        need(False, "needs the selenium package (pip install selenium)")
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not try to download
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--lang=zh-CN",
    ):
        opts.add_argument(arg)
    d = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    d.set_page_load_timeout(60)
    yield d
    d.quit()


@pytest.fixture()
def browser(driver):
    """The session's browser with a clean tab state (storage cleared between tests)."""
    yield driver
    try:
        driver.execute_script("try { sessionStorage.clear(); localStorage.clear(); } catch (e) {}")
    except Exception:
        pass
