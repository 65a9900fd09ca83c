"""The songngu page in a real browser: Debian's chromium driven by chromedriver (selenium), headless.

Lookup as you type, concordance, a draft check with an ignored finding, a glossary
edit seen from a second browser session, hostile entries shown as text. Skips when
chromium or chromedriver cannot be found. With ``SONGNGU_SCREENSHOT=path.png`` the
lookup test saves a screenshot of the page (the README's picture).
"""
from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from web_fixtures import web  # noqa: F401  (fixture)

selenium = pytest.importorskip("selenium", reason="selenium is in the test extra")
from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import (NoAlertPresentException, NoSuchElementException,  # noqa: E402
                                        StaleElementReferenceException)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = os.environ.get("SONGNGU_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = os.environ.get("SONGNGU_CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
SEED_000 = "000_b4a9749fad615be5.txt"

pytestmark = pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)),
                                reason=f"chromium ({CHROMIUM}) or chromedriver ({DRIVER}) not found: "
                                       "apt-get install chromium chromium-driver")


class Browser:
    """One headless chromium with a fresh profile (so its own cookies: its own session)."""

    def __init__(self, base_url: str):
        self.profile = tempfile.mkdtemp(prefix="songngu-chromium-")
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--window-size=1280,900", f"--user-data-dir={self.profile}", "--lang=vi"):
            opts.add_argument(arg)
        self.driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=DRIVER), options=opts)
        self.base = base_url
        self.wait = WebDriverWait(self.driver, 20)

    def open(self, path="/"):
        self.driver.get(self.base + path)
        self.wait.until(lambda d: d.execute_script("return document.readyState") == "complete")

    def find(self, css):
        return self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    def all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def tab(self, name):
        self.driver.find_element(By.CSS_SELECTOR, f'nav button[data-tab="{name}"]').click()

    def sign_in(self, token):
        self.find("#token").send_keys(token)
        self.driver.find_element(By.CSS_SELECTOR, "#signin button").click()
        self.find("#who")

    def click_row(self, entry_id):
        """Click a glossary row once the list has settled (a reload replaces the rows)."""
        def click(d):
            try:
                d.find_element(By.CSS_SELECTOR, f'tr[data-id="{entry_id}"]').click()
                return d.find_element(By.ID, "gl-vi").get_attribute("value") != ""
            except (StaleElementReferenceException, NoSuchElementException):
                return False
        self.wait.until(click)
        return self.driver.find_element(By.CSS_SELECTOR, f'tr[data-id="{entry_id}"]')

    def no_alert(self):
        try:
            self.driver.switch_to.alert
        except NoAlertPresentException:
            return True
        return False

    def quit(self):
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser(web):
    b = Browser(web[0].url)
    yield b
    b.quit()


def test_lookup_as_you_type_glossary_first_then_memory(browser):
    browser.open()
    box = browser.find("#lookup-q")
    for ch in "binh nhuong":  # typed key by key, without diacritics
        box.send_keys(ch)
    first = browser.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#lookup-glossary li.entry .pair"))
    browser.wait.until(lambda d: "Bình Nhưỡng" in d.find_element(By.CSS_SELECTOR, "#lookup-glossary li.entry .pair").text)
    assert "Pyongyang" in first[0].text
    box.clear()
    box.send_keys("nguoi ta")
    browser.wait.until(lambda d: "người ta" in [m.text.lower() for m in d.find_elements(
        By.CSS_SELECTOR, "#lookup-memory li.unit mark")])
    marks = [m.text.lower() for m in browser.all("#lookup-memory li.unit mark")]
    assert marks and all(m == "người ta" for m in marks)  # hits highlighted, as written
    font = browser.driver.execute_script("return getComputedStyle(document.body).fontFamily")
    assert font.startswith('"Noto Sans"')
    shot = os.environ.get("SONGNGU_SCREENSHOT")
    if shot:
        box.clear()
        box.send_keys("quan he ngoai giao")
        browser.wait.until(lambda d: "quan hệ ngoại giao" in [m.text.lower() for m in d.find_elements(
            By.CSS_SELECTOR, "#lookup-memory li.unit mark")])
        browser.driver.save_screenshot(shot)


def test_concordance(browser, web):
    from urllib.parse import quote

    expected = web[1].get("/api/concordance?limit=50&q=" + quote("người ta"))[2]
    browser.open()
    browser.tab("concordance")
    browser.find("#conc-q").send_keys("người ta")
    browser.driver.find_element(By.CSS_SELECTOR, "#conc-form button").click()
    browser.wait.until(lambda d: "units" in d.find_element(By.ID, "conc-status").text)
    hits = browser.all("#conc-results li.unit")
    assert [h.find_element(By.CSS_SELECTOR, ".how").text.split()[0] for h in hits] == \
        [f"#{h['id']}" for h in expected["hits"]]
    assert len(hits) >= 5
    assert all(h.find_element(By.TAG_NAME, "mark").text.lower() == "người ta" for h in hits)


def test_draft_check_with_an_ignored_finding(browser, web):
    from pathlib import Path

    draft = (Path(__file__).resolve().parent.parent / "corpus" / "examples" / SEED_000).read_text(encoding="utf-8")
    browser.open()
    browser.sign_in(web[2]["translator"])
    browser.tab("check")
    browser.find("#project").clear()
    browser.find("#project").send_keys("browser-desk")
    browser.driver.execute_script("document.getElementById('draft').value = arguments[0]", draft)
    browser.driver.find_element(By.ID, "check-run").click()
    browser.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#check-findings li.finding"))
    before = len(browser.all("#check-findings li.finding"))
    target = next(li for li in browser.all("#check-findings li.finding")
                  if li.get_attribute("data-check") == "term-deprecated")
    marked = target.find_element(By.CSS_SELECTOR, ".ctx mark").text
    target.find_element(By.CSS_SELECTOR, "button.ignore").click()
    browser.wait.until(lambda d: d.find_element(By.ID, "ignored-count").text == "1")
    assert len(browser.all("#check-findings li.finding")) == before - 1
    browser.driver.find_element(By.ID, "check-run").click()  # checked again: the rule holds
    browser.wait.until(lambda d: "ignored by project rules" in d.find_element(By.ID, "check-status").text)
    assert browser.find("#ignored-count").text == "1"
    assert len(browser.all("#check-findings li.finding")) == before - 1
    browser.driver.find_element(By.CSS_SELECTOR, "#check-ignored-box summary").click()
    assert browser.find("#check-ignored li.finding .ctx mark").text == marked
    # accepting a suggestion puts it into the draft
    accept = browser.all("#check-findings li.finding button.accept")[0]
    item = accept.find_element(By.XPATH, "./ancestor::li")
    suggestion = item.find_element(By.CSS_SELECTOR, ".sugg").text.lstrip("→ ").strip()
    accept.click()
    assert suggestion in browser.driver.execute_script("return document.getElementById('draft').value")


def test_glossary_edit_is_seen_from_a_second_session(browser, web):
    _, client, tokens = web
    browser.open()
    if not browser.all("#who"):
        browser.sign_in(tokens["editor"])
    elif "editor" not in browser.find("#who").text:
        browser.driver.find_element(By.ID, "signout").click()
        browser.sign_in(tokens["editor"])
    browser.tab("glossary")
    browser.find("#gl-filter").send_keys("Bình Nhưỡng")
    browser.driver.find_element(By.CSS_SELECTOR, "#gl-filter-form button[type=submit]").click()
    browser.click_row("place.pyongyang")
    browser.wait.until(lambda d: d.find_element(By.ID, "gl-vi").get_attribute("value") == "Bình Nhưỡng")
    note = browser.find("#gl-note")
    note.clear()
    note.send_keys("Thủ đô CHDCND Triều Tiên — sửa từ trình duyệt")
    browser.driver.find_element(By.ID, "gl-save").click()
    browser.wait.until(lambda d: any("lan edit" in li.text for li in d.find_elements(By.CSS_SELECTOR, "#gl-history li")))
    other = Browser(web[0].url)  # another person, another profile, not signed in
    try:
        other.open()
        other.tab("glossary")
        other.find("#gl-filter").send_keys("nhuong")
        other.driver.find_element(By.CSS_SELECTOR, "#gl-filter-form button[type=submit]").click()
        row = other.click_row("place.pyongyang")
        assert "sửa từ trình duyệt" in row.text
        other.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#gl-history li"))
        assert "lan edit" in other.all("#gl-history li")[-1].text
        assert not other.find("#gl-save").is_enabled()  # not signed in: no editing
    finally:
        other.quit()


def test_hostile_entries_and_drafts_show_as_text(browser, web):
    _, client, tokens = web
    hostile = {"id": "phrase.xss-browser", "type": "phrase", "vi": "<img src=x onerror=alert(1)> Đà Lạt độc",
               "en": "<script>alert(2)</script> Da Lat evil", "note": "<b onmouseover=alert(3)>note</b>"}
    assert client.post("/api/glossary", json_body=hostile, token=tokens["editor"])[0] == 201
    browser.open()
    browser.find("#lookup-q").send_keys(hostile["vi"])
    browser.wait.until(lambda d: "Đà Lạt độc" in d.find_element(By.ID, "lookup-glossary").text)
    item = browser.find("#lookup-glossary li.entry")
    assert hostile["vi"] in item.text and hostile["en"] in item.text
    assert not item.find_elements(By.TAG_NAME, "img") and not item.find_elements(By.TAG_NAME, "script")
    browser.tab("check")
    browser.driver.execute_script("document.getElementById('draft').value = arguments[0]",
                                  "<svg onload=alert(4)> Bình Nhưởng <script>alert(5)</script>\n")
    browser.driver.find_element(By.ID, "check-run").click()
    browser.wait.until(lambda d: "segments" in d.find_element(By.ID, "check-status").text)
    assert not browser.all("#tab-check svg") and not browser.all("#tab-check script")
    assert browser.no_alert()


def test_upload_an_xliff_draft(browser):
    from pathlib import Path

    path = Path(__file__).resolve().parent / "data" / "xliff" / "sample.sdlxliff"
    browser.open()
    browser.tab("check")
    browser.find("#draft-file").send_keys(str(path))
    browser.driver.find_element(By.ID, "check-run").click()
    browser.wait.until(lambda d: "segments" in d.find_element(By.ID, "check-status").text)
    items = browser.all("#check-findings li.finding")
    assert any("unit c6d1e4a2-1#1" in li.text and li.get_attribute("data-check") == "term-deprecated" for li in items)
    assert not browser.all("#check-findings button.accept")  # the file is not in the text box
