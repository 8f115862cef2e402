/*
 * cli_ingest.c - "dmarc-rua ingest": the MTA's side of the contract.
 *
 * Exit 0: stored, duplicate, or quarantined.  Exit 75 with one line
 * "4.3.0 reason" on stdout: the MTA keeps the mail and retries.  Nothing
 * else, ever, whatever happens: every other code makes Postfix bounce,
 * and a bounce to a report sender is backscatter.  stdin is always read
 * to the end.  A hard alarm a little after the time budget makes sure
 * we answer before the MTA's own time limit kills us.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cli.h"
#include "error.h"
#include "log.h"
#include "module.h"

/* Seconds between the soft deadline and the hard alarm. */
#define DR_HARD_MARGIN	5

/* The "4.3.0" line is out: the alarm must not add a second one. */
static volatile sig_atomic_t answered;

static void
on_alarm(int sig)
{
	static const char msg[] = "4.3.0 time budget exceeded\n";
	ssize_t n;

	(void)sig;
	if (!answered) {
		n = write(STDOUT_FILENO, msg, sizeof(msg) - 1);
		(void)n;
	}
	_exit(DR_EXIT_TEMPFAIL);
}

/*
 * Reads fd to the end, keeping at most max bytes; *total is the whole
 * size.  Returns NULL with errno on a read error.
 */
static GByteArray *
read_all(int fd, gsize max, gsize *total)
{
	GByteArray *buf = g_byte_array_sized_new(64 * 1024);
	guint8 chunk[64 * 1024];
	ssize_t n;

	*total = 0;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;

			g_byte_array_unref(buf);
			errno = saved;
			return NULL;
		}
		if (n == 0)
			break;
		if (buf->len < max)
			g_byte_array_append(buf, chunk,
			    MIN((gsize)n, max - buf->len));
		*total += (gsize)n;
	}
	return buf;
}

/* Reads stdin to the end so the MTA never sees a broken pipe. */
static void
drain_stdin(void)
{
	gsize total;
	GByteArray *b = read_all(STDIN_FILENO, 0, &total);

	if (b != NULL)
		g_byte_array_unref(b);
}

static void
make_valid(char **s)
{
	char *v;

	if (*s == NULL || g_utf8_validate(*s, -1, NULL))
		return;
	v = g_utf8_make_valid(*s, -1);
	g_free(*s);
	*s = v;
}

static int
tempfail(const char *queue_id, GError *error)
{
	char *clean = dr_log_clean(error->message, 200);
	char *qid = dr_log_clean(queue_id ? queue_id : "NOQUEUE", 40);
	char *line = g_strdup(error->message);
	char *p;

	/*
	 * The line goes into the MTA's log and a DSN: one short line, the
	 * first of a multi-line message (libpq's are).
	 */
	line[strcspn(line, "\r\n")] = '\0';
	for (p = line; *p; p++)
		if (!g_ascii_isprint(*p))
			*p = ' ';
	if (p - line > 200)
		line[200] = '\0';
	printf("4.3.0 %s\n", line);
	g_free(line);
	fflush(stdout);
	answered = 1;
	dr_log(LOG_WARNING, "%s: status=deferred reason=\"%s\"", qid, clean);
	g_free(clean);
	g_free(qid);
	g_error_free(error);
	return DR_EXIT_TEMPFAIL;
}

int
dr_cmd_ingest(int argc, char **argv)
{
	struct dr_cli cli = { 0 };
	struct dr_delivery dlv = { 0 };
	struct dr_ingest_opts opts = { 0 };
	struct dr_ingest_result res = { 0 };
	const struct dr_ingest_api *ingest = NULL;
	struct dr_store *store = NULL;
	GByteArray *msg = NULL;
	GError *error = NULL;
	char *file = NULL, *customer = NULL;
	int budget = 0, status;
	gsize total = 0;
	const GOptionEntry entries[] = {
		{ "recipient", 'r', 0, G_OPTION_ARG_FILENAME, &dlv.recipient,
		  "The rua mailbox the mail was delivered to (Postfix: "
		  "${original_recipient})", "ADDR" },
		{ "queue-id", 'q', 0, G_OPTION_ARG_FILENAME, &dlv.queue_id,
		  "The MTA's queue id, for the log (Postfix: ${queue_id})",
		  "ID" },
		{ "sender", 's', 0, G_OPTION_ARG_FILENAME, &dlv.sender,
		  "The envelope sender (Postfix: ${sender})", "ADDR" },
		{ "file", 'f', 0, G_OPTION_ARG_FILENAME, &file,
		  "Read a mail, or a bare .xml/.xml.gz/.zip/zlib report, from "
		  "FILE instead of stdin", "FILE" },
		{ "customer", 'C', 0, G_OPTION_ARG_FILENAME, &customer,
		  "The customer the report belongs to (for bare report files)",
		  "SLUG" },
		{ "time-budget", 't', 0, G_OPTION_ARG_INT, &budget,
		  "Defer (exit 75) after this many seconds (default 240, "
		  "[limits] time_budget)", "SECONDS" },
		{ NULL }
	};

	if (!dr_cli_parse(&cli, "", "Store the DMARC aggregate reports of "
	    "one mail read from stdin.",
	    "Exit status: 0 when the mail was stored, was a duplicate, or was "
	    "quarantined;\n75 (with a line \"4.3.0 reason\" on stdout) when "
	    "the MTA must try again.", entries, &argc, &argv, &error)) {
		if (file == NULL)
			drain_stdin();
		status = tempfail(dlv.queue_id, error);
		goto out;
	}
	if (argc > 1) {
		if (file == NULL)
			drain_stdin();
		g_set_error(&error, DR_ERROR, DR_ERROR_USAGE,
		    "unexpected argument '%s'", argv[1]);
		status = tempfail(dlv.queue_id, error);
		goto out;
	}
	/*
	 * The MTA's arguments are taken as bytes (ARG_FILENAME: no charset
	 * conversion that could fail and defer the mail for ever); the
	 * database takes only UTF-8.
	 */
	make_valid(&dlv.recipient);
	make_valid(&dlv.queue_id);
	make_valid(&dlv.sender);
	make_valid(&customer);
	if (budget > 0)
		cli.conf.limits.time_budget = (guint)budget;
	cli.conf.limits.deadline = g_get_monotonic_time() +
	    (gint64)cli.conf.limits.time_budget * G_USEC_PER_SEC;
	signal(SIGALRM, on_alarm);
	alarm(cli.conf.limits.time_budget + DR_HARD_MARGIN);
	/*
	 * Three waits overlap: the server starts a backend and looks up the
	 * recipient's owner while the message is read and, in a thread, the
	 * module that parses it (GMime, libxml2) is mapped.
	 */
	store = dr_store_start(cli.db ? cli.db : cli.conf.conninfo);
	dr_module_preload_ingest(dr_conf_module_dir(&cli.conf));

	if (file != NULL) {
		int fd = g_open(file, O_RDONLY | O_CLOEXEC, 0);

		if (fd >= 0) {
			msg = read_all(fd, cli.conf.limits.max_message_bytes,
			    &total);
			close(fd);
		}
		if (msg == NULL) {
			/* An operator typo: say so plainly, but keep 75. */
			g_set_error(&error, DR_ERROR, DR_ERROR_TEMPFAIL,
			    "%s: %s", file, g_strerror(errno));
			status = tempfail(dlv.queue_id, error);
			goto out;
		}
	} else {
		msg = read_all(STDIN_FILENO, cli.conf.limits.max_message_bytes,
		    &total);
		if (msg == NULL) {
			g_set_error(&error, DR_ERROR, DR_ERROR_TEMPFAIL,
			    "reading stdin: %s", g_strerror(errno));
			status = tempfail(dlv.queue_id, error);
			goto out;
		}
	}

	dr_store_prepare(store, dlv.recipient);
	ingest = dr_module_ingest(dr_conf_module_dir(&cli.conf), &error);
	if (ingest == NULL) {
		status = tempfail(dlv.queue_id, error);
		goto out;
	}

	opts.limits = &cli.conf.limits;
	opts.delivery = &dlv;
	opts.customer = customer;
	opts.source_name = file ? file : NULL;
	if (file != NULL) {
		char *base = g_path_get_basename(file);

		opts.source_name = base;
		if (!ingest->message(store, msg->data, msg->len, total,
		    &opts, &res, &error))
			status = tempfail(dlv.queue_id, error);
		else
			status = DR_EXIT_OK;
		g_free(base);
	} else if (!ingest->message(store, msg->data, msg->len, total,
	    &opts, &res, &error))
		status = tempfail(dlv.queue_id, error);
	else
		status = DR_EXIT_OK;
out:
	dr_module_wait();
	alarm(0);
	if (ingest != NULL)
		ingest->result_clear(&res);
	dr_store_close(store);
	if (msg)
		g_byte_array_unref(msg);
	dr_delivery_clear(&dlv);
	g_free(file);
	g_free(customer);
	dr_cli_clear(&cli);
	return status;
}
