"""Two levels on the player page in chromium: the nested chapter list, "Previous story" /
"Next story" and their shortcuts, and "Skip photo descriptions" while the audio plays.

The date has an opening, two stories (the second with four photos) and a closing: levels
1, 1, 1, 2, 2, 2, 2, 1.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_browser import (  # noqa: F401  (fixtures)
    browser,
    chapter_starts,
    last_seek,
    open_date,
    page,
    record_seeks,
    run_axe,
    site,
)

pytestmark = pytest.mark.browser

DAY = "2024-05-14"
LEVELS = [1, 1, 1, 2, 2, 2, 2, 1]


def _levels(page: Any) -> list[int]:  # noqa: F811
    return [int(v) for v in page.eval_on_selector_all(
        "#chapter-list button[data-start]", "bs => bs.map(b => b.dataset.level)")]


def test_the_chapter_list_is_nested(page: Any, site: str) -> None:  # noqa: F811
    open_date(page, site, DAY)
    assert _levels(page) == LEVELS
    assert page.locator("#chapter-list > li").count() == LEVELS.count(1)
    photos = page.locator("#chapter-list > li").nth(2).locator("ol.photos > li")
    assert photos.count() == 4
    assert photos.first.locator("button").get_attribute("data-title") == page.locator(
        "#chapter-list button[data-start]").nth(3).get_attribute("data-title")
    label = page.locator("#chapter-list ol.photos").get_attribute("aria-label")
    title = page.locator("#chapter-list button[data-start]").nth(2).get_attribute("data-title")
    assert label == f"Photo descriptions of {title}"


def test_next_and_previous_story_jump_over_the_photos(page: Any, site: str) -> None:  # noqa: F811
    open_date(page, site, DAY)
    record_seeks(page)
    starts = chapter_starts(page)
    audio_time = "document.getElementById('audio').currentTime"
    nxt = page.get_by_role("button", name="Next story", exact=True)
    prev = page.get_by_role("button", name="Previous story", exact=True)
    expected = [starts[1], starts[2], starts[7]]  # story 1, story 2, then past 4 photos
    for n, start in enumerate(expected, start=1):
        nxt.click()
        assert abs(last_seek(page, n) - start) < 0.1
        assert abs(page.evaluate(audio_time) - start) < 0.1
    assert page.locator("#now-playing").inner_text().startswith(f"Chapter 8 of {len(starts)}")
    prev.click()  # at the closing's start: back to story 2, not to its last photo
    assert abs(last_seek(page, 4) - starts[2]) < 0.1
    page.evaluate(f"document.getElementById('audio').currentTime = {starts[5] + 0.5}")
    last_seek(page, 5)
    prev.click()  # inside a photo of story 2: to the start of story 2
    assert abs(last_seek(page, 6) - starts[2]) < 0.1
    page.locator("h1").click()
    page.keyboard.press("Alt+Shift+PageDown")
    assert abs(last_seek(page, 7) - starts[7]) < 0.1
    page.keyboard.press("Alt+Shift+PageUp")
    assert abs(last_seek(page, 8) - starts[2]) < 0.1
    page.keyboard.press("PageDown")  # without the modifiers: the page scrolls, no seek
    page.wait_for_timeout(300)
    assert page.evaluate("window.__seeks.length") == 8
    assert page.errors == []


def _play_across_story_2s_end(page: Any, site: str) -> list[float]:  # noqa: F811
    """Play from half a second before story 2 ends; the chapter starts."""
    open_date(page, site, DAY)
    starts = chapter_starts(page)
    page.locator("#chapter-list button[data-start]").nth(2).click()  # plays story 2
    page.wait_for_function("() => !document.getElementById('audio').paused")
    page.evaluate(f"document.getElementById('audio').currentTime = {starts[3] - 0.5}")
    page.wait_for_function(f"() => document.getElementById('audio').currentTime > {starts[3]}"
                           " && !document.getElementById('audio').seeking", timeout=10_000)
    page.wait_for_timeout(600)
    return starts


def test_skip_photo_descriptions_plays_on_to_the_next_story(page: Any, site: str) -> None:  # noqa: F811
    open_date(page, site, DAY)
    box = page.get_by_label("Skip photo descriptions")
    assert not box.is_checked()
    box.check()
    starts = _play_across_story_2s_end(page, site)  # reloads: the choice is remembered
    assert page.get_by_label("Skip photo descriptions").is_checked()
    t = page.evaluate("document.getElementById('audio').currentTime")
    page.evaluate("document.getElementById('audio').pause()")
    assert starts[7] <= t < starts[7] + 2, (t, starts)
    assert page.locator("#now-playing").inner_text().startswith("Chapter 8 of 8")
    # a photo chosen by hand still plays
    page.locator("#chapter-list button[data-start]").nth(4).click()
    page.wait_for_timeout(800)
    t = page.evaluate("document.getElementById('audio').currentTime")
    page.evaluate("document.getElementById('audio').pause()")
    assert starts[4] <= t < starts[5], (t, starts)
    page.get_by_label("Skip photo descriptions").uncheck()


def test_without_skipping_the_photos_play(page: Any, site: str) -> None:  # noqa: F811
    starts = _play_across_story_2s_end(page, site)
    assert not page.get_by_label("Skip photo descriptions").is_checked()
    t = page.evaluate("document.getElementById('audio').currentTime")
    page.evaluate("document.getElementById('audio').pause()")
    assert starts[3] < t < starts[4], (t, starts)
    assert page.locator("#now-playing").inner_text().startswith("Chapter 4 of 8")


def test_without_javascript_the_nested_links_remain(browser: Any, site: str) -> None:  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(f"{site}{DAY}/index.html")
        assert pg.locator("#chapter-list > li").count() == 4
        links = pg.locator("#chapter-list ol.photos a.chapter-file")
        assert links.count() == 4 and links.first.is_visible()
        assert not pg.locator("#next-story").is_visible()
        assert not pg.locator("#skip-photos").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_the_nested_page(browser: Any, site: str,  # noqa: F811
                                                    scheme: str) -> None:
    assert run_axe(browser, f"{site}{DAY}/index.html", scheme) == []
