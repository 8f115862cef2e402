/*
 * test-unpack.c - unit tests of unpack.c.
 *
 * Every fixture is built here, in memory, with zlib and libzip, so the
 * bytes each case feeds in are visible next to the expectation.  The
 * last case reads the archives of the shared corpus when it is present.
 */
#include "config.h"

#include <string.h>

#include <zip.h>
#include <zlib.h>

#include "error.h"
#include "unpack.h"
#include "testutil.h"

#define XML_A	"<?xml version=\"1.0\"?>\n<feedback><a/></feedback>\n"
#define XML_B	"<feedback><b>second</b></feedback>"
#define MIB	(1024 * 1024)

/* Fixture builders */

/* One piece of a generated input: data repeated count times. */
struct piece {
	const void	*data;
	gsize		 len;
	guint		 count;
};

/* Deflates pieces in a row; windowbits picks zlib or gzip framing. */
static GBytes *
deflate_pieces(const struct piece *pieces, guint npieces, int windowbits,
	    int level)
{
	GByteArray *out = g_byte_array_new();
	guint8 buf[64 * 1024];
	z_stream z;
	guint i, k;
	int ret = Z_OK;

	memset(&z, 0, sizeof(z));
	g_assert_cmpint(deflateInit2(&z, level, Z_DEFLATED, windowbits, 9,
	    Z_DEFAULT_STRATEGY), ==, Z_OK);
	for (i = 0; i <= npieces; i++) {
		for (k = 0; i == npieces ? k == 0 : k < pieces[i].count;
		    k++) {
			int flush = i == npieces ? Z_FINISH : Z_NO_FLUSH;

			z.next_in = i == npieces ? NULL :
			    (Bytef *)pieces[i].data;
			z.avail_in = i == npieces ? 0 : (uInt)pieces[i].len;
			do {
				z.next_out = buf;
				z.avail_out = sizeof(buf);
				ret = deflate(&z, flush);
				g_assert_cmpint(ret, !=, Z_STREAM_ERROR);
				g_byte_array_append(out, buf,
				    sizeof(buf) - z.avail_out);
			} while (z.avail_out == 0);
		}
	}
	g_assert_cmpint(ret, ==, Z_STREAM_END);
	deflateEnd(&z);
	return g_byte_array_free_to_bytes(out);
}

static GBytes *
gzip_bytes(const void *data, gsize len)
{
	struct piece p = { data, len, 1 };

	return deflate_pieces(&p, 1, 16 + MAX_WBITS, 6);
}

static GBytes *
gzip_gbytes(GBytes *b)
{
	return gzip_bytes(g_bytes_get_data(b, NULL), g_bytes_get_size(b));
}

static GBytes *
zlib_bytes(const void *data, gsize len)
{
	struct piece p = { data, len, 1 };

	return deflate_pieces(&p, 1, MAX_WBITS, 6);
}

static GBytes *
concat(GBytes *a, const void *b, gsize blen)
{
	GByteArray *out = g_byte_array_new();

	g_byte_array_append(out, g_bytes_get_data(a, NULL),
	    g_bytes_get_size(a));
	g_byte_array_append(out, b, blen);
	return g_byte_array_free_to_bytes(out);
}

/* A zip being written to memory. */
struct zipw {
	zip_source_t	*src;
	zip_t		*za;
};

static void
zipw_open(struct zipw *zw)
{
	zip_error_t ze;

	zip_error_init(&ze);
	zw->src = zip_source_buffer_create(NULL, 0, 0, &ze);
	g_assert_nonnull(zw->src);
	zw->za = zip_open_from_source(zw->src, ZIP_TRUNCATE, &ze);
	g_assert_nonnull(zw->za);
	zip_source_keep(zw->src);
	zip_error_fini(&ze);
}

/* The data must live until zipw_close(). */
static zip_int64_t
zipw_add(struct zipw *zw, const char *name, const void *data, gsize len)
{
	zip_source_t *s = zip_source_buffer(zw->za, data, len, 0);
	zip_int64_t idx;

	g_assert_nonnull(s);
	idx = zip_file_add(zw->za, name, s, ZIP_FL_OVERWRITE);
	g_assert_cmpint(idx, >=, 0);
	return idx;
}

static GBytes *
zipw_close(struct zipw *zw)
{
	zip_int64_t size;
	guint8 *buf;

	g_assert_cmpint(zip_close(zw->za), ==, 0);
	g_assert_cmpint(zip_source_open(zw->src), ==, 0);
	g_assert_cmpint(zip_source_seek(zw->src, 0, SEEK_END), ==, 0);
	size = zip_source_tell(zw->src);
	g_assert_cmpint(size, >, 0);
	g_assert_cmpint(zip_source_seek(zw->src, 0, SEEK_SET), ==, 0);
	buf = g_malloc(size);
	g_assert_cmpint(zip_source_read(zw->src, buf, size), ==, size);
	zip_source_close(zw->src);
	zip_source_free(zw->src);
	return g_bytes_new_take(buf, size);
}

/* Default limits; dr_limits_init() leaves the deadline alone. */
static void
limits_init(struct dr_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
	dr_limits_init(lim);
}

/* Collecting the streams */

struct collect {
	gsize		 chunk;		/* read size, 0: 4096 */
	GPtrArray	*data;		/* GBytes */
	GPtrArray	*names;		/* char * */
};

static void
collect_init(struct collect *c, gsize chunk)
{
	c->chunk = chunk != 0 ? chunk : 4096;
	c->data = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)g_bytes_unref);
	c->names = g_ptr_array_new_with_free_func(g_free);
}

static void
collect_clear(struct collect *c)
{
	g_ptr_array_unref(c->data);
	g_ptr_array_unref(c->names);
}

static gboolean
collect_cb(struct dr_stream *s, const char *name, gpointer user,
	    GError **error)
{
	struct collect *c = user;
	GByteArray *out = g_byte_array_new();
	char *buf = g_malloc(c->chunk);
	gssize n;

	while ((n = dr_stream_read(s, buf, c->chunk, error)) > 0) {
		g_assert_cmpint(n, <=, c->chunk);
		g_byte_array_append(out, (guint8 *)buf, n);
	}
	g_free(buf);
	if (n < 0) {
		g_byte_array_unref(out);
		return FALSE;
	}
	g_ptr_array_add(c->data, g_byte_array_free_to_bytes(out));
	g_ptr_array_add(c->names, g_strdup(name));
	return TRUE;
}

/* Runs dr_unpack over b with limits lim (NULL: defaults). */
static gboolean
run(GBytes *b, const char *name, const struct dr_limits *lim,
	    struct collect *c, gsize chunk, GError **error)
{
	struct dr_limits deflim;
	guint n = 12345;
	gboolean ok;

	if (lim == NULL) {
		limits_init(&deflim);
		lim = &deflim;
	}
	collect_init(c, chunk);
	ok = dr_unpack(g_bytes_get_data(b, NULL), g_bytes_get_size(b), name,
	    lim, collect_cb, c, &n, error);
	if (ok)
		g_assert_cmpuint(n, ==, c->data->len);
	return ok;
}

static void
assert_stream(struct collect *c, guint i, const char *name,
	    const void *data, gsize len)
{
	GBytes *b;

	g_assert_cmpuint(i, <, c->data->len);
	g_assert_cmpstr(g_ptr_array_index(c->names, i), ==, name);
	b = g_ptr_array_index(c->data, i);
	g_assert_cmpmem(g_bytes_get_data(b, NULL), g_bytes_get_size(b),
	    data, len);
}

/* Unpacks b and expects exactly the given streams. */
static void
expect_streams(GBytes *b, const char *name, guint n, const char **names,
	    const char **texts)
{
	struct collect c;
	GError *error = NULL;
	gboolean ok;
	guint i;

	ok = run(b, name, NULL, &c, 0, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	g_assert_cmpuint(c.data->len, ==, n);
	for (i = 0; i < n; i++)
		assert_stream(&c, i, names[i], texts[i], strlen(texts[i]));
	collect_clear(&c);
}

static void
expect_error(GBytes *b, const struct dr_limits *lim, int code,
	    const char *fragment)
{
	struct collect c;
	GError *error = NULL;

	g_assert_false(run(b, "p", lim, &c, 0, &error));
	g_assert_error(error, DR_ERROR, code);
	if (fragment != NULL && strstr(error->message, fragment) == NULL)
		g_error("message \"%s\" lacks \"%s\"", error->message,
		    fragment);
	g_error_free(error);
	collect_clear(&c);
}

/* Sniffing */

struct sniff_case {
	const char	*bytes;
	gsize		 len;
	enum dr_kind	 kind;
};

#define S(lit, k)	{ lit, sizeof(lit) - 1, k }

static const struct sniff_case sniff_cases[] = {
	S("", DR_KIND_EMPTY),
	S(" \r\n\t", DR_KIND_EMPTY),
	S("\xef\xbb\xbf", DR_KIND_EMPTY),
	S("<", DR_KIND_XML),
	S("<?xml version=\"1.0\"?>", DR_KIND_XML),
	S("\n\n  <feedback>", DR_KIND_XML),
	S("\xef\xbb\xbf<feedback>", DR_KIND_XML),
	S("\xef\xbb\xbf \r\n<feedback>", DR_KIND_XML),
	S("\xff\xfe<\0?\0", DR_KIND_XML),
	S("\xff\xfe \0\n\0<\0", DR_KIND_XML),
	S("\xfe\xff\0<\0?", DR_KIND_XML),
	S("\xfe\xff\0 \0<", DR_KIND_XML),
	S("\xff\xfex\0", DR_KIND_UNKNOWN),
	S("\x1f\x8b", DR_KIND_GZIP),
	S("\x1f\x8b\x08\0\0\0\0\0", DR_KIND_GZIP),
	S("PK\3\4", DR_KIND_ZIP),
	S("PK\5\6\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", DR_KIND_ZIP),
	S("PK\1\2", DR_KIND_UNKNOWN),
	S("PK", DR_KIND_UNKNOWN),
	S("\x78\x9c", DR_KIND_ZLIB),
	S("\x78\x01", DR_KIND_ZLIB),
	S("\x78\xda", DR_KIND_ZLIB),
	S("\x58\x85", DR_KIND_ZLIB),
	S("\x78\x9d", DR_KIND_UNKNOWN),		/* check bits wrong */
	S("\x88\x98", DR_KIND_UNKNOWN),		/* window too large */
	S("\x1f", DR_KIND_UNKNOWN),
	S("this is not a gz file\n", DR_KIND_UNKNOWN),
	S("  x<feedback>", DR_KIND_UNKNOWN),
	S("\xef\xbb<", DR_KIND_UNKNOWN),
	S("%PDF-1.4", DR_KIND_UNKNOWN),
};

static void
test_sniff(void)
{
	gsize i;

	for (i = 0; i < G_N_ELEMENTS(sniff_cases); i++) {
		const struct sniff_case *sc = &sniff_cases[i];

		g_test_message("case %" G_GSIZE_FORMAT, i);
		g_assert_cmpint(dr_unpack_sniff((const guint8 *)sc->bytes,
		    sc->len), ==, sc->kind);
	}
	g_assert_cmpint(dr_unpack_sniff(NULL, 0), ==, DR_KIND_EMPTY);
}

/* Plain and single layers */

static void
test_xml_plain(void)
{
	static const char xml[] = "\xef\xbb\xbf\r\n" XML_A;
	GBytes *b = g_bytes_new_static(xml, sizeof(xml) - 1);
	const char *names[] = { "r.xml" };
	const char *texts[] = { xml };

	expect_streams(b, "r.xml", 1, names, texts);
	g_bytes_unref(b);
}

static void
test_xml_empty(void)
{
	GBytes *b = g_bytes_new_static(" \n", 2);

	expect_streams(b, "e", 0, NULL, NULL);
	g_bytes_unref(b);
	b = g_bytes_new_static("", 0);
	expect_streams(b, "e", 0, NULL, NULL);
	g_bytes_unref(b);
}

static void
test_unknown(void)
{
	GBytes *b = g_bytes_new_static("Hello, this is no report.\n", 26);

	expect_streams(b, "u", 0, NULL, NULL);
	g_bytes_unref(b);
}

static void
test_gzip(void)
{
	GBytes *b = gzip_bytes(XML_A, strlen(XML_A));
	const char *names[] = { "r.xml.gz" };
	const char *texts[] = { XML_A };

	expect_streams(b, "r.xml.gz", 1, names, texts);
	g_bytes_unref(b);
}

static void
test_gzip_multi_member(void)
{
	GBytes *one = gzip_bytes(XML_A, strlen(XML_A));
	GBytes *two = gzip_bytes(XML_B, strlen(XML_B));
	GBytes *empty = gzip_bytes("", 0);
	GBytes *ab = concat(one, g_bytes_get_data(two, NULL),
	    g_bytes_get_size(two));
	GBytes *abe = concat(ab, g_bytes_get_data(empty, NULL),
	    g_bytes_get_size(empty));
	const char *names[] = { "m.gz" };
	const char *texts[] = { XML_A XML_B };

	expect_streams(ab, "m.gz", 1, names, texts);
	expect_streams(abe, "m.gz", 1, names, texts);
	g_bytes_unref(one);
	g_bytes_unref(two);
	g_bytes_unref(empty);
	g_bytes_unref(ab);
	g_bytes_unref(abe);
}

static void
test_gzip_trailing_garbage(void)
{
	GBytes *gz = gzip_bytes(XML_A, strlen(XML_A));
	const char *names[] = { "t.gz" };
	const char *texts[] = { XML_A };
	static const char *garbage[] = { "\r\n", "\0", "\x1f", "junk junk" };
	gsize i;

	for (i = 0; i < G_N_ELEMENTS(garbage); i++) {
		GBytes *b = concat(gz, garbage[i],
		    MAX(strlen(garbage[i]), 1));

		expect_streams(b, "t.gz", 1, names, texts);
		g_bytes_unref(b);
	}
	g_bytes_unref(gz);
}

static void
test_gzip_in_gzip(void)
{
	GBytes *inner = gzip_bytes(XML_A, strlen(XML_A));
	GBytes *outer = gzip_gbytes(inner);
	const char *names[] = { "g.gz" };
	const char *texts[] = { XML_A };

	expect_streams(outer, "g.gz", 1, names, texts);
	g_bytes_unref(inner);
	g_bytes_unref(outer);
}

static void
test_zlib(void)
{
	GBytes *b = zlib_bytes(XML_A, strlen(XML_A));
	const char *names[] = { "r.zlib" };
	const char *texts[] = { XML_A };

	expect_streams(b, "r.zlib", 1, names, texts);
	g_bytes_unref(b);
}

static void
test_zlib_in_gzip(void)
{
	GBytes *inner = zlib_bytes(XML_A, strlen(XML_A));
	GBytes *outer = gzip_gbytes(inner);
	const char *names[] = { "z.gz" };
	const char *texts[] = { XML_A };

	expect_streams(outer, "z.gz", 1, names, texts);
	g_bytes_unref(inner);
	g_bytes_unref(outer);
}

/* Zip */

static void
test_zip_members(void)
{
	struct zipw zw;
	GBytes *b;
	const char *names[] = { "r.zip/a.xml", "r.zip/dir/b.xml" };
	const char *texts[] = { XML_A, XML_B };

	zipw_open(&zw);
	zipw_add(&zw, "a.xml", XML_A, strlen(XML_A));
	zipw_add(&zw, "readme.txt", "not a report\n", 13);
	zipw_add(&zw, "dir/b.xml", XML_B, strlen(XML_B));
	zipw_add(&zw, "empty.xml", "", 0);
	b = zipw_close(&zw);
	expect_streams(b, "r.zip", 2, names, texts);
	g_bytes_unref(b);
}

static void
test_zip_junk_entries(void)
{
	struct zipw zw;
	GBytes *b;
	const char *names[] = { "j.zip/d/a.xml" };
	const char *texts[] = { XML_A };

	zipw_open(&zw);
	g_assert_cmpint(zip_dir_add(zw.za, "d", 0), >=, 0);
	zipw_add(&zw, "d/a.xml", XML_A, strlen(XML_A));
	zipw_add(&zw, "__MACOSX/d/._a.xml", XML_B, strlen(XML_B));
	zipw_add(&zw, "__MACOSX/b.xml", XML_B, strlen(XML_B));
	zipw_add(&zw, "d/._c.xml", XML_B, strlen(XML_B));
	b = zipw_close(&zw);
	expect_streams(b, "j.zip", 1, names, texts);
	g_bytes_unref(b);
}

static void
test_zip_empty_name(void)
{
	struct zipw zw;
	GBytes *b;
	const char *names[] = { "e.zip/" };
	const char *texts[] = { XML_A };

	zipw_open(&zw);
	zipw_add(&zw, "", XML_A, strlen(XML_A));
	b = zipw_close(&zw);
	expect_streams(b, "e.zip", 1, names, texts);
	g_bytes_unref(b);
}

static void
test_zip_empty(void)
{
	static const char eocd[22] = "PK\5\6";
	GBytes *b = g_bytes_new_static(eocd, sizeof(eocd));

	expect_streams(b, "e.zip", 0, NULL, NULL);
	g_bytes_unref(b);
}

static void
test_zip_in_gzip(void)
{
	struct zipw zw;
	GBytes *zip, *gz;
	const char *names[] = { "r.zip.gz/a.xml", "r.zip.gz/b.xml" };
	const char *texts[] = { XML_A, XML_B };

	zipw_open(&zw);
	zipw_add(&zw, "a.xml", XML_A, strlen(XML_A));
	zipw_add(&zw, "b.xml", XML_B, strlen(XML_B));
	zip = zipw_close(&zw);
	gz = gzip_gbytes(zip);
	expect_streams(gz, "r.zip.gz", 2, names, texts);
	g_bytes_unref(zip);
	g_bytes_unref(gz);
}

static void
test_gzip_in_zip(void)
{
	struct zipw zw;
	GBytes *gz, *zip;
	const char *names[] = { "r.zip/a.xml.gz", "r.zip/b.xml" };
	const char *texts[] = { XML_A, XML_B };

	gz = gzip_bytes(XML_A, strlen(XML_A));
	zipw_open(&zw);
	zipw_add(&zw, "a.xml.gz", g_bytes_get_data(gz, NULL),
	    g_bytes_get_size(gz));
	zipw_add(&zw, "b.xml", XML_B, strlen(XML_B));
	zip = zipw_close(&zw);
	expect_streams(zip, "r.zip", 2, names, texts);
	g_bytes_unref(gz);
	g_bytes_unref(zip);
}

static void
test_zip_in_zip(void)
{
	struct zipw zw;
	GBytes *inner, *outer;
	const char *names[] = { "o.zip/i.zip/a.xml" };
	const char *texts[] = { XML_A };

	zipw_open(&zw);
	zipw_add(&zw, "a.xml", XML_A, strlen(XML_A));
	inner = zipw_close(&zw);
	zipw_open(&zw);
	zipw_add(&zw, "i.zip", g_bytes_get_data(inner, NULL),
	    g_bytes_get_size(inner));
	outer = zipw_close(&zw);
	expect_streams(outer, "o.zip", 1, names, texts);
	g_bytes_unref(inner);
	g_bytes_unref(outer);
}

static void
test_zip_corrupt(void)
{
	static const char junk[] = "PK\3\4 this is not a zip at all";
	GBytes *b = g_bytes_new_static(junk, sizeof(junk) - 1);

	expect_error(b, NULL, DR_ERROR_BAD_ARCHIVE, "corrupt zip");
	g_bytes_unref(b);
}

static void
test_zip_bad_crc(void)
{
	static const char xml[] = "<feedback>flip me</feedback>";
	struct zipw zw;
	GBytes *b, *bad;
	zip_int64_t idx;
	guint8 *data;
	gsize len, i;

	zipw_open(&zw);
	idx = zipw_add(&zw, "a.xml", xml, strlen(xml));
	g_assert_cmpint(zip_set_file_compression(zw.za, idx, ZIP_CM_STORE,
	    0), ==, 0);
	b = zipw_close(&zw);
	data = g_bytes_unref_to_data(b, &len);
	for (i = 0; i + 4 <= len && memcmp(data + i, "flip", 4) != 0; i++)
		;
	g_assert_cmpuint(i + 4, <=, len);
	data[i] = 'F';
	bad = g_bytes_new_take(data, len);
	expect_error(bad, NULL, DR_ERROR_BAD_ARCHIVE, "a.xml");
	g_bytes_unref(bad);
}

static void
test_zip_encrypted(void)
{
	struct zipw zw;
	zip_int64_t idx;
	GBytes *b;

	if (!zip_encryption_method_supported(ZIP_EM_AES_256, 1)) {
		g_test_skip("libzip built without AES");
		return;
	}
	zipw_open(&zw);
	idx = zipw_add(&zw, "a.xml", XML_A, strlen(XML_A));
	g_assert_cmpint(zip_file_set_encryption(zw.za, idx, ZIP_EM_AES_256,
	    "secret"), ==, 0);
	b = zipw_close(&zw);
	expect_error(b, NULL, DR_ERROR_BAD_ARCHIVE, "encrypted");
	g_bytes_unref(b);
}

/* Corrupt compressed data */

static void
test_gzip_corrupt(void)
{
	static const char bad_method[] = "\x1f\x8b\x07\0\0\0\0\0\0\3abcdef";
	GBytes *gz = gzip_bytes(XML_A, strlen(XML_A));
	guint8 *data;
	gsize len;
	GBytes *b;

	b = g_bytes_new_static(bad_method, sizeof(bad_method) - 1);
	expect_error(b, NULL, DR_ERROR_BAD_ARCHIVE, "gzip");
	g_bytes_unref(b);

	/* A broken CRC in the trailer. */
	data = g_bytes_unref_to_data(gz, &len);
	data[len - 8] ^= 0xff;
	b = g_bytes_new_take(data, len);
	expect_error(b, NULL, DR_ERROR_BAD_ARCHIVE, "corrupt");
	g_bytes_unref(b);
}

static void
test_gzip_truncated(void)
{
	GBytes *gz = gzip_bytes(XML_A, strlen(XML_A));
	gsize cut;

	for (cut = 3; cut < g_bytes_get_size(gz); cut += 7) {
		GBytes *b = g_bytes_new_from_bytes(gz, 0, cut);

		expect_error(b, NULL, DR_ERROR_BAD_ARCHIVE, NULL);
		g_bytes_unref(b);
	}
	g_bytes_unref(gz);
}

/*
 * Text whose first two bytes make a zlib header, and zlib cut to its
 * header: it decodes to nothing, or to junk before it fails, so it is
 * no report rather than a corrupt one.
 */
static const struct sniff_case zlib_lookalikes[] = {
	S("x^ hello", DR_KIND_ZLIB),		/* stored block, bad lengths */
	S("x^2 + y^2 = z^2\n", DR_KIND_ZLIB),	/* one byte of junk first */
	S("x = 1\n", DR_KIND_ZLIB),		/* preset dictionary bit */
	S("hb: see attachment\r\n", DR_KIND_ZLIB),
	S("XGA, 1024x768\n", DR_KIND_ZLIB),
	S("x^", DR_KIND_ZLIB),			/* truncated before output */
	S("x^ caf\xc3\xa9 cr\xc3\xa8me", DR_KIND_ZLIB),	/* UTF-8 text */
};

static void
test_zlib_lookalike(void)
{
	gsize i;

	for (i = 0; i < G_N_ELEMENTS(zlib_lookalikes); i++) {
		const struct sniff_case *sc = &zlib_lookalikes[i];
		GBytes *b = g_bytes_new_static(sc->bytes, sc->len);

		g_test_message("case %" G_GSIZE_FORMAT, i);
		/* The magic alone says zlib; dr_unpack() knows better. */
		g_assert_cmpint(dr_unpack_sniff((const guint8 *)sc->bytes,
		    sc->len), ==, sc->kind);
		expect_streams(b, "t.txt", 0, NULL, NULL);
		g_bytes_unref(b);
	}
}

/* Inside a container a zlib header is no accident: corrupt stays so. */
static void
test_zlib_lookalike_inside(void)
{
	static const char text[] = "x^ hello";
	struct zipw zw;
	GBytes *gz, *zip;

	gz = gzip_bytes(text, strlen(text));
	expect_error(gz, NULL, DR_ERROR_BAD_ARCHIVE, "zlib");
	zipw_open(&zw);
	zipw_add(&zw, "notes.txt", text, strlen(text));
	zip = zipw_close(&zw);
	expect_error(zip, NULL, DR_ERROR_BAD_ARCHIVE, "notes.txt");
	g_bytes_unref(gz);
	g_bytes_unref(zip);
}

/*
 * Binary after a zlib header is no text: broken before it decoded
 * anything, it is still a corrupt archive, never skipped (a truncated
 * report beside a good one would vanish).
 */
static void
test_zlib_binary_broken_early(void)
{
	static const char *const bins[] = {
		"\x78\x9c", "\x78\xda\xff\xff\xff", "x^\x01\x02 text",
	};
	/* Levels 2 to 5 write the header "x^", as text could start. */
	struct piece p = { XML_A, strlen(XML_A), 1 };
	GBytes *z = deflate_pieces(&p, 1, MAX_WBITS, 4);
	GBytes *b;
	gsize i;

	g_assert_cmpmem(g_bytes_get_data(z, NULL), 2, "x^", 2);
	for (i = 0; i < G_N_ELEMENTS(bins); i++) {
		b = g_bytes_new_static(bins[i], strlen(bins[i]));
		expect_error(b, NULL, DR_ERROR_BAD_ARCHIVE, "zlib");
		g_bytes_unref(b);
	}
	/* A report cut within its first block: nothing decoded yet. */
	for (i = 8; i < 40 && i < g_bytes_get_size(z); i++) {
		b = g_bytes_new_from_bytes(z, 0, i);
		expect_error(b, NULL, DR_ERROR_BAD_ARCHIVE, "zlib");
		g_bytes_unref(b);
	}
	g_bytes_unref(z);
}

/* zlib that decoded some bytes before it broke off is corrupt. */
static void
test_zlib_truncated(void)
{
	GString *xml = g_string_new("<feedback>");
	GBytes *small, *big, *b;
	guint i;

	small = zlib_bytes(XML_A, strlen(XML_A));
	for (i = 0; i < 20000; i++)
		g_string_append_printf(xml, "<r>%u</r>", i * 7919);
	big = zlib_bytes(xml->str, xml->len);

	/* All the data but the Adler-32: cut within the first read. */
	b = g_bytes_new_from_bytes(small, 0, g_bytes_get_size(small) - 4);
	expect_error(b, NULL, DR_ERROR_BAD_ARCHIVE, "zlib data truncated");
	g_bytes_unref(b);
	/* Cut after the sniffing, while the consumer reads. */
	b = g_bytes_new_from_bytes(big, 0, g_bytes_get_size(big) / 2);
	expect_error(b, NULL, DR_ERROR_BAD_ARCHIVE, "zlib data truncated");
	g_bytes_unref(b);

	g_bytes_unref(small);
	g_bytes_unref(big);
	g_string_free(xml, TRUE);
}

static void
test_zlib_corrupt(void)
{
	GBytes *z = zlib_bytes(XML_A, strlen(XML_A));
	guint8 *data;
	gsize len;
	GBytes *b;

	data = g_bytes_unref_to_data(z, &len);
	data[len - 1] ^= 0xff;		/* Adler-32 */
	b = g_bytes_new_take(data, len);
	expect_error(b, NULL, DR_ERROR_BAD_ARCHIVE, "zlib");
	g_bytes_unref(b);
}

/* Limits */

static void
test_limit_ratio(void)
{
	static guint8 zeros[64 * 1024];
	struct piece p[] = {
		{ "<feedback>", 10, 1 },
		{ zeros, sizeof(zeros), 50 * MIB / sizeof(zeros) },
	};
	GBytes *bomb = deflate_pieces(p, G_N_ELEMENTS(p), 16 + MAX_WBITS,
	    9);

	/*
	 * Starts like XML so that it is read to the end; well under the
	 * size cap, so only the ratio can stop it.
	 */
	expect_error(bomb, NULL, DR_ERROR_TOO_LARGE, "bomb");
	g_bytes_unref(bomb);
}

static void
test_limit_absolute(void)
{
	struct dr_limits lim;
	struct zipw zw;
	struct collect c;
	GString *xml = g_string_new("<feedback>");
	GError *error = NULL;
	GBytes *gz, *zip;
	guint i;

	for (i = 0; i < 200; i++)
		g_string_append_printf(xml, "<r>%u</r>", i);
	g_string_append(xml, "</feedback>");
	gz = gzip_bytes(xml->str, xml->len);
	zipw_open(&zw);
	zipw_add(&zw, "big.xml", xml->str, xml->len);
	zip = zipw_close(&zw);

	limits_init(&lim);
	lim.max_unpacked_bytes = xml->len;
	g_assert_true(run(gz, "g", &lim, &c, 0, &error));
	g_assert_no_error(error);
	assert_stream(&c, 0, "g", xml->str, xml->len);
	collect_clear(&c);

	lim.max_unpacked_bytes = xml->len - 1;
	expect_error(gz, &lim, DR_ERROR_TOO_LARGE, "more than");
	expect_error(zip, &lim, DR_ERROR_TOO_LARGE, "big.xml");

	g_bytes_unref(gz);
	g_bytes_unref(zip);
	g_string_free(xml, TRUE);
}

/* A zip holding data stored as it is, so that it is as big as the data. */
static GBytes *
zip_stored(const char *name, const void *data, gsize len, const char *name2,
	    const void *data2, gsize len2)
{
	struct zipw zw;
	zip_int64_t idx;

	zipw_open(&zw);
	idx = zipw_add(&zw, name, data, len);
	g_assert_cmpint(zip_set_file_compression(zw.za, idx, ZIP_CM_STORE,
	    0), ==, 0);
	if (name2 != NULL) {
		idx = zipw_add(&zw, name2, data2, len2);
		g_assert_cmpint(zip_set_file_compression(zw.za, idx,
		    ZIP_CM_STORE, 0), ==, 0);
	}
	return zipw_close(&zw);
}

/*
 * gzip(zip(zip(report + padding))): both zips are buffered at once, and
 * together, not each, they may hold at most max_message_bytes.  Sibling
 * zips are buffered one after the other and do not add up.
 */
static void
test_limit_buffered_zips(void)
{
	static guint8 zeros[256 * 1024];
	struct dr_limits lim;
	struct collect c;
	GError *error = NULL;
	GBytes *inner, *outer, *twins, *gz, *gz_twins;
	gsize len1, len2;

	inner = zip_stored("a.xml", XML_A, strlen(XML_A), "pad.bin", zeros,
	    sizeof(zeros));
	len2 = g_bytes_get_size(inner);
	outer = zip_stored("inner.zip", g_bytes_get_data(inner, NULL), len2,
	    NULL, NULL, 0);
	len1 = g_bytes_get_size(outer);
	twins = zip_stored("i1.zip", g_bytes_get_data(inner, NULL), len2,
	    "i2.zip", g_bytes_get_data(inner, NULL), len2);
	gz = gzip_gbytes(outer);
	gz_twins = gzip_gbytes(twins);
	/* The bomb: the mail is small, what it unpacks to is not. */
	g_assert_cmpuint(g_bytes_get_size(gz) * 50, <, len1 + len2);

	limits_init(&lim);
	lim.max_message_bytes = len1 + len2;
	g_assert_true(run(gz, "g", &lim, &c, 0, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(c.data->len, ==, 1);
	assert_stream(&c, 0, "g/inner.zip/a.xml", XML_A, strlen(XML_A));
	collect_clear(&c);

	/* Each zip is well under the cap; the two together are not. */
	lim.max_message_bytes = len1 + len2 - 1;
	g_assert_cmpuint(len1, <, lim.max_message_bytes / 2 + 1024);
	expect_error(gz, &lim, DR_ERROR_TOO_LARGE, "message size limit");

	lim.max_message_bytes = g_bytes_get_size(twins) + len2;
	g_assert_true(run(gz_twins, "t", &lim, &c, 0, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(c.data->len, ==, 2);
	assert_stream(&c, 0, "t/i1.zip/a.xml", XML_A, strlen(XML_A));
	assert_stream(&c, 1, "t/i2.zip/a.xml", XML_A, strlen(XML_A));
	collect_clear(&c);

	/* The cap on each zip stays. */
	limits_init(&lim);
	lim.max_unpacked_bytes = len1 - 1;
	expect_error(gz, &lim, DR_ERROR_TOO_LARGE, "more than");

	g_bytes_unref(inner);
	g_bytes_unref(outer);
	g_bytes_unref(twins);
	g_bytes_unref(gz);
	g_bytes_unref(gz_twins);
}

static GBytes *
zip_with_members(guint n)
{
	struct zipw zw;
	guint i;

	zipw_open(&zw);
	for (i = 0; i < n; i++) {
		char name[32];

		g_snprintf(name, sizeof(name), "r%u.xml", i);
		zipw_add(&zw, name, XML_A, strlen(XML_A));
	}
	return zipw_close(&zw);
}

static void
test_limit_zip_members(void)
{
	struct dr_limits lim;
	struct collect c;
	GError *error = NULL;
	GBytes *b;

	limits_init(&lim);
	lim.max_zip_members = 3;
	b = zip_with_members(3);
	g_assert_true(run(b, "z", &lim, &c, 0, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(c.data->len, ==, 3);
	collect_clear(&c);
	g_bytes_unref(b);

	b = zip_with_members(4);
	expect_error(b, &lim, DR_ERROR_TOO_LARGE, "zip members");
	g_bytes_unref(b);
}

/* XML_A inside depth gzip layers. */
static GBytes *
nested_gzip(guint depth)
{
	GBytes *b = g_bytes_new_static(XML_A, strlen(XML_A));
	guint i;

	for (i = 0; i < depth; i++) {
		GBytes *next = gzip_gbytes(b);

		g_bytes_unref(b);
		b = next;
	}
	return b;
}

static void
test_limit_nesting(void)
{
	struct dr_limits lim;
	struct collect c;
	GError *error = NULL;
	GBytes *b;

	limits_init(&lim);
	lim.max_nesting = 4;
	b = nested_gzip(4);
	g_assert_true(run(b, "n", &lim, &c, 0, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(c.data->len, ==, 1);
	assert_stream(&c, 0, "n", XML_A, strlen(XML_A));
	collect_clear(&c);
	g_bytes_unref(b);

	b = nested_gzip(5);
	expect_error(b, &lim, DR_ERROR_TOO_LARGE, "nested");
	g_bytes_unref(b);
	b = nested_gzip(6);
	expect_error(b, &lim, DR_ERROR_TOO_LARGE, "nested");
	g_bytes_unref(b);
}

static void
test_limit_deadline(void)
{
	struct dr_limits lim;
	GBytes *gz = gzip_bytes(XML_A, strlen(XML_A));
	GBytes *xml = g_bytes_new_static(XML_A, strlen(XML_A));

	limits_init(&lim);
	lim.deadline = g_get_monotonic_time() - 1;
	expect_error(gz, &lim, DR_ERROR_TEMPFAIL, NULL);
	expect_error(xml, &lim, DR_ERROR_TEMPFAIL, NULL);
	g_bytes_unref(gz);
	g_bytes_unref(xml);
}

/* Callbacks and reads */

static gboolean
fail_cb(struct dr_stream *s, const char *name, gpointer user,
	    GError **error)
{
	(void)s;
	(void)name;
	(void)user;
	/* Not even our domain: it must come back untouched. */
	g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_PIPE, "db gone");
	return FALSE;
}

static void
test_callback_error(void)
{
	struct dr_limits lim;
	GError *error = NULL;
	GBytes *gz = gzip_bytes(XML_A, strlen(XML_A));
	guint n;

	limits_init(&lim);
	g_assert_false(dr_unpack(g_bytes_get_data(gz, NULL),
	    g_bytes_get_size(gz), "c", &lim, fail_cb, NULL, &n, &error));
	g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_PIPE);
	g_assert_cmpstr(error->message, ==, "db gone");
	g_assert_cmpuint(n, ==, 1);
	g_error_free(error);
	g_bytes_unref(gz);
}

/* Reads until an error, then drops it: the walk must still report it. */
static gboolean
lose_error_cb(struct dr_stream *s, const char *name, gpointer user,
	    GError **error)
{
	char buf[1024];
	gssize n;

	(void)name;
	(void)user;
	(void)error;
	while ((n = dr_stream_read(s, buf, sizeof(buf), NULL)) > 0)
		;
	g_assert_cmpint(n, ==, -1);
	/* The failure is sticky. */
	g_assert_cmpint(dr_stream_read(s, buf, sizeof(buf), NULL), ==, -1);
	return FALSE;
}

static void
test_callback_read_error(void)
{
	struct dr_limits lim;
	struct collect c;
	GString *xml = g_string_new("<feedback>");
	GError *error = NULL;
	GBytes *gz, *cut;
	guint i;

	/* Large enough that the error comes after the sniffing. */
	for (i = 0; i < 20000; i++)
		g_string_append_printf(xml, "<r>%u</r>", i * 7919);
	gz = gzip_bytes(xml->str, xml->len);
	cut = g_bytes_new_from_bytes(gz, 0, g_bytes_get_size(gz) * 3 / 4);

	g_assert_false(run(cut, "t", NULL, &c, 0, &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_BAD_ARCHIVE);
	g_assert_nonnull(strstr(error->message, "truncated"));
	g_clear_error(&error);
	collect_clear(&c);

	limits_init(&lim);
	g_assert_false(dr_unpack(g_bytes_get_data(cut, NULL),
	    g_bytes_get_size(cut), "t", &lim, lose_error_cb, NULL, NULL,
	    &error));
	g_assert_error(error, DR_ERROR, DR_ERROR_BAD_ARCHIVE);
	g_error_free(error);

	g_bytes_unref(gz);
	g_bytes_unref(cut);
	g_string_free(xml, TRUE);
}

static void
test_read_one_byte(void)
{
	struct zipw zw;
	struct collect c;
	GError *error = NULL;
	GBytes *gz2, *zip, *outer, *tmp;
	GBytes *xa = g_bytes_new_static(XML_A, strlen(XML_A));

	tmp = gzip_gbytes(xa);
	gz2 = gzip_gbytes(tmp);
	g_bytes_unref(tmp);
	zipw_open(&zw);
	zipw_add(&zw, "a.xml.gz.gz", g_bytes_get_data(gz2, NULL),
	    g_bytes_get_size(gz2));
	zipw_add(&zw, "b.xml", XML_B, strlen(XML_B));
	zip = zipw_close(&zw);
	outer = gzip_gbytes(zip);

	g_assert_true(run(outer, "o", NULL, &c, 1, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(c.data->len, ==, 2);
	assert_stream(&c, 0, "o/a.xml.gz.gz", XML_A, strlen(XML_A));
	assert_stream(&c, 1, "o/b.xml", XML_B, strlen(XML_B));
	collect_clear(&c);

	g_bytes_unref(xa);
	g_bytes_unref(gz2);
	g_bytes_unref(zip);
	g_bytes_unref(outer);
}

/*
 * 50 MB of records through 4 KiB reads.  The records differ so the ratio
 * stays realistic; the stream is checked as it passes, never kept.
 */
struct big {
	guint64	 total;
	guint32	 crc;
};

static gboolean
big_cb(struct dr_stream *s, const char *name, gpointer user, GError **error)
{
	struct big *big = user;
	char buf[4096];
	gssize n;

	(void)name;
	while ((n = dr_stream_read(s, buf, sizeof(buf), error)) > 0) {
		big->crc = crc32(big->crc, (Bytef *)buf, (uInt)n);
		big->total += (guint64)n;
	}
	return n == 0;
}

static void
test_read_large(void)
{
	GString *chunk = g_string_new(NULL);
	struct piece p[3];
	struct dr_limits lim;
	struct big big = { 0, 0 };
	GError *error = NULL;
	guint32 crc;
	GBytes *gz;
	guint i, reps;

	for (i = 0; chunk->len < 60 * 1024; i++)
		g_string_append_printf(chunk, "<record><row><source_ip>"
		    "10.%u.%u.%u</source_ip><count>%u</count></row>"
		    "</record>\n", i % 251, i % 241, i % 239, i * 7919);
	reps = 50 * MIB / chunk->len;
	p[0] = (struct piece){ "<feedback>\n", 11, 1 };
	p[1] = (struct piece){ chunk->str, chunk->len, reps };
	p[2] = (struct piece){ "</feedback>\n", 12, 1 };
	gz = deflate_pieces(p, 3, 16 + MAX_WBITS, 1);

	crc = crc32(0, (Bytef *)p[0].data, (uInt)p[0].len);
	for (i = 0; i < reps; i++)
		crc = crc32(crc, (Bytef *)chunk->str, (uInt)chunk->len);
	crc = crc32(crc, (Bytef *)p[2].data, (uInt)p[2].len);

	limits_init(&lim);
	big.crc = crc32(0, NULL, 0);
	g_assert_true(dr_unpack(g_bytes_get_data(gz, NULL),
	    g_bytes_get_size(gz), "big", &lim, big_cb, &big, NULL, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(big.total, ==, 23 + (guint64)reps * chunk->len);
	g_assert_cmpuint(big.crc, ==, crc);

	g_bytes_unref(gz);
	g_string_free(chunk, TRUE);
}

/* The shared corpus */

struct corpus_case {
	const char	*file;
	guint		 streams;
};

static const struct corpus_case corpus_cases[] = {
	{ "desdic__valid.xml.gz", 1 },
	{ "mozaic__trailing_garbage1.xml.gz", 1 },
	{ "mozaic__trailing_garbage2.xml.gz", 1 },
	{ "gstarcher__aol.com!georgestarcher.com!1342497600!1342584000.zlib",
	    1 },
	{ "gstarcher__aol.com!georgestarcher.com!1342497600!1342584000.zip",
	    1 },
	{ "stuartmx__multiple_reports.zip", 3 },
	{ "stuartmx__multiple-invalid-directory-with-valid.zip", 3 },
	{ "stuartmx__dmarc-sample-1.xml.zip", 1 },
	{ "maildmarc__test_dmarc.xml.zip", 1 },
	{ "dmarccat__bad.zip", 0 },
	{ "desdic__corrupt.zip", 0 },
	{ "desdic__corrupt.xml.gz", 0 },
	{ "parsedmarc__nice-input.xml.zip", 1 },
	{ "rkulik__dmarc-report.gz", 1 },
};

static gboolean
starts_like_xml(GBytes *b)
{
	const guint8 *p = g_bytes_get_data(b, NULL);
	gsize len = g_bytes_get_size(b), i = 0;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && g_ascii_isspace(p[i]))
		i++;
	return i < len && p[i] == '<';
}

static void
test_corpus(void)
{
	char *dir = dr_test_corpus();
	gsize i;
	guint k;

	if (dir == NULL)
		return;
	for (i = 0; i < G_N_ELEMENTS(corpus_cases); i++) {
		const struct corpus_case *cc = &corpus_cases[i];
		char *path = g_build_filename(dir, cc->file, NULL);
		GError *error = NULL;
		struct collect c;
		gboolean ok;
		char *data;
		gsize len;
		GBytes *b;

		g_test_message("%s", cc->file);
		if (!g_file_get_contents(path, &data, &len, &error))
			g_error("%s", error->message);
		b = g_bytes_new_take(data, len);
		ok = run(b, cc->file, NULL, &c, 0, &error);
		g_assert_no_error(error);
		g_assert_true(ok);
		g_assert_cmpuint(c.data->len, ==, cc->streams);
		for (k = 0; k < c.data->len; k++)
			g_assert_true(starts_like_xml(
			    g_ptr_array_index(c.data, k)));
		collect_clear(&c);
		g_bytes_unref(b);
		g_free(path);
	}
	g_free(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	g_test_add_func("/unpack/sniff", test_sniff);
	g_test_add_func("/unpack/xml/plain", test_xml_plain);
	g_test_add_func("/unpack/xml/empty", test_xml_empty);
	g_test_add_func("/unpack/unknown", test_unknown);
	g_test_add_func("/unpack/gzip/simple", test_gzip);
	g_test_add_func("/unpack/gzip/multi-member", test_gzip_multi_member);
	g_test_add_func("/unpack/gzip/trailing-garbage",
	    test_gzip_trailing_garbage);
	g_test_add_func("/unpack/gzip/in-gzip", test_gzip_in_gzip);
	g_test_add_func("/unpack/gzip/corrupt", test_gzip_corrupt);
	g_test_add_func("/unpack/gzip/truncated", test_gzip_truncated);
	g_test_add_func("/unpack/zlib/simple", test_zlib);
	g_test_add_func("/unpack/zlib/in-gzip", test_zlib_in_gzip);
	g_test_add_func("/unpack/zlib/corrupt", test_zlib_corrupt);
	g_test_add_func("/unpack/zlib/truncated", test_zlib_truncated);
	g_test_add_func("/unpack/zlib/text-lookalike", test_zlib_lookalike);
	g_test_add_func("/unpack/zlib/lookalike-inside",
	    test_zlib_lookalike_inside);
	g_test_add_func("/unpack/zlib/binary-broken-early",
	    test_zlib_binary_broken_early);
	g_test_add_func("/unpack/zip/members", test_zip_members);
	g_test_add_func("/unpack/zip/junk-entries", test_zip_junk_entries);
	g_test_add_func("/unpack/zip/empty-name", test_zip_empty_name);
	g_test_add_func("/unpack/zip/empty", test_zip_empty);
	g_test_add_func("/unpack/zip/in-gzip", test_zip_in_gzip);
	g_test_add_func("/unpack/zip/gzip-member", test_gzip_in_zip);
	g_test_add_func("/unpack/zip/in-zip", test_zip_in_zip);
	g_test_add_func("/unpack/zip/corrupt", test_zip_corrupt);
	g_test_add_func("/unpack/zip/bad-crc", test_zip_bad_crc);
	g_test_add_func("/unpack/zip/encrypted", test_zip_encrypted);
	g_test_add_func("/unpack/limits/ratio", test_limit_ratio);
	g_test_add_func("/unpack/limits/absolute", test_limit_absolute);
	g_test_add_func("/unpack/limits/zip-members", test_limit_zip_members);
	g_test_add_func("/unpack/limits/buffered-zips",
	    test_limit_buffered_zips);
	g_test_add_func("/unpack/limits/nesting", test_limit_nesting);
	g_test_add_func("/unpack/limits/deadline", test_limit_deadline);
	g_test_add_func("/unpack/callback/error", test_callback_error);
	g_test_add_func("/unpack/callback/read-error",
	    test_callback_read_error);
	g_test_add_func("/unpack/read/one-byte", test_read_one_byte);
	g_test_add_func("/unpack/read/large", test_read_large);
	g_test_add_func("/unpack/corpus", test_corpus);
	return g_test_run();
}
