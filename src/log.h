/*
 * log.h - one line per event to syslog (facility mail), and with -v the
 * same line on stderr.
 *
 * Lines are "QUEUEID: key=value ..." like Postfix's.  Any string that came
 * from a report or a mail goes through dr_log_clean() first: it cannot
 * break the line, inject terminal escapes or grow without bound.
 */
#ifndef DR_LOG_H
#define DR_LOG_H

#include <glib.h>
#include <syslog.h>

void	dr_log_open(const char *ident, gboolean to_stderr);
void	dr_log(int priority, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/*
 * Printable ASCII copy of s (transfer full): bytes outside 0x20..0x7e, and
 * '"' and '\\', become \xNN; cut at max bytes of input with "..." added.
 * NULL gives "-".
 */
char	*dr_log_clean(const char *s, gsize max);

/*
 * Appends " key=value" with value cleaned (max 80 bytes) to line, in
 * double quotes when it holds a space or is empty.
 */
void	dr_log_kv(GString *line, const char *key, const char *value);

#endif /* DR_LOG_H */
