/*
 * fuzz.h - what the fuzz targets share.
 *
 * Each fuzz_*.c defines the two libFuzzer entry points below.  They are
 * linked either with libFuzzer (fuzz/run) or with replay.c, which feeds
 * the stored corpora through the same entry points as a plain test.
 *
 * FUZZ_CHECK() states an invariant of a module's contract; a violation
 * aborts, which libFuzzer reports as a crash with the input that caused
 * it.  assert() is not used because NDEBUG would silence it.
 */
#ifndef DR_FUZZ_H
#define DR_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "model.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The target's name, "mime" say: its corpus is fuzz/corpus/<name>. */
extern const char fuzz_target[];

#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* Caps low enough that one input cannot take seconds; no clock. */
#define FUZZ_MAX_UNPACKED	(8u * 1024 * 1024)
#define FUZZ_MAX_RECORDS	20000

static inline void
fuzz_limits(struct dr_limits *lim)
{
	dr_limits_init(lim);
	lim->max_unpacked_bytes = FUZZ_MAX_UNPACKED;
	lim->max_records = FUZZ_MAX_RECORDS;
	lim->deadline = 0;
}

/*
 * Criticals mean a g_return_if_fail() tripped: a caller broke a
 * contract.  Make them crash instead of scrolling past.
 */
static inline void
fuzz_glib_init(void)
{
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
}

/*
 * Reads every byte of a string that may be NULL, so that ASan sees a
 * dangling or unterminated one, and checks that it is UTF-8 as model.h
 * promises.
 */
static inline void
fuzz_touch_str(const char *s)
{
	if (s == NULL)
		return;
	FUZZ_CHECK(g_utf8_validate(s, -1, NULL));
}

static inline void
fuzz_touch_strv(const GPtrArray *a)
{
	guint i;

	FUZZ_CHECK(a != NULL);
	for (i = 0; i < a->len; i++) {
		FUZZ_CHECK(a->pdata[i] != NULL);
		fuzz_touch_str(a->pdata[i]);
	}
}

/* Every field of a report as the xml module hands it over. */
static inline void
fuzz_touch_report(const struct dr_report *rep)
{
	FUZZ_CHECK(rep != NULL);
	fuzz_touch_str(rep->xml_namespace);
	fuzz_touch_str(rep->version);
	fuzz_touch_str(rep->org_name);
	fuzz_touch_str(rep->email);
	fuzz_touch_str(rep->extra_contact_info);
	fuzz_touch_str(rep->report_id);
	fuzz_touch_strv(rep->errors);
	fuzz_touch_str(rep->generator);
	fuzz_touch_str(rep->domain);
	fuzz_touch_str(rep->adkim);
	fuzz_touch_str(rep->aspf);
	fuzz_touch_str(rep->p);
	fuzz_touch_str(rep->sp);
	fuzz_touch_str(rep->np);
	fuzz_touch_str(rep->pct);
	fuzz_touch_str(rep->fo);
	fuzz_touch_str(rep->testing);
	fuzz_touch_str(rep->discovery_method);
	fuzz_touch_str(rep->extensions);
	fuzz_touch_strv(rep->notes);
	FUZZ_CHECK(rep->record_count >= 0);
	FUZZ_CHECK(rep->message_count >= 0);
}

/* Every field of a record, including each list entry. */
static inline void
fuzz_touch_record(const struct dr_record *rec)
{
	guint i;

	FUZZ_CHECK(rec != NULL);
	FUZZ_CHECK(rec->count >= 0);
	fuzz_touch_str(rec->source_ip);
	fuzz_touch_str(rec->source_ip_raw);
	fuzz_touch_str(rec->disposition);
	fuzz_touch_str(rec->dkim_eval);
	fuzz_touch_str(rec->spf_eval);
	fuzz_touch_str(rec->envelope_to);
	fuzz_touch_str(rec->envelope_from);
	fuzz_touch_str(rec->header_from);
	fuzz_touch_str(rec->extensions);
	for (i = 0; i < rec->reasons->len; i++) {
		const struct dr_reason *r = &g_array_index(rec->reasons,
		    struct dr_reason, i);

		fuzz_touch_str(r->type);
		fuzz_touch_str(r->comment);
	}
	for (i = 0; i < rec->dkim->len; i++) {
		const struct dr_dkim_result *d = &g_array_index(rec->dkim,
		    struct dr_dkim_result, i);

		fuzz_touch_str(d->domain);
		fuzz_touch_str(d->selector);
		fuzz_touch_str(d->result);
		fuzz_touch_str(d->human_result);
	}
	for (i = 0; i < rec->spf->len; i++) {
		const struct dr_spf_result *f = &g_array_index(rec->spf,
		    struct dr_spf_result, i);

		fuzz_touch_str(f->domain);
		fuzz_touch_str(f->scope);
		fuzz_touch_str(f->result);
		fuzz_touch_str(f->human_result);
	}
}

/*
 * FNV-1a of the input: picks, reproducibly per input, where an injected
 * failure happens, without changing the input format the seeds use.
 */
static inline guint32
fuzz_hash(const uint8_t *data, size_t size)
{
	guint32 h = 2166136261u;
	size_t i;

	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

/* A log line must stay one line of printable ASCII (log injection). */
static inline void
fuzz_check_log_line(const char *line)
{
	const char *p;

	for (p = line; *p != '\0'; p++)
		FUZZ_CHECK(*p >= 0x20 && *p < 0x7f);
}

#endif /* DR_FUZZ_H */
