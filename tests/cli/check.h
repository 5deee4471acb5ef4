/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny test helper for the gpumemctl unit tests: each test program is a
 * list of cases; the result is TAP ("ok 1 - name"), which meson parses.
 * CHECK*() records a failure (explained on stderr, which meson shows)
 * and goes on; the program fails if any check did.
 */
#ifndef GPUMEMCTL_CHECK_H
#define GPUMEMCTL_CHECK_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct check_case {
	const char *name;
	void (*fn)(void);
};

static bool check_failed;
static const char *check_skipped;

#define CHECK_FAIL(fmt, ...)						\
	do {								\
		check_failed = true;					\
		fprintf(stderr, "%s:%d: " fmt "\n", __FILE__, __LINE__, \
			__VA_ARGS__);					\
	} while (0)

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			CHECK_FAIL("CHECK(%s) failed", #cond);		\
	} while (0)

#define CHECK_INT(a, b)							\
	do {								\
		long long _a = (a), _b = (b);				\
		if (_a != _b)						\
			CHECK_FAIL("%s == %lld, expected %s == %lld",	\
				   #a, _a, #b, _b);			\
	} while (0)

#define CHECK_U64(a, b)							\
	do {								\
		uint64_t _a = (a), _b = (b);				\
		if (_a != _b)						\
			CHECK_FAIL("%s == %" PRIu64 ", expected %" PRIu64, \
				   #a, _a, _b);				\
	} while (0)

#define CHECK_STR(a, b)							\
	do {								\
		const char *_a = (a), *_b = (b);			\
		if (!_a || !_b || strcmp(_a, _b))			\
			CHECK_FAIL("%s == \"%s\", expected \"%s\"", #a,	\
				   _a ? _a : "(null)", _b ? _b : "(null)"); \
	} while (0)

/* Key KEY of the struct gm_policy_args @p: given?  Its value. */
#define HAS(p, KEY)	gm_policy_has(&(p), GM_POLICY_##KEY)
#define VAL(p, KEY)	((p).val[GM_POLICY_##KEY])

/* @hay contains @needle */
#define CHECK_HAS(hay, needle)						\
	do {								\
		const char *_h = (hay), *_n = (needle);			\
		if (!_h || !strstr(_h, _n))				\
			CHECK_FAIL("%s == \"%s\", does not contain \"%s\"", \
				   #hay, _h ? _h : "(null)", _n);	\
	} while (0)

/* Mark the running case skipped (it still returns normally). */
static inline void check_skip(const char *why)
{
	check_skipped = why;
}

static inline int check_run(const struct check_case *cases, size_t n)
{
	int failures = 0;
	size_t i;

	printf("1..%zu\n", n);
	for (i = 0; i < n; i++) {
		check_failed = false;
		check_skipped = NULL;
		cases[i].fn();
		if (check_failed)
			failures++;
		printf("%s %zu - %s", check_failed ? "not ok" : "ok", i + 1,
		       cases[i].name);
		if (check_skipped && !check_failed)
			printf(" # SKIP %s", check_skipped);
		printf("\n");
		fflush(stdout);
	}
	return failures ? 1 : 0;
}

#define CHECK_MAIN(...)							\
	int main(void)							\
	{								\
		static const struct check_case cases[] = { __VA_ARGS__ }; \
		return check_run(cases, sizeof(cases) / sizeof(cases[0])); \
	}

#define CASE(fn) { #fn, fn }

#endif
