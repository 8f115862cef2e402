/*
 * replay.c - runs a fuzz target over stored inputs, without libFuzzer.
 *
 * Linked with one fuzz_*.c, this is an ordinary test program: every file
 * in each directory (or each file) named on the command line goes through
 * LLVMFuzzerTestOneInput(), and each argument becomes one TAP test line.
 * Without arguments it replays the target's own corpus in the source
 * tree, SRCDIR/fuzz/corpus/<target>, which holds the seeds and every
 * crash reproducer: a fixed crash stays fixed.  A failing input aborts
 * the program (the invariant or sanitizer message names the cause); the
 * name of each input is written to stderr before it runs, so the test
 * log says which one it was.
 *
 * Each input is copied into a buffer of exactly its size, as libFuzzer
 * does, so that a sanitizer build sees a read past its end.
 *
 * Memory is checked too: after each input the peak resident size must
 * stay below FUZZ_REPLAY_MAX_RSS_MB (default 256; 0 turns the check
 * off, as under valgrind), since inputs that are small but unpack to
 * megabytes must not cost memory in proportion.  AddressSanitizer keeps
 * freed memory in quarantine, so under it the check is off.
 */
#include "config.h"

#include <sys/resource.h>

#include "fuzz.h"

#ifndef SRCDIR
#error "SRCDIR must name the source directory"
#endif

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN	1
#endif
#endif

#define DEFAULT_MAX_RSS_MB	256

static long max_rss_kb;		/* 0: not checked */
static char *rss_culprit;	/* the first input over it */

/* Notes the first input after which the peak RSS is over the limit. */
static void
check_rss(const char *path)
{
	struct rusage ru;

	if (max_rss_kb == 0 || rss_culprit != NULL)
		return;
	if (getrusage(RUSAGE_SELF, &ru) == 0 && ru.ru_maxrss > max_rss_kb) {
		rss_culprit = g_strdup(path);
		printf("# %s: peak RSS %ld MiB, over %ld MiB\n", path,
		    ru.ru_maxrss / 1024, max_rss_kb / 1024);
	}
}

static void
set_max_rss(void)
{
	const char *env = g_getenv("FUZZ_REPLAY_MAX_RSS_MB");
	guint64 mb = DEFAULT_MAX_RSS_MB;

#ifdef UNDER_ASAN
	mb = 0;
#endif
	if (env != NULL && !g_ascii_string_to_unsigned(env, 10, 0, 1 << 20,
	    &mb, NULL)) {
		printf("Bail out! FUZZ_REPLAY_MAX_RSS_MB=%s is not a number "
		    "of MiB\n", env);
		exit(1);
	}
	max_rss_kb = (long)mb * 1024;
}

static void
run_file(const char *path)
{
	GError *error = NULL;
	char *contents;
	gsize len;
	uint8_t *copy;

	if (!g_file_get_contents(path, &contents, &len, &error)) {
		printf("Bail out! %s\n", error->message);
		exit(1);
	}
	fprintf(stderr, "replay: %s\n", path);
	/* malloc(0) may give NULL; libFuzzer always passes a pointer. */
	copy = malloc(len > 0 ? len : 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, contents, len);
	g_free(contents);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	check_rss(path);
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Number of inputs replayed from path, or -1 if it cannot be read. */
static int
run_path(const char *path)
{
	GError *error = NULL;
	GPtrArray *names;
	const char *name;
	char *file;
	GDir *dir;
	guint i;
	int n = 0;

	if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
		run_file(path);
		return 1;
	}
	if ((dir = g_dir_open(path, 0, &error)) == NULL) {
		printf("# %s\n", error->message);
		g_error_free(error);
		return -1;
	}
	/* Sorted, so that a run is the same on every file system. */
	names = g_ptr_array_new_with_free_func(g_free);
	while ((name = g_dir_read_name(dir)) != NULL) {
		if (name[0] != '.')
			g_ptr_array_add(names, g_strdup(name));
	}
	g_dir_close(dir);
	g_ptr_array_sort(names, compare_names);
	for (i = 0; i < names->len; i++) {
		file = g_build_filename(path, names->pdata[i], NULL);
		if (g_file_test(file, G_FILE_TEST_IS_REGULAR)) {
			run_file(file);
			n++;
		}
		g_free(file);
	}
	g_ptr_array_unref(names);
	return n;
}

int
main(int argc, char **argv)
{
	char *own[2] = { NULL, NULL };
	char **paths = argv + 1;
	int npaths = argc - 1;
	int i, n, failed = 0;
	gboolean was_over;

	LLVMFuzzerInitialize(&argc, &argv);
	set_max_rss();
	if (npaths == 0) {
		own[0] = g_build_filename(SRCDIR, "fuzz", "corpus",
		    fuzz_target, NULL);
		paths = own;
		npaths = 1;
	}
	printf("1..%d\n", npaths);
	fflush(stdout);
	for (i = 0; i < npaths; i++) {
		was_over = rss_culprit != NULL;
		n = run_path(paths[i]);
		/* An empty corpus replays nothing: that is a broken test. */
		if (n <= 0) {
			printf("not ok %d - %s %s: no inputs\n", i + 1,
			    fuzz_target, paths[i]);
			failed = 1;
		} else if (rss_culprit != NULL && !was_over) {
			printf("not ok %d - %s %s: %s took too much memory\n",
			    i + 1, fuzz_target, paths[i], rss_culprit);
			failed = 1;
		} else {
			printf("ok %d - %s %s: %d inputs\n", i + 1,
			    fuzz_target, paths[i], n);
		}
		fflush(stdout);
	}
	g_free(own[0]);
	g_free(rss_culprit);
	return failed;
}
