/*
 * testutil.h - what the unit tests share: where the real-world corpus is.
 *
 * The corpus lives beside the project (../shared/corpus), or wherever
 * DR_CORPUS says (make distcheck builds elsewhere).  Absent, a test is
 * skipped, but under CI (CI=true) that is a failure: a suite that could
 * not run must not pass.
 */
#ifndef DR_TESTUTIL_H
#define DR_TESTUTIL_H

#include <glib.h>

/*
 * The corpus directory (transfer full), or NULL after marking the
 * current test skipped (or failed under CI).
 */
static inline char *
dr_test_corpus(void)
{
	const char *env = g_getenv("DR_CORPUS");
	char *dir = env != NULL && *env != '\0' ? g_strdup(env) :
	    g_build_filename(SRCDIR, "..", "shared", "corpus", NULL);

	if (g_file_test(dir, G_FILE_TEST_IS_DIR))
		return dir;
	if (g_strcmp0(g_getenv("CI"), "true") == 0)
		g_test_fail_printf("corpus %s is absent under CI", dir);
	else
		g_test_skip_printf("corpus %s is absent", dir);
	g_free(dir);
	return NULL;
}

#endif /* DR_TESTUTIL_H */
