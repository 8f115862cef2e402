/*
 * cli_import.c - "dmarc-rua import PATH...": backfill from files,
 * directories, Maildirs and mbox files.
 *
 * Every item goes through dr_ingest_message(), as "dmarc-rua ingest
 * --file" does: the same outcomes (stored, duplicate, quarantined,
 * deferred), so importing again only finds duplicates.  What is an item:
 *
 *  - A file: one mail, or one bare .xml/.xml.gz/.zip/zlib report (told
 *    by its first bytes, never its name) - unless it is an mbox.
 *  - An mbox: a file whose first line starts with "From " and whose
 *    second line is a header field.  Every line that starts with "From "
 *    begins the next message (that line itself is the mbox's, not the
 *    message's); the empty line before it, which mbox writers add, is
 *    dropped.  Content-Length is not used.  ">From " lines are left as
 *    they are: mbox flavours cannot be told apart, and only in mboxrd is
 *    unquoting exact.  With --mboxrd one '>' is removed from every line
 *    matching ^>+"From ".  (Report attachments are base64 or XML, whose
 *    lines never start with "From ": only plain text parts can differ.)
 *  - A Maildir (a directory with cur/ and new/): every file in cur/ and
 *    new/, each one mail, and the Maildir++ folders in it (".name"
 *    directories that are Maildirs themselves); tmp/ and everything
 *    else in it (index files of the IMAP server) are left alone.
 *  - Any other directory: every regular file in it and below, in name
 *    order.  Symbolic links to files are followed, to directories not.
 *
 * Each item gets one line on stdout, in the order the items finish:
 * "PATH: stored (N reports)", "PATH: duplicate", "PATH: quarantined:
 * REASON: DETAIL", "PATH: deferred: REASON", or "PATH: failed: ERROR"
 * when the file cannot be read; "PATH#N" is the Nth message of an mbox.
 * A deferred item (the database failed) is tried once more first, after
 * a second's pause, unless the item before it was deferred as well.
 * On a terminal, stderr shows a progress line (items done of all, items
 * per second, time left); a summary line follows at the end in any case.
 *
 * The customer: --customer, else --recipient, else the mail's headers,
 * as with ingest.  The [limits] of the configuration apply per item,
 * except the time budget: no MTA is waiting here.  --jobs N runs N
 * items at once, each worker thread with its own database connection.
 *
 * Exit status: 0 when every item was stored, a duplicate or
 * quarantined; 75 when some were deferred (run the same import again
 * later); 1 when an item could not be read, or on other errors (a path
 * that does not exist: nothing is imported); 2 on a usage error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cli.h"
#include "error.h"
#include "ingest.h"
#include "log.h"
#include "module.h"

/* Bytes of a file looked at to tell an mbox. */
#define DR_MBOX_SNIFF		4096
/* Pause before the second try of a deferred item. */
#define DR_RETRY_PAUSE		G_USEC_PER_SEC
/* Least time between two updates of the progress line. */
#define DR_PROGRESS_EVERY	(G_USEC_PER_SEC / 5)

struct item {
	char	*path;
	guint	 n;			/* its number in an mbox; 0: a file */
	goffset	 offset;		/* of that message */
	goffset	 length;
};

struct import {
	struct dr_cli *cli;
	const struct dr_ingest_api *ingest;
	const char *customer;
	char	*recipient;
	gboolean mboxrd;
	GPtrArray *items;		/* struct item */
	gint	 next;			/* next item to take (atomic) */

	GMutex	 lock;			/* the rest, and stdout/stderr */
	guint	 done;
	guint	 stored, reports, duplicates, quarantined, deferred, failed;
	gint64	 started;		/* g_get_monotonic_time() */
	gboolean progress;		/* stderr is a terminal */
	gboolean redraw;		/* stdout is the same terminal */
	gint64	 drawn;			/* last update of the progress line */
};

/* One worker thread's own state. */
struct worker {
	struct import *im;
	struct dr_store *store;		/* NULL until needed, or after a
					   failure */
	struct dr_limits limits;
	gboolean last_deferred;
};

static void
item_free(gpointer p)
{
	struct item *it = p;

	g_free(it->path);
	g_free(it);
}

static void
add_item(struct import *im, const char *path, guint n, goffset offset,
    goffset length)
{
	struct item *it = g_new0(struct item, 1);

	it->path = g_strdup(path);
	it->n = n;
	it->offset = offset;
	it->length = length;
	g_ptr_array_add(im->items, it);
}

static gboolean
errno_error(GError **error, const char *path)
{
	int saved = errno;

	g_set_error(error, DR_ERROR, DR_ERROR_TEMPFAIL, "%s: %s", path,
	    g_strerror(saved));
	return FALSE;
}

/* A header field line: a name of printable characters, then ':'. */
static gboolean
is_header_line(const char *s, gsize len)
{
	gsize i;

	for (i = 0; i < len && s[i] != ':'; i++)
		if ((guchar)s[i] <= ' ' || (guchar)s[i] >= 0x7f)
			return FALSE;
	return i > 0 && i < len;
}

/* "From " on the first line and a header field on the second. */
static gboolean
is_mbox(const char *buf, gsize len)
{
	const char *nl;

	if (len < 5 || memcmp(buf, "From ", 5) != 0)
		return FALSE;
	nl = memchr(buf, '\n', len);
	if (nl == NULL)
		return FALSE;
	nl++;
	return is_header_line(nl, len - (gsize)(nl - buf));
}

static gboolean
is_blank_line(const char *line, gssize len)
{
	return (len == 1 && line[0] == '\n') ||
	    (len == 2 && line[0] == '\r' && line[1] == '\n');
}

/* Finds the messages of an mbox: one item each. */
static gboolean
add_mbox(struct import *im, const char *path, FILE *f, GError **error)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	goffset pos = 0, start = -1, blank = 0;
	guint n = 0;

	while ((len = getline(&line, &cap, f)) > 0) {
		if (len >= 5 && memcmp(line, "From ", 5) == 0) {
			if (start >= 0)
				add_item(im, path, n, start,
				    pos - blank - start);
			n++;
			start = pos + len;
			blank = 0;
		} else
			blank = is_blank_line(line, len) ? len : 0;
		pos += len;
	}
	free(line);
	if (ferror(f))
		return errno_error(error, path);
	if (start >= 0)
		add_item(im, path, n, start, pos - blank - start);
	return TRUE;
}

/* A file: one item, or an mbox of several. */
static gboolean
add_file(struct import *im, const char *path, GError **error)
{
	char head[DR_MBOX_SNIFF];
	gsize got;
	gboolean ok = TRUE;
	FILE *f;

	f = g_fopen(path, "rbe");
	if (f == NULL)
		return errno_error(error, path);
	got = fread(head, 1, sizeof(head), f);
	if (ferror(f))
		ok = errno_error(error, path);
	else if (is_mbox(head, got)) {
		rewind(f);
		ok = add_mbox(im, path, f, error);
	} else
		add_item(im, path, 0, 0, -1);
	fclose(f);
	return ok;
}

static gboolean
is_dir(const char *dir, const char *name)
{
	char *p = g_build_filename(dir, name, NULL);
	gboolean yes = g_file_test(p, G_FILE_TEST_IS_DIR);

	g_free(p);
	return yes;
}

static gboolean
is_maildir(const char *dir)
{
	return is_dir(dir, "cur") && is_dir(dir, "new");
}

static gboolean
add_maildir(struct import *im, const char *dir, GError **error)
{
	static const char *const subdirs[] = { "cur", "new" };
	GPtrArray *names;
	GStatBuf st;
	gboolean ok = TRUE;
	gsize i;
	guint j;

	for (i = 0; ok && i < G_N_ELEMENTS(subdirs); i++) {
		char *sub = g_build_filename(dir, subdirs[i], NULL);

		names = dr_dir_list(sub, NULL, error);
		ok = names != NULL;
		for (j = 0; ok && j < names->len; j++) {
			char *p = g_build_filename(sub, names->pdata[j],
			    NULL);

			if (g_stat(p, &st) == 0 && S_ISREG(st.st_mode))
				add_item(im, p, 0, 0, -1);
			g_free(p);
		}
		if (names)
			g_ptr_array_unref(names);
		g_free(sub);
	}
	if (!ok || (names = dr_dir_list(dir, NULL, error)) == NULL)
		return FALSE;
	/* Maildir++ folders: ".Sent", ".Archive.2019", ... */
	for (j = 0; ok && j < names->len; j++) {
		const char *name = names->pdata[j];
		char *p = g_build_filename(dir, name, NULL);

		if (name[0] == '.' && g_lstat(p, &st) == 0 &&
		    S_ISDIR(st.st_mode) && is_maildir(p))
			ok = add_maildir(im, p, error);
		g_free(p);
	}
	g_ptr_array_unref(names);
	return ok;
}

/* A path named on the command line (top) or found in a directory. */
static gboolean
add_path(struct import *im, const char *path, gboolean top, GError **error)
{
	GPtrArray *names;
	GStatBuf st;
	gboolean ok = TRUE;
	guint i;

	if ((top ? g_stat(path, &st) : g_lstat(path, &st)) != 0)
		return errno_error(error, path);
	if (!top && S_ISLNK(st.st_mode)) {
		/* A link to a file counts; one to a directory may loop. */
		if (g_stat(path, &st) == 0 && S_ISREG(st.st_mode))
			return add_file(im, path, error);
		return TRUE;
	}
	if (S_ISREG(st.st_mode))
		return add_file(im, path, error);
	if (!S_ISDIR(st.st_mode)) {
		if (!top)
			return TRUE;
		g_set_error(error, DR_ERROR, DR_ERROR_USAGE,
		    "%s: not a file or directory", path);
		return FALSE;
	}
	if (is_maildir(path))
		return add_maildir(im, path, error);
	names = dr_dir_list(path, NULL, error);
	if (names == NULL)
		return FALSE;
	for (i = 0; ok && i < names->len; i++) {
		char *p = g_build_filename(path, names->pdata[i], NULL);

		ok = add_path(im, p, FALSE, error);
		g_free(p);
	}
	g_ptr_array_unref(names);
	return ok;
}

/* --- reading an item ------------------------------------------------------ */

/* mboxrd: one '>' off every line that is ">From ", ">>From ", ... */
static void
unquote_mboxrd(GByteArray *buf)
{
	guint8 *d = buf->data;
	gsize i = 0, o = 0, len = buf->len, j;

	while (i < len) {
		/* i is at the start of a line. */
		for (j = i; j < len && d[j] == '>'; j++)
			;
		if (j > i && len - j >= 5 && memcmp(d + j, "From ", 5) == 0)
			i++;
		while (i < len) {
			guint8 c = d[i++];

			d[o++] = c;
			if (c == '\n')
				break;
		}
	}
	g_byte_array_set_size(buf, (guint)o);
}

/*
 * The bytes of it, at most max of them; *total is its whole size.
 * NULL with errno set when it cannot be read.
 */
static GByteArray *
read_item(const struct item *it, gsize max, gboolean mboxrd, gsize *total)
{
	GByteArray *buf;
	GStatBuf st;
	goffset at = it->offset;
	gsize want;
	ssize_t n;
	int fd, saved;

	fd = g_open(it->path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return NULL;
	}
	*total = it->length >= 0 ? (gsize)it->length : (gsize)st.st_size;
	/* A GByteArray holds at most G_MAXUINT bytes. */
	want = MIN(MIN(*total, max), G_MAXUINT);
	buf = g_byte_array_sized_new((guint)want);
	g_byte_array_set_size(buf, (guint)want);
	for (n = 0; (gsize)n < want; ) {
		ssize_t r = pread(fd, buf->data + n, want - (gsize)n, at + n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			saved = errno;
			close(fd);
			g_byte_array_unref(buf);
			errno = saved;
			return NULL;
		}
		if (r == 0)
			break;
		n += r;
	}
	close(fd);
	/* A file that shrank since: what is there now is the item. */
	g_byte_array_set_size(buf, (guint)n);
	if ((gsize)n < want)
		*total = (gsize)n;
	if (it->n > 0 && mboxrd) {
		gsize before = buf->len;

		unquote_mboxrd(buf);
		*total -= before - buf->len;
	}
	return buf;
}

/* --- output --------------------------------------------------------------- */

/* The name of an item for its status line: control characters as '?'. */
static char *
item_name(const struct item *it)
{
	char *s = it->n > 0 ? g_strdup_printf("%s#%u", it->path, it->n) :
	    g_strdup(it->path);
	char *p;

	for (p = s; *p != '\0'; p++)
		if ((guchar)*p < ' ' || *p == 0x7f)
			*p = '?';
	return s;
}

/*
 * Our own error text (a path, libpq's message) in one line: control
 * characters become spaces, runs of them one.  Report-supplied text
 * goes through dr_log_clean() instead.
 */
static char *
one_line(const char *s, glong max)
{
	char *valid = g_utf8_make_valid(s, -1);
	GString *out = g_string_new(NULL);
	const char *p;

	for (p = valid; *p != '\0'; p++) {
		if ((guchar)*p >= ' ' && *p != 0x7f)
			g_string_append_c(out, *p);
		else if (out->len > 0 && out->str[out->len - 1] != ' ')
			g_string_append_c(out, ' ');
	}
	g_free(valid);
	if (g_utf8_strlen(out->str, -1) > max) {
		g_string_truncate(out, (gsize)(g_utf8_offset_to_pointer(
		    out->str, max) - out->str));
		g_string_append(out, "...");
	}
	return g_string_free(out, FALSE);
}

static void
format_duration(char *buf, gsize len, gint64 seconds)
{
	if (seconds >= 3600)
		g_snprintf(buf, len, "%" G_GINT64_FORMAT ":%02d:%02d",
		    seconds / 3600, (int)(seconds / 60 % 60),
		    (int)(seconds % 60));
	else
		g_snprintf(buf, len, "%d:%02d", (int)(seconds / 60),
		    (int)(seconds % 60));
}

/* With the lock held. */
static void
draw_progress(struct import *im, gboolean force)
{
	gint64 now = g_get_monotonic_time();
	double secs = (double)(now - im->started) / G_USEC_PER_SEC;
	double rate = secs > 0 ? im->done / secs : 0;
	char eta[32];

	if (!im->progress || (!force && now - im->drawn < DR_PROGRESS_EVERY))
		return;
	im->drawn = now;
	if (rate > 0)
		format_duration(eta, sizeof(eta),
		    (gint64)((im->items->len - im->done) / rate + 0.5));
	else
		g_strlcpy(eta, "-", sizeof(eta));
	fprintf(stderr, "\r%u/%u items, %.1f/s, %s left\033[K", im->done,
	    im->items->len, rate, eta);
	fflush(stderr);
}

static void
clear_progress(struct import *im)
{
	if (im->progress && im->drawn != 0) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}

/* One item's line; counts it; with the lock held. */
static void
report(struct import *im, const struct item *it, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static void
report(struct import *im, const struct item *it, const char *fmt, ...)
{
	char *name = item_name(it), *what;
	va_list ap;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (im->redraw)
		clear_progress(im);
	printf("%s: %s\n", name, what);
	fflush(stdout);
	im->done++;
	draw_progress(im, im->redraw || im->done == im->items->len);
	g_free(what);
	g_free(name);
}

/* --- the work ------------------------------------------------------------- */

static void
outcome(struct import *im, const struct item *it,
    const struct dr_ingest_result *res)
{
	char *reason, *detail;

	g_mutex_lock(&im->lock);
	switch (res->status) {
	case DR_INGEST_STORED:
		im->stored++;
		im->reports += res->stored;
		if (res->duplicates > 0)
			report(im, it, "stored (%u report%s, %u duplicate%s)",
			    res->stored, res->stored == 1 ? "" : "s",
			    res->duplicates, res->duplicates == 1 ? "" : "s");
		else
			report(im, it, "stored (%u report%s)", res->stored,
			    res->stored == 1 ? "" : "s");
		break;
	case DR_INGEST_DUPLICATE:
		im->duplicates++;
		report(im, it, "duplicate");
		break;
	case DR_INGEST_QUARANTINED:
		im->quarantined++;
		reason = dr_log_clean(res->reason, 40);
		detail = dr_log_clean(res->detail, 200);
		report(im, it, "quarantined: %s: %s", reason, detail);
		g_free(reason);
		g_free(detail);
		break;
	}
	g_mutex_unlock(&im->lock);
}

/* The item through ingest; FALSE (and error) when it is deferred. */
static gboolean
ingest_item(struct worker *w, const struct item *it, GByteArray *msg,
    gsize total, struct dr_ingest_result *res, GError **error)
{
	struct import *im = w->im;
	struct dr_delivery dlv = { 0 };
	struct dr_ingest_opts opts = { 0 };
	char *base = NULL;
	gboolean ok;

	dlv.recipient = im->recipient;
	opts.limits = &w->limits;
	opts.delivery = &dlv;
	opts.customer = im->customer;
	/* A bare report is named after its file; a mail's parts by theirs. */
	if (im->ingest->sniff(msg->data, msg->len) != DR_KIND_UNKNOWN)
		base = g_path_get_basename(it->path);
	opts.source_name = base;
	if (w->store == NULL)
		w->store = dr_cli_store(im->cli, error);
	ok = w->store != NULL && im->ingest->message(w->store, msg->data,
	    msg->len, total, &opts, res, error);
	if (!ok) {
		/* Whatever broke, the next try starts on a new connection. */
		dr_store_close(w->store);
		w->store = NULL;
	}
	g_free(base);
	return ok;
}

static void
run_item(struct worker *w, const struct item *it)
{
	struct import *im = w->im;
	struct dr_ingest_result res = { 0 };
	GByteArray *msg;
	GError *error = NULL;
	gsize total;
	char *why;

	msg = read_item(it, w->limits.max_message_bytes, im->mboxrd, &total);
	if (msg == NULL) {
		why = g_strdup(g_strerror(errno));
		g_mutex_lock(&im->lock);
		im->failed++;
		report(im, it, "failed: %s", why);
		g_mutex_unlock(&im->lock);
		g_free(why);
		return;
	}
	if (!ingest_item(w, it, msg, total, &res, &error)) {
		g_clear_error(&error);
		im->ingest->result_clear(&res);
		if (!w->last_deferred)
			g_usleep(DR_RETRY_PAUSE);
		ingest_item(w, it, msg, total, &res, &error);
	}
	w->last_deferred = error != NULL;
	if (error != NULL) {
		why = one_line(error->message, 300);
		g_mutex_lock(&im->lock);
		im->deferred++;
		report(im, it, "deferred: %s", why);
		g_mutex_unlock(&im->lock);
		g_free(why);
		g_error_free(error);
	} else
		outcome(im, it, &res);
	im->ingest->result_clear(&res);
	g_byte_array_unref(msg);
}

static gpointer
worker_main(gpointer data)
{
	struct worker *w = data;
	struct import *im = w->im;
	gint i;

	while ((i = g_atomic_int_add(&im->next, 1)) < (gint)im->items->len)
		run_item(w, im->items->pdata[i]);
	dr_store_close(w->store);
	w->store = NULL;
	return NULL;
}

static void
run(struct import *im, guint jobs)
{
	struct worker *workers = g_new0(struct worker, jobs);
	GThread **threads = g_new0(GThread *, jobs);
	guint i;

	for (i = 0; i < jobs; i++) {
		workers[i].im = im;
		workers[i].limits = im->cli->conf.limits;
		workers[i].limits.deadline = 0;
		threads[i] = g_thread_new("import", worker_main, &workers[i]);
	}
	for (i = 0; i < jobs; i++)
		g_thread_join(threads[i]);
	g_free(threads);
	g_free(workers);
}

static void
summary(struct import *im)
{
	gint64 us = g_get_monotonic_time() - im->started;
	char took[32];

	if (us < 60 * G_USEC_PER_SEC)
		g_snprintf(took, sizeof(took), "%.1f s",
		    (double)us / G_USEC_PER_SEC);
	else
		format_duration(took, sizeof(took),
		    (us + G_USEC_PER_SEC / 2) / G_USEC_PER_SEC);
	clear_progress(im);
	fprintf(stderr, "dmarc-rua import: %u item%s in %s: %u stored (%u "
	    "report%s), %u duplicate%s, %u quarantined, %u deferred",
	    im->items->len, im->items->len == 1 ? "" : "s", took, im->stored,
	    im->reports, im->reports == 1 ? "" : "s", im->duplicates,
	    im->duplicates == 1 ? "" : "s", im->quarantined, im->deferred);
	if (im->failed > 0)
		fprintf(stderr, ", %u unreadable", im->failed);
	fputc('\n', stderr);
}

/* An unknown --customer would quarantine everything: refuse it first. */
static gboolean
check_customer(struct dr_cli *cli, const char *slug, GError **error)
{
	struct dr_store *store = dr_cli_store(cli, error);
	struct dr_customer *c;

	if (store == NULL)
		return FALSE;
	c = dr_store_customer_get(store, slug, error);
	dr_store_close(store);
	if (c == NULL)
		return FALSE;
	dr_customer_free(c);
	return TRUE;
}

int
dr_cmd_import(int argc, char **argv)
{
	struct dr_cli cli = { 0 };
	struct import im = { 0 };
	GError *error = NULL;
	char *customer = NULL, *recipient = NULL;
	int jobs = 1, status = DR_EXIT_OK, i;
	const GOptionEntry entries[] = {
		{ "customer", 'C', 0, G_OPTION_ARG_STRING, &customer,
		  "Every report belongs to this customer", "SLUG" },
		{ "recipient", 'r', 0, G_OPTION_ARG_STRING, &recipient,
		  "The rua mailbox the mail was delivered to (default: from "
		  "the headers)", "ADDR" },
		{ "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
		  "Import this many items at once (default 1)", "N" },
		{ "mboxrd", 0, 0, G_OPTION_ARG_NONE, &im.mboxrd,
		  "The mbox files are mboxrd: unquote \">From \" lines", NULL },
		{ NULL }
	};

	g_mutex_init(&im.lock);
	im.items = g_ptr_array_new_with_free_func(item_free);
	if (!dr_cli_parse(&cli, "PATH...", "Store the reports in mail files, "
	    "directories, Maildirs and mbox files (a backfill).",
	    "Each item gets a line on stdout: stored, duplicate, quarantined, "
	    "deferred or failed.\nExit status: 0 when every item was stored, "
	    "a duplicate or quarantined; 75 when\nsome were deferred (run "
	    "the same import again later); 1 on other errors.", entries,
	    &argc, &argv, &error))
		goto fail;
	if (argc < 2) {
		g_set_error(&error, DR_ERROR, DR_ERROR_USAGE,
		    "usage: dmarc-rua import [OPTION...] PATH... (see --help)");
		goto fail;
	}
	if (jobs < 1 || jobs > DR_MAX_JOBS) {
		g_set_error(&error, DR_ERROR, DR_ERROR_USAGE,
		    "--jobs must be between 1 and %d", DR_MAX_JOBS);
		goto fail;
	}
	for (i = 1; i < argc; i++)
		if (!add_path(&im, argv[i], TRUE, &error))
			goto fail;
	if (customer != NULL && !check_customer(&cli, customer, &error)) {
		if (dr_error_is_tempfail(error)) {
			dr_cli_fail(error);
			status = DR_EXIT_TEMPFAIL;
			goto out;
		}
		goto fail;
	}
	im.ingest = dr_module_ingest(dr_conf_module_dir(&cli.conf), &error);
	if (im.ingest == NULL)
		goto fail;
	im.cli = &cli;
	im.customer = customer;
	im.recipient = recipient;
	im.progress = isatty(STDERR_FILENO);
	im.redraw = im.progress && isatty(STDOUT_FILENO);
	im.started = g_get_monotonic_time();
	run(&im, MIN((guint)jobs, MAX(im.items->len, 1)));
	summary(&im);
	if (im.failed > 0)
		status = DR_EXIT_FAIL;
	else if (im.deferred > 0)
		status = DR_EXIT_TEMPFAIL;
	goto out;
fail:
	status = dr_cli_fail(error);
out:
	g_ptr_array_unref(im.items);
	g_mutex_clear(&im.lock);
	g_free(customer);
	g_free(recipient);
	dr_cli_clear(&cli);
	return status;
}
