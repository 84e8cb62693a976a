/* greenlightd receipts-key / receipts / verify: the signing key, the export of receipts from
 * a read snapshot beside a running daemon, and the offline check of an export. */
#ifndef GL_RECEIPT_CLI_H
#define GL_RECEIPT_CLI_H

/* "greenlightd receipts-key --data DIR [--rotate]"; argv[0] is "receipts-key". */
int gl_receipts_key_main(int argc, char **argv);
/* "greenlightd receipts --data DIR [--profile P] [--post N] [--from DATE] [--to DATE]
 *  --format json|csv|html". */
int gl_receipts_main(int argc, char **argv);
/* "greenlightd verify FILE [--key PUBKEY]...": 0 when every receipt and link holds. */
int gl_verify_main(int argc, char **argv);

#endif
