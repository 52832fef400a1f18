"""The pages in a real browser: Debian's chromium driven by Playwright, checked with axe-core.

Needs ``/usr/bin/chromium`` (``apt-get install chromium``; another binary with
``BRIEFING_CHROMIUM``), the ``playwright`` Python package (never its own browsers: the tests
set ``PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1`` and use Debian's chromium) and axe-core from npm
(``npm install --no-save --prefix .ci axe-core``, or ``AXE_CORE_JS=/path/to/axe.min.js``).
Each test skips with the reason when one of them is missing.  The pages are served by
:func:`briefing.publish.serve.make_server` on 127.0.0.1 at an ephemeral port; nothing else is
reached.
"""

from __future__ import annotations

import os
import shutil
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from briefing.publish.serve import make_server
from briefing.publish.web import write_site
from tests.conftest import REPO
from tests.test_web import XSS_TEXT

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("BRIEFING_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--mute-audio",
]
AXE_CANDIDATES = [
    Path(os.environ["AXE_CORE_JS"]) if os.environ.get("AXE_CORE_JS") else None,
    REPO / ".ci" / "node_modules" / "axe-core" / "axe.min.js",
    REPO / "node_modules" / "axe-core" / "axe.min.js",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DATE = "2024-05-15"
XSS_DATE = "2024-01-02"


def axe_path() -> Path | None:
    return next((p for p in AXE_CANDIDATES if p is not None and p.is_file()), None)


# --------------------------------------------------------------------------- fixtures

@contextmanager
def serve_copy(source: Path, ws: Path) -> Iterator[str]:
    """A copy of the built workspace ``source`` at ``ws``, its pages made for and served on
    127.0.0.1 until the block ends; yields the base URL."""
    shutil.copytree(source, ws, symlinks=True)
    audio = ws / "audio"
    server = make_server(audio, "127.0.0.1", 0)
    base = f"http://127.0.0.1:{server.server_port}/"
    write_site(audio, base, ws)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, site_workspace: Path) -> Iterator[str]:
    """The built briefings with their pages, served on 127.0.0.1; yields the base URL."""
    with serve_copy(site_workspace, tmp_path_factory.mktemp("browser") / "ws") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, with a fresh temporary profile."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright import sync_api
    except ImportError as exc:  # not installed, or installed without its driver
        pytest.skip(f"playwright cannot be imported (pip install playwright): {exc}")
    manager = sync_api.sync_playwright().start()
    try:
        launched = manager.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                           args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001 (any launch failure means: no usable browser)
        manager.stop()
        pytest.skip(f"chromium does not start under playwright: {exc}")
    try:
        yield launched
    finally:
        launched.close()
        manager.stop()


@pytest.fixture
def page(browser: Any, site: str) -> Iterator[Any]:
    """A page in a fresh context that enforces the pages' own Content Security Policy."""
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.errors = errors
    try:
        yield pg
    finally:
        context.close()


def open_date(page: Any, site: str, day: str = DATE) -> None:
    page.goto(f"{site}{day}/index.html")
    page.wait_for_function(
        "() => { const a = document.getElementById('audio');"
        " return a.readyState >= 1 && isFinite(a.duration) && a.duration > 0; }",
        timeout=15_000)


def record_seeks(page: Any) -> None:
    page.evaluate("""() => {
        const audio = document.getElementById('audio');
        window.__seeks = [];
        audio.addEventListener('seeked', () => window.__seeks.push(audio.currentTime));
    }""")


def last_seek(page: Any, count: int) -> float:
    page.wait_for_function(f"() => window.__seeks.length >= {count}", timeout=10_000)
    return float(page.evaluate("() => window.__seeks[window.__seeks.length - 1]"))


def chapter_starts(page: Any) -> list[float]:
    return [float(s) for s in page.eval_on_selector_all(
        "#chapter-list button[data-start]", "bs => bs.map(b => b.dataset.start)")]


# --------------------------------------------------------------------------- accessibility

def run_axe(browser: Any, url: str, scheme: str) -> list[dict[str, Any]]:
    axe = axe_path()
    if axe is None:
        pytest.skip("axe-core is missing (npm install --no-save --prefix .ci axe-core)")
    # axe is injected as an inline script, which the pages' CSP forbids: bypass it for axe only
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)
    try:
        pg = context.new_page()
        pg.goto(url)
        pg.add_script_tag(path=str(axe))
        result = pg.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
        assert len(result["passes"]) >= 10  # the rules did run
        return [{"id": v["id"], "help": v["help"],
                 "nodes": [n["target"] for n in v["nodes"]][:5]}
                for v in result["violations"]]
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [f"{DATE}/index.html", f"{XSS_DATE}/index.html", "index.html"])
def test_axe_finds_no_wcag_violations(browser: Any, site: str, path: str, scheme: str) -> None:
    assert run_axe(browser, site + path, scheme) == []


def test_pages_work_under_their_own_csp(page: Any, site: str) -> None:
    open_date(page, site)
    assert page.evaluate("document.documentElement.className") == "js"
    assert page.locator("#chapter-list button").first.is_visible()
    page.goto(site + "index.html")
    assert page.errors == []


# --------------------------------------------------------------------------- seeking

def test_chapter_button_click_seeks_and_announces(page: Any, site: str) -> None:
    open_date(page, site)
    record_seeks(page)
    starts = chapter_starts(page)
    buttons = page.locator("#chapter-list button[data-start]")
    buttons.nth(2).click()
    assert abs(last_seek(page, 1) - starts[2]) < 0.1
    page.evaluate("document.getElementById('audio').pause()")
    assert buttons.nth(2).get_attribute("aria-current") == "true"
    assert buttons.nth(0).get_attribute("aria-current") is None
    title = buttons.nth(2).get_attribute("data-title")
    live = page.locator("#now-playing")
    assert live.get_attribute("aria-live") == "polite"
    assert live.inner_text() == f"Chapter 3 of {len(starts)}: {title}"


def test_transcript_button_seeks_to_its_sentence(page: Any, site: str) -> None:
    open_date(page, site)
    record_seeks(page)
    cue = page.locator("#transcript button.cue-seek").nth(5)
    start = float(cue.get_attribute("data-start"))
    cue.click()
    assert abs(last_seek(page, 1) - start) < 0.1
    page.evaluate("document.getElementById('audio').pause()")
    assert page.locator("#transcript p.cue.current").count() == 1


def test_keyboard_enter_and_space_on_chapter_buttons(page: Any, site: str) -> None:
    open_date(page, site)
    record_seeks(page)
    starts = chapter_starts(page)
    buttons = page.locator("#chapter-list button[data-start]")
    buttons.nth(1).focus()
    page.keyboard.press("Enter")
    assert abs(last_seek(page, 1) - starts[1]) < 0.1
    buttons.nth(3).focus()
    page.keyboard.press("Space")
    assert abs(last_seek(page, 2) - starts[3]) < 0.1
    page.evaluate("document.getElementById('audio').pause()")


def test_alt_shift_shortcuts(page: Any, site: str) -> None:
    open_date(page, site)
    record_seeks(page)
    starts = chapter_starts(page)
    page.locator("h1").click()  # focus on the page, not on a control
    page.keyboard.press("Alt+Shift+ArrowDown")
    assert abs(last_seek(page, 1) - starts[1]) < 0.1
    page.keyboard.press("Alt+Shift+ArrowDown")
    assert abs(last_seek(page, 2) - starts[2]) < 0.1
    page.keyboard.press("Alt+Shift+ArrowRight")
    assert abs(last_seek(page, 3) - (starts[2] + 10)) < 0.1
    page.keyboard.press("Alt+Shift+ArrowLeft")
    assert abs(last_seek(page, 4) - starts[2]) < 0.1
    page.keyboard.press("Alt+Shift+ArrowUp")  # at the start of chapter 3: to chapter 2
    assert abs(last_seek(page, 5) - starts[1]) < 0.1
    assert page.evaluate("document.getElementById('audio').paused")
    page.keyboard.press("Alt+Shift+P")
    page.wait_for_function("() => !document.getElementById('audio').paused")
    page.keyboard.press("Alt+Shift+P")
    page.wait_for_function("() => document.getElementById('audio').paused")
    assert page.url.endswith(f"{DATE}/index.html")


def test_speed_control_is_remembered(page: Any, site: str) -> None:
    open_date(page, site)
    values = page.eval_on_selector_all("#speed option", "os => os.map(o => o.value)")
    assert values[0] == "0.5" and values[-1] == "3"
    assert page.locator("label[for=speed]").inner_text() == "Playback speed"
    page.select_option("#speed", "1.5")
    assert page.evaluate("document.getElementById('audio').playbackRate") == 1.5
    open_date(page, site)
    assert page.evaluate("document.getElementById('audio').playbackRate") == 1.5
    assert page.input_value("#speed") == "1.5"
    page.select_option("#speed", "1")


# --------------------------------------------------------------------------- keyboard

def test_every_control_is_reachable_by_tab(page: Any, site: str) -> None:
    open_date(page, site)
    total = page.evaluate("""() => {
        const els = [...document.querySelectorAll('a[href], button, select, audio[controls]')]
            .filter(e => e.getClientRects().length > 0);
        els.forEach((e, i) => e.dataset.tabId = String(i));
        return els.length;
    }""")
    assert total > 40
    seen: set[str] = set()
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.className")
    assert first == "skip"
    box = page.locator("a.skip").bounding_box()
    assert box is not None and box["y"] >= 0  # the skip link shows when focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # a visible focus indicator
    for _ in range(total * 4 + 20):
        tab_id = page.evaluate("document.activeElement && document.activeElement.dataset"
                               " ? document.activeElement.dataset.tabId || '' : ''")
        if tab_id:
            seen.add(tab_id)
        if len(seen) == total:
            break
        page.keyboard.press("Tab")
    missing = page.evaluate(
        "seen => [...document.querySelectorAll('[data-tab-id]')]"
        ".filter(e => !seen.includes(e.dataset.tabId)).map(e => e.outerHTML.slice(0, 80))",
        sorted(seen))
    assert missing == []


def test_skip_link_moves_focus_to_main(page: Any, site: str) -> None:
    open_date(page, site)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_works_without_javascript(browser: Any, site: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(f"{site}{DATE}/index.html")
        assert pg.locator("audio[controls]").is_visible()
        assert not pg.locator("#chapter-list button").first.is_visible()
        links = pg.locator("#chapter-list a.chapter-file")
        assert links.count() == pg.locator("#chapter-list li").count() > 2
        assert links.first.is_visible()
        href = links.nth(1).get_attribute("href")
        response = pg.request.get(f"{site}{DATE}/{href}")
        assert response.status == 200 and response.headers["content-type"] == "audio/mpeg"
        assert pg.locator(".chapter-title").first.is_visible()
    finally:
        context.close()


# --------------------------------------------------------------------------- escaping

def test_script_in_an_article_is_shown_as_text(page: Any, site: str) -> None:
    open_date(page, site, XSS_DATE)
    assert page.evaluate("typeof window.pwned") == "undefined"
    transcript = page.locator("#transcript")
    assert XSS_TEXT in " ".join(transcript.inner_text().split())
    assert page.get_by_text(XSS_TEXT).first.is_visible()
    assert page.locator("#chapter-list").get_by_text("<script>window.pwned=2</script>").count()
    page.goto(site + "index.html")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert "<script>window.pwned=1</script>" in page.locator("main").inner_text()


def test_screenshot_of_the_date_page(page: Any, site: str, tmp_path: Path) -> None:
    """A full-page PNG for people to look at (kept where BRIEFING_SCREENSHOTS points)."""
    open_date(page, site)
    out = tmp_path / f"briefing-{DATE}.png"
    page.screenshot(path=str(out), full_page=True)
    # a PNG of the whole page: the viewport's width, the document's full height
    png = out.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    size = page.evaluate("[document.documentElement.clientWidth,"
                         " document.documentElement.scrollHeight]")
    assert [width, height] == size and height > page.viewport_size["height"]
    keep = os.environ.get("BRIEFING_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(out, Path(keep) / out.name)
