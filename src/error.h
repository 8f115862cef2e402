/*
 * error.h - the one GError domain of dmarc-rua.
 *
 * The code of an error says what the MTA must be told: DR_ERROR_TEMPFAIL
 * means "try again later" (exit 75); every other code names the reason a
 * message is quarantined, and dr_error_reason() gives its short token as
 * it appears in the quarantine table and the log.
 */
#ifndef DR_ERROR_H
#define DR_ERROR_H

#include <glib.h>

#define DR_ERROR (dr_error_quark())
GQuark	dr_error_quark(void);

enum dr_error_code {
	DR_ERROR_TEMPFAIL,		/* defer: database, time budget, config */
	DR_ERROR_NOT_A_REPORT,		/* nothing that looks like a report */
	DR_ERROR_BAD_XML,		/* not well-formed, DTD, too deep */
	DR_ERROR_BAD_DATA,		/* well-formed but unusable values */
	DR_ERROR_BAD_ARCHIVE,		/* corrupt gzip / zip / zlib */
	DR_ERROR_TOO_LARGE,		/* over one of the limits */
	DR_ERROR_UNKNOWN_RECIPIENT,	/* no customer owns the mailbox */
	DR_ERROR_USAGE,			/* operator error on the command line */
	DR_ERROR_NOT_FOUND,		/* operator named something absent */
	DR_ERROR_CONFLICT,		/* operator request refused */
};

const char *dr_error_reason(int code);
gboolean dr_error_is_tempfail(const GError *error);
/*
 * Makes an error of another domain (a GLib file or option error) one of
 * DR_ERROR with code, keeping its message; nothing when error is NULL,
 * unset, or DR_ERROR already.
 */
void	dr_error_retag(GError **error, int code);

#endif /* DR_ERROR_H */
