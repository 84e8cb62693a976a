"""The agency's brand on the link pages, in a real browser: a profile's display name, logo and
accent colour (refused, with its ratio, when it fails WCAG AA contrast), no "Greenlight" on the
page but the small footer credit, which only an admin turns off; the sender name of mails to
link visitors; /favicon.ico and the logo as the pages' icon. Screenshots at 1280x800 and 375x812
go under the test's tmp dir, whose path is printed."""
import struct
import urllib.request
import zlib

import pytest

from gltest import RpcError
from helpers import make_post, make_profile, make_user
from test_browser import b, browser, viewport  # noqa: F401
from test_mail import mail  # noqa: F401
from test_tui import tuis  # noqa: F401

from selenium.webdriver.common.by import By  # noqa: E402

ACCENT = "#7b1fa2"  # 8.2:1 on white, 7.2:1 on the team label's pale green


def png(width, height, rgb):
    """A real PNG of one colour."""
    row = b"\x00" + bytes(rgb) * width
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


def get(url):
    with urllib.request.urlopen(url) as r:
        return r.status, r.headers, r.read()


def branded(admin, **kw):
    prof = make_profile(admin, name="acme-internal-42", timezone="Europe/Paris")
    logo = admin.call("media.upload", name="logo.png", type="image/png",
                      data=png(64, 64, (0xff, 0xb3, 0x00)))["id"]
    p = admin.call("profile.update", id=prof, display_name="Maison Lumière", accent=ACCENT,
                   logo=logo, sender_name="Maison Lumière Studio", **kw)
    assert (p["display_name"], p["accent"], p["logo"], p["credit"]) == (
        "Maison Lumière", ACCENT, logo, True)
    return prof, logo


def rgb(css):
    """"rgb(123, 31, 162)" as "#7b1fa2"."""
    parts = css[css.index("(") + 1:css.index(")")].split(",")[:3]
    return "#" + "".join(f"{int(x):02x}" for x in parts)


def test_branded_page_shows_name_logo_accent_and_only_the_credit(daemon, admin, b, tmp_path):
    prof, logo = branded(admin)
    make_post(admin, prof, "scheduled", caption="Nouvelle collection", at=None)
    link = admin.call("link.create", profile=prof, kind="calendar")
    base = link["url"].rstrip("/")
    b.get(link["url"])
    assert "Maison Lumière" in b.title and "acme-internal-42" not in b.page_source
    brand = b.find_element(By.CSS_SELECTOR, "header .brand a")
    assert brand.text == "Maison Lumière"
    img = brand.find_element(By.CSS_SELECTOR, "img.logo")
    assert img.get_attribute("src").endswith(f"/logo/{logo}")
    # Loaded under the pages' strict CSP (img-src 'self').
    assert b.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img) == 64
    top = b.find_element(By.CSS_SELECTOR, "header.top")
    assert rgb(top.value_of_css_property("background-color")) == ACCENT
    icon = b.find_element(By.CSS_SELECTOR, "link[rel=icon]").get_attribute("href")
    assert icon.endswith(f"/logo/{logo}")
    # "Greenlight" nowhere but the footer's credit: not in the text, not in the source.
    text = b.find_element(By.TAG_NAME, "body").text
    assert text.count("Greenlight") == 1, text
    assert b.find_element(By.CSS_SELECTOR, "footer .credit").text == "Made with Greenlight"
    assert b.page_source.lower().count("greenlight") == 1
    shots = tmp_path / "shots"
    shots.mkdir()
    b.save_screenshot(str(shots / "brand-1280x800.png"))
    viewport(b, 375, 812)
    b.get(link["url"])
    assert b.execute_script("return document.documentElement.scrollWidth") <= 376
    b.save_screenshot(str(shots / "brand-375x812.png"))
    viewport(b, 1280, 800)
    # The logo and the accent's stylesheet: images and CSS with cache headers.
    st, h, body = get(icon)
    assert st == 200 and h["Content-Type"] == "image/png" and body.startswith(b"\x89PNG")
    assert "max-age=86400" in h["Cache-Control"]
    css = b.find_element(By.CSS_SELECTOR, "link[href*='brand.css']").get_attribute("href")
    st, h, body = get(css)
    assert st == 200 and h["Content-Type"].startswith("text/css")
    assert body.decode() == ":root{--brand:#7b1fa2}\n"
    # Another media id under the logo's address is not served.
    other = admin.call("media.upload", name="x.png", type="image/png", data=png(2, 2, (0, 0, 0)))
    with pytest.raises(urllib.error.HTTPError) as e:
        get(f"{base}/logo/{other['id']}")
    assert e.value.code == 404
    # The credit: a manager may not turn it off, an admin may; then no "Greenlight" at all.
    mgr = make_user(daemon, admin, "mia", "manager")
    with pytest.raises(RpcError) as e:
        mgr.call("profile.update", id=prof, credit=False)
    assert e.value.code == "forbidden"
    mgr.call("profile.update", id=prof, display_name="Maison Lumière", credit=True)  # unchanged
    admin.call("profile.update", id=prof, credit=False)
    b.get(link["url"])
    assert not b.find_elements(By.CSS_SELECTOR, "footer .credit")
    assert "greenlight" not in b.page_source.lower()
    b.save_screenshot(str(shots / "brand-no-credit-1280x800.png"))
    print(f"\nscreenshots in {shots}")


def test_accent_refused_with_its_contrast_ratio(admin):
    prof = make_profile(admin, name="Sunny", timezone="Europe/Paris")
    for colour, ratio in (("#ffcc00", "1.51:1"), ("#777777", "4.47:1"), ("#767676", "4.20:1")):
        with pytest.raises(RpcError) as e:
            admin.call("profile.update", id=prof, accent=colour)
        assert e.value.code == "bad_request"
        assert ratio in e.value.message and "4.5:1" in e.value.message, e.value.message
    with pytest.raises(RpcError) as e:
        admin.call("profile.update", id=prof, accent="purple")
    assert "#rrggbb" in e.value.message
    with pytest.raises(RpcError) as e:
        admin.call("profile.create", name="Pale", timezone="UTC", platforms=["x"],
                   accent="#eeeeee")
    assert "contrast" in e.value.message
    assert admin.call("profile.list")["profiles"][-1]["name"] == "Sunny"  # nothing created
    # Passing colours, and "" for none.
    assert admin.call("profile.update", id=prof, accent="#1F7A4D")["accent"] == "#1F7A4D"
    assert admin.call("profile.update", id=prof, accent="")["accent"] == ""


def test_logo_limits(admin):
    prof = make_profile(admin, name="Big", timezone="UTC")
    big = admin.call("media.upload", name="big.png", type="image/png",
                     data=png(64, 64, (1, 2, 3)) + b"\x00" * (600 << 10))["id"]
    with pytest.raises(RpcError) as e:
        admin.call("profile.update", id=prof, logo=big)
    assert e.value.code == "too_large"
    with pytest.raises(RpcError) as e:
        admin.call("profile.update", id=prof, logo=9999)
    assert e.value.code == "not_found"
    assert admin.call("profile.update", id=prof, logo=0)["logo"] == 0


def test_favicon_is_an_image(daemon, admin, b):
    port = daemon.http_port
    st, h, body = get(f"http://127.0.0.1:{port}/favicon.ico")
    assert st == 200 and h["Content-Type"] == "image/x-icon"
    assert body[:4] == b"\x00\x00\x01\x00" and b"\x89PNG" in body
    assert "max-age" in h["Cache-Control"]
    # An unbranded link page points at it, and the browser decodes it as an image.
    prof = make_profile(admin, name="Plain", timezone="UTC")
    link = admin.call("link.create", profile=prof, kind="calendar")
    b.get(link["url"])
    assert b.find_element(By.CSS_SELECTOR, "link[rel=icon]").get_attribute("href").endswith(
        "/favicon.ico")
    b.get(f"http://127.0.0.1:{port}/favicon.ico")
    size = b.execute_script("const i = document.querySelector('img');"
                            "return i && i.complete ? [i.naturalWidth, i.naturalHeight] : null")
    assert size == [32, 32]


def test_sender_name_is_the_from_of_link_mails(mail):  # noqa: F811
    d, box = mail
    admin = d.client()
    prof, _ = branded(admin)
    pid = make_post(admin, prof, "awaiting_approval", caption="Lumière")
    admin.call("link.create", profile=prof, kind="approval", approver="Zoë", posts=[pid],
               email="zoe@client.example")
    msg = box.wait(lambda m: m["To"] == "zoe@client.example", "the link mail")
    assert msg["From"].addresses[0].display_name == "Maison Lumière Studio"
    # A sender name cannot add headers: line breaks become spaces, quotes stay in the name.
    admin.call("profile.update", id=prof, sender_name='Studio "L"\r\nBcc: spy@evil.example')
    admin.call("link.create", profile=prof, kind="approval", approver="Ann", posts=[pid],
               email="ann@client.example")
    msg = box.wait(lambda m: m["To"] == "ann@client.example", "the second link mail")
    assert msg["Bcc"] is None
    assert msg["From"].addresses[0].display_name == 'Studio "L"  Bcc: spy@evil.example'


def test_staff_client_sets_the_brand(daemon, tuis, tmp_path):  # noqa: F811
    admin = daemon.client()
    make_profile(admin, name="Acme", timezone="Europe/Paris")
    logo = tmp_path / "logo.png"
    logo.write_bytes(png(48, 48, (0xff, 0xb3, 0x00)))
    t = tuis(daemon)
    t.wait_for(r"\| online")
    t.keys("p")
    t.wait_for(r"Profiles")
    t.keys("e")
    t.wait_for(r"Profile Acme")
    for _ in range(7):
        t.keys("j")
    t.keys("Enter")
    t.wait_for(r"Display name:")
    t.type("Maison Lumière")
    t.keys("Enter")
    t.wait_for(r"Display name +Maison Lumière")
    # Each answer moves on to the next field.
    t.keys("Enter")
    t.wait_for(r"Accent colour:")
    t.type("#ffcc00")
    t.keys("Enter")
    t.wait_for(r"Accent colour +#ffcc00")
    t.keys("Enter")
    t.wait_for(r"Mail sender name:")
    t.type("Lumière Studio")
    t.keys("Enter")
    t.wait_for(r"Mail sender name +Lumière Studio")
    t.keys("Enter")
    t.wait_for(r"Logo file:")
    t.type(str(logo))
    t.keys("Enter")
    t.wait_for(r"Logo file +/")
    t.keys("Enter")  # the credit: Enter toggles
    t.wait_for(r"Greenlight credit +no")
    t.keys("w")
    # Refused, with the ratio, and every answer kept.
    t.wait_for(r"1\.51:1")
    assert admin.call("profile.list")["profiles"][0]["display_name"] == ""
    t.keys("k", "k", "k", "Enter")
    t.wait_for(r"Accent colour: #ffcc00")
    t.keys("C-u")
    t.type("#7b1fa2")
    t.keys("Enter")
    t.wait_for(r"Accent colour +#7b1fa2")
    t.keys("w")
    t.wait_for(r"profile saved")
    p = admin.call("profile.list")["profiles"][0]
    assert (p["display_name"], p["accent"], p["sender_name"], p["credit"]) == (
        "Maison Lumière", "#7b1fa2", "Lumière Studio", False)
    assert p["logo"] > 0
    media = admin.call("media.get", id=p["logo"])
    assert media["type"] == "image/png" and media["data"] == logo.read_bytes()
