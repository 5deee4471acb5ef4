/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer: compact (one line) or pretty-printed
 * (two-space indent).  Strings are escaped per RFC 8259 and the output
 * is always valid UTF-8: valid UTF-8 sequences are passed through, every
 * byte that is not part of one (cgroup names are bytes, not text) is
 * written as \ufffd, the replacement character.
 */
#ifndef GPUMEMCTL_JSON_H
#define GPUMEMCTL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define GM_JSON_DEPTH 16

struct gm_json {
	FILE *f;
	bool pretty;
	int depth;
	bool after_key;			/* a key was written, its value is next */
	bool nonempty[GM_JSON_DEPTH];	/* the container at depth has items */
};

void gm_json_init(struct gm_json *j, FILE *f, bool pretty);
void gm_json_begin_object(struct gm_json *j);
void gm_json_end_object(struct gm_json *j);
void gm_json_begin_array(struct gm_json *j);
void gm_json_end_array(struct gm_json *j);
void gm_json_key(struct gm_json *j, const char *key);
void gm_json_string(struct gm_json *j, const char *s);	/* NULL: null */
void gm_json_u64(struct gm_json *j, uint64_t v);
void gm_json_null(struct gm_json *j);

/*
 * The length of the valid UTF-8 sequence at @s (1 for ASCII, up to 4), or
 * 0 if the byte there does not start one: a stray continuation byte, an
 * overlong form, a surrogate, a code point above U+10FFFF, a truncated
 * sequence.
 */
size_t gm_utf8_len(const char *s);

/* Escape @s as the contents of a JSON string (no quotes) onto @f. */
void gm_json_escape(FILE *f, const char *s);

#endif
