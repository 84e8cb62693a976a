#!/usr/bin/env python3
"""Writes server/webstatic.c from server/static/style.css: the stylesheet built into the daemon
(a byte array, as ISO C limits string literals to 4095 bytes). Run after editing the CSS;
tests/e2e/test_http.py checks the daemon serves the file as it is."""
import hashlib
import os
here = os.path.dirname(os.path.abspath(__file__))
css = open(os.path.join(here, "style.css"), "rb").read()
rows = []
for i in range(0, len(css), 16):
    rows.append("    " + ", ".join("0x%02x" % b for b in css[i:i + 16]) + ",")
out = ["/* The stylesheet of the link pages, generated from server/static/style.css by",
       " * server/static/embed.py: edit the CSS and run that script. */",
       "#include \"webstatic.h\"", "", "const char gl_web_css[] = {"] + rows + ["    0x00};",
       "const size_t gl_web_css_len = sizeof gl_web_css - 1;",
       "/* Its content hash: the stylesheet's address, /static/style.HASH.css, changes with it. */",
       "const char gl_web_css_hash[] = \"%s\";" % hashlib.sha256(css).hexdigest()[:16], ""]
open(os.path.join(here, "..", "webstatic.c"), "w").write("\n".join(out))
