/*
 * walk.h - one message from bytes to reports, without the database.
 *
 * The half of ingest that needs no store: dr_ingest_message() (ingest.c)
 * walks a message with callbacks that store, fuzz/fuzz_message.c with
 * callbacks that check, so that the fuzzer exercises the code that runs.
 *
 *  - dr_walk_open() sniffs the first bytes: a container or XML is a bare
 *    report (--file, or a report piped without a mail header); anything
 *    else is parsed as a mail into its MIME leaves.
 *  - dr_walk_reports() unpacks every payload and parses every XML stream
 *    in it.  A document whose root is not <feedback> (an HTML part, say)
 *    is skipped and counted; the first other failure ends the walk.
 *  - The rest says in words what ingest stores and logs about the
 *    message: the delivery, the quarantine detail, the log lines.
 */
#ifndef DR_WALK_H
#define DR_WALK_H

#include <glib.h>

#include "mime.h"
#include "model.h"
#include "unpack.h"
#include "xml.h"

struct dr_walk {
	const guint8 *msg;		/* transfer none */
	gsize	 len;
	const char *name;		/* of a bare report (transfer none) */
	const struct dr_limits *limits;
	enum dr_kind kind;		/* of the first bytes */
	struct dr_mime_info info;	/* of a mail, as far as it parsed */
	GPtrArray *payloads;		/* of a mail; NULL for a bare report */
	const char *payload_name;	/* the one being walked */
	guint	 skipped;		/* XML documents with another root */
};

/*
 * Sniffs msg and, unless it is a bare report or empty, parses it as a
 * mail.  msg, name (what a bare report is called: the file name or
 * "stdin") and lim are transfer none and must outlive w.  w is filled
 * in also on failure, with the mail header as far as it parsed; free it
 * with dr_walk_clear() in every case.  Returns FALSE with the error of
 * dr_mime_payloads(): not a message, or too many parts.
 */
gboolean dr_walk_open(struct dr_walk *w, const guint8 *msg, gsize len,
	    const char *name, const struct dr_limits *lim, GError **error);

/*
 * Walks every payload of an open w (a bare report is one) through
 * dr_unpack() and every stream through dr_xml_parse() with cb and user;
 * the callbacks may read w->payload_name.  Counts w->skipped from 0, so
 * a walk can run again (ingest retries a failed transaction).  Returns
 * FALSE with the first error other than DR_ERROR_NOT_A_REPORT: from
 * unpack, the parser or a callback (unchanged), or DR_ERROR_TEMPFAIL
 * when the time budget is used up.
 */
gboolean dr_walk_reports(struct dr_walk *w,
	    const struct dr_xml_callbacks *cb, gpointer user, GError **error);

void	dr_walk_clear(struct dr_walk *w);

/*
 * The delivery of the message as ingest stores it (dlv is overwritten;
 * free with dr_delivery_clear()): what the command line says (cli may be
 * NULL); for a mail, the recipient per DESIGN section 7 unless cli
 * names one, the Message-ID, and without a sender the envelope sender,
 * else From:.
 */
void	dr_walk_delivery(const struct dr_walk *w,
	    const struct dr_delivery *cli, struct dr_delivery *dlv);

/* Why a walk that parsed no report found none (transfer full). */
char	*dr_walk_no_report(const struct dr_walk *w);

/* A quarantine detail as it is stored: UTF-8, cut short (transfer full). */
char	*dr_walk_detail(const char *detail);

/*
 * The log lines of ingest (transfer full), one printable line each; a
 * NULL queue_id is NOQUEUE.  status is "stored" or "duplicate"; detail
 * is as dr_walk_detail() returns it.
 */
char	*dr_walk_report_line(const char *queue_id,
	    const struct dr_report *rep, const char *status);
char	*dr_walk_quarantine_line(const char *queue_id, const char *reason,
	    gint64 id, const char *recipient, const char *detail);
/* The line of a transaction tried again after a serialization failure. */
char	*dr_walk_retry_line(const char *queue_id, const char *why);

#endif /* DR_WALK_H */
