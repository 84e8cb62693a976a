/* libcurl's multi-socket interface driven by a libuv loop (curl's "multi-uv" pattern): curl
 * says which sockets to watch and when to wake it, uv_poll and uv_timer do the watching. A
 * module of its own with its own prefix: it knows nothing of webhooks. */
#ifndef GL_CURLLOOP_H
#define GL_CURLLOOP_H

#include <curl/curl.h>
#include <uv.h>

/* Called once per transfer when it ends (result CURLE_OK or why not), or with
 * CURLE_ABORTED_BY_CALLBACK when the loop closes first. The easy handle is the caller's again:
 * it cleans it up. */
typedef void (*gl_curl_done_fn)(CURL *easy, CURLcode result, void *data);

int gl_curlloop_init(uv_loop_t *loop);
/* Starts the transfer easy (set up by the caller); done is called later, never from here.
 * Returns 0, or -1 when curl refused it (done is not called). */
int gl_curlloop_add(CURL *easy, gl_curl_done_fn done, void *data);
/* Ends every transfer (their done called) and closes the handles. */
void gl_curlloop_close(void);

#endif
