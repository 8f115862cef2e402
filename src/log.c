/*
 * log.c - syslog and stderr logging (see log.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static gboolean log_stderr;
static char *log_ident;

void
dr_log_open(const char *ident, gboolean to_stderr)
{
	g_free(log_ident);
	log_ident = g_strdup(ident);
	log_stderr = to_stderr;
	openlog(log_ident, LOG_PID, LOG_MAIL);
}

void
dr_log(int priority, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	line = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	syslog(priority, "%s", line);
	if (log_stderr)
		fprintf(stderr, "%s: %s\n", log_ident ? log_ident : "dmarc-rua",
		    line);
	g_free(line);
}

char *
dr_log_clean(const char *s, gsize max)
{
	GString *out;
	gsize i;

	if (s == NULL)
		return g_strdup("-");
	out = g_string_sized_new(MIN(strlen(s), max) + 8);
	for (i = 0; s[i] != '\0' && i < max; i++) {
		guchar c = (guchar)s[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			g_string_append_c(out, (char)c);
		else
			g_string_append_printf(out, "\\x%02x", c);
	}
	if (s[i] != '\0')
		g_string_append(out, "...");
	return g_string_free(out, FALSE);
}

void
dr_log_kv(GString *line, const char *key, const char *value)
{
	char *clean = dr_log_clean(value, 80);

	/* Quotes are escaped by dr_log_clean, so quoting is unambiguous. */
	if (strchr(clean, ' ') != NULL || *clean == '\0')
		g_string_append_printf(line, " %s=\"%s\"", key, clean);
	else
		g_string_append_printf(line, " %s=%s", key, clean);
	g_free(clean);
}
