"""Languages of the link pages: the catalogues are complete and match the sources, staff set a
link's and a profile's language, and the pages speak it."""
import os
import re
import subprocess
import tempfile

import pytest

from gltest import ROOT, RpcError
from helpers import make_profile

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
