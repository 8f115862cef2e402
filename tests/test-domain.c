/*
 * test-domain.c - organisational domain and alignment, table-driven.
 */
#include "config.h"

#include <glib.h>

#include "domain.h"

static const struct {
	const char *name, *org;
} org_cases[] = {
	{ "example.com", "example.com" },
	{ "a.b.c.example.com", "example.com" },
	{ "Mail.Example.COM.", "example.com" },
	{ "www.example.co.uk", "example.co.uk" },
	{ "co.uk", "co.uk" },
	{ "foo.github.io", "foo.github.io" },
	{ "localhost", "localhost" },
	{ "", "" },
};

static const struct {
	const char *a, *b;
	gboolean strict, aligned;
} align_cases[] = {
	{ "example.com", "example.com", TRUE, TRUE },
	{ "example.com", "EXAMPLE.com", TRUE, TRUE },
	{ "mail.example.com", "example.com", TRUE, FALSE },
	{ "mail.example.com", "example.com", FALSE, TRUE },
	{ "a.example.co.uk", "b.example.co.uk", FALSE, TRUE },
	{ "example.co.uk", "other.co.uk", FALSE, FALSE },
	{ "a.github.io", "b.github.io", FALSE, FALSE },
	{ "example.com", "", FALSE, FALSE },
	{ "example.com", NULL, FALSE, FALSE },
};

static void
test_org(void)
{
	gsize i;

	for (i = 0; i < G_N_ELEMENTS(org_cases); i++) {
		char *org = dr_domain_org(org_cases[i].name);

		g_assert_cmpstr(org, ==, org_cases[i].org);
		g_free(org);
	}
}

static void
test_aligned(void)
{
	gsize i;

	for (i = 0; i < G_N_ELEMENTS(align_cases); i++)
		g_assert_cmpint(dr_domain_aligned(align_cases[i].a,
		    align_cases[i].b, align_cases[i].strict), ==,
		    align_cases[i].aligned);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/domain/org", test_org);
	g_test_add_func("/domain/aligned", test_aligned);
	return g_test_run();
}
