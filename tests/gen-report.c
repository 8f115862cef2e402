/*
 * gen-report.c - generate DMARC aggregate report mails for tests and
 * benchmarks.
 *
 *	gen-report [--records N] [--seed N] [--container gzip|zip|xml|zlib]
 *	    [--layout attachment|body|bare] [--schema rfc7489|rfc9990] ...
 *	gen-report --count N --out-dir DIR [...]
 *	gen-report --print-totals [--count N] [...]
 *
 * The end-to-end tests and the benchmarks need report mails of any size
 * and shape without shipping them: this program writes one mail (or the
 * bare container file) to standard output, or N distinct mails into
 * DIR/000001.eml ...  Every random choice (source IPs, counts, results,
 * subdomains, published policy) comes from g_rand_new_with_seed(seed),
 * so the same options always give byte-identical output.  File i of
 * --count (counting from 0) uses seed + i and its own report id, so
 * file 000001.eml is what the same options write to standard output.
 *
 * --print-totals writes nothing but "records=N messages=M": the number
 * of <record> elements and the sum of their <count> values over all the
 * mails these options would produce, so a test can compare them with
 * what was stored.
 *
 * Memory stays modest at any size: the XML is produced in chunks of
 * CHUNK_SIZE bytes and each chunk goes straight through zlib and the
 * base64 encoder to the output.  Only a zip is held in memory (its
 * compressed member, or the whole XML for --zip-method stored), because
 * the local header carries the sizes and CRC in front of the data.
 *
 * The mail is what receivers send: multipart/mixed with a short text
 * part and the report as a base64 attachment, or (--layout body) a
 * single part whose whole body is the report, as Google does; --layout
 * bare writes the container file itself (and names --out-dir files
 * 000001.xml.gz ... after the container).  The receiver is always
 * "receiver.example"; the Date is two hours after the end of the range.
 *
 * Records mix what real reports hold: about 10% IPv6 sources, counts
 * mostly below 10 with a few large senders, header_from the domain or
 * one of its subdomains, envelope_from now and then absent, one or two
 * DKIM results and one SPF result that agree with policy_evaluated, and
 * quarantine or reject (or an override reason) only where both fail.
 *
 * Exit status: 0 on success, 1 when writing fails, 2 on a usage error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <zlib.h>

#define RECEIVER	"receiver.example"
#define SENDER		"noreply-dmarc@" RECEIVER
#define BOUNDARY	"=_gen-report_0123456789"
#define GENERATOR	"dmarc-rua gen-report"

#define CHUNK_SIZE	(64 * 1024)	/* XML flushed to zlib at this size */
#define ZBUF_SIZE	(16 * 1024)	/* deflate output per call */
#define B64_IN		(48 * 1024)	/* base64 input per encode step */
#define B64_LINE	76
#define MAX_RECORDS	G_GUINT64_CONSTANT(100000000)
#define MAX_COUNT	999999		/* file names have six digits */
#define MAX_EPOCH	G_GUINT64_CONSTANT(32503680000)	/* 3000-01-01 */
#define ZIP_MAX		G_GUINT64_CONSTANT(0xffffffff)	/* no zip64 */

enum container {
	CONTAINER_GZIP,
	CONTAINER_ZIP,
	CONTAINER_XML,
	CONTAINER_ZLIB,
};

enum layout {
	LAYOUT_ATTACHMENT,
	LAYOUT_BODY,
	LAYOUT_BARE,
};

enum schema {
	SCHEMA_RFC7489,
	SCHEMA_RFC9990,
};

struct opts {
	guint64		 records;
	guint32		 seed;
	const char	*to;
	const char	*domain;
	const char	*org;
	const char	*report_id;	/* NULL: derived from seed */
	gint64		 begin;
	gint64		 end;
	enum container	 container;
	gboolean	 zip_stored;
	enum layout	 layout;
	enum schema	 schema;
	gboolean	 crlf;
	gboolean	 mbox_from;
	guint		 count;
	const char	*out_dir;	/* NULL: standard output */
	gboolean	 print_totals;
};

struct totals {
	guint64		 records;
	guint64		 messages;
};

/*
 * Where the packed report goes: raw (bare layout), base64 in lines of
 * B64_LINE characters (mail), or nowhere (--print-totals).
 */
struct out {
	FILE		*fp;		/* NULL: discard */
	const char	*eol;
	gboolean	 base64;
	int		 b64_state;
	int		 b64_save;
	size_t		 col;		/* characters on the base64 line */
};

/* Turns XML chunks into the container bytes, see pack_*(). */
struct packer {
	enum container	 container;
	gboolean	 zip_stored;
	struct out	*out;
	z_stream	 zs;
	gboolean	 zs_live;
	gz_header	 gz;
	GByteArray	*zip_data;	/* zip member data, until the end */
	uLong		 crc;
	guint64		 xml_size;
	char		*member;	/* zip member and gzip file name */
	gint64		 mtime;
};

/* One report: its strings, XML-escaped where they go into the XML. */
struct report {
	const struct opts *o;
	guint32		 seed;
	GRand		*rand;
	char		*id;
	char		*file_name;	/* attachment name, with extension */
	char		*member;	/* receiver!domain!begin!end.xml */
	char		*id_x;
	char		*org_x;
	char		*domain_x;
	char		*bounce_x;	/* aligned envelope domain */
	char		*sub_x[3];	/* header_from subdomains */
	const char	*p;
	const char	*sp;
	const char	*np;
	const char	*adkim;
	const char	*aspf;
};

static const char *const subdomains[] = { "mail", "news", "em" };

static const char *const third_parties[] = {
	"esp.example.net", "mailer.example.org", "bulk.example",
	"crm.example.net", "forwarder.example",
};

static const char *const selectors[] = {
	"s1", "google", "selector1", "k1", "20230601", "mail",
};

static const char *const v6_prefixes[] = {
	"2001:db8", "2a00:1450", "2607:f8b0", "2a01:111",
};

static const char *const week_days[] = {
	"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
};

static const char *const months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static const char *const container_ext[] = {
	[CONTAINER_GZIP] = ".xml.gz",
	[CONTAINER_ZIP] = ".zip",
	[CONTAINER_XML] = ".xml",
	[CONTAINER_ZLIB] = ".xml.zlib",
};

static const char *const container_type[] = {
	[CONTAINER_GZIP] = "application/gzip",
	[CONTAINER_ZIP] = "application/zip",
	[CONTAINER_XML] = "text/xml",
	[CONTAINER_ZLIB] = "application/octet-stream",
};

#define GEN_ERROR	gen_error_quark()
G_DEFINE_QUARK(gen-report-error-quark, gen_error)

enum {
	GEN_ERROR_USAGE,
	GEN_ERROR_IO,
	GEN_ERROR_ZLIB,
	GEN_ERROR_TOO_LARGE,
};

/*
 * Output.
 */

static void
out_raw(struct out *out, const void *buf, size_t len)
{
	if (out->fp != NULL && len > 0)
		fwrite(buf, 1, len, out->fp);
}

static void
out_str(struct out *out, const char *s)
{
	out_raw(out, s, strlen(s));
}

static void G_GNUC_PRINTF(2, 3)
out_line(struct out *out, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	out_str(out, s);
	out_str(out, out->eol);
	g_free(s);
}

/* Writes base64 characters, breaking lines at B64_LINE. */
static void
out_wrap(struct out *out, const char *s, size_t len)
{
	size_t n;

	while (len > 0) {
		n = MIN(len, B64_LINE - out->col);
		out_raw(out, s, n);
		s += n;
		len -= n;
		out->col += n;
		if (out->col == B64_LINE) {
			out_str(out, out->eol);
			out->col = 0;
		}
	}
}

/* Writes packed bytes: raw, or base64-encoded in the mail. */
static void
out_data(struct out *out, const void *buf, size_t len)
{
	const guchar *p = buf;
	char enc[(B64_IN / 3 + 1) * 4 + 4];
	size_t n;

	if (out->fp == NULL)
		return;
	if (!out->base64) {
		out_raw(out, buf, len);
		return;
	}
	while (len > 0) {
		n = MIN(len, B64_IN);
		out_wrap(out, enc, g_base64_encode_step(p, n, FALSE, enc,
		    &out->b64_state, &out->b64_save));
		p += n;
		len -= n;
	}
}

static void
out_data_end(struct out *out)
{
	char enc[8];

	if (out->fp == NULL || !out->base64)
		return;
	out_wrap(out, enc, g_base64_encode_close(FALSE, enc,
	    &out->b64_state, &out->b64_save));
	if (out->col > 0) {
		out_str(out, out->eol);
		out->col = 0;
	}
}

/*
 * Packing: XML chunks in, container bytes out.
 */

static void
put_le16(GByteArray *a, guint v)
{
	guint8 b[2] = { v & 0xff, (v >> 8) & 0xff };

	g_byte_array_append(a, b, sizeof(b));
}

static void
put_le32(GByteArray *a, guint64 v)
{
	guint8 b[4] = {
		v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff
	};

	g_byte_array_append(a, b, sizeof(b));
}

static gboolean
pack_init(struct packer *pk, const struct report *rep, struct out *out,
    GError **error)
{
	const struct opts *o = rep->o;
	int bits, rc;

	memset(pk, 0, sizeof(*pk));
	/* Nothing to pack when only counting. */
	pk->container = out->fp != NULL ? o->container : CONTAINER_XML;
	pk->zip_stored = o->zip_stored;
	pk->out = out;
	pk->member = g_strdup(rep->member);
	pk->mtime = o->begin;
	pk->crc = crc32(0L, Z_NULL, 0);
	switch (pk->container) {
	case CONTAINER_XML:
		return TRUE;
	case CONTAINER_GZIP:
		bits = MAX_WBITS + 16;
		break;
	case CONTAINER_ZLIB:
		bits = MAX_WBITS;
		break;
	case CONTAINER_ZIP:
		pk->zip_data = g_byte_array_new();
		if (pk->zip_stored)
			return TRUE;
		bits = -MAX_WBITS;
		break;
	default:
		g_assert_not_reached();
	}
	rc = deflateInit2(&pk->zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, bits,
	    8, Z_DEFAULT_STRATEGY);
	if (rc != Z_OK) {
		g_set_error(error, GEN_ERROR, GEN_ERROR_ZLIB,
		    "deflateInit2 failed: %d", rc);
		return FALSE;
	}
	pk->zs_live = TRUE;
	if (pk->container == CONTAINER_GZIP) {
		/* Named and dated like a real report.xml.gz; fixed OS. */
		pk->gz.name = (Bytef *)pk->member;
		pk->gz.time = pk->mtime <= G_MAXUINT32 ? (uLong)pk->mtime : 0;
		pk->gz.os = 3;
		deflateSetHeader(&pk->zs, &pk->gz);
	}
	return TRUE;
}

/* Runs deflate over the input and passes its output on. */
static gboolean
pack_deflate(struct packer *pk, const void *buf, size_t len, int flush,
    GError **error)
{
	unsigned char zbuf[ZBUF_SIZE];
	size_t have;
	int rc;

	pk->zs.next_in = (Bytef *)buf;
	pk->zs.avail_in = len;
	do {
		pk->zs.next_out = zbuf;
		pk->zs.avail_out = sizeof(zbuf);
		rc = deflate(&pk->zs, flush);
		if (rc == Z_STREAM_ERROR) {
			g_set_error(error, GEN_ERROR, GEN_ERROR_ZLIB,
			    "deflate failed: %d", rc);
			return FALSE;
		}
		have = sizeof(zbuf) - pk->zs.avail_out;
		if (pk->zip_data != NULL)
			g_byte_array_append(pk->zip_data, zbuf, have);
		else
			out_data(pk->out, zbuf, have);
	} while (pk->zs.avail_out == 0 ||
	    (flush == Z_FINISH && rc != Z_STREAM_END));
	return TRUE;
}

static gboolean
pack_write(struct packer *pk, const void *buf, size_t len, GError **error)
{
	pk->xml_size += len;
	if (pk->container == CONTAINER_ZIP) {
		if (pk->xml_size > ZIP_MAX) {
			g_set_error(error, GEN_ERROR, GEN_ERROR_TOO_LARGE,
			    "the XML is over 4 GiB, too large for a zip "
			    "without zip64");
			return FALSE;
		}
		pk->crc = crc32(pk->crc, buf, len);
		if (pk->zip_stored) {
			g_byte_array_append(pk->zip_data, buf, len);
			return TRUE;
		}
	}
	if (pk->container == CONTAINER_XML) {
		out_data(pk->out, buf, len);
		return TRUE;
	}
	return pack_deflate(pk, buf, len, Z_NO_FLUSH, error);
}

/* The MS-DOS time and date of a zip entry, in UTC. */
static void
dos_time(gint64 t, guint *dtime, guint *ddate)
{
	GDateTime *dt;

	dt = g_date_time_new_from_unix_utc(t);
	if (dt == NULL || g_date_time_get_year(dt) < 1980 ||
	    g_date_time_get_year(dt) > 2107) {
		*dtime = 0;
		*ddate = (1 << 5) | 1;	/* 1980-01-01 */
	} else {
		*dtime = (g_date_time_get_hour(dt) << 11) |
		    (g_date_time_get_minute(dt) << 5) |
		    (g_date_time_get_second(dt) / 2);
		*ddate = ((g_date_time_get_year(dt) - 1980) << 9) |
		    (g_date_time_get_month(dt) << 5) |
		    g_date_time_get_day_of_month(dt);
	}
	if (dt != NULL)
		g_date_time_unref(dt);
}

/*
 * Writes one zip file header: the local one (central == FALSE) or the
 * central directory one.  Version 2.0 is needed for deflate, 1.0 for a
 * stored member; "made by" says Unix so the mode in the external
 * attributes is read.
 */
static void
zip_header(GByteArray *a, const struct packer *pk, gboolean central)
{
	size_t name_len = strlen(pk->member);
	guint method = pk->zip_stored ? 0 : 8;
	guint version = pk->zip_stored ? 10 : 20;
	guint flags = 0;
	guint dtime, ddate;
	size_t i;

	for (i = 0; i < name_len; i++)
		if ((guchar)pk->member[i] >= 0x80)
			flags |= 1 << 11;	/* the name is UTF-8 */
	dos_time(pk->mtime, &dtime, &ddate);
	put_le32(a, central ? 0x02014b50 : 0x04034b50);
	if (central)
		put_le16(a, (3 << 8) | version);
	put_le16(a, version);
	put_le16(a, flags);
	put_le16(a, method);
	put_le16(a, dtime);
	put_le16(a, ddate);
	put_le32(a, pk->crc);
	put_le32(a, pk->zip_data->len);
	put_le32(a, pk->xml_size);
	put_le16(a, name_len);
	put_le16(a, 0);			/* extra field length */
	if (central) {
		put_le16(a, 0);		/* comment length */
		put_le16(a, 0);		/* disk number */
		put_le16(a, 1);		/* internal attributes: text */
		put_le32(a, (guint64)0100644 << 16);
		put_le32(a, 0);		/* local header offset */
	}
	g_byte_array_append(a, (const guint8 *)pk->member, name_len);
}

static void
zip_write(struct packer *pk)
{
	GByteArray *a = g_byte_array_new();
	guint64 cd_offset, cd_size;

	zip_header(a, pk, FALSE);
	out_data(pk->out, a->data, a->len);
	out_data(pk->out, pk->zip_data->data, pk->zip_data->len);
	cd_offset = a->len + pk->zip_data->len;
	g_byte_array_set_size(a, 0);
	zip_header(a, pk, TRUE);
	cd_size = a->len;
	put_le32(a, 0x06054b50);
	put_le16(a, 0);			/* this disk */
	put_le16(a, 0);			/* disk with the directory */
	put_le16(a, 1);			/* entries on this disk */
	put_le16(a, 1);			/* entries */
	put_le32(a, cd_size);
	put_le32(a, cd_offset);
	put_le16(a, 0);			/* comment length */
	out_data(pk->out, a->data, a->len);
	g_byte_array_free(a, TRUE);
}

static gboolean
pack_finish(struct packer *pk, GError **error)
{
	if (pk->zs_live && !pack_deflate(pk, NULL, 0, Z_FINISH, error))
		return FALSE;
	if (pk->container == CONTAINER_ZIP)
		zip_write(pk);
	return TRUE;
}

static void
pack_free(struct packer *pk)
{
	if (pk->zs_live)
		deflateEnd(&pk->zs);
	if (pk->zip_data != NULL)
		g_byte_array_free(pk->zip_data, TRUE);
	g_free(pk->member);
}

/*
 * The report XML.
 */

static char *
xml_escape(const char *s)
{
	GString *x = g_string_sized_new(strlen(s) + 16);

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<':
			g_string_append(x, "&lt;");
			break;
		case '>':
			g_string_append(x, "&gt;");
			break;
		case '&':
			g_string_append(x, "&amp;");
			break;
		case '"':
			g_string_append(x, "&quot;");
			break;
		case '\'':
			g_string_append(x, "&apos;");
			break;
		default:
			g_string_append_c(x, *s);
			break;
		}
	}
	return g_string_free(x, FALSE);
}

static gboolean
chance(GRand *r, int percent)
{
	return g_rand_int_range(r, 0, 100) < percent;
}

static const char *
pick(GRand *r, const char *const *list, size_t n)
{
	return list[g_rand_int_range(r, 0, (gint32)n)];
}

#define PICK(r, list)	pick((r), (list), G_N_ELEMENTS(list))

static const char *
pick_policy(GRand *r)
{
	int k = g_rand_int_range(r, 0, 100);

	if (k < 40)
		return "none";
	return k < 75 ? "quarantine" : "reject";
}

static void
random_ip(GRand *r, char *buf, size_t size)
{
	const char *prefix;
	int a;

	if (chance(r, 10)) {
		prefix = PICK(r, v6_prefixes);
		g_snprintf(buf, size, "%s:%x:%x::%x", prefix,
		    g_rand_int_range(r, 0, 0x10000),
		    g_rand_int_range(r, 0, 0x10000),
		    g_rand_int_range(r, 1, 0x10000));
		return;
	}
	/* Public-looking unicast: no 0/8, 10/8, 127/8 or multicast. */
	do {
		a = g_rand_int_range(r, 1, 224);
	} while (a == 10 || a == 127);
	g_snprintf(buf, size, "%d.%d.%d.%d", a, g_rand_int_range(r, 0, 256),
	    g_rand_int_range(r, 0, 256), g_rand_int_range(r, 1, 255));
}

/* Mostly a handful of messages, now and then a big sender. */
static gint32
random_count(GRand *r)
{
	int k = g_rand_int_range(r, 0, 100);

	if (k < 70)
		return g_rand_int_range(r, 1, 11);
	if (k < 95)
		return g_rand_int_range(r, 11, 201);
	return g_rand_int_range(r, 201, 1001);
}

static const char *
spf_human(const char *result)
{
	if (strcmp(result, "pass") == 0)
		return "sender IP is authorized";
	if (strcmp(result, "none") == 0)
		return "no SPF record";
	return "sender IP is not authorized";
}

static void
append_head(GString *x, const struct report *rep)
{
	const struct opts *o = rep->o;
	gboolean bis = o->schema == SCHEMA_RFC9990;

	g_string_append(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	g_string_append(x, bis ? "<feedback xmlns="
	    "\"urn:ietf:params:xml:ns:dmarc-2.0\">\n" : "<feedback>\n");
	g_string_append(x, "  <version>1.0</version>\n");
	g_string_append_printf(x,
	    "  <report_metadata>\n"
	    "    <org_name>%s</org_name>\n"
	    "    <email>" SENDER "</email>\n"
	    "    <report_id>%s</report_id>\n"
	    "    <date_range>\n"
	    "      <begin>%" G_GINT64_FORMAT "</begin>\n"
	    "      <end>%" G_GINT64_FORMAT "</end>\n"
	    "    </date_range>\n",
	    rep->org_x, rep->id_x, o->begin, o->end);
	if (bis)
		g_string_append(x, "    <generator>" GENERATOR
		    "</generator>\n");
	g_string_append_printf(x,
	    "  </report_metadata>\n"
	    "  <policy_published>\n"
	    "    <domain>%s</domain>\n"
	    "    <adkim>%s</adkim>\n"
	    "    <aspf>%s</aspf>\n"
	    "    <p>%s</p>\n"
	    "    <sp>%s</sp>\n",
	    rep->domain_x, rep->adkim, rep->aspf, rep->p, rep->sp);
	if (bis)
		g_string_append_printf(x,
		    "    <np>%s</np>\n"
		    "    <testing>n</testing>\n"
		    "    <discovery_method>treewalk</discovery_method>\n",
		    rep->np);
	else
		g_string_append(x,
		    "    <pct>100</pct>\n"
		    "    <fo>0</fo>\n");
	g_string_append(x, "  </policy_published>\n");
}

/*
 * One <record>.  The policy_evaluated verdicts are drawn first and the
 * identifiers and auth_results are made to agree with them, so that
 * the alignment a reader derives matches what the reporter claims.
 */
static void
append_record(GString *x, struct report *rep, struct totals *tot)
{
	static const char *const reasons7489[] = {
		"forwarded", "local_policy", "mailing_list",
		"trusted_forwarder",
	};
	static const char *const reasons9990[] = {
		"local_policy", "mailing_list", "trusted_forwarder",
	};
	static const char *const spf_fails[] = {
		"fail", "softfail", "neutral", "none", "temperror",
	};
	GRand *r = rep->rand;
	gboolean bis = rep->o->schema == SCHEMA_RFC9990;
	char ip[64];
	gint32 count;
	gboolean dkim_ok, spf_ok;
	const char *hf, *env, *disp, *reason = NULL, *spf_domain, *spf_res;
	const char *dkim_domain, *dkim_res;
	gboolean foreign = FALSE;
	int i, ndkim;

	random_ip(r, ip, sizeof(ip));
	count = random_count(r);
	dkim_ok = chance(r, 70);
	spf_ok = chance(r, 65);
	hf = chance(r, 85) ? rep->domain_x :
	    rep->sub_x[g_rand_int_range(r, 0, G_N_ELEMENTS(rep->sub_x))];
	if (dkim_ok || spf_ok)
		disp = bis ? "pass" : "none";
	else if (strcmp(rep->p, "none") == 0 || chance(r, 20)) {
		disp = "none";
		if (strcmp(rep->p, "none") != 0)
			reason = bis ? PICK(r, reasons9990) :
			    PICK(r, reasons7489);
	} else if (strcmp(rep->p, "reject") == 0 && chance(r, 15))
		disp = "quarantine";	/* receivers soften rejects at will */
	else
		disp = rep->p;

	if (chance(r, 15))
		env = NULL;
	else if (spf_ok)
		env = chance(r, 60) ? hf : rep->bounce_x;
	else if (chance(r, 70)) {
		env = PICK(r, third_parties);
		foreign = TRUE;
	} else
		env = hf;
	spf_domain = env != NULL ? env : hf;
	if (spf_ok)
		spf_res = "pass";
	else if (foreign && chance(r, 60))
		spf_res = "pass";	/* the third party's own domain */
	else
		spf_res = PICK(r, spf_fails);

	g_string_append_printf(x,
	    "  <record>\n"
	    "    <row>\n"
	    "      <source_ip>%s</source_ip>\n"
	    "      <count>%" G_GINT32_FORMAT "</count>\n"
	    "      <policy_evaluated>\n"
	    "        <disposition>%s</disposition>\n"
	    "        <dkim>%s</dkim>\n"
	    "        <spf>%s</spf>\n",
	    ip, count, disp, dkim_ok ? "pass" : "fail",
	    spf_ok ? "pass" : "fail");
	if (reason != NULL)
		g_string_append_printf(x,
		    "        <reason>\n"
		    "          <type>%s</type>\n"
		    "        </reason>\n", reason);
	g_string_append(x,
	    "      </policy_evaluated>\n"
	    "    </row>\n"
	    "    <identifiers>\n");
	if (env != NULL)
		g_string_append_printf(x,
		    "      <envelope_from>%s</envelope_from>\n", env);
	g_string_append_printf(x,
	    "      <header_from>%s</header_from>\n"
	    "    </identifiers>\n"
	    "    <auth_results>\n", hf);

	ndkim = chance(r, 30) ? 2 : 1;
	for (i = 0; i < ndkim; i++) {
		if (i == 0 && dkim_ok) {
			dkim_domain = hf;
			dkim_res = "pass";
		} else if (i == 0 && chance(r, 50)) {
			dkim_domain = hf;
			dkim_res = chance(r, 80) ? "fail" : "temperror";
		} else {
			dkim_domain = PICK(r, third_parties);
			dkim_res = chance(r, 85) ? "pass" : "fail";
		}
		g_string_append_printf(x,
		    "      <dkim>\n"
		    "        <domain>%s</domain>\n", dkim_domain);
		if (bis || chance(r, 85))
			g_string_append_printf(x,
			    "        <selector>%s</selector>\n",
			    PICK(r, selectors));
		g_string_append_printf(x,
		    "        <result>%s</result>\n"
		    "      </dkim>\n", dkim_res);
	}
	g_string_append_printf(x,
	    "      <spf>\n"
	    "        <domain>%s</domain>\n"
	    "        <scope>mfrom</scope>\n"
	    "        <result>%s</result>\n", spf_domain, spf_res);
	if (bis)
		g_string_append_printf(x,
		    "        <human_result>%s</human_result>\n",
		    spf_human(spf_res));
	g_string_append(x,
	    "      </spf>\n"
	    "    </auth_results>\n"
	    "  </record>\n");
	tot->records++;
	tot->messages += count;
}

/* Generates the whole XML and hands it to the packer chunk by chunk. */
static gboolean
write_xml(struct report *rep, struct packer *pk, struct totals *tot,
    GError **error)
{
	GString *x = g_string_sized_new(CHUNK_SIZE + 4096);
	gboolean ok = TRUE;
	guint64 i;

	append_head(x, rep);
	for (i = 0; ok && i < rep->o->records; i++) {
		append_record(x, rep, tot);
		if (x->len >= CHUNK_SIZE) {
			ok = pack_write(pk, x->str, x->len, error);
			g_string_truncate(x, 0);
		}
	}
	if (ok) {
		g_string_append(x, "</feedback>\n");
		ok = pack_write(pk, x->str, x->len, error) &&
		    pack_finish(pk, error);
	}
	g_string_free(x, TRUE);
	return ok;
}

/*
 * The mail around it.
 */

static GDateTime *
mail_date(const struct opts *o)
{
	/* Sent two hours after the end of the range, as reporters do. */
	return g_date_time_new_from_unix_utc(o->end + 1 + 7200);
}

static void
write_mbox_from(struct out *out, const struct opts *o)
{
	GDateTime *dt = mail_date(o);

	out_line(out, "From " SENDER " %s %s %2d %02d:%02d:%02d %d",
	    week_days[g_date_time_get_day_of_week(dt) - 1],
	    months[g_date_time_get_month(dt) - 1],
	    g_date_time_get_day_of_month(dt), g_date_time_get_hour(dt),
	    g_date_time_get_minute(dt), g_date_time_get_second(dt),
	    g_date_time_get_year(dt));
	g_date_time_unref(dt);
}

/* A Message-ID needs an atext local part: anything else becomes '-'. */
static char *
msgid_part(const char *s)
{
	char *p, *r = g_strdup(s);

	for (p = r; *p != '\0'; p++)
		if (!g_ascii_isalnum(*p) && strchr(".-_+=", *p) == NULL)
			*p = '-';
	return r;
}

static void
write_headers(struct out *out, const struct report *rep)
{
	const struct opts *o = rep->o;
	GDateTime *dt = mail_date(o);
	char *mid = msgid_part(rep->id);

	out_line(out, "From: " SENDER);
	out_line(out, "To: %s", o->to);
	out_line(out, "Subject: Report Domain: %s Submitter: " RECEIVER
	    " Report-ID: %s", o->domain, rep->id);
	out_line(out, "Date: %s, %02d %s %d %02d:%02d:%02d +0000",
	    week_days[g_date_time_get_day_of_week(dt) - 1],
	    g_date_time_get_day_of_month(dt),
	    months[g_date_time_get_month(dt) - 1], g_date_time_get_year(dt),
	    g_date_time_get_hour(dt), g_date_time_get_minute(dt),
	    g_date_time_get_second(dt));
	out_line(out, "Message-ID: <gen-%" G_GUINT32_FORMAT "-%s@" RECEIVER
	    ">", rep->seed, mid);
	out_line(out, "MIME-Version: 1.0");
	g_date_time_unref(dt);
	g_free(mid);
}

static void
write_part_headers(struct out *out, const struct report *rep)
{
	out_line(out, "Content-Type: %s;", container_type[rep->o->container]);
	out_line(out, "\tname=\"%s\"", rep->file_name);
	out_line(out, "Content-Transfer-Encoding: base64");
	out_line(out, "Content-Disposition: attachment;");
	out_line(out, "\tfilename=\"%s\"", rep->file_name);
	out_line(out, "%s", "");
}

static void
write_mail_head(struct out *out, const struct report *rep)
{
	const struct opts *o = rep->o;

	if (o->mbox_from)
		write_mbox_from(out, o);
	write_headers(out, rep);
	if (o->layout == LAYOUT_BODY) {
		write_part_headers(out, rep);
		return;
	}
	out_line(out, "Content-Type: multipart/mixed;");
	out_line(out, "\tboundary=\"" BOUNDARY "\"");
	out_line(out, "%s", "");
	out_line(out, "This is a multi-part message in MIME format.");
	out_line(out, "%s", "");
	out_line(out, "--" BOUNDARY);
	out_line(out, "Content-Type: text/plain; charset=utf-8");
	out_line(out, "Content-Transfer-Encoding: 8bit");
	out_line(out, "%s", "");
	out_line(out, "This is a DMARC aggregate report for %s", o->domain);
	out_line(out, "sent by " RECEIVER ", report id %s.", rep->id);
	out_line(out, "%s", "");
	out_line(out, "--" BOUNDARY);
	write_part_headers(out, rep);
}

static void
write_mail_tail(struct out *out, const struct report *rep)
{
	if (rep->o->layout == LAYOUT_ATTACHMENT)
		out_line(out, "--" BOUNDARY "--");
}

static void
report_init(struct report *rep, const struct opts *o, guint idx)
{
	size_t i;

	memset(rep, 0, sizeof(*rep));
	rep->o = o;
	rep->seed = o->seed + (idx - 1);
	rep->rand = g_rand_new_with_seed(rep->seed);
	if (o->report_id == NULL)
		rep->id = g_strdup_printf("gen-%" G_GUINT32_FORMAT "-%u",
		    o->seed, idx);
	else if (o->count > 1)
		rep->id = g_strdup_printf("%s-%u", o->report_id, idx);
	else
		rep->id = g_strdup(o->report_id);
	rep->member = g_strdup_printf(RECEIVER "!%s!%" G_GINT64_FORMAT
	    "!%" G_GINT64_FORMAT ".xml", o->domain, o->begin, o->end);
	rep->file_name = g_strdup_printf(RECEIVER "!%s!%" G_GINT64_FORMAT
	    "!%" G_GINT64_FORMAT "%s", o->domain, o->begin, o->end,
	    container_ext[o->container]);
	rep->id_x = xml_escape(rep->id);
	rep->org_x = xml_escape(o->org);
	rep->domain_x = xml_escape(o->domain);
	for (i = 0; i < G_N_ELEMENTS(rep->sub_x); i++) {
		char *sub = g_strdup_printf("%s.%s", subdomains[i], o->domain);

		rep->sub_x[i] = xml_escape(sub);
		g_free(sub);
	}
	rep->bounce_x = g_strdup_printf("bounces.%s", rep->domain_x);
	rep->p = pick_policy(rep->rand);
	rep->sp = chance(rep->rand, 70) ? rep->p : pick_policy(rep->rand);
	rep->np = chance(rep->rand, 70) ? rep->p : pick_policy(rep->rand);
	rep->adkim = chance(rep->rand, 85) ? "r" : "s";
	rep->aspf = chance(rep->rand, 85) ? "r" : "s";
}

static void
report_clear(struct report *rep)
{
	size_t i;

	g_rand_free(rep->rand);
	g_free(rep->id);
	g_free(rep->member);
	g_free(rep->file_name);
	g_free(rep->id_x);
	g_free(rep->org_x);
	g_free(rep->domain_x);
	for (i = 0; i < G_N_ELEMENTS(rep->sub_x); i++)
		g_free(rep->sub_x[i]);
	g_free(rep->bounce_x);
}

/* Writes report number idx (from 1) to fp, or only counts it. */
static gboolean
generate(const struct opts *o, guint idx, FILE *fp, struct totals *tot,
    GError **error)
{
	struct report rep;
	struct packer pk;
	struct out out = {
		.fp = fp,
		.eol = o->crlf ? "\r\n" : "\n",
		.base64 = o->layout != LAYOUT_BARE,
	};
	gboolean ok;

	report_init(&rep, o, idx);
	if (fp != NULL && o->layout != LAYOUT_BARE)
		write_mail_head(&out, &rep);
	ok = pack_init(&pk, &rep, &out, error) &&
	    write_xml(&rep, &pk, tot, error);
	if (ok) {
		out_data_end(&out);
		if (fp != NULL && o->layout != LAYOUT_BARE)
			write_mail_tail(&out, &rep);
	}
	pack_free(&pk);
	report_clear(&rep);
	return ok;
}

/*
 * Options.
 */

static gboolean
parse_number(const char *name, const char *text, guint64 min, guint64 max,
    guint64 *value, GError **error)
{
	if (!g_ascii_string_to_unsigned(text, 10, min, max, value, error)) {
		g_prefix_error(error, "--%s: ", name);
		return FALSE;
	}
	return TRUE;
}

static gboolean
parse_choice(const char *name, const char *text, const char *const *names,
    size_t n, int *value, GError **error)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(text, names[i]) == 0) {
			*value = (int)i;
			return TRUE;
		}
	}
	g_set_error(error, GEN_ERROR, GEN_ERROR_USAGE,
	    "--%s: unknown value \"%s\"", name, text);
	return FALSE;
}

/*
 * Strings from the command line go into headers, file names and XML:
 * UTF-8 without control characters (XML 1.0 cannot carry them even as
 * references), and without any character listed in forbidden.
 */
static gboolean
check_text(const char *name, const char *s, gboolean may_be_empty,
    const char *forbidden, GError **error)
{
	const char *p;

	if (!g_utf8_validate(s, -1, NULL)) {
		g_set_error(error, GEN_ERROR, GEN_ERROR_USAGE,
		    "--%s: not valid UTF-8", name);
		return FALSE;
	}
	if (!may_be_empty && *s == '\0') {
		g_set_error(error, GEN_ERROR, GEN_ERROR_USAGE,
		    "--%s: must not be empty", name);
		return FALSE;
	}
	for (p = s; *p != '\0'; p++) {
		if ((guchar)*p < 0x20 || *p == 0x7f ||
		    strchr(forbidden, *p) != NULL) {
			g_set_error(error, GEN_ERROR, GEN_ERROR_USAGE,
			    "--%s: character 0x%02x is not allowed", name,
			    (guchar)*p);
			return FALSE;
		}
	}
	return TRUE;
}

struct args {
	char	*records;
	char	*seed;
	char	*to;
	char	*domain;
	char	*org;
	char	*report_id;
	char	*begin;
	char	*end;
	char	*container;
	char	*zip_method;
	char	*layout;
	char	*schema;
	char	*count;
	char	*out_dir;
};

static void
args_clear(struct args *a)
{
	g_free(a->records);
	g_free(a->seed);
	g_free(a->to);
	g_free(a->domain);
	g_free(a->org);
	g_free(a->report_id);
	g_free(a->begin);
	g_free(a->end);
	g_free(a->container);
	g_free(a->zip_method);
	g_free(a->layout);
	g_free(a->schema);
	g_free(a->count);
	g_free(a->out_dir);
}

static gboolean
opts_from_args(struct opts *o, const struct args *a, GError **error)
{
	static const char *const containers[] = {
		[CONTAINER_GZIP] = "gzip", [CONTAINER_ZIP] = "zip",
		[CONTAINER_XML] = "xml", [CONTAINER_ZLIB] = "zlib",
	};
	static const char *const layouts[] = {
		[LAYOUT_ATTACHMENT] = "attachment", [LAYOUT_BODY] = "body",
		[LAYOUT_BARE] = "bare",
	};
	static const char *const schemas[] = {
		[SCHEMA_RFC7489] = "rfc7489", [SCHEMA_RFC9990] = "rfc9990",
	};
	static const char *const zip_methods[] = { "deflate", "stored" };
	guint64 v;
	int choice;

	o->records = 5;
	if (a->records != NULL && !parse_number("records", a->records, 0,
	    MAX_RECORDS, &o->records, error))
		return FALSE;
	v = 1;
	if (a->seed != NULL && !parse_number("seed", a->seed, 0, G_MAXUINT32,
	    &v, error))
		return FALSE;
	o->seed = (guint32)v;
	v = 1767225600;
	if (a->begin != NULL && !parse_number("begin", a->begin, 0, MAX_EPOCH,
	    &v, error))
		return FALSE;
	o->begin = (gint64)v;
	v = o->begin + 86399;
	if (a->end != NULL && !parse_number("end", a->end, o->begin,
	    MAX_EPOCH, &v, error))
		return FALSE;
	o->end = (gint64)v;
	v = 1;
	if (a->count != NULL && !parse_number("count", a->count, 1, MAX_COUNT,
	    &v, error))
		return FALSE;
	o->count = (guint)v;

	choice = CONTAINER_GZIP;
	if (a->container != NULL && !parse_choice("container", a->container,
	    containers, G_N_ELEMENTS(containers), &choice, error))
		return FALSE;
	o->container = choice;
	choice = 0;
	if (a->zip_method != NULL && !parse_choice("zip-method",
	    a->zip_method, zip_methods, G_N_ELEMENTS(zip_methods), &choice,
	    error))
		return FALSE;
	o->zip_stored = choice == 1;
	choice = LAYOUT_ATTACHMENT;
	if (a->layout != NULL && !parse_choice("layout", a->layout, layouts,
	    G_N_ELEMENTS(layouts), &choice, error))
		return FALSE;
	o->layout = choice;
	choice = SCHEMA_RFC7489;
	if (a->schema != NULL && !parse_choice("schema", a->schema, schemas,
	    G_N_ELEMENTS(schemas), &choice, error))
		return FALSE;
	o->schema = choice;

	o->to = a->to != NULL ? a->to : "dmarc@reports.example.net";
	o->domain = a->domain != NULL ? a->domain : "example.com";
	o->org = a->org != NULL ? a->org : "Example Receiver";
	o->report_id = a->report_id;
	o->out_dir = a->out_dir;
	if (!check_text("to", o->to, FALSE, "", error) ||
	    !check_text("domain", o->domain, FALSE, " \"\\/!", error) ||
	    !check_text("org", o->org, TRUE, "", error) ||
	    (o->report_id != NULL &&
	    !check_text("report-id", o->report_id, FALSE, "", error)))
		return FALSE;

	if (o->layout == LAYOUT_BARE && (o->crlf || o->mbox_from)) {
		g_set_error(error, GEN_ERROR, GEN_ERROR_USAGE,
		    "--crlf and --mbox-from need a mail layout");
		return FALSE;
	}
	if (o->count > 1 && o->out_dir == NULL && !o->print_totals) {
		g_set_error(error, GEN_ERROR, GEN_ERROR_USAGE,
		    "--count needs --out-dir (or --print-totals)");
		return FALSE;
	}
	return TRUE;
}

static gboolean
close_file(FILE *fp, const char *path, GError **error)
{
	gboolean bad = ferror(fp) != 0;
	int err = 0;

	if (fflush(fp) != 0) {
		bad = TRUE;
		err = errno;
	}
	if (fp != stdout && fclose(fp) != 0 && !bad) {
		bad = TRUE;
		err = errno;
	}
	if (bad) {
		g_set_error(error, GEN_ERROR, GEN_ERROR_IO,
		    "%s: write error%s%s", path, err != 0 ? ": " : "",
		    err != 0 ? g_strerror(err) : "");
		return FALSE;
	}
	return TRUE;
}

static gboolean
write_files(const struct opts *o, struct totals *tot, GError **error)
{
	const char *ext = o->layout == LAYOUT_BARE ?
	    container_ext[o->container] : ".eml";
	guint i;

	if (g_mkdir_with_parents(o->out_dir, 0755) != 0) {
		int err = errno;

		g_set_error(error, GEN_ERROR, GEN_ERROR_IO, "%s: %s",
		    o->out_dir, g_strerror(err));
		return FALSE;
	}
	for (i = 1; i <= o->count; i++) {
		char name[32];
		char *path;
		FILE *fp;
		gboolean ok;

		g_snprintf(name, sizeof(name), "%06u%s", i, ext);
		path = g_build_filename(o->out_dir, name, NULL);
		fp = g_fopen(path, "wb");
		if (fp == NULL) {
			int err = errno;

			g_set_error(error, GEN_ERROR, GEN_ERROR_IO, "%s: %s",
			    path, g_strerror(err));
			g_free(path);
			return FALSE;
		}
		ok = generate(o, i, fp, tot, error);
		if (!ok)
			fclose(fp);
		ok = ok && close_file(fp, path, error);
		g_free(path);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

static gboolean
run(const struct opts *o, GError **error)
{
	struct totals tot = { 0, 0 };
	guint i;

	if (o->print_totals) {
		for (i = 1; i <= o->count; i++)
			if (!generate(o, i, NULL, &tot, error))
				return FALSE;
		printf("records=%" G_GUINT64_FORMAT " messages=%"
		    G_GUINT64_FORMAT "\n", tot.records, tot.messages);
		return close_file(stdout, "stdout", error);
	}
	if (o->out_dir != NULL)
		return write_files(o, &tot, error);
	return generate(o, 1, stdout, &tot, error) &&
	    close_file(stdout, "stdout", error);
}

int
main(int argc, char **argv)
{
	struct args a = { 0 };
	struct opts o = { 0 };
	GOptionEntry entries[] = {
		{ "records", 0, 0, G_OPTION_ARG_STRING, &a.records,
		  "Number of <record> elements (default 5)", "N" },
		{ "seed", 0, 0, G_OPTION_ARG_STRING, &a.seed,
		  "Seed of every random choice (default 1)", "N" },
		{ "to", 0, 0, G_OPTION_ARG_STRING, &a.to,
		  "To: address, the rua mailbox "
		  "(default dmarc@reports.example.net)", "ADDR" },
		{ "domain", 0, 0, G_OPTION_ARG_STRING, &a.domain,
		  "Policy domain (default example.com)", "D" },
		{ "org", 0, 0, G_OPTION_ARG_STRING, &a.org,
		  "Reporter org_name (default \"Example Receiver\")", "NAME" },
		{ "report-id", 0, 0, G_OPTION_ARG_STRING, &a.report_id,
		  "Report id (default gen-SEED-INDEX; with --count, "
		  "ID-INDEX)", "ID" },
		{ "begin", 0, 0, G_OPTION_ARG_STRING, &a.begin,
		  "Start of the range, seconds since the epoch "
		  "(default 1767225600)", "EPOCH" },
		{ "end", 0, 0, G_OPTION_ARG_STRING, &a.end,
		  "End of the range (default begin + 86399)", "EPOCH" },
		{ "container", 0, 0, G_OPTION_ARG_STRING, &a.container,
		  "gzip, zip, xml or zlib (default gzip)", "C" },
		{ "zip-method", 0, 0, G_OPTION_ARG_STRING, &a.zip_method,
		  "Zip member: deflate or stored (default deflate)", "M" },
		{ "layout", 0, 0, G_OPTION_ARG_STRING, &a.layout,
		  "attachment, body or bare (default attachment)", "L" },
		{ "schema", 0, 0, G_OPTION_ARG_STRING, &a.schema,
		  "rfc7489 or rfc9990 (default rfc7489)", "S" },
		{ "crlf", 0, 0, G_OPTION_ARG_NONE, &o.crlf,
		  "CRLF line ends in the mail", NULL },
		{ "mbox-from", 0, 0, G_OPTION_ARG_NONE, &o.mbox_from,
		  "Start the mail with an mbox \"From \" line", NULL },
		{ "count", 0, 0, G_OPTION_ARG_STRING, &a.count,
		  "Number of mails, seeds SEED to SEED+N-1 (default 1)",
		  "N" },
		{ "out-dir", 0, 0, G_OPTION_ARG_FILENAME, &a.out_dir,
		  "Write DIR/000001.eml ... instead of standard output",
		  "DIR" },
		{ "print-totals", 0, 0, G_OPTION_ARG_NONE, &o.print_totals,
		  "Print \"records=N messages=M\" instead of the mails",
		  NULL },
		G_OPTION_ENTRY_NULL
	};
	GOptionContext *ctx;
	GError *error = NULL;
	int status = 0;

	ctx = g_option_context_new("- generate DMARC aggregate report mails");
	g_option_context_set_description(ctx,
	    "The same options always give byte-identical output.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error))
		status = 2;
	else if (argc > 1) {
		g_set_error(&error, GEN_ERROR, GEN_ERROR_USAGE,
		    "unexpected argument \"%s\"", argv[1]);
		status = 2;
	} else if (!opts_from_args(&o, &a, &error))
		status = 2;
	else if (!run(&o, &error))
		status = 1;
	if (error != NULL) {
		fprintf(stderr, "gen-report: %s\n", error->message);
		g_error_free(error);
	}
	g_option_context_free(ctx);
	args_clear(&a);
	return status;
}
