/*
 * domain.h - domain names: the organisational domain (Public Suffix List,
 * through libpsl's built-in list) and DMARC identifier alignment.
 */
#ifndef DR_DOMAIN_H
#define DR_DOMAIN_H

#include <glib.h>

/*
 * The organisational domain of name (RFC 7489 section 3.2), lower case,
 * without a trailing dot (transfer full).  A public suffix itself, or a
 * name that is not a domain, gives a lower-case copy of itself.
 */
char	*dr_domain_org(const char *name);

/* DMARC alignment: strict = same name, relaxed = same org domain. */
gboolean dr_domain_aligned(const char *a, const char *b, gboolean strict);

#endif /* DR_DOMAIN_H */
