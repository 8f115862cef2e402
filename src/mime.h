/*
 * mime.h - from one RFC 5322 message to the candidate payloads in it.
 *
 * Every MIME leaf is a candidate, whatever its Content-Type or file name
 * says: a single-part body, inline parts, attachments, and the leaves of
 * forwarded message/rfc822 parts, recursively.  Transfer encodings are
 * decoded; the bytes are not interpreted further (that is unpack's job).
 * Accepts LF or CRLF line ends and a leading mbox "From " line.
 */
#ifndef DR_MIME_H
#define DR_MIME_H

#include <glib.h>

#include "model.h"

struct dr_payload {
	GBytes	*data;			/* decoded bytes */
	char	*filename;		/* RFC 2231 / 2047 decoded, or NULL */
	char	*content_type;		/* "type/subtype", lower case */
};

/* What the header says about the delivery; all UTF-8 or NULL. */
struct dr_mime_info {
	char	*x_original_to;
	char	*delivered_to;		/* the first (topmost) one */
	char	*to;			/* first address of To: */
	char	*return_path;	/* the envelope sender, as the final MTA
				   recorded it; NULL when absent or <> */
	char	*from;
	char	*subject;
	char	*message_id;
};

/*
 * Parses msg (transfer none) and returns the candidate payloads
 * (transfer full: g_ptr_array_unref frees the array and its entries) in
 * document order; at most lim->max_payloads leaves, DR_ERROR_TOO_LARGE
 * beyond.  info (may be NULL) is cleared on entry and filled in as soon
 * as msg parses as a message, so also when the walk then fails with
 * DR_ERROR_TOO_LARGE; free it with dr_mime_info_clear() in every case.
 * Returns NULL with DR_ERROR_NOT_A_REPORT when msg is empty or not a
 * message at all.
 */
GPtrArray *dr_mime_payloads(const char *msg, gsize len,
	    const struct dr_limits *lim, struct dr_mime_info *info,
	    GError **error);

void	dr_mime_info_clear(struct dr_mime_info *info);

/* Library setup and teardown; call once per process. */
void	dr_mime_init(void);
void	dr_mime_shutdown(void);

#endif /* DR_MIME_H */
