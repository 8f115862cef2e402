/*
 * fuzz_unpack.c - fuzz target: container bytes -> dr_unpack().
 *
 * The input is one payload (gzip, zip, zlib, XML or anything).  The
 * callback reads each stream to its end, in chunks of varying size, and
 * checks what unpack.h promises: a stream begins like XML; a read never
 * returns more than asked; a failed read keeps failing with an error;
 * no stream yields more than the unpacked-size cap; a payload that is
 * neither container nor XML yields no stream and no error; the errors
 * are the documented ones, and a callback's own error comes back
 * unchanged.  A hash of the input decides, reproducibly, whether the
 * callback fails, and at which stream.
 */
#include "config.h"

#include "error.h"
#include "fuzz.h"
#include "unpack.h"

#define INJECTED	"fuzz: injected failure"
/* Bytes unpack sniffs before calling back (unpack.c's PEEK_SIZE). */
#define SNIFF_BYTES	512

const char fuzz_target[] = "unpack";

/* Read sizes, smallest first: odd sizes cross every internal boundary. */
static const gsize chunks[] = { 7, 333, 4096, 65536, 1024 * 1024 };

struct state {
	size_t		 size;		/* of the payload */
	guint32		 hash;
	guint		 calls;
	guint		 fail_call;	/* G_MAXUINT: never */
	gboolean	 failed;
};

static struct dr_limits lim;
static char *buf;

static gboolean
on_stream(struct dr_stream *s, const char *name, gpointer user,
    GError **error)
{
	struct state *st = user;
	gsize chunk = chunks[(st->hash + st->calls) % G_N_ELEMENTS(chunks)];
	guint8 head[SNIFF_BYTES];
	gsize nhead = 0;
	guint64 total = 0;
	gssize n;

	FUZZ_CHECK(name != NULL);
	FUZZ_CHECK(strlen(name) > 0);
	while ((n = dr_stream_read(s, buf, chunk, error)) > 0) {
		FUZZ_CHECK((gsize)n <= chunk);
		if (nhead < SNIFF_BYTES) {
			gsize k = MIN((gsize)n, SNIFF_BYTES - nhead);

			memcpy(head + nhead, buf, k);
			nhead += k;
		}
		total += (guint64)n;
		FUZZ_CHECK(total <= MAX((guint64)st->size,
		    lim.max_unpacked_bytes));
	}
	if (n < 0) {
		FUZZ_CHECK(*error != NULL);
		/* The stream stays failed. */
		FUZZ_CHECK(dr_stream_read(s, buf, 1, NULL) == -1);
		return FALSE;
	}
	/* unpack sniffed these same bytes as XML before calling back. */
	FUZZ_CHECK(dr_unpack_sniff(head, nhead) == DR_KIND_XML);
	FUZZ_CHECK(dr_stream_read(s, buf, chunk, NULL) == 0);
	if (st->calls++ == st->fail_call) {
		st->failed = TRUE;
		g_set_error_literal(error, DR_ERROR, DR_ERROR_TEMPFAIL,
		    INJECTED);
		return FALSE;
	}
	return TRUE;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_glib_init();
	fuzz_limits(&lim);
	buf = g_malloc(chunks[G_N_ELEMENTS(chunks) - 1]);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state st = { size, fuzz_hash(data, size), 0, G_MAXUINT,
	    FALSE };
	enum dr_kind kind = dr_unpack_sniff(data, size);
	GError *error = NULL;
	guint nstreams = G_MAXUINT;
	gboolean ok;

	/* One input in eight has its callback fail at one of its streams. */
	if (st.hash % 8 == 1)
		st.fail_call = (st.hash >> 8) % 3;

	ok = dr_unpack(data, size, "fuzz", &lim, on_stream, &st, &nstreams,
	    &error);
	FUZZ_CHECK(nstreams != G_MAXUINT);
	FUZZ_CHECK(nstreams <= lim.max_zip_members + 1);
	if (kind == DR_KIND_EMPTY || kind == DR_KIND_UNKNOWN) {
		FUZZ_CHECK(ok && nstreams == 0);
	}
	if (ok) {
		FUZZ_CHECK(error == NULL);
		FUZZ_CHECK(!st.failed);
		FUZZ_CHECK(nstreams == st.calls);
		return 0;
	}
	FUZZ_CHECK(error != NULL && error->domain == DR_ERROR);
	FUZZ_CHECK(error->message != NULL);
	if (st.failed)
		FUZZ_CHECK(strcmp(error->message, INJECTED) == 0);
	switch (error->code) {
	case DR_ERROR_TEMPFAIL:
		/* No clock here: only the injected failure can defer. */
		FUZZ_CHECK(st.failed);
		FUZZ_CHECK(strcmp(error->message, INJECTED) == 0);
		break;
	case DR_ERROR_BAD_ARCHIVE:
	case DR_ERROR_TOO_LARGE:
		FUZZ_CHECK(!st.failed);
		break;
	default:
		FUZZ_CHECK(!"error code outside unpack.h's contract");
	}
	g_error_free(error);
	return 0;
}
