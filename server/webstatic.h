/* The stylesheet of the link pages and the default icon built into the daemon (webstatic.c, generated). */
#ifndef GL_WEBSTATIC_H
#define GL_WEBSTATIC_H

#include <stddef.h>

extern const char gl_web_css[];
extern const size_t gl_web_css_len;
/* 16 hex digits of its SHA-256: the {css} of its immutable address. */
extern const char gl_web_css_hash[];
/* The icon at /favicon.ico (an ICO holding one 32x32 PNG). */
extern const unsigned char gl_web_favicon[];
extern const size_t gl_web_favicon_len;

#endif
