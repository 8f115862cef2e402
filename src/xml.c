/*
 * xml.c - streaming parse of one DMARC aggregate report (libxml2).
 *
 * An xmlTextReader pulls the bytes through read_fn and hands out one node
 * at a time; no DOM of the document is ever built.  A small stack, one
 * entry per open element, says where the parser is (report_metadata,
 * record/row, auth_results/dkim, ...); the stack is as deep as
 * lim->max_xml_depth allows and no deeper.  Text of a known leaf element
 * is collected into one bounded buffer, trimmed and stored when the leaf
 * closes.  An <extension> and unknown children of <record> are kept as
 * raw XML: serialised node by node as the reader streams past, the way
 * libxml's xmlNodeDump() would write them (namespaces declared outside
 * the element are declared again on it) except that text beyond ASCII
 * stays UTF-8, and kept only when they fit into lim->max_field_bytes.
 * Expanding them into a tree first (xmlTextReaderReadOuterXml) would
 * cost memory in proportion to their size, however large.
 *
 * Security: no DTD is loaded, no entity substituted, no network used; a
 * DOCTYPE or an entity reference ends the parse (XXE, billion laughs),
 * and the external entity loader installed by dr_xml_init() refuses
 * everything in case some path still asks for one.
 *
 * Streaming: the current record is the only one in memory; it is passed
 * to the record callback when </record> closes and then cleared.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include "error.h"
#include "xml.h"

/* Entries of one list (dkim, spf, reason, error) in one record or report. */
#define MAX_LIST_ENTRIES	1000
/* Reporter text quoted in a message or note. */
#define QUOTE_BYTES		64
/* Nodes between two looks at the clock, besides one per record. */
#define DEADLINE_NODES		4096

/* Where an open element sits in the report. */
enum ctx {
	C_DOCUMENT,
	C_FEEDBACK,
	C_METADATA,
	C_DATE_RANGE,
	C_POLICY,
	C_RECORD,
	C_ROW,
	C_POLICY_EVAL,
	C_REASON,
	C_IDENTIFIERS,
	C_AUTH,
	C_AUTH_DKIM,
	C_AUTH_SPF,
	C_LEAF,		/* a known text element */
	C_SKIP,		/* unknown, or inside a leaf: ignored */
};

/* Text elements: which value the text of a leaf goes to. */
enum field {
	F_NONE,
	F_VERSION,
	F_ORG_NAME,
	F_EMAIL,
	F_EXTRA_CONTACT,
	F_REPORT_ID,
	F_ERROR,
	F_GENERATOR,
	F_BEGIN,
	F_END,
	F_DOMAIN,
	F_ADKIM,
	F_ASPF,
	F_P,
	F_SP,
	F_NP,
	F_PCT,
	F_FO,
	F_TESTING,
	F_DISCOVERY,
	F_SOURCE_IP,
	F_COUNT,
	F_DISPOSITION,
	F_DKIM_EVAL,
	F_SPF_EVAL,
	F_REASON_TYPE,
	F_REASON_COMMENT,
	F_ENVELOPE_TO,
	F_ENVELOPE_FROM,
	F_HEADER_FROM,
	F_DKIM_DOMAIN,
	F_DKIM_SELECTOR,
	F_DKIM_RESULT,
	F_DKIM_HUMAN,
	F_SPF_DOMAIN,
	F_SPF_SCOPE,
	F_SPF_RESULT,
	F_SPF_HUMAN,
};

/* The known children of each container, matched by local name. */
static const struct child {
	enum ctx	 parent;
	const char	*name;
	enum ctx	 ctx;
	enum field	 field;		/* for C_LEAF */
} children[] = {
	{ C_FEEDBACK, "version", C_LEAF, F_VERSION },
	{ C_FEEDBACK, "report_metadata", C_METADATA, F_NONE },
	{ C_FEEDBACK, "policy_published", C_POLICY, F_NONE },
	{ C_FEEDBACK, "record", C_RECORD, F_NONE },
	{ C_METADATA, "org_name", C_LEAF, F_ORG_NAME },
	{ C_METADATA, "email", C_LEAF, F_EMAIL },
	{ C_METADATA, "extra_contact_info", C_LEAF, F_EXTRA_CONTACT },
	{ C_METADATA, "report_id", C_LEAF, F_REPORT_ID },
	{ C_METADATA, "date_range", C_DATE_RANGE, F_NONE },
	{ C_METADATA, "error", C_LEAF, F_ERROR },
	{ C_METADATA, "generator", C_LEAF, F_GENERATOR },
	{ C_DATE_RANGE, "begin", C_LEAF, F_BEGIN },
	{ C_DATE_RANGE, "end", C_LEAF, F_END },
	{ C_POLICY, "domain", C_LEAF, F_DOMAIN },
	{ C_POLICY, "adkim", C_LEAF, F_ADKIM },
	{ C_POLICY, "aspf", C_LEAF, F_ASPF },
	{ C_POLICY, "p", C_LEAF, F_P },
	{ C_POLICY, "sp", C_LEAF, F_SP },
	{ C_POLICY, "np", C_LEAF, F_NP },
	{ C_POLICY, "pct", C_LEAF, F_PCT },
	{ C_POLICY, "fo", C_LEAF, F_FO },
	{ C_POLICY, "testing", C_LEAF, F_TESTING },
	{ C_POLICY, "discovery_method", C_LEAF, F_DISCOVERY },
	{ C_RECORD, "row", C_ROW, F_NONE },
	{ C_RECORD, "identifiers", C_IDENTIFIERS, F_NONE },
	{ C_RECORD, "auth_results", C_AUTH, F_NONE },
	{ C_ROW, "source_ip", C_LEAF, F_SOURCE_IP },
	{ C_ROW, "count", C_LEAF, F_COUNT },
	{ C_ROW, "policy_evaluated", C_POLICY_EVAL, F_NONE },
	{ C_POLICY_EVAL, "disposition", C_LEAF, F_DISPOSITION },
	{ C_POLICY_EVAL, "dkim", C_LEAF, F_DKIM_EVAL },
	{ C_POLICY_EVAL, "spf", C_LEAF, F_SPF_EVAL },
	{ C_POLICY_EVAL, "reason", C_REASON, F_NONE },
	{ C_REASON, "type", C_LEAF, F_REASON_TYPE },
	{ C_REASON, "comment", C_LEAF, F_REASON_COMMENT },
	{ C_IDENTIFIERS, "envelope_to", C_LEAF, F_ENVELOPE_TO },
	{ C_IDENTIFIERS, "envelope_from", C_LEAF, F_ENVELOPE_FROM },
	{ C_IDENTIFIERS, "header_from", C_LEAF, F_HEADER_FROM },
	{ C_AUTH, "dkim", C_AUTH_DKIM, F_NONE },
	{ C_AUTH, "spf", C_AUTH_SPF, F_NONE },
	{ C_AUTH_DKIM, "domain", C_LEAF, F_DKIM_DOMAIN },
	{ C_AUTH_DKIM, "selector", C_LEAF, F_DKIM_SELECTOR },
	{ C_AUTH_DKIM, "result", C_LEAF, F_DKIM_RESULT },
	{ C_AUTH_DKIM, "human_result", C_LEAF, F_DKIM_HUMAN },
	{ C_AUTH_SPF, "domain", C_LEAF, F_SPF_DOMAIN },
	{ C_AUTH_SPF, "scope", C_LEAF, F_SPF_SCOPE },
	{ C_AUTH_SPF, "result", C_LEAF, F_SPF_RESULT },
	{ C_AUTH_SPF, "human_result", C_LEAF, F_SPF_HUMAN },
};

/* Known values of the enumerated fields, in their canonical spelling. */
static const char *const v_disposition[] = {
	"none", "quarantine", "reject", "pass", NULL
};
static const char *const v_eval[] = { "pass", "fail", NULL };
static const char *const v_dkim_result[] = {
	"none", "pass", "fail", "policy", "neutral", "temperror",
	"permerror", NULL
};
static const char *const v_spf_result[] = {
	"none", "neutral", "pass", "fail", "softfail", "temperror",
	"permerror", "policy", NULL
};
static const char *const v_scope[] = { "helo", "mfrom", NULL };
static const char *const v_align[] = { "r", "s", NULL };
static const char *const v_policy[] = { "none", "quarantine", "reject", NULL };
static const char *const v_testing[] = { "n", "y", NULL };
static const char *const v_discovery[] = { "psl", "treewalk", NULL };
static const char *const v_reason[] = {
	"forwarded", "sampled_out", "trusted_forwarder", "mailing_list",
	"local_policy", "other", "policy_test_mode", NULL
};

/* The element being kept as raw XML, and where it goes. */
struct raw {
	int		 depth;		/* of its root element; -1: none */
	char		**dst;
	char		*where;		/* for the note when it is dropped */
	GString		*buf;		/* its serialisation, while it fits */
	gsize		 room;		/* bytes it may take */
	gsize		 len;		/* bytes so far, kept or not */
	gboolean	 over;		/* longer than room: dropped */
	gsize		 decl_at;	/* end of the root's own declarations */
	gboolean	 tag_open;	/* a start tag still lacks its '>' */
	GArray		*scope;		/* struct raw_ns, innermost last */
	GHashTable	*declared;	/* prefix ("" default) -> count */
};

/* A namespace prefix declared inside the raw element, and at what depth. */
struct raw_ns {
	char		*prefix;
	int		 depth;
};

struct parser {
	xmlTextReaderPtr reader;
	xmlDocPtr	 doc;		/* only after a failed read */
	const struct dr_limits *lim;
	const struct dr_xml_callbacks *cb;
	gpointer	 user;

	dr_read_fn	 read_fn;
	gpointer	 src;
	GError		*read_error;	/* read_fn's own error, kept */

	/* libxml's report of why the document is not well-formed. */
	int		 xml_code;
	int		 xml_line;
	char		*xml_message;
	gboolean	 xml_fatal;

	enum ctx	*stack;		/* lim->max_xml_depth + 1 entries */
	enum field	 leaf;		/* the open leaf, if any */
	GString		*text;		/* its text so far */
	guint		 nodes;

	struct raw	 raw;

	struct dr_report *rep;
	struct dr_record rec;
	char		*begin_text;
	char		*end_text;
	char		*count_text;
	char		*ip_text;
	gboolean	 header_done;
	gboolean	 root_done;
};

static gboolean
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trims space, tab, CR and LF in place. */
static char *
trim(char *s)
{
	char *start = s;
	size_t len;

	while (is_ws(*start))
		start++;
	len = strlen(start);
	while (len > 0 && is_ws(start[len - 1]))
		len--;
	memmove(s, start, len);
	s[len] = '\0';
	return s;
}

/*
 * Reporter text shortened for a message or note, cut at a character
 * boundary so that the result stays valid UTF-8 (transfer full).
 */
static char *
quote(const char *s)
{
	const char *end;
	GString *q;

	if (strlen(s) <= QUOTE_BYTES)
		return g_strdup(s);
	end = s + QUOTE_BYTES;
	while (end > s && (*end & 0xc0) == 0x80)
		end--;
	q = g_string_new_len(s, end - s);
	g_string_append(q, "...");
	return g_string_free(q, FALSE);
}

/* Parses the digits of s (sign already consumed) up to limit. */
static gboolean
parse_digits(const char *s, guint64 limit, guint64 *out)
{
	guint64 v = 0;

	if (!g_ascii_isdigit(*s))
		return FALSE;
	for (; g_ascii_isdigit(*s); s++) {
		guint d = *s - '0';

		if (v > (limit - d) / 10)
			return FALSE;
		v = v * 10 + d;
	}
	while (is_ws(*s))
		s++;
	if (*s != '\0')
		return FALSE;
	*out = v;
	return TRUE;
}

gboolean
dr_parse_count(const char *s, gint64 *out)
{
	guint64 v;

	g_return_val_if_fail(s != NULL, FALSE);
	while (is_ws(*s))
		s++;
	if (!parse_digits(s, G_MAXINT64, &v))
		return FALSE;
	*out = (gint64)v;
	return TRUE;
}

gboolean
dr_parse_int64(const char *s, gint64 *out)
{
	guint64 v;

	g_return_val_if_fail(s != NULL, FALSE);
	while (is_ws(*s))
		s++;
	if (*s == '-') {
		if (!parse_digits(s + 1, (guint64)G_MAXINT64 + 1, &v))
			return FALSE;
		*out = v == (guint64)G_MAXINT64 + 1 ? G_MININT64 : -(gint64)v;
		return TRUE;
	}
	if (!parse_digits(s, G_MAXINT64, &v))
		return FALSE;
	*out = (gint64)v;
	return TRUE;
}

static void
discard_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void
discard_structured(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	(void)err;
}

static xmlParserInputPtr
refuse_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

void
dr_xml_init(void)
{
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, discard_generic);
	xmlSetStructuredErrorFunc(NULL, discard_structured);
	/* The handlers above are per thread; these are for threads to come. */
	xmlThrDefSetGenericErrorFunc(NULL, discard_generic);
	xmlThrDefSetStructuredErrorFunc(NULL, discard_structured);
	xmlSetExternalEntityLoader(refuse_entity);
}

/* Keeps libxml's first fatal error (else its first error) for later. */
static void
on_xml_error(void *ctx, xmlErrorPtr err)
{
	struct parser *p = ctx;
	gboolean fatal = err->level == XML_ERR_FATAL;

	if (err->level < XML_ERR_ERROR)
		return;
	if (p->xml_message != NULL && (p->xml_fatal || !fatal))
		return;
	g_free(p->xml_message);
	p->xml_message = g_strdup(err->message != NULL ? err->message :
	    "not well-formed");
	g_strchomp(p->xml_message);
	p->xml_code = err->code;
	p->xml_line = err->line;
	p->xml_fatal = fatal;
}

static int
on_read(void *ctx, char *buf, int len)
{
	struct parser *p = ctx;
	gssize n;

	if (p->read_error != NULL)
		return -1;
	n = p->read_fn(p->src, buf, (gsize)len, &p->read_error);
	if (n < 0) {
		if (p->read_error == NULL)
			g_set_error(&p->read_error, DR_ERROR, DR_ERROR_TEMPFAIL,
			    "read failed");
		return -1;
	}
	return (int)n;
}

/*
 * Line of the current node: the parser's own line depends on how far
 * libxml has read ahead, so it is only the fallback where libxml keeps
 * no line for the node (65535 stands for "that or more").
 */
static long
line(struct parser *p)
{
	long n = xmlGetLineNo(xmlTextReaderCurrentNode(p->reader));

	if (n <= 0 || n >= 65535)
		n = xmlTextReaderGetParserLineNumber(p->reader);
	return n;
}

static const struct child *
find_child(enum ctx parent, const char *name)
{
	gsize i;

	for (i = 0; i < G_N_ELEMENTS(children); i++) {
		if (children[i].parent == parent &&
		    strcmp(children[i].name, name) == 0)
			return &children[i];
	}
	return NULL;
}

/* The last entry of a list in the record, added when its element opened. */
#define LAST(arr, type) (&g_array_index((arr), type, (arr)->len - 1))

/* Where the text of a field goes, and its known values if enumerated. */
static char **
field_target(struct parser *p, enum field f, const char *const **values)
{
	struct dr_report *rep = p->rep;
	struct dr_record *rec = &p->rec;

	*values = NULL;
	switch (f) {
	case F_NONE:
		break;
	case F_VERSION:		return &rep->version;
	case F_ORG_NAME:	return &rep->org_name;
	case F_EMAIL:		return &rep->email;
	case F_EXTRA_CONTACT:	return &rep->extra_contact_info;
	case F_REPORT_ID:	return &rep->report_id;
	case F_ERROR:		break;
	case F_GENERATOR:	return &rep->generator;
	case F_BEGIN:		return &p->begin_text;
	case F_END:		return &p->end_text;
	case F_DOMAIN:		return &rep->domain;
	case F_ADKIM:		*values = v_align; return &rep->adkim;
	case F_ASPF:		*values = v_align; return &rep->aspf;
	case F_P:		*values = v_policy; return &rep->p;
	case F_SP:		*values = v_policy; return &rep->sp;
	case F_NP:		*values = v_policy; return &rep->np;
	case F_PCT:		return &rep->pct;
	case F_FO:		return &rep->fo;
	case F_TESTING:		*values = v_testing; return &rep->testing;
	case F_DISCOVERY:
		*values = v_discovery;
		return &rep->discovery_method;
	case F_SOURCE_IP:	return &p->ip_text;
	case F_COUNT:		return &p->count_text;
	case F_DISPOSITION:
		*values = v_disposition;
		return &rec->disposition;
	case F_DKIM_EVAL:	*values = v_eval; return &rec->dkim_eval;
	case F_SPF_EVAL:	*values = v_eval; return &rec->spf_eval;
	case F_REASON_TYPE:
		*values = v_reason;
		return &LAST(rec->reasons, struct dr_reason)->type;
	case F_REASON_COMMENT:
		return &LAST(rec->reasons, struct dr_reason)->comment;
	case F_ENVELOPE_TO:	return &rec->envelope_to;
	case F_ENVELOPE_FROM:	return &rec->envelope_from;
	case F_HEADER_FROM:	return &rec->header_from;
	case F_DKIM_DOMAIN:
		return &LAST(rec->dkim, struct dr_dkim_result)->domain;
	case F_DKIM_SELECTOR:
		return &LAST(rec->dkim, struct dr_dkim_result)->selector;
	case F_DKIM_RESULT:
		*values = v_dkim_result;
		return &LAST(rec->dkim, struct dr_dkim_result)->result;
	case F_DKIM_HUMAN:
		return &LAST(rec->dkim, struct dr_dkim_result)->human_result;
	case F_SPF_DOMAIN:
		return &LAST(rec->spf, struct dr_spf_result)->domain;
	case F_SPF_SCOPE:
		*values = v_scope;
		return &LAST(rec->spf, struct dr_spf_result)->scope;
	case F_SPF_RESULT:
		*values = v_spf_result;
		return &LAST(rec->spf, struct dr_spf_result)->result;
	case F_SPF_HUMAN:
		return &LAST(rec->spf, struct dr_spf_result)->human_result;
	}
	return NULL;
}

/* A known value in any case becomes its canonical spelling. */
static void
canonicalise(char *value, const char *const *values)
{
	for (; *values != NULL; values++) {
		if (g_ascii_strcasecmp(value, *values) == 0) {
			strcpy(value, *values);
			return;
		}
	}
}

static void
close_leaf(struct parser *p)
{
	const char *const *values;
	char **target;
	char *value;

	value = trim(g_strndup(p->text->str, p->text->len));
	g_string_truncate(p->text, 0);
	if (p->leaf == F_ERROR) {
		g_ptr_array_add(p->rep->errors, value);
		return;
	}
	target = field_target(p, p->leaf, &values);
	if (values != NULL)
		canonicalise(value, values);
	g_free(*target);
	*target = value;
}

/* Makes room for one more dkim, spf or reason entry. */
static gboolean
add_entry(struct parser *p, GArray *arr, const char *what, GError **error)
{
	if (arr->len >= MAX_LIST_ENTRIES) {
		g_set_error(error, DR_ERROR, DR_ERROR_TOO_LARGE,
		    "record %" G_GINT64_FORMAT ": more than %u %s entries",
		    p->rep->record_count + 1, MAX_LIST_ENTRIES, what);
		return FALSE;
	}
	g_array_set_size(arr, arr->len + 1);
	return TRUE;
}

static gboolean
set_time(const char *text, const char *what,
    gint64 *out, gboolean *has, GError **error)
{
	char *q;

	if (text == NULL) {
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_DATA,
		    "report_metadata/date_range/%s missing", what);
		return FALSE;
	}
	if (!dr_parse_int64(text, out)) {
		q = quote(text);
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_DATA,
		    "report_metadata/date_range/%s '%s' is not an integer",
		    what, q);
		g_free(q);
		return FALSE;
	}
	*has = TRUE;
	return TRUE;
}

/* Checks what every report needs, then hands the header over. */
static gboolean
header(struct parser *p, GError **error)
{
	struct dr_report *rep = p->rep;

	p->header_done = TRUE;
	if (rep->report_id == NULL || *rep->report_id == '\0') {
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_DATA,
		    "report_metadata/report_id missing");
		return FALSE;
	}
	if (!set_time(p->begin_text, "begin", &rep->begin,
	    &rep->has_begin, error) ||
	    !set_time(p->end_text, "end", &rep->end, &rep->has_end,
	    error))
		return FALSE;
	if (rep->domain == NULL || *rep->domain == '\0') {
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_DATA,
		    "policy_published/domain missing");
		return FALSE;
	}
	if (rep->org_name == NULL)
		rep->org_name = g_strdup("");
	if (rep->begin > rep->end)
		dr_report_add_note(rep, "date_range begin %" G_GINT64_FORMAT
		    " is after end %" G_GINT64_FORMAT, rep->begin, rep->end);
	if (p->cb->header != NULL)
		return p->cb->header(rep, p->user, error);
	return TRUE;
}

static gboolean
valid_ip(const char *s)
{
	guint8 addr[16];

	return inet_pton(AF_INET, s, addr) == 1 ||
	    inet_pton(AF_INET6, s, addr) == 1;
}

static void
reset_record(struct parser *p)
{
	dr_record_clear(&p->rec);
	dr_record_init(&p->rec);
	g_clear_pointer(&p->count_text, g_free);
	g_clear_pointer(&p->ip_text, g_free);
}

/* </record>: check the row, update the totals, hand the record over. */
static gboolean
close_record(struct parser *p, GError **error)
{
	struct dr_report *rep = p->rep;
	struct dr_record *rec = &p->rec;
	gint64 n = rep->record_count + 1;
	char *q;

	if (p->count_text == NULL) {
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_DATA,
		    "record %" G_GINT64_FORMAT ": count missing", n);
		return FALSE;
	}
	if (!dr_parse_count(p->count_text, &rec->count)) {
		q = quote(p->count_text);
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_DATA,
		    "record %" G_GINT64_FORMAT ": count '%s' is not a "
		    "non-negative integer", n, q);
		g_free(q);
		return FALSE;
	}
	if (rec->count > G_MAXINT64 - rep->message_count) {
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_DATA,
		    "record %" G_GINT64_FORMAT ": message count overflows", n);
		return FALSE;
	}
	if (p->ip_text != NULL && valid_ip(p->ip_text)) {
		rec->source_ip = g_steal_pointer(&p->ip_text);
	} else if (p->ip_text != NULL) {
		q = quote(p->ip_text);
		dr_report_add_note(rep, "record %" G_GINT64_FORMAT
		    ": source_ip '%s' is not an IP address", n, q);
		g_free(q);
		rec->source_ip_raw = g_steal_pointer(&p->ip_text);
	} else {
		dr_report_add_note(rep, "record %" G_GINT64_FORMAT
		    ": source_ip missing", n);
	}
	rep->record_count = n;
	rep->message_count += rec->count;
	if (!dr_limits_check_deadline(p->lim, error))
		return FALSE;
	if (p->cb->record != NULL && !p->cb->record(rep, rec, p->user, error))
		return FALSE;
	reset_record(p);
	return TRUE;
}

/* Raw XML */

/* Counts n more bytes of the raw element and keeps them if it fits. */
static void
raw_put(struct parser *p, const char *s, gsize n)
{
	struct raw *r = &p->raw;

	r->len += n;
	if (r->over)
		return;
	if (r->len > r->room) {
		r->over = TRUE;
		g_string_truncate(r->buf, 0);
		return;
	}
	g_string_append_len(r->buf, s, n);
}

static void
raw_puts(struct parser *p, const char *s)
{
	raw_put(p, s, strlen(s));
}

/* s with the escapes of xmlNodeDump(): text, or an attribute value. */
static void
raw_escaped(struct parser *p, const char *s, gboolean attr)
{
	const char *run = s, *ent;

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':	ent = "&amp;"; break;
		case '<':	ent = "&lt;"; break;
		case '>':	ent = "&gt;"; break;
		case '\r':	ent = "&#13;"; break;
		case '"':	ent = attr ? "&quot;" : NULL; break;
		case '\n':	ent = attr ? "&#10;" : NULL; break;
		case '\t':	ent = attr ? "&#9;" : NULL; break;
		default:	ent = NULL; break;
		}
		if (ent == NULL)
			continue;
		raw_put(p, run, s - run);
		raw_puts(p, ent);
		run = s + 1;
	}
	raw_put(p, run, s - run);
}

/* One more declaration of prefix in scope. */
static void
raw_declare(struct parser *p, const char *prefix)
{
	gpointer n = g_hash_table_lookup(p->raw.declared, prefix);

	g_hash_table_insert(p->raw.declared, g_strdup(prefix),
	    GUINT_TO_POINTER(GPOINTER_TO_UINT(n) + 1));
}

/* A declaration made by the element at depth, in scope until it ends. */
static void
raw_scope_push(struct parser *p, const char *prefix, int depth)
{
	struct raw_ns ns = { g_strdup(prefix), depth };

	g_array_append_val(p->raw.scope, ns);
	raw_declare(p, prefix);
}

/* Forgets the declarations made at depth or deeper. */
static void
raw_scope_pop(struct parser *p, int depth)
{
	GArray *scope = p->raw.scope;
	struct raw_ns *ns;
	guint n;

	while (scope->len > 0) {
		ns = &g_array_index(scope, struct raw_ns, scope->len - 1);
		if (ns->depth < depth)
			break;
		n = GPOINTER_TO_UINT(g_hash_table_lookup(p->raw.declared,
		    ns->prefix));
		if (n <= 1)
			g_hash_table_remove(p->raw.declared, ns->prefix);
		else
			g_hash_table_insert(p->raw.declared,
			    g_strdup(ns->prefix), GUINT_TO_POINTER(n - 1));
		g_free(ns->prefix);
		g_array_set_size(scope, scope->len - 1);
	}
}

/*
 * A prefix used inside the raw element but declared outside it is
 * declared on its root element, after the root's own declarations, as
 * libxml does when it copies a subtree out of its document.
 */
static void
raw_need_ns(struct parser *p, const xmlChar *prefix, const xmlChar *uri)
{
	struct raw *r = &p->raw;
	const char *key = prefix != NULL ? (const char *)prefix : "";
	gsize at, before;
	GString *tail;

	if (uri == NULL || strcmp(key, "xml") == 0 ||
	    g_hash_table_contains(r->declared, key))
		return;
	/* In scope until the raw element ends. */
	raw_declare(p, key);
	/* Written at the end, then moved in front of what followed. */
	at = r->decl_at;
	before = r->buf->len;
	raw_puts(p, *key != '\0' ? " xmlns:" : " xmlns");
	raw_puts(p, key);
	raw_puts(p, "=\"");
	raw_escaped(p, (const char *)uri, TRUE);
	raw_puts(p, "\"");
	if (r->over)
		return;
	tail = g_string_new_len(r->buf->str + at, before - at);
	g_string_erase(r->buf, at, before - at);
	g_string_append_len(r->buf, tail->str, tail->len);
	g_string_free(tail, TRUE);
	r->decl_at += r->buf->len - before;
}

/* Completes a start tag once it is known whether the element is empty. */
static void
raw_close_tag(struct parser *p, gboolean empty)
{
	if (!p->raw.tag_open)
		return;
	raw_puts(p, empty ? "/>" : ">");
	p->raw.tag_open = FALSE;
}

static void
raw_attributes(struct parser *p, int depth, gboolean decls)
{
	const char *name;
	int more;

	for (more = xmlTextReaderMoveToFirstAttribute(p->reader); more == 1;
	    more = xmlTextReaderMoveToNextAttribute(p->reader)) {
		if ((xmlTextReaderIsNamespaceDecl(p->reader) == 1) != decls)
			continue;
		name = (const char *)xmlTextReaderConstName(p->reader);
		if (decls)
			raw_scope_push(p, name[5] == ':' ? name + 6 : "",
			    depth);
		else
			raw_need_ns(p, xmlTextReaderConstPrefix(p->reader),
			    xmlTextReaderConstNamespaceUri(p->reader));
		raw_puts(p, " ");
		raw_puts(p, name);
		raw_puts(p, "=\"");
		raw_escaped(p, (const char *)xmlTextReaderConstValue(
		    p->reader), TRUE);
		raw_puts(p, "\"");
	}
	xmlTextReaderMoveToElement(p->reader);
}

/* The raw element is complete: keep it, or note that it was dropped. */
static void
raw_end(struct parser *p)
{
	struct raw *r = &p->raw;
	char *valid = NULL, *joined;

	/*
	 * libxml2 does not check CDATA, and the database takes UTF-8 only:
	 * each invalid byte becomes U+FFFD (three bytes), so the limit is
	 * checked again on what would be kept.
	 */
	if (!r->over) {
		valid = g_utf8_make_valid(r->buf->str, r->buf->len);
		r->len = strlen(valid);
		r->over = r->len > r->room;
	}
	if (r->over) {
		dr_report_add_note(p->rep, "%s of %" G_GSIZE_FORMAT
		    " bytes dropped (limit %" G_GSIZE_FORMAT ")", r->where,
		    r->len, (gsize)p->lim->max_field_bytes);
	} else {
		joined = g_strconcat(*r->dst != NULL ? *r->dst : "", valid,
		    NULL);
		g_free(*r->dst);
		*r->dst = joined;
	}
	g_free(valid);
	raw_scope_pop(p, r->depth);
	g_hash_table_remove_all(r->declared);
	g_clear_pointer(&r->where, g_free);
	g_string_truncate(r->buf, 0);
	r->depth = -1;
}

static void
raw_element(struct parser *p, int depth)
{
	raw_close_tag(p, FALSE);
	raw_puts(p, "<");
	raw_puts(p, (const char *)xmlTextReaderConstName(p->reader));
	raw_attributes(p, depth, TRUE);
	if (depth == p->raw.depth)
		p->raw.decl_at = p->raw.buf->len;
	raw_need_ns(p, xmlTextReaderConstPrefix(p->reader),
	    xmlTextReaderConstNamespaceUri(p->reader));
	raw_attributes(p, depth, FALSE);
	p->raw.tag_open = TRUE;
	if (xmlTextReaderIsEmptyElement(p->reader)) {
		raw_close_tag(p, TRUE);
		raw_scope_pop(p, depth);
		if (depth == p->raw.depth)
			raw_end(p);
	}
}

static void
raw_end_element(struct parser *p, int depth)
{
	if (p->raw.tag_open) {
		raw_close_tag(p, TRUE);
	} else {
		raw_puts(p, "</");
		raw_puts(p, (const char *)xmlTextReaderConstName(p->reader));
		raw_puts(p, ">");
	}
	raw_scope_pop(p, depth);
	if (depth == p->raw.depth)
		raw_end(p);
}

/* One node inside the raw element. */
static void
raw_node(struct parser *p, int type, int depth)
{
	const char *v = (const char *)xmlTextReaderConstValue(p->reader);

	switch (type) {
	case XML_READER_TYPE_ELEMENT:
		raw_element(p, depth);
		return;
	case XML_READER_TYPE_END_ELEMENT:
		raw_end_element(p, depth);
		return;
	case XML_READER_TYPE_TEXT:
	case XML_READER_TYPE_WHITESPACE:
	case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
		raw_close_tag(p, FALSE);
		raw_escaped(p, v != NULL ? v : "", FALSE);
		return;
	case XML_READER_TYPE_CDATA:
		raw_close_tag(p, FALSE);
		raw_puts(p, "<![CDATA[");
		raw_puts(p, v != NULL ? v : "");
		raw_puts(p, "]]>");
		return;
	case XML_READER_TYPE_COMMENT:
		raw_close_tag(p, FALSE);
		raw_puts(p, "<!--");
		raw_puts(p, v != NULL ? v : "");
		raw_puts(p, "-->");
		return;
	case XML_READER_TYPE_PROCESSING_INSTRUCTION:
		raw_close_tag(p, FALSE);
		raw_puts(p, "<?");
		raw_puts(p, (const char *)xmlTextReaderConstName(p->reader));
		if (v != NULL && *v != '\0') {
			raw_puts(p, " ");
			raw_puts(p, v);
		}
		raw_puts(p, "?>");
		return;
	default:
		return;
	}
}

/*
 * Starts keeping the current element as raw XML, appended to *dst
 * unless that would make *dst longer than lim->max_field_bytes; what
 * does not fit is dropped with a note naming where.
 */
static void
keep_raw(struct parser *p, char **dst, const char *where, int depth)
{
	struct raw *r = &p->raw;
	gsize have = *dst != NULL ? strlen(*dst) : 0;

	r->dst = dst;
	r->where = g_strdup(where);
	r->room = p->lim->max_field_bytes - MIN(have,
	    p->lim->max_field_bytes);
	r->len = 0;
	r->over = FALSE;
	r->decl_at = 0;
	r->tag_open = FALSE;
	r->depth = depth;
	raw_element(p, depth);
}

static gboolean
open_root(struct parser *p, const char *name, GError **error)
{
	const xmlChar *ns;
	char *q;

	if (strcmp(name, "feedback") != 0) {
		q = quote(name);
		g_set_error(error, DR_ERROR, DR_ERROR_NOT_A_REPORT,
		    "root element <%s> is not <feedback>", q);
		g_free(q);
		return FALSE;
	}
	ns = xmlTextReaderConstNamespaceUri(p->reader);
	if (ns != NULL)
		p->rep->xml_namespace = g_strdup((const char *)ns);
	p->stack[0] = C_FEEDBACK;
	return TRUE;
}

static gboolean
open_element(struct parser *p, int depth, GError **error)
{
	const char *name = (const char *)xmlTextReaderConstLocalName(
	    p->reader);
	enum ctx parent;
	const struct child *c;
	char *q, *where;

	if (name == NULL)
		name = "";
	if (depth == 0)
		return open_root(p, name, error);
	parent = p->stack[depth - 1];
	p->stack[depth] = C_SKIP;
	c = find_child(parent, name);
	if (c == NULL) {
		if (parent == C_FEEDBACK && strcmp(name, "extension") == 0) {
			keep_raw(p, &p->rep->extensions, "<extension>",
			    depth);
		} else if (parent == C_RECORD) {
			q = quote(name);
			where = g_strdup_printf("record %" G_GINT64_FORMAT
			    ": <%s>", p->rep->record_count + 1, q);
			g_free(q);
			keep_raw(p, &p->rec.extensions, where, depth);
			g_free(where);
		}
		return TRUE;
	}
	p->stack[depth] = c->ctx;
	switch (c->ctx) {
	case C_LEAF:
		p->leaf = c->field;
		g_string_truncate(p->text, 0);
		break;
	case C_RECORD:
		if (!p->header_done && !header(p, error))
			return FALSE;
		if (p->rep->record_count >= p->lim->max_records) {
			g_set_error(error, DR_ERROR, DR_ERROR_TOO_LARGE,
			    "more than %" G_GINT64_FORMAT " records",
			    p->lim->max_records);
			return FALSE;
		}
		break;
	case C_REASON:
		return add_entry(p, p->rec.reasons, "reason", error);
	case C_AUTH_DKIM:
		return add_entry(p, p->rec.dkim, "dkim", error);
	case C_AUTH_SPF:
		return add_entry(p, p->rec.spf, "spf", error);
	default:
		break;
	}
	return TRUE;
}

static gboolean
close_element(struct parser *p, int depth, GError **error)
{
	switch (p->stack[depth]) {
	case C_LEAF:
		if (p->leaf == F_ERROR &&
		    p->rep->errors->len >= MAX_LIST_ENTRIES) {
			g_set_error(error, DR_ERROR, DR_ERROR_TOO_LARGE,
			    "more than %u report_metadata/error entries",
			    MAX_LIST_ENTRIES);
			return FALSE;
		}
		close_leaf(p);
		p->leaf = F_NONE;
		break;
	case C_RECORD:
		return close_record(p, error);
	case C_FEEDBACK:
		p->root_done = TRUE;
		if (!p->header_done)
			return header(p, error);
		break;
	default:
		break;
	}
	return TRUE;
}

static gboolean
add_text(struct parser *p, GError **error)
{
	const xmlChar *v = xmlTextReaderConstValue(p->reader);
	gsize len;

	if (v == NULL)
		return TRUE;
	len = strlen((const char *)v);
	/*
	 * libxml2 checks the encoding of text but not of a CDATA section
	 * (the fuzzer found "<![CDATA[\xc1\x90]]>"): invalid UTF-8 makes the
	 * document not well-formed.
	 */
	if (!g_utf8_validate((const char *)v, (gssize)len, NULL)) {
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_XML,
		    "line %ld: invalid UTF-8 in a value", line(p));
		return FALSE;
	}
	if (len > p->lim->max_field_bytes - MIN(p->text->len,
	    p->lim->max_field_bytes)) {
		g_set_error(error, DR_ERROR, DR_ERROR_TOO_LARGE,
		    "line %ld: value longer than %" G_GSIZE_FORMAT " bytes",
		    line(p), (gsize)p->lim->max_field_bytes);
		return FALSE;
	}
	g_string_append_len(p->text, (const char *)v, len);
	return TRUE;
}

static gboolean
node(struct parser *p, GError **error)
{
	int type = xmlTextReaderNodeType(p->reader);
	int depth = xmlTextReaderDepth(p->reader);

	if (++p->nodes % DEADLINE_NODES == 0 &&
	    !dr_limits_check_deadline(p->lim, error))
		return FALSE;
	if (depth < 0 || (guint)depth > p->lim->max_xml_depth) {
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_XML,
		    "line %ld: elements nested deeper than %u", line(p),
		    p->lim->max_xml_depth);
		return FALSE;
	}
	if (p->raw.depth >= 0 && (depth > p->raw.depth ||
	    (depth == p->raw.depth && type == XML_READER_TYPE_END_ELEMENT)))
		raw_node(p, type, depth);
	switch (type) {
	case XML_READER_TYPE_DOCUMENT_TYPE: {
		const char *root = (const char *)
		    xmlTextReaderConstLocalName(p->reader);

		/* <!DOCTYPE html> is an HTML part, not a broken report. */
		if (root != NULL && g_ascii_strcasecmp(root, "feedback") != 0)
			g_set_error(error, DR_ERROR, DR_ERROR_NOT_A_REPORT,
			    "DOCTYPE of another document type");
		else
			g_set_error(error, DR_ERROR, DR_ERROR_BAD_XML,
			    "DOCTYPE not allowed");
		return FALSE;
	}
	case XML_READER_TYPE_ENTITY_REFERENCE:
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_XML,
		    "line %ld: DOCTYPE not allowed (entity reference)",
		    line(p));
		return FALSE;
	case XML_READER_TYPE_ELEMENT:
		if (!open_element(p, depth, error))
			return FALSE;
		if (xmlTextReaderIsEmptyElement(p->reader))
			return close_element(p, depth, error);
		return TRUE;
	case XML_READER_TYPE_END_ELEMENT:
		return close_element(p, depth, error);
	case XML_READER_TYPE_TEXT:
	case XML_READER_TYPE_CDATA:
	case XML_READER_TYPE_WHITESPACE:
	case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
		if (depth > 0 && p->stack[depth - 1] == C_LEAF)
			return add_text(p, error);
		return TRUE;
	default:
		return TRUE;
	}
}

/* Turns a failed xmlTextReaderRead() into the right error. */
static void
read_failed(struct parser *p, GError **error)
{
	xmlNodePtr root;

	if (p->read_error != NULL) {
		g_propagate_error(error, g_steal_pointer(&p->read_error));
		return;
	}
	/*
	 * libxml reads ahead, so whether an element was ever started is
	 * asked of its document, not of the nodes seen so far.  Asking
	 * makes the document ours to free.
	 */
	p->doc = xmlTextReaderCurrentDoc(p->reader);
	root = p->doc ? xmlDocGetRootElement(p->doc) : NULL;
	if (root == NULL) {
		g_set_error(error, DR_ERROR, DR_ERROR_NOT_A_REPORT,
		    "no XML element found");
		return;
	}
	/*
	 * An HTML part is rarely well-formed and fails before its root node
	 * is handed out; its root name still says it is no report.
	 */
	if (root->name == NULL ||
	    strcmp((const char *)root->name, "feedback") != 0) {
		g_set_error(error, DR_ERROR, DR_ERROR_NOT_A_REPORT,
		    "not well-formed, and the root element is not <feedback>");
		return;
	}
	if (p->xml_message != NULL)
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_XML,
		    "line %d: %s", p->xml_line, p->xml_message);
	else
		g_set_error(error, DR_ERROR, DR_ERROR_BAD_XML,
		    "not well-formed");
}

static gboolean
run(struct parser *p, GError **error)
{
	int ret;

	while ((ret = xmlTextReaderRead(p->reader)) == 1) {
		if (!node(p, error))
			return FALSE;
	}
	if (ret < 0 || p->read_error != NULL) {
		read_failed(p, error);
		return FALSE;
	}
	if (!p->root_done) {
		g_set_error(error, DR_ERROR, DR_ERROR_NOT_A_REPORT,
		    "no XML element found");
		return FALSE;
	}
	if (p->cb->end != NULL)
		return p->cb->end(p->rep, p->user, error);
	return TRUE;
}

gboolean
dr_xml_parse(dr_read_fn read_fn, gpointer src, const char *name,
    const struct dr_limits *lim, const struct dr_xml_callbacks *cb,
    gpointer user, GError **error)
{
	struct parser p;
	gboolean ok;

	g_return_val_if_fail(read_fn != NULL, FALSE);
	g_return_val_if_fail(lim != NULL && cb != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	memset(&p, 0, sizeof(p));
	p.lim = lim;
	p.cb = cb;
	p.user = user;
	p.read_fn = read_fn;
	p.src = src;
	p.stack = g_new0(enum ctx, (gsize)lim->max_xml_depth + 1);
	p.text = g_string_new(NULL);
	p.rep = dr_report_new();
	dr_record_init(&p.rec);
	p.raw.depth = -1;
	p.raw.buf = g_string_new(NULL);
	p.raw.scope = g_array_new(FALSE, FALSE, sizeof(struct raw_ns));
	p.raw.declared = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);

	/* BIG_LINES: node line numbers past 65535, for messages. */
	p.reader = xmlReaderForIO(on_read, NULL, &p, name, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_BIG_LINES);
	if (p.reader == NULL) {
		if (p.read_error != NULL) {
			g_propagate_error(error,
			    g_steal_pointer(&p.read_error));
		} else {
			g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL,
			    "cannot create the XML reader");
		}
		ok = FALSE;
	} else {
		xmlTextReaderSetStructuredErrorHandler(p.reader, on_xml_error,
		    &p);
		ok = run(&p, error);
		xmlFreeTextReader(p.reader);
		if (p.doc != NULL)
			xmlFreeDoc(p.doc);
	}

	raw_scope_pop(&p, G_MININT);
	g_array_unref(p.raw.scope);
	g_hash_table_unref(p.raw.declared);
	g_string_free(p.raw.buf, TRUE);
	g_free(p.raw.where);
	g_clear_error(&p.read_error);
	g_free(p.xml_message);
	g_free(p.stack);
	g_string_free(p.text, TRUE);
	dr_record_clear(&p.rec);
	g_free(p.begin_text);
	g_free(p.end_text);
	g_free(p.count_text);
	g_free(p.ip_text);
	dr_report_free(p.rep);
	return ok;
}
