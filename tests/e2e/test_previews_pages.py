"""The preview frames and warnings on a post's page, in a real browser: a long caption with
twenty hashtags, mentions and a link, two images (a tall one with alternative text, a small one
without), scheduled in the night. Each frame must say what post.get's previews say (count,
limit, the text before "more", the marked spans, the crops in carousel order), the warnings
must be post.get's messages, before the decision form, and must not block it. Screenshots at
1280x800 and 375x812 are written under pytest's tmp dir; their paths are printed."""
import pytest

from pagescene import Scene

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402

from test_browser import browser, press, sign_in, viewport  # noqa: E402,F401  (its fixture)

LABELS = {"instagram": "Instagram", "x": "X", "mastodon": "Mastodon"}


def text_of(d, el):
    return d.execute_script("return arguments[0].textContent", el)


def shoot(d, url, tmp_path, name, width, height):
    """The page as it opens (every "more" closed): its frames, first carousel and warnings."""
    viewport(d, width, height)
    d.get(url)
    paths = []
    for part, selector in (("frames", "section.previews"), ("carousel", ".frame .carousel"),
                           ("warnings", "section.warnings")):
        el = d.find_element(By.CSS_SELECTOR, selector)
        d.execute_script("arguments[0].scrollIntoView({block: 'start'})", el)
        path = str(tmp_path / f"{name}-{part}-{width}x{height}.png")
        assert d.save_screenshot(path)
        paths.append(path)
    print("screenshots:", *paths)
    return paths


def test_frames_and_warnings_on_the_post_page(daemon, admin, browser, tmp_path):
    s = Scene(daemon, admin)
    got = admin.call("post.get", id=s.post)
    previews, warnings = got["previews"], got["warnings"]
    d = browser
    d.execute_cdp_cmd("Network.clearBrowserCookies", {})
    viewport(d, 1280, 800)
    url = s.url(f"{s.pages()[6][1]}")
    sign_in(d, url, "Claire", s.approval["password"])
    d.get(url)
    assert "An approximation" in d.find_element(By.CSS_SELECTOR, ".previews .approx").text
    frames = d.find_elements(By.CSS_SELECTOR, ".previews .frame")
    assert [f.find_element(By.TAG_NAME, "h3").text for f in frames] == [
        LABELS[p["platform"]] for p in previews]
    for f, pv in zip(frames, previews):
        counts = f.find_element(By.CSS_SELECTOR, ".counts").text
        assert f"Length: {pv['count']} of at most {pv['limit']}" in counts, counts
        over = pv["count"] > pv["limit"] or pv["hashtags"] > (pv["max_hashtags"] or 1000)
        assert bool(f.find_elements(By.CSS_SELECTOR, ".counts li.over")) == over, pv["platform"]
        assert text_of(d, f.find_element(By.CSS_SELECTOR, ".ftext .before")) == pv["before_more"]
        details = f.find_elements(By.CSS_SELECTOR, ".ftext details")
        assert bool(details) == pv["truncated"]
        if details:
            after = f.find_element(By.CSS_SELECTOR, ".ftext .after")
            assert details[0].find_element(By.TAG_NAME, "summary").text == "more"
            assert not after.is_displayed(), "the rest waits behind more"
            details[0].find_element(By.TAG_NAME, "summary").click()
            assert after.is_displayed()
            assert pv["before_more"] + text_of(d, after) == got["caption"]
        for kind, n in (("hashtag", 20), ("mention", pv["mentions"]), ("link", pv["links"])):
            marked = f.find_elements(By.CSS_SELECTOR, f".sp-{kind}")
            assert len({text_of(d, m) for m in marked}) >= min(n, 1)
            assert pv[kind + "s"] == n
        # The carousel: the images in the post's order, each crop the ratio post.get gives.
        items = f.find_elements(By.CSS_SELECTOR, ".carousel > li")
        assert len(items) == len(pv["images"]) == 2
        for li, im in zip(items, pv["images"]):
            boxes = li.find_elements(By.CSS_SELECTOR, ".cropbox")
            assert boxes[0].find_element(By.TAG_NAME, "img").get_attribute("src").endswith(
                f"/m/{im['media']}")
            feed = im["feed"]
            shown = boxes[0].rect
            assert abs(shown["width"] / shown["height"] - feed["w"] / feed["h"]) < 0.02, (
                pv["platform"], shown, feed)
            cap = li.find_element(By.TAG_NAME, "figcaption").text
            assert (f"{feed['w']} × {feed['h']}" in cap) if im["feed_cropped"] else (
                "shown whole" in cap)
            assert len(boxes) == (2 if im["grid"] else 1)
            if im["grid"]:
                g = boxes[1].rect
                assert abs(g["width"] / g["height"] - im["grid"]["w"] / im["grid"]["h"]) < 0.02
    insta = previews[0]
    assert insta["platform"] == "instagram" and insta["images"][0]["feed_cropped"]
    assert "not clickable on Instagram" in frames[0].text
    assert "like" not in d.find_element(By.CSS_SELECTOR, ".previews").text.lower()
    # The warnings: post.get's messages, in its order, before the decision form.
    items = d.find_elements(By.CSS_SELECTOR, ".warnings .wlist li")
    assert [text_of(d, i) for i in items] == [w["message"] for w in warnings]
    codes = {w["code"] for w in warnings}
    assert {"caption_too_long", "too_many_hashtags", "link_not_clickable", "image_without_alt",
            "image_too_small", "image_ratio", "scheduled_at_night"} <= codes, codes
    assert d.execute_script(
        "return document.querySelector('.warnings').compareDocumentPosition("
        "document.querySelector('button[value=approve]')) & Node.DOCUMENT_POSITION_FOLLOWING")
    shots = shoot(d, url, tmp_path, "approval-post", 1280, 800)
    shots += shoot(d, url, tmp_path, "approval-post", 375, 812)
    viewport(d, 1280, 800)
    # They never block: the approver approves with every warning standing.
    d.get(url)
    press(d, "approve")
    assert admin.call("post.get", id=s.post)["status"] == "approved"
    assert len(shots) == 6


def test_calendar_link_shows_frames_without_warnings(daemon, admin, browser):
    """A calendar link shows how a post may look, but no decision and so no checks."""
    s = Scene(daemon, admin)
    admin.call("post.approve", id=s.post)
    admin.call("post.schedule", id=s.post)
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    browser.get(s.url(f"{s.pages()[0][1]}/p/{s.post}"))
    assert browser.find_elements(By.CSS_SELECTOR, ".previews .frame")
    assert not browser.find_elements(By.CSS_SELECTOR, ".warnings")
