/*
 * mime.c - from one RFC 5322 message to the candidate payloads in it.
 *
 * dr_mime_payloads() parses the message with GMime and walks its MIME tree
 * depth first.  Every leaf becomes a candidate, in document order, whatever
 * its Content-Type or file name claims: reporters label zips as text/plain,
 * send the zip as the whole body, or forward the report inside a
 * message/rfc822 part (some mailers even base64-encode that part, which
 * GMime then leaves unparsed: we parse it ourselves).  The transfer
 * encoding is decoded here; what the bytes are is for unpack to find out
 * by their magic.
 *
 * Bounds: at most lim->max_payloads leaves are examined, and the tree may
 * be at most DR_MIME_MAX_DEPTH levels deep; beyond either the message is
 * refused with DR_ERROR_TOO_LARGE rather than half-read.
 *
 * This is the only file that includes gmime.h.
 */
#include "config.h"

#include <string.h>

#include <gmime/gmime.h>

#include "error.h"
#include "mime.h"

/*
 * Real report mail nests two or three levels (a forward of a multipart);
 * the cap only keeps hostile input from driving the recursion below.
 */
#define DR_MIME_MAX_DEPTH	32

struct walk {
	const struct dr_limits	*lim;
	GPtrArray		*payloads;	/* struct dr_payload */
	guint			 leaves;	/* examined so far */
};

static void
payload_free(gpointer p)
{
	struct dr_payload *pl = p;

	g_bytes_unref(pl->data);
	g_free(pl->filename);
	g_free(pl->content_type);
	g_free(pl);
}

/*
 * A copy of s that is certainly UTF-8 (GMime passes undeclared 8-bit
 * header bytes through), or NULL for NULL or "".
 */
static char *
utf8_dup(const char *s)
{
	if (s == NULL || *s == '\0')
		return NULL;
	return g_utf8_make_valid(s, -1);
}

static gboolean walk(struct walk *, GMimeObject *, guint, GError **);

/* Gives the borrowed bytes back instead of freeing them. */
static void
release_view(gpointer view)
{
	g_byte_array_free(view, FALSE);
}

/*
 * msg (transfer none) as a message (transfer full), or NULL.  The message
 * reads its parts from msg as long as it lives, so msg must outlive it.
 */
static GMimeMessage *
parse_message(const char *msg, gsize len)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *message;
	GByteArray *view;

	/*
	 * GMime's memory stream copies a buffer it is given, which would
	 * hold the whole message twice.  A byte array that only borrows msg
	 * (the stream neither owns nor writes it) avoids the copy.
	 */
	view = g_byte_array_new_take((guint8 *)msg, len);
	stream = g_mime_stream_mem_new_with_byte_array(view);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
	g_object_set_data_full(G_OBJECT(stream), "dr-view", view,
	    release_view);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	message = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	return message;
}

/* The decoded body of a leaf; NULL when it has none. */
static GBytes *
leaf_bytes(GMimePart *part)
{
	GMimeDataWrapper *content;
	GMimeStream *out;
	GByteArray *buf;
	ssize_t n;

	content = g_mime_part_get_content(part);
	if (content == NULL)
		return NULL;
	out = g_mime_stream_mem_new();
	n = g_mime_data_wrapper_write_to_stream(content, out);
	/* Memory streams do not fail; n < 0 could only mean no body. */
	if (n <= 0) {
		g_object_unref(out);
		return NULL;
	}
	/* Take the buffer from the stream instead of copying it. */
	buf = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(out), FALSE);
	g_object_unref(out);
	return g_byte_array_free_to_bytes(buf);
}

/*
 * Lines GMime turns into objects, allowed per part or nesting level: a
 * part has one or two boundary lines and a few header fields.
 */
#define DR_LINES_PER_PART	64
/* A header block parsed just for the delivery headers, at most. */
#define DR_MAX_HEADER_ONLY	(64 * 1024)

/* A header field's first line: a field name and a colon. */
static gboolean
field_line(const char *p, const char *end)
{
	const char *q;

	for (q = p; q < end && q - p < 80; q++) {
		if (*q == ':')
			return q > p;
		if (!g_ascii_isalnum(*q) && *q != '-' && *q != '_')
			return FALSE;
	}
	return FALSE;
}

/*
 * GMime builds an object for every part and every header field before
 * the leaves can be counted: a megabyte of empty parts or of "a:" lines
 * costs it 300 MB.  So the lines that may become such objects are
 * counted first, against the part limit.
 */
static gboolean
too_complex(const char *msg, gsize len, const struct dr_limits *lim,
    GError **error)
{
	const char *p = msg, *end = msg + len;
	guint max = (lim->max_payloads + DR_MIME_MAX_DEPTH) *
	    DR_LINES_PER_PART;
	guint dashes = 0, fields = 0;

	while (p < end) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			dashes++;
		else if (field_line(p, end))
			fields++;
		if (dashes > max || fields > max) {
			g_set_error(error, DR_ERROR, DR_ERROR_TOO_LARGE,
			    "message has more than %u lines that may be MIME "
			    "%s (limit: %u parts)", max, dashes > max ?
			    "boundaries" : "header fields", lim->max_payloads);
			return TRUE;
		}
		p = memchr(p, '\n', (gsize)(end - p));
		if (p == NULL)
			break;
		p++;
	}
	return FALSE;
}

/*
 * GMime parses a forwarded message in place only when it is not
 * base64 or quoted-printable encoded; an encoded one arrives here as a
 * leaf.  Walk the message in it; FALSE in *walked when it is none.
 */
static gboolean
walk_encoded_message(struct walk *w, GBytes *data, guint depth,
    gboolean *walked, GError **error)
{
	GMimeMessage *inner;
	GMimeObject *body;
	gboolean ok;

	if (too_complex(g_bytes_get_data(data, NULL), g_bytes_get_size(data),
	    w->lim, error))
		return FALSE;
	inner = parse_message(g_bytes_get_data(data, NULL),
	    g_bytes_get_size(data));
	*walked = inner != NULL;
	if (inner == NULL)
		return TRUE;
	body = g_mime_message_get_mime_part(inner);
	ok = body == NULL || walk(w, body, depth + 1, error);
	g_object_unref(inner);
	return ok;
}

static gboolean
walk_leaf(struct walk *w, GMimePart *part, guint depth, GError **error)
{
	struct dr_payload *pl;
	GMimeContentType *ct;
	GBytes *data;
	char *type, *lower;
	gboolean ok, walked;

	if (++w->leaves > w->lim->max_payloads) {
		g_set_error(error, DR_ERROR, DR_ERROR_TOO_LARGE,
		    "message has more than %u parts", w->lim->max_payloads);
		return FALSE;
	}
	if ((data = leaf_bytes(part)) == NULL)
		return TRUE;

	ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	if (ct != NULL && (g_mime_content_type_is_type(ct, "message",
	    "rfc822") || g_mime_content_type_is_type(ct, "message",
	    "global"))) {
		ok = walk_encoded_message(w, data, depth, &walked, error);
		if (walked || !ok) {
			g_bytes_unref(data);
			return ok;
		}
	}

	pl = g_new0(struct dr_payload, 1);
	pl->data = data;
	pl->filename = utf8_dup(g_mime_part_get_filename(part));
	if (ct != NULL) {
		type = g_mime_content_type_get_mime_type(ct);
		lower = g_ascii_strdown(type, -1);
		pl->content_type = utf8_dup(lower);
		g_free(lower);
		g_free(type);
	}
	g_ptr_array_add(w->payloads, pl);
	return TRUE;
}

static gboolean
walk(struct walk *w, GMimeObject *obj, guint depth, GError **error)
{
	GMimeMessagePart *mp_msg;
	GMimeMultipart *mp;
	GMimeMessage *inner;
	GMimeObject *body;
	int i, n;

	if (depth > DR_MIME_MAX_DEPTH) {
		g_set_error(error, DR_ERROR, DR_ERROR_TOO_LARGE,
		    "MIME parts nested more than %d levels deep",
		    DR_MIME_MAX_DEPTH);
		return FALSE;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		mp = GMIME_MULTIPART(obj);
		n = g_mime_multipart_get_count(mp);
		for (i = 0; i < n; i++)
			if (!walk(w, g_mime_multipart_get_part(mp, i),
			    depth + 1, error))
				return FALSE;
		return TRUE;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		mp_msg = GMIME_MESSAGE_PART(obj);
		inner = g_mime_message_part_get_message(mp_msg);
		body = inner == NULL ? NULL :
		    g_mime_message_get_mime_part(inner);
		return body == NULL || walk(w, body, depth + 1, error);
	}
	if (GMIME_IS_PART(obj))
		return walk_leaf(w, GMIME_PART(obj), depth, error);
	return TRUE;
}

/* The topmost header called name, trimmed and without <>, or NULL. */
static char *
first_header_addr(GMimeMessage *msg, const char *name)
{
	GMimeHeaderList *hl;
	GMimeHeader *h;
	const char *v = NULL;
	char *s, *r;
	gsize len;
	int i, n;

	hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	n = g_mime_header_list_get_count(hl);
	for (i = 0; i < n && v == NULL; i++) {
		h = g_mime_header_list_get_header_at(hl, i);
		if (g_ascii_strcasecmp(g_mime_header_get_name(h), name) == 0)
			v = g_mime_header_get_value(h);
	}
	if (v == NULL)
		return NULL;

	s = g_strstrip(g_strdup(v));
	len = strlen(s);
	if (len >= 2 && s[0] == '<' && s[len - 1] == '>') {
		s[len - 1] = '\0';
		memmove(s, s + 1, len - 1);
		g_strstrip(s);
	}
	r = utf8_dup(s);
	g_free(s);
	return r;
}

/* The addr-spec of the first mailbox in list, looking into groups. */
static const char *
first_mailbox(InternetAddressList *list)
{
	InternetAddress *ia;
	const char *addr;
	int i, n;

	if (list == NULL)
		return NULL;
	n = internet_address_list_length(list);
	for (i = 0; i < n; i++) {
		ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			return internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ia));
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			addr = first_mailbox(internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(ia)));
			if (addr != NULL)
				return addr;
		}
	}
	return NULL;
}

static void
fill_info(GMimeMessage *msg, struct dr_mime_info *info)
{
	info->x_original_to = first_header_addr(msg, "X-Original-To");
	info->delivered_to = first_header_addr(msg, "Delivered-To");
	info->to = utf8_dup(first_mailbox(g_mime_message_get_addresses(msg,
	    GMIME_ADDRESS_TYPE_TO)));
	info->return_path = first_header_addr(msg, "Return-Path");
	info->from = utf8_dup(first_mailbox(g_mime_message_get_addresses(msg,
	    GMIME_ADDRESS_TYPE_FROM)));
	info->subject = utf8_dup(g_mime_message_get_subject(msg));
	info->message_id = utf8_dup(g_mime_message_get_message_id(msg));
}

/* The length of the header block, up to and with the empty line. */
static gsize
header_length(const char *msg, gsize len)
{
	const char *p = msg, *end = msg + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (gsize)(end - p));

		if (nl == NULL)
			break;
		if (nl == p || (nl == p + 1 && *p == '\r'))
			return (gsize)(nl + 1 - msg);
		p = nl + 1;
	}
	return len;
}

GPtrArray *
dr_mime_payloads(const char *msg, gsize len, const struct dr_limits *lim,
    struct dr_mime_info *info, GError **error)
{
	GMimeMessage *message;
	GMimeObject *body;
	const char *nl;
	struct walk w;
	gsize hlen;

	g_return_val_if_fail(msg != NULL || len == 0, NULL);
	g_return_val_if_fail(lim != NULL, NULL);
	g_return_val_if_fail(error == NULL || *error == NULL, NULL);

	if (info != NULL)
		memset(info, 0, sizeof(*info));

	/* local(8) and mbox files put a "From " envelope line first. */
	if (len >= 5 && memcmp(msg, "From ", 5) == 0) {
		nl = memchr(msg, '\n', len);
		len = nl == NULL ? 0 : len - (gsize)(nl + 1 - msg);
		msg = nl == NULL ? msg : nl + 1;
	}
	if (len == 0) {
		g_set_error(error, DR_ERROR, DR_ERROR_NOT_A_REPORT,
		    "empty message");
		return NULL;
	}

	/*
	 * Over the cap, only a header block of sensible size is parsed, for
	 * the recipient of the quarantine entry.
	 */
	if (too_complex(msg, len, lim, error)) {
		hlen = header_length(msg, len);
		message = hlen <= DR_MAX_HEADER_ONLY ?
		    parse_message(msg, hlen) : NULL;
		if (message != NULL && info != NULL)
			fill_info(message, info);
		if (message != NULL)
			g_object_unref(message);
		return NULL;
	}

	if ((message = parse_message(msg, len)) == NULL) {
		g_set_error(error, DR_ERROR, DR_ERROR_NOT_A_REPORT,
		    "not an RFC 5322 message (no header found)");
		return NULL;
	}

	if (info != NULL)
		fill_info(message, info);

	w.lim = lim;
	w.payloads = g_ptr_array_new_with_free_func(payload_free);
	w.leaves = 0;
	body = g_mime_message_get_mime_part(message);
	if (body != NULL && !walk(&w, body, 0, error)) {
		g_ptr_array_unref(w.payloads);
		w.payloads = NULL;
	}
	g_object_unref(message);
	return w.payloads;
}

void
dr_mime_info_clear(struct dr_mime_info *info)
{
	if (info == NULL)
		return;
	g_free(info->x_original_to);
	g_free(info->delivered_to);
	g_free(info->to);
	g_free(info->return_path);
	g_free(info->from);
	g_free(info->subject);
	g_free(info->message_id);
	memset(info, 0, sizeof(*info));
}

void
dr_mime_init(void)
{
	g_mime_init();
}

void
dr_mime_shutdown(void)
{
	g_mime_shutdown();
}
