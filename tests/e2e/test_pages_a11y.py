"""Every kind of link page, checked by outside tools: axe-core in headless Chromium at 1280 and
375 pixels (any violation fails), and the W3C Nu checker (vnu-jar) over the pages' HTML as the
daemon sends it (any error fails). The checkers are npm packages pinned in tests/browser
(scripts/install-deps.sh test runs `npm ci` there)."""
import json
import os
import shutil
import subprocess

import pytest

from gltest import ROOT
from httputil import Web
from pagescene import Scene

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402

from test_browser import browser, sign_in, viewport  # noqa: E402,F401  (its browser fixture)

MODULES = os.path.join(ROOT, "tests", "browser", "node_modules")
AXE = os.path.join(MODULES, "axe-core", "axe.min.js")
VNU = os.path.join(MODULES, "vnu-jar", "build", "dist", "vnu.jar")
WIDTHS = ((1280, 800), (375, 812))
# What shows that a page is the one meant (the sign-in form, say, is not the approval page).
EXPECT = {"approval-post": 'class="frame"', "collab-post": 'class="frame"',
          "decided": "What was decided through this link", "replaced": "was replaced",
          "revoked": "was withdrawn", "expired": "has expired", "sign-in": "/session"}

RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(
  r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))),
  e => done('axe failed: ' + e));
"""


def open_page(d, scene, path, who):
    d.get(scene.url(path))
    if who and d.find_elements(By.CSS_SELECTOR, "form[action$='/session']"):
        sign_in(d, scene.url(path), who[0], who[1])
        d.get(scene.url(path))


@pytest.fixture
def scene(daemon, admin):
    s = Scene(daemon, admin)
    s.decide_other(Web(daemon.http_port))
    return s


def test_axe_finds_no_violation_on_any_page_at_both_widths(scene, browser):
    if not os.path.exists(AXE):
        pytest.fail("axe-core is not installed: run scripts/install-deps.sh test")
    axe = open(AXE, encoding="utf-8").read()
    browser.set_script_timeout(60)
    found, checked = [], []
    # The harness finds what it should: a page given an image without alternative text fails.
    browser.get(scene.url("/nothing-here"))
    browser.execute_script("document.querySelector('main').appendChild("
                           "document.createElement('img')).src = '/static/style.css';")
    browser.execute_script(axe)
    assert "image-alt" in [x["id"] for x in browser.execute_async_script(RUN_AXE)]
    for width, height in WIDTHS:
        # Every cookie, whatever its path (delete_all_cookies sees only the current page's).
        browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
        viewport(browser, width, height)
        for name, path, who in scene.pages():
            open_page(browser, scene, path, who)
            if name != "sign-in":  # the one page that is the sign-in form itself
                assert not browser.find_elements(By.CSS_SELECTOR,
                                                 "form[action$='/session']"), name
            browser.execute_script(axe)
            v = browser.execute_async_script(RUN_AXE)
            assert isinstance(v, list), v
            assert EXPECT.get(name, "<main") in browser.page_source, name
            checked.append(f"{name}@{width}")
            found += [f"{name}@{width}: {x['id']} ({x['impact']}) {x['help']}: {x['nodes']}"
                      for x in v]
    print("axe checked:", ", ".join(checked))
    assert not found, "\n".join(found)


def test_nu_checker_finds_no_error_on_any_page(scene, tmp_path):
    if not os.path.exists(VNU):
        pytest.fail("vnu-jar is not installed: run scripts/install-deps.sh test")
    java = shutil.which("java")
    if not java:
        pytest.fail("the Nu checker needs Java (default-jre-headless)")
    files = []
    for name, path, who in scene.pages():
        st, headers, body = scene.web_signed_in(path, who).get(path)
        assert headers["content-type"].startswith("text/html"), name
        assert EXPECT.get(name, "<main") in body, name  # the page meant, not the sign-in
        f = tmp_path / f"{name}.html"
        f.write_text(body, encoding="utf-8")
        files.append(str(f))
    r = subprocess.run([java, "-jar", VNU, "--format", "json", "--exit-zero-always"] + files,
                       capture_output=True, text=True, timeout=300)
    messages = json.loads(r.stderr or r.stdout)["messages"]
    errors = [f"{os.path.basename(m.get('url', ''))}:{m.get('lastLine')}: {m['message']}"
              for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]
    print("Nu checked:", len(files), "pages;", len(messages), "messages,", len(errors), "errors")
    assert not errors, "\n".join(errors)
