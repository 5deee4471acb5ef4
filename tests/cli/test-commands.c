// SPDX-License-Identifier: GPL-2.0
/*
 * The command table (cli/commands.h) drives dispatch and help in C; the
 * man page and the bash completion list the commands by hand.  This checks
 * that they list exactly the table's commands: each in the man page's
 * SYNOPSIS (".B gpumemctl NAME") and as an entry of its COMMANDS section
 * (".TP" then ".B NAME", ".BR NAME ...", ".BI \"NAME ...\""), and in the
 * completion's commands="..." list.  Likewise the completion of set lists
 * exactly the policy keys of cli/policy.h, and a keyword key's values.
 *
 * Usage: test-commands MANPAGE COMPLETION
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cmdline.h"
#include "policy.h"

static const char *manpage, *completion;

#define MAX_NAMES 32

struct names {
	char v[MAX_NAMES][32];
	size_t n;
};

static void add(struct names *s, const char *word, size_t len)
{
	size_t i, out = 0;
	char name[32];

	/* roff's "\-" is a dash; quotes and trailing blanks go */
	for (i = 0; i < len && out + 1 < sizeof(name); i++) {
		if (word[i] == '\\' && i + 1 < len && word[i + 1] == '-')
			continue;
		if (word[i] == '"')
			continue;
		name[out++] = word[i];
	}
	name[out] = '\0';
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return;
	if (s->n < MAX_NAMES)
		snprintf(s->v[s->n++], sizeof(s->v[0]), "%s", name);
}

static bool has(const struct names *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return true;
	return false;
}

/* @found is exactly the table's names; say what differs, about @what. */
static void check_same(const struct names *found, const char *what)
{
	size_t i;

	for (i = 0; i < gm_ncommands; i++)
		if (!has(found, gm_commands[i]->name))
			CHECK_FAIL("%s does not list command '%s'", what,
				   gm_commands[i]->name);
	for (i = 0; i < found->n; i++) {
		size_t k;

		for (k = 0; k < gm_ncommands; k++)
			if (!strcmp(gm_commands[k]->name, found->v[i]))
				break;
		if (k == gm_ncommands)
			CHECK_FAIL("%s lists '%s', which is not a command", what,
				   found->v[i]);
	}
}

/* The first word after the macro of a roff line (".B show" -> show). */
static size_t first_word(const char *line, const char **word)
{
	const char *p = line + strcspn(line, " ");

	p += strspn(p, " \"");
	*word = p;
	return strcspn(p, " \"\n");
}

static void test_manpage(void)
{
	struct names synopsis = { 0 }, commands = { 0 };
	char *line = NULL, section[64] = "";
	bool after_tp = false;
	size_t cap = 0, n;
	const char *w;
	FILE *f = fopen(manpage, "r");

	if (!f) {
		CHECK_FAIL("cannot read %s", manpage);
		return;
	}
	while (getline(&line, &cap, f) > 0) {
		if (!strncmp(line, ".SH ", 4)) {
			snprintf(section, sizeof(section), "%.*s",
				 (int)strcspn(line + 4, "\n"), line + 4);
			continue;
		}
		if (!strcmp(section, "SYNOPSIS") &&
		    !strncmp(line, ".B gpumemctl ", 13)) {
			w = line + 13;
			n = strcspn(w, " \n");
			if (islower((unsigned char)w[0]))
				add(&synopsis, w, n);
		}
		if (!strcmp(section, "COMMANDS")) {
			/* entries of nested lists (set's keys) are .RS'd */
			if (after_tp && line[0] == '.' && line[1] == 'B') {
				n = first_word(line, &w);
				add(&commands, w, n);
			}
			after_tp = !strncmp(line, ".TP", 3);
			if (!strncmp(line, ".RS", 3)) {
				while (getline(&line, &cap, f) > 0 &&
				       strncmp(line, ".RE", 3))
					;
				after_tp = false;
			}
		}
	}
	free(line);
	fclose(f);
	check_same(&synopsis, "gpumemctl.8's SYNOPSIS");
	check_same(&commands, "gpumemctl.8's COMMANDS");
}

static void test_completion(void)
{
	static const char key[] = "local commands=\"";
	struct names list = { 0 };
	char *line = NULL, *p;
	size_t cap = 0, lines = 0;
	FILE *f = fopen(completion, "r");

	if (!f) {
		CHECK_FAIL("cannot read %s", completion);
		return;
	}
	while (getline(&line, &cap, f) > 0) {
		p = strstr(line, key);
		if (!p)
			continue;
		lines++;
		p += strlen(key);
		while (*p && *p != '"') {
			size_t n = strcspn(p, " \"");

			add(&list, p, n);
			p += n;
			p += strspn(p, " ");
		}
	}
	free(line);
	fclose(f);
	CHECK_INT(lines, 1);
	check_same(&list, "the bash completion");
}

/* set's keys="..." are the table's keys; "KEY) ... -W \"WORDS\"" its values. */
static void test_completion_keys(void)
{
	static const char key[] = "local keys=\"";
	char *line = NULL, *p, want[128], head[64];
	bool found[GM_POLICY_NKEYS] = { false };
	size_t cap = 0, lines = 0, i, out;
	FILE *f = fopen(completion, "r");
	int k;

	if (!f) {
		CHECK_FAIL("cannot read %s", completion);
		return;
	}
	gm_policy_key_list(want, sizeof(want), GM_POLICY_FIELD(name), " ");
	for (p = want; (p = strstr(p, ", ")); )
		memmove(p, p + 1, strlen(p + 1) + 1);
	while (getline(&line, &cap, f) > 0) {
		p = strstr(line, key);
		if (p) {
			lines++;
			p += strlen(key);
			CHECK_INT(strncmp(p, want, strlen(want)), 0);
			CHECK_INT(p[strlen(want)], '"');
		}
		for (k = 0; k < GM_POLICY_NKEYS; k++) {
			const struct gm_policy_key_info *pk = &gm_policy_keys[k];

			if (!pk->words)
				continue;
			snprintf(head, sizeof(head), "%s) ", pk->name);
			p = line + strspn(line, "\t ");
			if (strncmp(p, head, strlen(head)))
				continue;
			out = snprintf(want, sizeof(want), "-W \"");
			for (i = 0; pk->words[i]; i++)
				out += snprintf(want + out, sizeof(want) - out,
						"%s%s", i ? " " : "",
						pk->words[i]);
			snprintf(want + out, sizeof(want) - out, "\"");
			CHECK_HAS(p, want);
			found[k] = true;
		}
	}
	free(line);
	fclose(f);
	CHECK_INT(lines, 1);
	for (k = 0; k < GM_POLICY_NKEYS; k++)
		if (gm_policy_keys[k].words && !found[k])
			CHECK_FAIL("the bash completion has no values of '%s'",
				   gm_policy_keys[k].name);
}

int main(int argc, char **argv)
{
	static const struct check_case cases[] = {
		CASE(test_manpage),
		CASE(test_completion),
		CASE(test_completion_keys),
	};

	if (argc != 3) {
		printf("Bail out! usage: test-commands MANPAGE COMPLETION\n");
		return 1;
	}
	manpage = argv[1];
	completion = argv[2];
	return check_run(cases, sizeof(cases) / sizeof(cases[0]));
}
