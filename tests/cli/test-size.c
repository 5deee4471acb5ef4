// SPDX-License-Identifier: GPL-2.0
/* SIZE parsing and printing. */
#include <errno.h>

#include "check.h"
#include "size.h"

#define K 1024ULL
#define M (K * K)
#define G (M * K)
#define T (G * K)
#define P (T * K)
#define E (P * K)

static uint64_t parse_ok(const char *s)
{
	uint64_t v = 12345;

	if (gm_size_parse(s, &v))
		CHECK_FAIL("gm_size_parse(\"%s\") failed", s);
	return v;
}

static void test_parse_plain(void)
{
	CHECK_U64(parse_ok("0"), 0);
	CHECK_U64(parse_ok("1"), 1);
	CHECK_U64(parse_ok("4096"), 4096);
	CHECK_U64(parse_ok("007"), 7);
	CHECK_U64(parse_ok("18446744073709551614"), UINT64_MAX - 1);
}

static void test_parse_suffixes(void)
{
	CHECK_U64(parse_ok("1K"), K);
	CHECK_U64(parse_ok("1k"), K);
	CHECK_U64(parse_ok("512K"), 512 * K);
	CHECK_U64(parse_ok("3M"), 3 * M);
	CHECK_U64(parse_ok("3m"), 3 * M);
	CHECK_U64(parse_ok("2G"), 2 * G);
	CHECK_U64(parse_ok("2g"), 2 * G);
	CHECK_U64(parse_ok("5T"), 5 * T);
	CHECK_U64(parse_ok("5t"), 5 * T);
	CHECK_U64(parse_ok("7P"), 7 * P);
	CHECK_U64(parse_ok("15E"), 15 * E);
	CHECK_U64(parse_ok("0G"), 0);
}

static void test_parse_byte_suffixes(void)
{
	CHECK_U64(parse_ok("100B"), 100);
	CHECK_U64(parse_ok("100b"), 100);
	CHECK_U64(parse_ok("2GB"), 2 * G);
	CHECK_U64(parse_ok("2GiB"), 2 * G);
	CHECK_U64(parse_ok("2gib"), 2 * G);
	CHECK_U64(parse_ok("4KiB"), 4 * K);
	CHECK_U64(parse_ok("4kB"), 4 * K);
}

static void test_parse_max(void)
{
	CHECK_U64(parse_ok("max"), GM_SIZE_MAX);
	/* systemd's word for it (MemoryMax=infinity) */
	CHECK_U64(parse_ok("infinity"), GM_SIZE_MAX);
	CHECK_U64(parse_ok("18446744073709551615"), GM_SIZE_MAX);
}

static void check_bad(const char *s, int expected)
{
	uint64_t v = 42;
	int ret = gm_size_parse(s, &v);

	if (ret != expected)
		CHECK_FAIL("gm_size_parse(\"%s\") = %d, expected %d", s, ret,
			   expected);
	CHECK_U64(v, 42);	/* untouched on error */
}

static void test_parse_junk(void)
{
	static const char *const bad[] = {
		"", " ", "K", "G", "B", "iB", "x", "max ", " max", "MAX",
		"Max", "maximum", "Infinity", "inf", "infinityB", "-1", "-0",
		"+1", "1 ", " 1", "1 K", "1KK",
		"1Ki", "1iB", "1KBB", "1KiBB", "1Bi", "1X", "1Z", "1.5G",
		"1,5G", "0x10", "1e3", "10%", "1G\n", "\t1",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_bad(bad[i], -EINVAL);
	check_bad(NULL, -EINVAL);
}

static void test_parse_overflow(void)
{
	check_bad("18446744073709551616", -ERANGE);
	check_bad("99999999999999999999999999", -ERANGE);
	check_bad("16E", -ERANGE);
	check_bad("16384P", -ERANGE);
	check_bad("17179869184G", -ERANGE);
	check_bad("18014398509481984K", -ERANGE);
	/* the largest values that still fit */
	CHECK_U64(parse_ok("18014398509481983K"), UINT64_MAX - 1023);
	CHECK_U64(parse_ok("15E"), 15 * E);
}

static void test_format_exact(void)
{
	char buf[GM_SIZE_STRLEN];

	CHECK_STR(gm_size_format(0, buf), "0");
	CHECK_STR(gm_size_format(1, buf), "1");
	CHECK_STR(gm_size_format(1023, buf), "1023");
	CHECK_STR(gm_size_format(1024, buf), "1K");
	CHECK_STR(gm_size_format(1536, buf), "1536");
	CHECK_STR(gm_size_format(1048576, buf), "1M");
	CHECK_STR(gm_size_format(3 * M + 512 * K, buf), "3584K");
	CHECK_STR(gm_size_format(2 * G, buf), "2G");
	CHECK_STR(gm_size_format(1024 * G, buf), "1T");
	CHECK_STR(gm_size_format(5 * P, buf), "5P");
	CHECK_STR(gm_size_format(8 * E, buf), "8E");
	CHECK_STR(gm_size_format(UINT64_MAX - 1, buf),
		  "18446744073709551614");
	CHECK_STR(gm_size_format(GM_SIZE_MAX, buf), "max");
}

static void test_format_human(void)
{
	char buf[GM_SIZE_STRLEN];

	CHECK_STR(gm_size_human(0, buf), "0B");
	CHECK_STR(gm_size_human(1023, buf), "1023B");
	CHECK_STR(gm_size_human(1024, buf), "1.0K");
	CHECK_STR(gm_size_human(1536, buf), "1.5K");
	CHECK_STR(gm_size_human(1075, buf), "1.0K");	/* 1.049 */
	CHECK_STR(gm_size_human(1076, buf), "1.1K");	/* 1.0508 */
	CHECK_STR(gm_size_human(M - 1, buf), "1.0M");	/* no "1024.0K" */
	CHECK_STR(gm_size_human(1023 * K, buf), "1023.0K");
	CHECK_STR(gm_size_human(2 * G + G / 4, buf), "2.3G");	/* 2.25 up */
	CHECK_STR(gm_size_human(10 * T, buf), "10.0T");
	CHECK_STR(gm_size_human(3 * E, buf), "3.0E");
	CHECK_STR(gm_size_human(UINT64_MAX - 1, buf), "16.0E");
	CHECK_STR(gm_size_human(GM_SIZE_MAX, buf), "max");
}

static void check_round_trip(uint64_t v)
{
	char buf[GM_SIZE_STRLEN];
	uint64_t back = 0;

	gm_size_format(v, buf);
	if (gm_size_parse(buf, &back) || back != v)
		CHECK_FAIL("%" PRIu64 " -> \"%s\" -> %" PRIu64, v, buf, back);
}

static void test_round_trip(void)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	int i, s;

	for (s = 0; s < 64; s++) {
		check_round_trip(1ULL << s);
		check_round_trip((1ULL << s) - 1);
		check_round_trip((1ULL << s) + 1);
		check_round_trip(3ULL << (s > 62 ? 62 : s));
	}
	check_round_trip(0);
	check_round_trip(UINT64_MAX);
	check_round_trip(UINT64_MAX - 1);
	for (i = 0; i < 10000; i++) {
		/* xorshift64, with the low bits cleared now and then */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		check_round_trip(x & ~((1ULL << (i % 64)) - 1));
	}
}

CHECK_MAIN(
	CASE(test_parse_plain),
	CASE(test_parse_suffixes),
	CASE(test_parse_byte_suffixes),
	CASE(test_parse_max),
	CASE(test_parse_junk),
	CASE(test_parse_overflow),
	CASE(test_format_exact),
	CASE(test_format_human),
	CASE(test_round_trip),
)
