/*
 * xml.h - streaming parse of one DMARC aggregate report.
 *
 * Reads a byte stream through read_fn with an xmlTextReader: no DOM of the
 * document, no DTD, no entities, no network.  Elements are matched by
 * local name in any namespace (RFC 7489, the dmarc.org drafts and RFC
 * 9990), values are trimmed, unknown elements ignored (unknown children of
 * <record> and <extension> are kept as raw XML).
 *
 * The callbacks see: header once (metadata and policy_published complete,
 * before the first record or at the end if there is none), record once per
 * <record> (the record is cleared after the call), end once with the
 * totals.  The report passed is owned by the parser (transfer none).
 */
#ifndef DR_XML_H
#define DR_XML_H

#include <glib.h>

#include "model.h"

/* Same contract as dr_stream_read(). */
typedef gssize (*dr_read_fn)(gpointer src, char *buf, gsize len,
	    GError **error);

struct dr_xml_callbacks {
	gboolean (*header)(const struct dr_report *rep, gpointer user,
	    GError **error);
	gboolean (*record)(const struct dr_report *rep,
	    const struct dr_record *rec, gpointer user, GError **error);
	gboolean (*end)(const struct dr_report *rep, gpointer user,
	    GError **error);
};

/*
 * Parses one document.  Returns FALSE with:
 *  DR_ERROR_NOT_A_REPORT  well-formed start but the root is not <feedback>
 *                         (or no element at all);
 *  DR_ERROR_BAD_XML       not well-formed, a DOCTYPE, nesting too deep;
 *  DR_ERROR_BAD_DATA      a required value missing or out of range (no
 *                         report_id, begin/end, policy domain; a count
 *                         that is not a non-negative integer);
 *  DR_ERROR_TOO_LARGE     more records than lim->max_records, a value
 *                         longer than lim->max_field_bytes;
 *  or whatever error read_fn or a callback returned (passed through
 *  unchanged, so a DR_ERROR_TEMPFAIL from the database stays one).
 */
gboolean dr_xml_parse(dr_read_fn read_fn, gpointer src, const char *name,
	    const struct dr_limits *lim, const struct dr_xml_callbacks *cb,
	    gpointer user, GError **error);

/* Library setup (error handlers, no network); call once per process. */
void	dr_xml_init(void);

/*
 * Strict parse of a non-negative decimal integer with surrounding white
 * space allowed; FALSE on anything else or overflow.
 */
gboolean dr_parse_count(const char *s, gint64 *out);
/* The same for a possibly negative integer (timestamps). */
gboolean dr_parse_int64(const char *s, gint64 *out);

#endif /* DR_XML_H */
