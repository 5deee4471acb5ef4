/*
 * A small streaming JSON writer: compact (one line) or pretty-printed
 * (two-space indent).  Strings are escaped per RFC 8259; bytes >= 0x80
 * are passed through, so UTF-8 stays UTF-8.
 */
#ifndef GPUMEMCTL_JSON_H
#define GPUMEMCTL_JSON_H

#include <stdbool.h>
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

/* Escape @s as the contents of a JSON string (no quotes) onto @f. */
void gm_json_escape(FILE *f, const char *s);

#endif
