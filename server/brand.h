/* The agency's brand on the link pages (brand.c): the profile's display name, logo and accent
 * colour in the page's head and header, the footer's small credit, and the icons. */
#ifndef GL_BRAND_H
#define GL_BRAND_H

#include "webctx.h"

/* Into <head>: the icon (the logo when there is one) and the accent's stylesheet. */
void brand_head(struct web *w);
/* The header's name: the logo and the name, linked to the link's main page. */
void brand_header(struct web *w);
/* The footer: what the visitor is asked, the time zone line and, unless turned off, the credit. */
void brand_footer(struct web *w);

#endif
