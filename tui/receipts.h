/* Writing the current profile's signed approval receipts (receipt.list) to a JSON file, the
 * same document `greenlightd receipts --format json` exports. */
#ifndef TUI_RECEIPTS_H
#define TUI_RECEIPTS_H

struct app;

/* Asks for the path (default ~/greenlight-receipts-PROFILE.json), then fetches and writes. */
void receipts_export_ask(struct app *a);

#endif
