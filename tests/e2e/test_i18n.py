"""Languages of the link pages: the catalogues are complete and match the sources, staff set a
link's and a profile's language, and the pages speak it."""
import datetime
import os
import re
import subprocess
import tempfile
import time
import zoneinfo

import pytest

from gltest import ROOT, RpcError
from helpers import make_post, make_profile
from httputil import Web, csrf, path_of, text

LANGS = ["fr", "de", "es", "pt"]


def po_entries(path):
    """The entries of a .po/.pot file: {(msgctxt, msgid, msgid_plural): (flags, [msgstr...])};
    obsolete (#~) entries are left out."""
    entries, cur, key = {}, None, None

    def unquote(s):
        return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)),
                      s.strip()[1:-1])

    def flush():
        if cur and cur["msgid"] is not None:
            entries[(cur["msgctxt"], cur["msgid"], cur["plural"])] = (cur["flags"], cur["strs"])

    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip():
            flush()
            cur = None
            continue
        if cur is None:
            cur = {"msgctxt": None, "msgid": None, "plural": None, "flags": set(), "strs": []}
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            cur["flags"] |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
        if m:
            key = m.group(1)
            value = unquote(m.group(2))
            if key == "msgctxt":
                cur["msgctxt"] = value
            elif key == "msgid":
                cur["msgid"] = value
            elif key == "msgid_plural":
                cur["plural"] = value
            else:
                cur["strs"].append(value)
        elif line.startswith('"'):
            value = unquote(line)
            if key == "msgctxt":
                cur["msgctxt"] += value
            elif key == "msgid":
                cur["msgid"] += value
            elif key == "msgid_plural":
                cur["plural"] += value
            else:
                cur["strs"][-1] += value
    flush()
    entries.pop((None, "", None), None)  # the header
    return entries


def test_template_is_extracted_from_the_sources():
    """po/greenlight.pot holds exactly the strings the sources mark (make pot makes it)."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "fresh.pot")
        r = subprocess.run(["make", "-s", "--no-print-directory", "-C", ROOT, "pot",
                            "POT_OUT=" + out], capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        fresh = set(po_entries(out))
    kept = set(po_entries(os.path.join(ROOT, "po", "greenlight.pot")))
    assert fresh, "no marked strings found"
    assert not fresh - kept, f"run make pot: new strings {sorted(fresh - kept)[:20]}"
    assert not kept - fresh, f"run make pot: gone from the sources {sorted(kept - fresh)[:20]}"


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_is_complete(lang):
    """Every string of the template is translated, none fuzzy, none left over; msgfmt --check
    accepts it (formats match their msgid's)."""
    template = po_entries(os.path.join(ROOT, "po", "greenlight.pot"))
    path = os.path.join(ROOT, "po", lang + ".po")
    cat = po_entries(path)
    missing = [k[1] for k in template if k not in cat]
    assert not missing, f"{lang}.po misses {missing[:20]}"
    extra = [k[1] for k in cat if k not in template]
    assert not extra, f"{lang}.po has strings the sources no longer use: {extra[:20]}"
    fuzzy = [k[1] for k, (flags, _) in cat.items() if "fuzzy" in flags]
    assert not fuzzy, f"{lang}.po has fuzzy entries {fuzzy[:20]}"
    empty = [k[1] for k, (_, strs) in cat.items() if not strs or not all(strs)]
    assert not empty, f"{lang}.po leaves untranslated {empty[:20]}"
    r = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, path],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "fuzzy" not in r.stderr and "untranslated" not in r.stderr, r.stderr


def test_staff_set_languages(admin):
    pid = make_profile(admin, "Maison")
    prof = next(p for p in admin.call("profile.list")["profiles"] if p["id"] == pid)
    assert prof["language"] is None
    assert admin.call("profile.update", id=pid, language="FR")["language"] == "fr"
    with pytest.raises(RpcError) as e:
        admin.call("profile.update", id=pid, language="fr-CA")
    assert e.value.code == "bad_request" and "en, fr, de, es, pt" in e.value.message
    assert admin.call("profile.update", id=pid, name="Maison")["language"] == "fr"
    assert admin.call("profile.update", id=pid, language="")["language"] is None

    link = admin.call("link.create", profile=pid, kind="calendar", language="de")
    other = admin.call("link.create", profile=pid, kind="calendar")
    links = {l["id"]: l for l in admin.call("link.list")["links"]}
    assert links[link["id"]]["language"] == "de" and links[other["id"]]["language"] is None
    for bad in ("klingon", "d", 7):
        with pytest.raises(RpcError) as e:
            admin.call("link.create", profile=pid, kind="calendar", language=bad)
        assert e.value.code == "bad_request"


def test_languages_survive_a_restart(daemon, admin):
    pid = make_profile(admin, "Firma", language="de")
    link = admin.call("link.create", profile=pid, kind="calendar", language="es")
    daemon.restart()
    c = daemon.client()
    assert next(p for p in c.call("profile.list")["profiles"] if p["id"] == pid)["language"] == "de"
    assert next(l for l in c.call("link.list")["links"] if l["id"] == link["id"])["language"] == "es"


# ---- the pages in a language: HTTP without a browser ----

FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre"]


def translated_sentences(lang):
    """English msgids of at least three words whose translation in lang differs: a page in lang
    that shows one of them shows a string that skipped the catalogue."""
    template = po_entries(os.path.join(ROOT, "po", "greenlight.pot"))
    cat = po_entries(os.path.join(ROOT, "po", lang + ".po"))
    out = []
    for key in template:
        msgid = key[1]
        strs = cat.get(key, (None, [""]))[1]
        if "%" in msgid or len(msgid.split()) < 3 or msgid in strs:
            continue
        out.append(msgid)
    return out


def pages_of_every_kind(daemon, admin, lang):
    """The text of each kind of link's pages, asked in lang with ?lang= and then by its
    cookie: calendar, collab (signed in), approval (sign-in, list, a post, a refusal)."""
    pid = make_profile(admin, f"Maison {lang}")
    post = make_post(admin, pid, "awaiting_approval", caption="Bonjour", at=int(time.time()) + 86400,
                     notes="Voir la charte")
    make_post(admin, pid, "scheduled", caption="Publié bientôt", at=int(time.time()) + 2 * 86400)
    pages = []
    cal = path_of(admin.call("link.create", profile=pid, kind="calendar")["url"])
    w = Web(daemon.http_port)
    pages.append(w.get(f"{cal}?lang={lang}")[2])
    pages.append(w.get(cal)[2])  # by the cookie now
    collab = path_of(admin.call("link.create", profile=pid, kind="collab")["url"])
    w = Web(daemon.http_port)
    signin = w.get(f"{collab}?lang={lang}")[2]
    pages.append(signin)
    st, _, page = w.follow(collab + "/session", {"csrf": csrf(signin), "name": "Paula"})
    pages.append(page)
    pages.append(w.get(f"{collab}/p/{post}")[2])
    link = admin.call("link.create", profile=pid, kind="approval", approver="Claire")
    appr = path_of(link["url"])
    w = Web(daemon.http_port)
    signin = w.get(f"{appr}?lang={lang}")[2]
    pages.append(signin)
    # a wrong password, then the right one
    pages.append(w.post(appr + "/session", {"csrf": csrf(signin), "name": "Claire",
                                            "password": "wrong-password"})[2])
    st, _, main = w.follow(appr + "/session", {"csrf": csrf(signin), "name": "Claire",
                                               "password": link["password"]})
    pages.append(main)
    detail = w.get(f"{appr}/p/{post}")[2]
    pages.append(detail)
    # a refusal: rejecting with no note
    pages.append(w.post(f"{appr}/p/{post}", {"csrf": csrf(detail), "rev": "1",
                                              "action": "reject", "note": ""})[2])
    # approved through the link: the decided list, with its receipt, once nothing waits
    detail = w.get(f"{appr}/p/{post}")[2]
    st, _, page = w.follow(f"{appr}/p/{post}", {"csrf": csrf(detail), "rev": "1",
                                                 "action": "approve", "note": ""})
    pages.append(page)
    page = w.get(appr)[2]
    assert "/receipt/" in page
    pages.append(page)
    pages += dead_end_pages(daemon, admin, lang, link)
    pages += zone_and_brand_pages(daemon, admin, lang, cal, post)
    return [text(p) for p in pages], pages


def dead_end_pages(daemon, admin, lang, link):
    """A replaced link's old address (the form asking for the new one, then the thanks) and a
    withdrawn one's, asked in lang."""
    old = path_of(link["url"])
    admin.call("link.regenerate", id=link["id"])
    w = Web(daemon.http_port)
    st, _, replaced = w.get(f"{old}?lang={lang}")
    assert st == 410 and "/request" in replaced
    st, _, thanks = w.follow(f"{old}/request", {"csrf": csrf(replaced)})
    admin.call("link.revoke", id=link["id"])
    st, _, withdrawn = w.get(old)
    assert st == 410
    return [replaced, thanks, withdrawn]


def zone_and_brand_pages(daemon, admin, lang, cal, post):
    """The pages of the visitor's time zone and of an agency's brand, asked in lang: the zone
    chooser (all zones, a search that narrows, one that finds none, an unknown zone refused),
    then a branded calendar in the chosen zone (dual times, the footer's credit) and the
    chooser again, which now offers the team's zone back."""
    pages = []
    w = Web(daemon.http_port)
    chooser = w.get(f"{cal}/zone?lang={lang}")[2]
    pages.append(chooser)
    pages.append(w.get(f"{cal}/zone?q=zzzz")[2])
    pages.append(w.get(f"{cal}/zone?q=america")[2])
    pages.append(w.post(f"{cal}/zone", {"csrf": csrf(chooser), "zone": "Mars/Olympus"})[2])
    st, _, page = w.follow(f"{cal}/zone", {"csrf": csrf(chooser), "zone": "America/New_York",
                                           "back": str(post)})
    pages.append(page)
    pid = make_profile(admin, f"Brand {lang}", timezone="Europe/Paris")
    admin.call("profile.update", id=pid, display_name="Maison Lumière", accent="#1F7A4D")
    make_post(admin, pid, "scheduled", caption="Marque", at=int(time.time()) + 86400)
    branded = path_of(admin.call("link.create", profile=pid, kind="calendar")["url"])
    w = Web(daemon.http_port)
    chooser = w.get(f"{branded}/zone?lang={lang}")[2]
    st, _, page = w.follow(f"{branded}/zone", {"csrf": csrf(chooser), "zone": "Asia/Tokyo"})
    assert "footer" in page and 'class="credit"' in page
    pages.append(page)
    pages.append(w.get(f"{branded}/zone")[2])
    return pages


@pytest.mark.parametrize("lang", LANGS)
def test_no_english_left_on_translated_pages(daemon, admin, lang):
    """The missing-translation check at run time: on every kind of page asked in lang, none of
    the catalogue's English sentences shows (each went through gettext and was found), and the
    page says it is in lang."""
    english = translated_sentences(lang)
    assert len(english) > 50
    texts, pages = pages_of_every_kind(daemon, admin, lang)
    for page, raw in zip(texts, pages):
        assert f'<html lang="{lang}">' in raw
        left = [s for s in english if s in page]
        assert not left, f"English on a {lang} page: {left}"


def test_hostile_language_inputs_answer_in_english(daemon, admin):
    pid = make_profile(admin, "Hostile")
    cal = path_of(admin.call("link.create", profile=pid, kind="calendar")["url"])
    w = Web(daemon.http_port)
    for headers in ({"Accept-Language": "x" * 6000}, {"Accept-Language": ",;q=,;" * 900},
                    {"Accept-Language": "fr;q=NaN, de;q=-1, *"}, {"Cookie": "gl_lang=" + "e" * 4000},
                    {"Cookie": "gl_lang=../../etc"}):
        st, h, body = w.get(cal, headers=headers)
        assert st == 200 and '<html lang="en">' in body and h["content-language"] == "en"
    # the page is French, the protocol's Date header is not
    st, h, body = w.get(cal, headers={"Accept-Language": "fr"})
    assert h["content-language"] == "fr"
    assert re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d [A-Z][a-z]{2} \d{4} [\d:]{8} GMT",
                        h["date"]), h["date"]
    st, h, body = w.get(cal + "?lang=" + "f" * 300)
    assert st == 200 and '<html lang="en">' in body and "set-cookie" not in h
    # the daemon still serves
    assert w.get(cal, headers={"Accept-Language": "es"})[2].count('<html lang="es">') == 1


FR_DAYS = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]  # glibc's fr_FR, from Monday
FR_MON = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
          "nov.", "déc."]


def fr_full(t, zone):
    d = datetime.datetime.fromtimestamp(t, zoneinfo.ZoneInfo(zone))
    return f"{FR_DAYS[d.weekday()]} {d.day} {FR_MON[d.month - 1]} {d.year}, {d:%H:%M}"


def test_dual_times_and_the_zone_chooser_in_french(daemon, admin):
    """The dual-time sentence is the language's own, with its weekday and month names, on the
    same day and when the team's time is on another day; the chooser speaks it too."""
    pid = make_profile(admin, "Maison Horaire", timezone="Europe/Paris")
    year = datetime.datetime.now().year + 1
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    same = int(datetime.datetime(year, 11, 17, 16, 0, tzinfo=paris).timestamp())
    other = int(datetime.datetime(year, 11, 18, 3, 0, tzinfo=paris).timestamp())
    p1 = make_post(admin, pid, "scheduled", caption="Même jour", at=same)
    p2 = make_post(admin, pid, "scheduled", caption="Autre jour", at=other)
    cal = path_of(admin.call("link.create", profile=pid, kind="calendar", language="fr")["url"])
    w = Web(daemon.http_port)
    st, _, chooser = w.get(f"{cal}/zone")
    assert st == 200
    page = text(chooser)
    assert "Votre fuseau horaire" in page and "L'équipe planifie dans le fuseau Europe/Paris." in page
    assert re.search(r"Les \d+ fuseaux", page), page
    assert "Encore " in page and "faites une recherche pour réduire la liste." in page
    assert "1 fuseau correspond" not in text(w.get(f"{cal}/zone?q=zzzz")[2])
    assert "Aucun fuseau ne correspond." in text(w.get(f"{cal}/zone?q=zzzz")[2])
    assert "Un fuseau correspond" in text(w.get(f"{cal}/zone?q=new_york")[2])
    st, _, refused = w.post(f"{cal}/zone", {"csrf": csrf(chooser), "zone": "Mars/Olympus"})
    assert st == 422 and "Fuseau horaire inconnu" in text(refused)
    w.follow(f"{cal}/zone", {"csrf": csrf(chooser), "zone": "America/New_York"})
    ny = "America/New_York"
    detail = text(w.get(f"{cal}/p/{p1}")[2])
    assert (f"{fr_full(same, ny)} votre heure (America/New_York) · 16:00 Europe/Paris"
            in detail), detail
    detail = text(w.get(f"{cal}/p/{p2}")[2])
    assert (f"{fr_full(other, ny)} votre heure (America/New_York) · "
            f"{FR_DAYS[datetime.datetime.fromtimestamp(other, paris).weekday()]} 03:00 Europe/Paris"
            in detail), detail
    assert "Fuseau horaire : America/New_York" in detail
    assert "planifiée" in detail and "scheduled" not in detail  # the status badge
    again = text(w.get(f"{cal}/zone")[2])
    assert "Le fuseau de l'équipe (Europe/Paris)" in again


# ---- in a real browser ----

selenium = pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402

from test_browser import b, browser, sign_in, submit  # noqa: E402,F401  (fixtures)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def accept_language(d, value):
    """Makes the browser send value as its Accept-Language."""
    ua = d.execute_script("return navigator.userAgent")
    d.execute_cdp_cmd("Network.enable", {})
    d.execute_cdp_cmd("Network.setUserAgentOverride", {"userAgent": ua, "acceptLanguage": value})


@pytest.fixture
def lb(b):
    """The browser as an English speaker's (test_browser's), set back after each test."""
    accept_language(b, "en-US,en;q=0.9")
    yield b
    accept_language(b, "en-US,en;q=0.9")


def css(d, selector):
    return d.find_element(By.CSS_SELECTOR, selector)


def texts(d, selector):
    return [e.text for e in d.find_elements(By.CSS_SELECTOR, selector)]


def test_link_in_french_shows_french_months_and_monday_first(daemon, admin, lb):
    pid = make_profile(admin, "Maison Dupont", timezone="Europe/Paris")
    # A post later today (the daemon refuses a time in the past), at 12:30 when that is still
    # ahead; late in the evening, tomorrow at 12:30, on its month's page.
    now = datetime.datetime.now(PARIS)
    when = now.replace(minute=30, second=0, microsecond=0) + datetime.timedelta(hours=1)
    if when.date() != now.date():
        when = (now + datetime.timedelta(days=1)).replace(hour=12, minute=30, second=0,
                                                           microsecond=0)
    elif now.hour < 11:
        when = when.replace(hour=12)
    post = make_post(admin, pid, "scheduled", caption="Les soldes commencent",
                     at=int(when.timestamp()))
    url = admin.call("link.create", profile=pid, kind="calendar", language="fr")["url"]
    lb.get(url if when.month == now.month else f"{url}?month={when.year:04d}-{when.month:02d}")
    now = when  # the month shown and the day of the post
    assert css(lb, "html").get_attribute("lang") == "fr"
    assert "calendrier de contenu" in css(lb, "h1").text
    assert css(lb, "#mh").text == f"{FR_MONTHS[now.month - 1]} {now.year}"
    heads = lb.find_elements(By.CSS_SELECTOR, "table.cal thead th")
    assert [h.text for h in heads] == ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]
    assert heads[0].get_attribute("abbr") == "lundi" and heads[6].get_attribute("abbr") == "dimanche"
    if now.date() == datetime.datetime.now(PARIS).date():
        assert css(lb, ".tlabel").text == "Aujourd'hui"
    assert css(lb, "p.tz").text == ("Heures en Europe/Paris. "
                                    "Afficher les heures dans votre fuseau horaire")
    assert css(lb, ".subscribe a").text == "S'abonner à ce calendrier"
    assert css(lb, ".langs [aria-current]").text == "Français"
    # the first of the month sits in its weekday's column, counted from Monday
    first = now.replace(day=1)
    cells = lb.find_elements(By.CSS_SELECTOR, "table.cal tbody tr:first-child td")
    assert cells[first.weekday()].find_element(By.CSS_SELECTOR, ".dn").text == "1"
    submit(lb, f"a.post[href$='/p/{post}']")
    back = css(lb, ".crumbs a").text
    assert back == f"‹ Retour à {FR_MONTHS[now.month - 1]} {now.year}"
    days = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]
    months = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
              "nov.", "déc."]
    assert css(lb, ".detail h1").text == (f"{days[now.weekday()]} {now.day} "
                                          f"{months[now.month - 1]} {now.year}, "
                                          f"{now.hour:02d}:30")
    assert css(lb, "#caph").text == "Légende"


def test_accept_language_picks_the_language_a_link_does_not_set(daemon, admin, lb):
    pid = make_profile(admin, "Firma", timezone="Europe/Berlin")
    url = admin.call("link.create", profile=pid, kind="calendar")["url"]
    accept_language(lb, "de-DE,de;q=0.9,en;q=0.5")
    lb.get(url)
    assert css(lb, "html").get_attribute("lang") == "de"
    assert "Redaktionskalender" in css(lb, "h1").text
    assert texts(lb, "table.cal thead th")[0] == "Mo"
    # the profile's language comes before the browser's, the link's before both
    admin.call("profile.update", id=pid, language="pt")
    lb.get(url)
    assert css(lb, "html").get_attribute("lang") == "pt"
    assert "calendário de conteúdos" in css(lb, "h1").text
    url_es = admin.call("link.create", profile=pid, kind="calendar", language="es")["url"]
    lb.get(url_es)
    assert css(lb, "html").get_attribute("lang") == "es"
    # a browser asking none we speak gets English
    accept_language(lb, "ja,ko;q=0.8")
    admin.call("profile.update", id=pid, language="")
    lb.get(url)
    assert css(lb, "html").get_attribute("lang") == "en"
    assert texts(lb, "table.cal thead th")[0] == "Mon"


def test_visitor_switch_sticks_across_pages_and_sign_in(daemon, admin, lb):
    pid = make_profile(admin, "Agence", timezone="Europe/Madrid")
    post = make_post(admin, pid, "awaiting_approval", caption="Rebajas de invierno")
    link = admin.call("link.create", profile=pid, kind="approval", approver="Lucía")
    lb.get(link["url"])
    assert css(lb, "html").get_attribute("lang") == "en"
    submit(lb, ".langs a[hreflang=es]")
    assert css(lb, "html").get_attribute("lang") == "es"
    assert css(lb, "h1").text == "Publicaciones pendientes de su aprobación"
    assert css(lb, ".langs [aria-current]").text == "Español"
    lb.find_element(By.NAME, "password").send_keys(link["password"])
    submit(lb, "form[action$='/session'] button")
    assert css(lb, "html").get_attribute("lang") == "es"
    assert css(lb, "h1").text == "Publicaciones para que Lucía las revise"
    submit(lb, f"a.btn[href$='/p/{post}']")
    assert css(lb, "html").get_attribute("lang") == "es"
    assert css(lb, "#dh").text == "Su decisión"
    submit(lb, "button[name=action][value=approve]")
    assert css(lb, ".flash").text == "Ha aprobado esta publicación. ¡Gracias!"
    # switching again, on a post's page, holds for the rest of the visit
    submit(lb, ".langs a[hreflang=de]")
    assert css(lb, "html").get_attribute("lang") == "de"
    assert css(lb, ".crumbs a").text.startswith("‹ Zurück")
    submit(lb, ".crumbs a")
    assert css(lb, "html").get_attribute("lang") == "de"
    assert "Beiträge zur Prüfung durch Lucía" == css(lb, "h1").text
    assert admin.call("post.get", id=post)["status"] != "awaiting_approval"


# ---- mail to people outside the team ----

def test_mail_to_an_approver_is_in_the_links_language_and_staff_mail_stays_english(tmpdir_path):
    from test_mail import assert_proper, mail_daemon
    d, box = mail_daemon(tmpdir_path)
    try:
        admin = d.client()
        admin.call("user.create", name="lea", password="correct horse battery",
                   role="manager", email="lea@agency.example", mail="each")
        pid = make_profile(admin, "Maison Dupont", timezone="Europe/Paris")
        lea = d.client("lea", "correct horse battery")  # the post's creator hears of it
        at = int(time.time()) + 3 * 86400
        post = make_post(lea, pid, "awaiting_approval", caption="Les soldes", at=at)
        link = admin.call("link.create", profile=pid, kind="approval", approver="Claire",
                          email="claire@client.example", language="fr", posts=[post])
        msg = box.wait(lambda m: m["To"] == "claire@client.example", "the approver's mail")
        [raw] = [r for r, m in zip(box.raw(), box.messages()) if m["To"] == msg["To"]]
        body = assert_proper(msg, raw)
        assert msg["Subject"] == "Maison Dupont\u00a0: publications à relire"
        assert body.startswith("Bonjour Claire,\n\n")
        assert "La publication pour vous\u00a0:" in body and "Statut\u00a0: en attente de validation" in body
        assert "Ce lien est pour vous seul\u00a0: merci de ne pas transférer cet e-mail." in body
        # the post's time in French words: "sam. 5 déc., 10:00 Europe/Paris"
        days = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]
        months = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                  "oct.", "nov.", "déc."]
        t = datetime.datetime.fromtimestamp(at, PARIS)
        year = f" {t.year}" if t.year != datetime.datetime.now(PARIS).year else ""
        assert (f"Prévue\u00a0: {days[t.weekday()]} {t.day} {months[t.month - 1]}{year}, "
                f"{t:%H:%M} Europe/Paris") in body, body
        assert "password" not in body.lower() and link["password"] not in body
        # the approver decides in French; the staff member hears of it in English
        w = Web(d.http_port)
        base = path_of(link["url"])
        signin = w.get(base)[2]
        assert '<html lang="fr">' in signin
        w.follow(base + "/session", {"csrf": csrf(signin), "name": "Claire",
                                     "password": link["password"]})
        detail = w.get(f"{base}/p/{post}")[2]
        st, _, page = w.follow(f"{base}/p/{post}", {"csrf": csrf(detail), "rev": "1",
                                                    "action": "approve"})
        assert "Vous avez validé cette publication. Merci\u00a0!" in text(page)
        staff = box.wait(lambda m: m["To"] == "lea@agency.example" and
                         "Claire" in m.get_content(), "the staff mail of the decision")
        content = staff.get_content()
        assert "Status: approved" in content and "Statut" not in content, content
        assert re.search(r"Scheduled: (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+ [A-Z][a-z]{2}", content)
    finally:
        assert d.stop() == 0, d.log_tail()
