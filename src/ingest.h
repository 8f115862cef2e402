/*
 * ingest.h - one message (or one bare report file) into the database.
 *
 * Glues the modules together: walk (mime -> unpack -> xml) -> store, in
 * one transaction per message.  The outcome is one of: every report in it
 * stored (or already there: duplicate), or the raw message quarantined
 * with a reason, or FALSE with DR_ERROR_TEMPFAIL (nothing committed: the
 * MTA must keep the mail and try again).
 */
#ifndef DR_INGEST_H
#define DR_INGEST_H

#include <glib.h>

#include "model.h"
#include "store.h"

struct dr_ingest_opts {
	const struct dr_limits *limits;
	const struct dr_delivery *delivery;	/* from the command line */
	const char *customer;		/* slug: overrides the recipient */
	gint64	 replay;		/* quarantine id being replayed, or 0 */
	const char *source_name;	/* file name, for the report row */
};

enum dr_ingest_status {
	DR_INGEST_STORED,		/* at least one new report */
	DR_INGEST_DUPLICATE,		/* every report was there already */
	DR_INGEST_QUARANTINED,
};

struct dr_ingest_result {
	enum dr_ingest_status status;
	guint	 stored;
	guint	 duplicates;
	char	*reason;		/* when quarantined */
	char	*detail;
	gint64	 quarantine_id;
};

void	dr_ingest_result_clear(struct dr_ingest_result *res);

/*
 * msg holds len bytes (transfer none); total is the size of the whole
 * input, larger than len when the input was cut at the size limit.
 * Returns FALSE only with DR_ERROR_TEMPFAIL.
 */
gboolean dr_ingest_message(struct dr_store *s, const guint8 *msg, gsize len,
	    gsize total, const struct dr_ingest_opts *opts,
	    struct dr_ingest_result *res, GError **error);

#endif /* DR_INGEST_H */
