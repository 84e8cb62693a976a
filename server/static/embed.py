#!/usr/bin/env python3
"""Writes server/webstatic.c from server/static/style.css and favicon.ico (favicon.py makes it):
the stylesheet and the default icon built into the daemon (byte arrays, as ISO C limits string
literals to 4095 bytes). Run after editing the CSS;
tests/e2e/test_http.py checks the daemon serves the file as it is."""
import hashlib
import os
here = os.path.dirname(os.path.abspath(__file__))
css = open(os.path.join(here, "style.css"), "rb").read()
ico = open(os.path.join(here, "favicon.ico"), "rb").read()

def array(data):
    return ["    " + ", ".join("0x%02x" % b for b in data[i:i + 16]) + ","
            for i in range(0, len(data), 16)]

out = ["/* The stylesheet of the link pages and the default icon, generated from",
       " * server/static/style.css and favicon.ico by server/static/embed.py: edit them and run",
       " * that script. */",
       "#include \"webstatic.h\"", "", "const char gl_web_css[] = {"] + array(css) + ["    0x00};",
       "const size_t gl_web_css_len = sizeof gl_web_css - 1;",
       "/* Its content hash: the stylesheet's address, /static/style.HASH.css, changes with it. */",
       "const char gl_web_css_hash[] = \"%s\";" % hashlib.sha256(css).hexdigest()[:16], "",
       "const unsigned char gl_web_favicon[] = {"] + array(ico) + ["};",
       "const size_t gl_web_favicon_len = sizeof gl_web_favicon;", ""]
open(os.path.join(here, "..", "webstatic.c"), "w").write("\n".join(out))
