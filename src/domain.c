/*
 * domain.c - organisational domains and alignment (see domain.h).
 */
#include "config.h"

#include <string.h>

#include <libpsl.h>

#include "domain.h"

static char *
normalise(const char *name)
{
	char *d = g_ascii_strdown(name, -1);
	gsize n;

	g_strstrip(d);
	n = strlen(d);
	if (n > 0 && d[n - 1] == '.')
		d[n - 1] = '\0';
	return d;
}

char *
dr_domain_org(const char *name)
{
	char *d = normalise(name);
	const char *reg;

	reg = psl_registrable_domain(psl_builtin(), d);
	if (reg != NULL && reg != d)
		memmove(d, reg, strlen(reg) + 1);
	return d;
}

gboolean
dr_domain_aligned(const char *a, const char *b, gboolean strict)
{
	char *x, *y;
	gboolean same;

	if (a == NULL || b == NULL || *a == '\0' || *b == '\0')
		return FALSE;
	if (strict) {
		x = normalise(a);
		y = normalise(b);
	} else {
		x = dr_domain_org(a);
		y = dr_domain_org(b);
	}
	same = strcmp(x, y) == 0;
	g_free(x);
	g_free(y);
	return same;
}
