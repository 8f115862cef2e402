/*
 * unpack.h - from a payload (bytes of one MIME leaf or one file) to the
 * XML byte streams inside it.
 *
 * Containers are recognised by magic bytes only, recursively: gzip
 * (several members, trailing garbage ignored), zip (several members;
 * directories and __MACOSX/ entries skipped), zlib, and XML (optional BOM
 * and leading white space, then '<').  Anything else is "not a report"
 * and produces no stream.  Decompression is streamed: a report of any
 * size is read through a fixed-size window.  Every cap of struct
 * dr_limits that concerns containers is enforced here.
 */
#ifndef DR_UNPACK_H
#define DR_UNPACK_H

#include <glib.h>

#include "model.h"

/* An XML byte stream handed to the callback; valid only during the call. */
struct dr_stream;

/*
 * Reads up to len bytes; returns the number read, 0 at the end, -1 with
 * error set (DR_ERROR_BAD_ARCHIVE for corrupt data, DR_ERROR_TOO_LARGE
 * for a cap, DR_ERROR_TEMPFAIL for the deadline).
 */
gssize	dr_stream_read(struct dr_stream *s, char *buf, gsize len,
	    GError **error);

/*
 * Called once per XML stream found.  name describes where the stream
 * came from ("report.zip/a.xml"; transfer none).  Returning FALSE stops
 * the walk and dr_unpack() returns FALSE with the callback's error.
 */
typedef gboolean (*dr_unpack_cb)(struct dr_stream *s, const char *name,
	    gpointer user, GError **error);

/*
 * Walks payload (transfer none) and calls cb for every XML stream inside.
 * *nstreams (may be NULL) is set to the number of callbacks made.
 * Returns FALSE with error set when a container is corrupt or over a
 * limit, or when cb failed.  A payload that is no container and no XML
 * is not an error: it yields no stream.  Nor is a payload that is zlib
 * by its first two bytes only (text can start with "x^") and fails
 * before it decodes to anything that could be a report.
 */
gboolean dr_unpack(const guint8 *payload, gsize len, const char *name,
	    const struct dr_limits *lim, dr_unpack_cb cb, gpointer user,
	    guint *nstreams, GError **error);

/*
 * What the magic bytes of data say it is.  DR_KIND_ZLIB rests on two
 * bytes that text can have too; dr_unpack() tells them apart.
 */
enum dr_kind {
	DR_KIND_UNKNOWN,
	DR_KIND_EMPTY,
	DR_KIND_XML,
	DR_KIND_GZIP,
	DR_KIND_ZIP,
	DR_KIND_ZLIB,
};

enum dr_kind dr_unpack_sniff(const guint8 *data, gsize len);

#endif /* DR_UNPACK_H */
