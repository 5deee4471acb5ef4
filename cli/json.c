// SPDX-License-Identifier: GPL-2.0
/* A small streaming JSON writer (see json.h). */
#include <inttypes.h>

#include "json.h"

void gm_json_init(struct gm_json *j, FILE *f, bool pretty)
{
	*j = (struct gm_json){ .f = f, .pretty = pretty };
}

static void newline(struct gm_json *j)
{
	int i;

	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Before any value or key: a comma and a line break, as needed. */
static void item(struct gm_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth == 0)
		return;
	if (j->nonempty[j->depth - 1])
		fputc(',', j->f);
	j->nonempty[j->depth - 1] = true;
	newline(j);
}

static void begin(struct gm_json *j, char c)
{
	item(j);
	fputc(c, j->f);
	if (j->depth < GM_JSON_DEPTH)
		j->nonempty[j->depth] = false;
	j->depth++;
}

static void end(struct gm_json *j, char c)
{
	j->depth--;
	if (j->depth < GM_JSON_DEPTH && j->nonempty[j->depth])
		newline(j);
	fputc(c, j->f);
}

void gm_json_begin_object(struct gm_json *j)
{
	begin(j, '{');
}

void gm_json_end_object(struct gm_json *j)
{
	end(j, '}');
}

void gm_json_begin_array(struct gm_json *j)
{
	begin(j, '[');
}

void gm_json_end_array(struct gm_json *j)
{
	end(j, ']');
}

size_t gm_utf8_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	size_t n, i;

	if (u[0] < 0x80)
		return 1;
	if (u[0] >= 0xc2 && u[0] <= 0xdf)
		n = 2, cp = u[0] & 0x1f;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		n = 3, cp = u[0] & 0x0f;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		n = 4, cp = u[0] & 0x07;
	else
		return 0;	/* a continuation byte, 0xc0, 0xc1, 0xf5.. */
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)	/* the NUL too */
			return 0;
		cp = cp << 6 | (u[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void gm_json_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;
		size_t n;

		if (c >= 0x80) {
			n = gm_utf8_len(s);
			if (!n) {
				fputs("\\ufffd", f);
				continue;
			}
			fwrite(s, 1, n, f);
			s += n - 1;
			continue;
		}

		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			if (c < 0x20)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
}

void gm_json_key(struct gm_json *j, const char *key)
{
	item(j);
	fputc('"', j->f);
	gm_json_escape(j->f, key);
	fputs(j->pretty ? "\": " : "\":", j->f);
	j->after_key = true;
}

void gm_json_string(struct gm_json *j, const char *s)
{
	if (!s) {
		gm_json_null(j);
		return;
	}
	item(j);
	fputc('"', j->f);
	gm_json_escape(j->f, s);
	fputc('"', j->f);
}

void gm_json_u64(struct gm_json *j, uint64_t v)
{
	item(j);
	fprintf(j->f, "%" PRIu64, v);
}

void gm_json_null(struct gm_json *j)
{
	item(j);
	fputs("null", j->f);
}
