/*
 * unpack.c - find the XML streams inside a payload, by magic bytes.
 *
 * A struct dr_stream is a stack of layers, each reading from the one
 * below: a memory layer over the payload (or over a buffered zip), then
 * any number of gzip, zlib or zip-member layers.  Decompression happens
 * when the XML parser asks for bytes, through a fixed window per layer,
 * so memory does not grow with the size of a report.
 *
 * After a decompression layer is added, its first bytes are peeked into
 * a small push-back buffer and sniffed again: gzip and zlib are stacked
 * as further layers; a zip needs random access, so the rest of the
 * stream is read into memory (never more than max_unpacked_bytes, and
 * all such zips of a walk together never more than max_message_bytes)
 * and walked as a zip of its own.
 *
 * Caps are checked in the layer that produces the bytes: size and ratio
 * per decompression layer, nesting per walk, zip members per call, and
 * the time budget on every read.
 */
#include "config.h"

#include <string.h>

#include <zip.h>
#include <zlib.h>

#include "error.h"
#include "unpack.h"

#define WINDOW_SIZE	(64 * 1024)	/* compressed input per layer */
/*
 * Bytes sniffed after each layer: XML preceded by more white space than
 * this inside a container is not recognised (it is not well-formed
 * anyway if it starts with an XML declaration).
 */
#define PEEK_SIZE	512
#define RATIO_FLOOR	(1024 * 1024)	/* no ratio check below this */

enum layer_kind {
	LAYER_MEM,
	LAYER_GZIP,
	LAYER_ZLIB,
	LAYER_ZIP,
};

struct layer {
	enum layer_kind	 kind;
	struct layer	*below;
	guint64		 produced;	/* bytes handed upwards */
	guint64		 packed;	/* input consumed for them */

	/* Peeked bytes, given out again before anything new. */
	guint8		 pb[PEEK_SIZE];
	gsize		 pb_len;
	gsize		 pb_pos;

	/* LAYER_MEM */
	const guint8	*mem;
	gsize		 mem_len;
	gsize		 mem_pos;

	/* LAYER_GZIP, LAYER_ZLIB */
	z_stream	 z;
	guint8		*win;
	gboolean	 below_eof;
	gboolean	 done;

	/* LAYER_ZIP */
	zip_file_t	*zf;
};

struct dr_stream {
	const struct dr_limits *lim;
	const char	*name;
	struct layer	*top;
	GError		*error;		/* first read error, kept */
};

/* One dr_unpack() call. */
struct walk {
	const struct dr_limits *lim;
	dr_unpack_cb	 cb;
	gpointer	 user;
	guint		 nstreams;
	guint		 members;	/* zip entries seen, all zips */
	gsize		 buffered;	/* allocated for buffered zips, now */
};

static gboolean walk_stream(struct walk *w, struct dr_stream *s,
	    guint depth, GError **error);

static gboolean
is_space(guint8 c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * XML in UTF-16: white space and '<' are one code unit each, the high
 * byte first (BE) or second (LE).
 */
static enum dr_kind
sniff_utf16(const guint8 *p, gsize len, gboolean be)
{
	gsize i;

	for (i = 0; i + 1 < len; i += 2) {
		guint8 hi = be ? p[i] : p[i + 1];
		guint8 lo = be ? p[i + 1] : p[i];

		if (hi != 0)
			return DR_KIND_UNKNOWN;
		if (lo == '<')
			return DR_KIND_XML;
		if (!is_space(lo))
			return DR_KIND_UNKNOWN;
	}
	return len % 2 == 0 ? DR_KIND_EMPTY : DR_KIND_UNKNOWN;
}

enum dr_kind
dr_unpack_sniff(const guint8 *data, gsize len)
{
	gsize i;

	g_return_val_if_fail(data != NULL || len == 0, DR_KIND_UNKNOWN);

	if (len >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		return DR_KIND_GZIP;
	if (len >= 4 && memcmp(data, "PK\3\4", 4) == 0)
		return DR_KIND_ZIP;
	if (len >= 4 && memcmp(data, "PK\5\6", 4) == 0)
		return DR_KIND_ZIP;
	/* RFC 1950: deflate, window of at most 32 KiB, check bits. */
	if (len >= 2 && (data[0] & 0x0f) == 8 && (data[0] >> 4) <= 7 &&
	    ((data[0] << 8) | data[1]) % 31 == 0)
		return DR_KIND_ZLIB;
	if (len >= 2 && data[0] == 0xff && data[1] == 0xfe)
		return sniff_utf16(data + 2, len - 2, FALSE);
	if (len >= 2 && data[0] == 0xfe && data[1] == 0xff)
		return sniff_utf16(data + 2, len - 2, TRUE);

	i = 0;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && is_space(data[i]))
		i++;
	if (i == len)
		return DR_KIND_EMPTY;
	return data[i] == '<' ? DR_KIND_XML : DR_KIND_UNKNOWN;
}

/* Layers */

static const char *
layer_what(const struct layer *l)
{
	switch (l->kind) {
	case LAYER_MEM:		return "data";
	case LAYER_GZIP:	return "gzip";
	case LAYER_ZLIB:	return "zlib";
	case LAYER_ZIP:		return "zip member";
	}
	return "data";
}

static struct layer *
layer_new(enum layer_kind kind, struct layer *below)
{
	struct layer *l = g_new0(struct layer, 1);

	l->kind = kind;
	l->below = below;
	return l;
}

static void
layer_free(struct layer *l)
{
	if (l->kind == LAYER_GZIP || l->kind == LAYER_ZLIB)
		inflateEnd(&l->z);
	if (l->zf != NULL)
		zip_fclose(l->zf);
	g_free(l->win);
	g_free(l);
}

static gboolean
layer_check_caps(struct dr_stream *s, struct layer *l, GError **error)
{
	const struct dr_limits *lim = s->lim;

	if (l->produced > lim->max_unpacked_bytes) {
		g_set_error(error, DR_ERROR, DR_ERROR_TOO_LARGE,
		    "%s: %s unpacks to more than %" G_GUINT64_FORMAT
		    " bytes", s->name, layer_what(l), lim->max_unpacked_bytes);
		return FALSE;
	}
	if (l->produced > RATIO_FLOOR &&
	    l->produced > (guint64)lim->max_ratio * l->packed) {
		g_set_error(error, DR_ERROR, DR_ERROR_TOO_LARGE,
		    "%s: %s unpacks to more than %u times its size "
		    "(compression bomb)", s->name, layer_what(l),
		    lim->max_ratio);
		return FALSE;
	}
	return TRUE;
}

static gssize layer_read(struct dr_stream *s, struct layer *l, guint8 *buf,
	    gsize len, GError **error);

/*
 * After the end of a gzip member: another member follows only if the
 * next two bytes are the gzip magic; anything else is trailing garbage
 * (Mimecast appends two bytes) and ends the stream.  A member that does
 * start with the magic but is broken is an error, as for gzip(1).
 */
static gboolean
gzip_next_member(struct dr_stream *s, struct layer *l, gboolean *more,
	    GError **error)
{
	gssize n;

	while (l->z.avail_in < 2 && !l->below_eof) {
		memmove(l->win, l->z.next_in, l->z.avail_in);
		n = layer_read(s, l->below, l->win + l->z.avail_in,
		    WINDOW_SIZE - l->z.avail_in, error);
		if (n < 0)
			return FALSE;
		if (n == 0)
			l->below_eof = TRUE;
		l->z.next_in = l->win;
		l->z.avail_in += (uInt)n;
	}
	*more = l->z.avail_in >= 2 && l->z.next_in[0] == 0x1f &&
	    l->z.next_in[1] == 0x8b;
	if (*more && inflateReset(&l->z) != Z_OK) {
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_ARCHIVE,
		    "%s: cannot restart gzip decoder", s->name);
		return FALSE;
	}
	return TRUE;
}

static gssize
inflate_read(struct dr_stream *s, struct layer *l, guint8 *buf, gsize len,
	    GError **error)
{
	uInt want = (uInt)MIN(len, (gsize)G_MAXUINT);
	uInt before;
	gboolean more;
	gssize n;
	int ret;

	l->z.next_out = buf;
	l->z.avail_out = want;
	while (!l->done && l->z.avail_out == want) {
		if (l->z.avail_in == 0 && !l->below_eof) {
			n = layer_read(s, l->below, l->win, WINDOW_SIZE,
			    error);
			if (n < 0)
				return -1;
			if (n == 0)
				l->below_eof = TRUE;
			l->z.next_in = l->win;
			l->z.avail_in = (uInt)n;
		}
		if (l->z.avail_in == 0) {
			g_set_error(error, DR_ERROR, DR_ERROR_BAD_ARCHIVE,
			    "%s: %s data truncated", s->name, layer_what(l));
			return -1;
		}
		before = l->z.avail_in;
		ret = inflate(&l->z, Z_NO_FLUSH);
		l->packed += before - l->z.avail_in;
		switch (ret) {
		case Z_OK:
			break;
		case Z_BUF_ERROR:
			/* No progress: fine only if input ran out. */
			if (l->z.avail_in == 0)
				break;
			g_set_error(error, DR_ERROR, DR_ERROR_BAD_ARCHIVE,
			    "%s: %s data corrupt", s->name, layer_what(l));
			return -1;
		case Z_STREAM_END:
			if (l->kind == LAYER_ZLIB) {
				l->done = TRUE;
				break;
			}
			if (!gzip_next_member(s, l, &more, error))
				return -1;
			l->done = !more;
			break;
		case Z_NEED_DICT:
			g_set_error(error, DR_ERROR, DR_ERROR_BAD_ARCHIVE,
			    "%s: %s data needs a preset dictionary", s->name,
			    layer_what(l));
			return -1;
		default:
			g_set_error(error, DR_ERROR, DR_ERROR_BAD_ARCHIVE,
			    "%s: %s data corrupt: %s", s->name, layer_what(l),
			    l->z.msg != NULL ? l->z.msg : zError(ret));
			return -1;
		}
	}
	n = (gssize)(want - l->z.avail_out);
	l->produced += (guint64)n;
	if (!layer_check_caps(s, l, error))
		return -1;
	return n;
}

static gssize
zip_layer_read(struct dr_stream *s, struct layer *l, guint8 *buf, gsize len,
	    GError **error)
{
	zip_int64_t n;

	n = zip_fread(l->zf, buf, len);
	if (n < 0) {
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_ARCHIVE,
		    "%s: zip member unreadable: %s", s->name,
		    zip_file_strerror(l->zf));
		return -1;
	}
	l->produced += (guint64)n;
	if (!layer_check_caps(s, l, error))
		return -1;
	return (gssize)n;
}

/* Reads new bytes from l, not the peeked ones. */
static gssize
layer_read_raw(struct dr_stream *s, struct layer *l, guint8 *buf, gsize len,
	    GError **error)
{
	gsize n;

	if (!dr_limits_check_deadline(s->lim, error))
		return -1;
	switch (l->kind) {
	case LAYER_MEM:
		n = MIN(len, l->mem_len - l->mem_pos);
		if (n > 0)
			memcpy(buf, l->mem + l->mem_pos, n);
		l->mem_pos += n;
		return (gssize)n;
	case LAYER_GZIP:
	case LAYER_ZLIB:
		return inflate_read(s, l, buf, len, error);
	case LAYER_ZIP:
		return zip_layer_read(s, l, buf, len, error);
	}
	g_return_val_if_reached(-1);
}

static gssize
layer_read(struct dr_stream *s, struct layer *l, guint8 *buf, gsize len,
	    GError **error)
{
	gsize n;

	if (l->pb_pos < l->pb_len) {
		if (!dr_limits_check_deadline(s->lim, error))
			return -1;
		n = MIN(len, l->pb_len - l->pb_pos);
		memcpy(buf, l->pb + l->pb_pos, n);
		l->pb_pos += n;
		return (gssize)n;
	}
	return layer_read_raw(s, l, buf, len, error);
}

/* Fills the push-back buffer of the top layer with its first bytes. */
static gboolean
stream_peek(struct dr_stream *s, GError **error)
{
	struct layer *l = s->top;
	gssize n;

	l->pb_len = l->pb_pos = 0;
	while (l->pb_len < PEEK_SIZE) {
		n = layer_read_raw(s, l, l->pb + l->pb_len,
		    PEEK_SIZE - l->pb_len, error);
		if (n < 0)
			return FALSE;
		if (n == 0)
			break;
		l->pb_len += (gsize)n;
	}
	return TRUE;
}

static void
stream_init(struct dr_stream *s, const struct dr_limits *lim,
	    const char *name, struct layer *bottom)
{
	memset(s, 0, sizeof(*s));
	s->lim = lim;
	s->name = name;
	s->top = bottom;
}

static void
stream_clear(struct dr_stream *s)
{
	struct layer *l, *below;

	for (l = s->top; l != NULL; l = below) {
		below = l->below;
		layer_free(l);
	}
	s->top = NULL;
	g_clear_error(&s->error);
}

gssize
dr_stream_read(struct dr_stream *s, char *buf, gsize len, GError **error)
{
	gssize n;

	g_return_val_if_fail(s != NULL, -1);
	g_return_val_if_fail(buf != NULL || len == 0, -1);

	if (s->error != NULL) {
		g_propagate_error(error, g_error_copy(s->error));
		return -1;
	}
	if (len == 0)
		return 0;
	n = layer_read(s, s->top, (guint8 *)buf, len, &s->error);
	if (n < 0)
		g_propagate_error(error, g_error_copy(s->error));
	return n;
}

/* Walking */

static gboolean
check_nesting(struct walk *w, const char *name, guint depth, GError **error)
{
	if (depth > w->lim->max_nesting) {
		g_set_error(error, DR_ERROR, DR_ERROR_TOO_LARGE,
		    "%s: containers nested more than %u deep", name,
		    w->lim->max_nesting);
		return FALSE;
	}
	return TRUE;
}

static gboolean
call_back(struct walk *w, struct dr_stream *s, GError **error)
{
	GError *err = NULL;

	w->nstreams++;
	if (w->cb(s, s->name, w->user, &err))
		return TRUE;
	/* A callback that lost the read error still reports it. */
	if (err == NULL && s->error != NULL)
		err = g_error_copy(s->error);
	if (err == NULL)
		err = g_error_new(DR_ERROR, DR_ERROR_TEMPFAIL,
		    "%s: stream consumer failed without a reason", s->name);
	g_propagate_error(error, err);
	return FALSE;
}

/* Junk that archivers add next to the real files. */
static gboolean
zip_entry_is_junk(const char *name)
{
	const char *base;

	if (g_str_has_suffix(name, "/"))
		return TRUE;
	if (g_str_has_prefix(name, "__MACOSX/") ||
	    strstr(name, "/__MACOSX/") != NULL)
		return TRUE;
	base = strrchr(name, '/');
	base = base != NULL ? base + 1 : name;
	return g_str_has_prefix(base, "._");
}

static gboolean
walk_zip_entry(struct walk *w, zip_t *za, zip_uint64_t i, const char *name,
	    guint depth, GError **error)
{
	struct dr_stream s;
	struct layer *l;
	zip_stat_t st;
	const char *member;
	char *full;
	gboolean ok;

	if (zip_stat_index(za, i, 0, &st) != 0) {
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_ARCHIVE,
		    "%s: zip entry %" G_GUINT64_FORMAT " unreadable: %s",
		    name, (guint64)i, zip_strerror(za));
		return FALSE;
	}
	member = (st.valid & ZIP_STAT_NAME) && st.name != NULL ? st.name : "";
	if (zip_entry_is_junk(member))
		return TRUE;
	full = g_strdup_printf("%s/%s", name, member);
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    st.encryption_method != ZIP_EM_NONE) {
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_ARCHIVE,
		    "%s: zip member is encrypted", full);
		g_free(full);
		return FALSE;
	}
	l = layer_new(LAYER_ZIP, NULL);
	l->zf = zip_fopen_index(za, i, 0);
	if (l->zf == NULL) {
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_ARCHIVE,
		    "%s: zip member unreadable: %s", full, zip_strerror(za));
		layer_free(l);
		g_free(full);
		return FALSE;
	}
	l->packed = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
	stream_init(&s, w->lim, full, l);
	ok = walk_stream(w, &s, depth, error);
	stream_clear(&s);
	g_free(full);
	return ok;
}

static gboolean
walk_zip(struct walk *w, const guint8 *data, gsize len, const char *name,
	    guint depth, GError **error)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	zip_int64_t n, i;
	gboolean ok = TRUE;

	if (!check_nesting(w, name, depth, error))
		return FALSE;
	zip_error_init(&ze);
	src = zip_source_buffer_create(data, len, 0, &ze);
	if (src == NULL) {
		g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
		    "%s: cannot set up zip reader: %s", name,
		    zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return FALSE;
	}
	za = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (za == NULL) {
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_ARCHIVE,
		    "%s: corrupt zip: %s", name, zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return FALSE;
	}
	zip_error_fini(&ze);

	n = zip_get_num_entries(za, 0);
	if (n < 0 || (guint64)n > w->lim->max_zip_members - w->members) {
		g_set_error(error, DR_ERROR, DR_ERROR_TOO_LARGE,
		    "%s: more than %u zip members", name,
		    w->lim->max_zip_members);
		zip_discard(za);
		return FALSE;
	}
	w->members += (guint)n;
	for (i = 0; ok && i < n; i++)
		ok = walk_zip_entry(w, za, (zip_uint64_t)i, name, depth,
		    error);
	zip_discard(za);
	return ok;
}

/*
 * Buffered zips nest (gzip of a zip of a zip...), so besides the cap on
 * each one (max_unpacked_bytes, as for any unpacked data) those of a
 * walk together may hold at most max_message_bytes: a report zip is a
 * few MB, and zips unpacked from compressed data that need more memory
 * than a whole mail is allowed are no report.  One ingest then holds at
 * most the message and as much again in zips.  Only the zip being read
 * grows, those around it are trimmed to their size; its allocation
 * doubles but never past one byte over either cap, which is enough to
 * tell it is over.
 */
static void
zip_buffer_grow(struct walk *w, guint8 **data, gsize *size)
{
	const struct dr_limits *lim = w->lim;
	gsize others = w->buffered - *size;
	gsize want;

	if (*size == 0)
		want = WINDOW_SIZE;
	else
		want = *size <= G_MAXSIZE / 2 ? *size * 2 : G_MAXSIZE;
	if (want - 1 > lim->max_message_bytes - others)
		want = lim->max_message_bytes - others + 1;
	if (want - 1 > lim->max_unpacked_bytes)
		want = (gsize)lim->max_unpacked_bytes + 1;
	*data = g_realloc(*data, want);
	w->buffered += want - *size;
	*size = want;
}

/*
 * A zip found inside a stream: read the rest of the stream (the peeked
 * bytes included) into memory, within the caps above.
 */
static gboolean
walk_buffered_zip(struct walk *w, struct dr_stream *s, guint depth,
	    GError **error)
{
	const struct dr_limits *lim = w->lim;
	struct layer *l = s->top;
	guint8 *data = NULL;
	gsize len = 0, size = 0;
	gssize n;
	gboolean ok = FALSE;

	if (l->kind == LAYER_MEM)
		return walk_zip(w, l->mem, l->mem_len, s->name, depth, error);
	if (!check_nesting(w, s->name, depth, error))
		return FALSE;
	for (;;) {
		if (len == size)
			zip_buffer_grow(w, &data, &size);
		n = layer_read(s, l, data + len, MIN(size - len, WINDOW_SIZE),
		    error);
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		len += (gsize)n;
		if (len > lim->max_unpacked_bytes) {
			g_set_error(error, DR_ERROR, DR_ERROR_TOO_LARGE,
			    "%s: zip larger than %" G_GUINT64_FORMAT
			    " bytes", s->name, lim->max_unpacked_bytes);
			goto out;
		}
		if (len > lim->max_message_bytes - (w->buffered - size)) {
			g_set_error(error, DR_ERROR, DR_ERROR_TOO_LARGE,
			    "%s: zips inside compressed data take more than "
			    "%" G_GSIZE_FORMAT " bytes together (the message "
			    "size limit)", s->name, lim->max_message_bytes);
			goto out;
		}
	}
	/* Zips nested in this one may use what doubling left unused. */
	data = g_realloc(data, len);
	w->buffered -= size - len;
	size = len;
	ok = walk_zip(w, data, len, s->name, depth, error);
out:
	g_free(data);
	w->buffered -= size;
	return ok;
}

static gboolean
push_inflate(struct walk *w, struct dr_stream *s, enum layer_kind kind,
	    guint depth, GError **error)
{
	struct layer *l;

	if (!check_nesting(w, s->name, depth, error))
		return FALSE;
	l = layer_new(kind, s->top);
	if (inflateInit2(&l->z, kind == LAYER_GZIP ? 16 + MAX_WBITS :
	    MAX_WBITS) != Z_OK) {
		g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
		    "%s: cannot set up %s decoder", s->name,
		    layer_what(l));
		g_free(l);
		return FALSE;
	}
	l->win = g_malloc(WINDOW_SIZE);
	s->top = l;
	return TRUE;
}

/* Bytes of a payload looked at to tell text from compressed data. */
#define TEXT_SNIFF_SIZE	64

/*
 * Whether data starts like text: UTF-8 (a sequence cut at the end
 * allowed) without control characters but tab, CR and LF.  Compressed
 * data right after its two header bytes is as good as random, and 62
 * random bytes pass this about never.
 */
static gboolean
looks_like_text(const guint8 *data, gsize len)
{
	const char *end;
	gsize i;

	len = MIN(len, TEXT_SNIFF_SIZE);
	for (i = 0; i < len; i++)
		if ((data[i] < 0x20 && data[i] != '\t' && data[i] != '\r' &&
		    data[i] != '\n') || data[i] == 0x7f)
			return FALSE;
	if (g_utf8_validate((const char *)data, (gssize)len, &end))
		return TRUE;
	/* Only a character cut by the window may be incomplete. */
	return g_utf8_get_char_validated(end,
	    (gssize)(len - (gsize)(end - (const char *)data))) ==
	    (gunichar)-2;
}

/*
 * Two bytes of plain text can make a zlib header ("x^", "x ", "hb"), so
 * a payload that is zlib by its magic alone, reads as text, and fails
 * while its first bytes are peeked, before it decoded the start of
 * anything we look for, is no report: skipped like any other, rather
 * than a corrupt one.  A real report is binary after its header, or
 * decodes to XML or a container first, and stays an error (a truncated
 * zlib report beside a good one must not vanish).  Only the payload
 * itself: inside a container a zlib header is no accident.
 */
static gboolean
is_false_zlib(const struct dr_stream *s, const GError *e)
{
	const struct layer *l = s->top;
	enum dr_kind kind;

	if (l->kind != LAYER_ZLIB || l->below->kind != LAYER_MEM ||
	    !g_error_matches(e, DR_ERROR, DR_ERROR_BAD_ARCHIVE) ||
	    !looks_like_text(l->below->mem, l->below->mem_len))
		return FALSE;
	/* Only the peek has read from l: all it decoded is in pb. */
	kind = dr_unpack_sniff(l->pb, MIN(l->z.total_out, PEEK_SIZE));
	return kind == DR_KIND_EMPTY || kind == DR_KIND_UNKNOWN;
}

/*
 * Sniffs the top of s and acts on what it is; depth counts the
 * containers around the top layer.
 */
static gboolean
walk_stream(struct walk *w, struct dr_stream *s, guint depth, GError **error)
{
	GError *e = NULL;

	for (;;) {
		if (!stream_peek(s, &e)) {
			if (!is_false_zlib(s, e)) {
				g_propagate_error(error, e);
				return FALSE;
			}
			g_error_free(e);
			return TRUE;
		}
		switch (dr_unpack_sniff(s->top->pb, s->top->pb_len)) {
		case DR_KIND_XML:
			return call_back(w, s, error);
		case DR_KIND_GZIP:
			if (!push_inflate(w, s, LAYER_GZIP, ++depth, error))
				return FALSE;
			break;
		case DR_KIND_ZLIB:
			if (!push_inflate(w, s, LAYER_ZLIB, ++depth, error))
				return FALSE;
			break;
		case DR_KIND_ZIP:
			return walk_buffered_zip(w, s, depth + 1, error);
		case DR_KIND_EMPTY:
		case DR_KIND_UNKNOWN:
			return TRUE;
		}
	}
}

gboolean
dr_unpack(const guint8 *payload, gsize len, const char *name,
	    const struct dr_limits *lim, dr_unpack_cb cb, gpointer user,
	    guint *nstreams, GError **error)
{
	struct walk w;
	struct dr_stream s;
	struct layer *l;
	gboolean ok;

	if (nstreams != NULL)
		*nstreams = 0;
	g_return_val_if_fail(payload != NULL || len == 0, FALSE);
	g_return_val_if_fail(name != NULL, FALSE);
	g_return_val_if_fail(lim != NULL, FALSE);
	g_return_val_if_fail(cb != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	memset(&w, 0, sizeof(w));
	w.lim = lim;
	w.cb = cb;
	w.user = user;

	l = layer_new(LAYER_MEM, NULL);
	l->mem = payload;
	l->mem_len = len;
	stream_init(&s, lim, name, l);
	ok = walk_stream(&w, &s, 0, error);
	stream_clear(&s);
	if (nstreams != NULL)
		*nstreams = w.nstreams;
	return ok;
}
