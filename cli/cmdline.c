// SPDX-License-Identifier: GPL-2.0
/*
 * The gpumemctl command line: the global options, the command and its
 * options, then the command's own parser (see cmdline.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cmdline.h"
#include "size.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define GM_CMD_ENTRY(e, file) &gm_cmd_##file,
const struct gm_command_info *const gm_commands[] = {
	GM_COMMANDS(GM_CMD_ENTRY)
};
#undef GM_CMD_ENTRY
const size_t gm_ncommands = ARRAY_SIZE(gm_commands);

static const char *const format_names[] = {
	[GM_FORMAT_TABLE] = "table",
	[GM_FORMAT_JSON] = "json",
	[GM_FORMAT_PROMETHEUS] = "prometheus",
};

struct parser {
	struct gm_cmdline *cl;
	struct gm_err *err;
	const char **words;	/* non-option arguments, in order */
	size_t nwords;
	bool have_format;	/* -j or -o given */
	bool tree;		/* --tree given */
	bool optional;		/* --optional given */
	const char *output_file;	/* --output-file given */
	bool help;		/* --help given */
	bool stop;		/* --help or --version: parse no further */
};

static int lookup(const char *const *names, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], word))
			return (int)i;
	return -1;
}

static const char *name_of(const char *const *names, size_t n, size_t i)
{
	return i < n && names[i] ? names[i] : "?";
}

const struct gm_command_info *gm_command_info(enum gm_command cmd)
{
	size_t i;

	for (i = 0; i < gm_ncommands; i++)
		if (gm_commands[i]->cmd == cmd)
			return gm_commands[i];
	return NULL;
}

const char *gm_command_name(enum gm_command cmd)
{
	const struct gm_command_info *info = gm_command_info(cmd);

	return info ? info->name : "?";
}

/* "show, set, ... or help" (the names of @match[i], all if NULL). */
static void list_names(char *buf, size_t len, const bool *match)
{
	size_t i, n = 0, k = 0, out = 0;

	for (i = 0; i < gm_ncommands; i++)
		n += !match || match[i];
	buf[0] = '\0';
	for (i = 0; i < gm_ncommands && out < len; i++) {
		if (match && !match[i])
			continue;
		k++;
		out += snprintf(buf + out, len - out, "%s%s",
				k == 1 ? "" : k == n ? " or " : ", ",
				gm_commands[i]->name);
	}
}

enum gm_command gm_command_lookup(const char *word, struct gm_err *err)
{
	bool match[ARRAY_SIZE(gm_commands)] = { false };
	size_t i, n = 0, last = 0, len = strlen(word);
	char names[256];

	for (i = 0; i < gm_ncommands; i++) {
		if (!strcmp(gm_commands[i]->name, word))
			return gm_commands[i]->cmd;
		if (len && !strncmp(gm_commands[i]->name, word, len)) {
			match[i] = true;
			last = i;
			n++;
		}
	}
	if (n == 1)
		return gm_commands[last]->cmd;
	if (n) {
		list_names(names, sizeof(names), match);
		gm_err_set(err, "ambiguous command '%s' (%s)", word, names);
	} else {
		list_names(names, sizeof(names), NULL);
		gm_err_set(err, "unknown command '%s' (expected %s)", word,
			   names);
	}
	return GM_CMD_NONE;
}

const char *gm_format_name(enum gm_format format)
{
	return name_of(format_names, ARRAY_SIZE(format_names), format);
}

/* ---- options --------------------------------------------------------- */

static int set_format(struct parser *p, enum gm_format format)
{
	if (p->have_format && p->cl->format != format) {
		gm_err_set(p->err, "conflicting output formats '%s' and '%s'",
			   gm_format_name(p->cl->format),
			   gm_format_name(format));
		return -EINVAL;
	}
	p->have_format = true;
	p->cl->format = format;
	return 0;
}

static int set_output(struct parser *p, const char *opt, const char *value)
{
	int f;

	if (!value) {
		gm_err_set(p->err,
			   "option '%s': missing FORMAT (table, json or prometheus)",
			   opt);
		return -EINVAL;
	}
	f = lookup(format_names, ARRAY_SIZE(format_names), value);
	if (f < 0) {
		gm_err_set(p->err,
			   "option '%s': unknown output format '%s' (expected table, json or prometheus)",
			   opt, value);
		return -EINVAL;
	}
	return set_format(p, f);
}

/*
 * A flag: --help, --version, --json, --pretty, --tree (or its letter).
 * Returns 0, -EINVAL with a message, or 1 if @c is not a flag.
 */
static int set_flag(struct parser *p, char c)
{
	switch (c) {
	case 'h':
		p->help = true;
		p->stop = true;
		return 0;
	case 'V':
		p->cl->cmd = GM_CMD_VERSION;
		p->stop = true;
		return 0;
	case 'j':
		return set_format(p, GM_FORMAT_JSON);
	case 'p':
		p->cl->pretty = true;
		return 0;
	case 't':
		p->tree = true;
		return 0;
	case 'O':
		p->optional = true;
		return 0;
	}
	return 1;
}

static const struct long_flag {
	const char *name;
	char flag;
} long_flags[] = {
	{ "help", 'h' },
	{ "version", 'V' },
	{ "json", 'j' },
	{ "pretty", 'p' },
	{ "tree", 't' },	/* long form only */
	{ "optional", 'O' },	/* long form only */
};

/* argv[*i] is "--NAME" or "--NAME=VALUE". */
static int long_option(struct parser *p, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *name = arg + 2;
	const char *eq = strchr(name, '=');
	size_t n = eq ? (size_t)(eq - name) : strlen(name);
	size_t k;

	if (n == strlen("output") && !strncmp(name, "output", n)) {
		if (eq)
			return set_output(p, "--output", eq + 1);
		return set_output(p, "--output",
				  *i + 1 < argc ? argv[++*i] : NULL);
	}
	if (n == strlen("output-file") && !strncmp(name, "output-file", n)) {
		const char *v = eq ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;

		if (!v || !*v) {
			gm_err_set(p->err, "option '--output-file': missing FILE");
			return -EINVAL;
		}
		p->output_file = v;
		return 0;
	}
	for (k = 0; k < ARRAY_SIZE(long_flags); k++) {
		if (strlen(long_flags[k].name) != n ||
		    strncmp(long_flags[k].name, name, n))
			continue;
		if (eq) {
			gm_err_set(p->err, "option '--%s' takes no value",
				   long_flags[k].name);
			return -EINVAL;
		}
		return set_flag(p, long_flags[k].flag);
	}
	gm_err_set(p->err, "unknown option '%s'", arg);
	return -EINVAL;
}

/* argv[*i] is "-X", or a bundle "-XYZ"; -o takes the rest or the next. */
static int short_options(struct parser *p, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *c;
	int ret;

	for (c = arg + 1; *c && !p->stop; c++) {
		if (*c == 'o') {
			if (c[1])
				return set_output(p, "-o", c + 1);
			return set_output(p, "-o",
					  *i + 1 < argc ? argv[++*i] : NULL);
		}
		/* --tree and --optional have no short form. */
		ret = (*c == 't' || *c == 'O') ? 1 : set_flag(p, *c);
		if (ret < 0)
			return ret;
		if (!ret)
			continue;
		if (!arg[2])
			gm_err_set(p->err, "unknown option '%s'", arg);
		else
			gm_err_set(p->err, "unknown option '-%c' in '%s'", *c,
				   arg);
		return -EINVAL;
	}
	return 0;
}

/*
 * "-" alone is an operand, and so is anything ending in ".slice" such as
 * systemd's root slice "-.slice".
 */
static bool is_option(const char *arg)
{
	size_t n = strlen(arg);

	if (n >= 6 && !strcmp(arg + n - 6, ".slice"))
		return false;
	return arg[0] == '-' && arg[1];
}

static int parse_options(struct parser *p, int argc, char **argv)
{
	bool options = true;
	int i, ret;

	for (i = 1; i < argc && !p->stop; i++) {
		const char *arg = argv[i];

		if (options && !strcmp(arg, "--")) {
			options = false;
			continue;
		}
		if (!options || !is_option(arg)) {
			p->words[p->nwords++] = arg;
			continue;
		}
		if (arg[1] == '-')
			ret = long_option(p, argc, argv, &i);
		else
			ret = short_options(p, argc, argv, &i);
		if (ret)
			return ret;
	}
	return 0;
}

/* --pretty means pretty JSON: it implies -j and contradicts -o table. */
static int check_pretty(struct parser *p)
{
	if (!p->cl->pretty)
		return 0;
	if (p->have_format && p->cl->format != GM_FORMAT_JSON) {
		gm_err_set(p->err,
			   "option '--pretty' applies to JSON output only, not '%s'",
			   gm_format_name(p->cl->format));
		return -EINVAL;
	}
	p->cl->format = GM_FORMAT_JSON;
	return 0;
}

/* ---- commands -------------------------------------------------------- */

int gm_parse_cgroup(const struct gm_cmdline *cl, const char *spec,
		    struct gm_err *err)
{
	enum gm_cgroup_kind kind;
	struct gm_err cerr;

	if (!gm_cgroup_check(spec, &kind, &cerr))
		return 0;
	gm_err_set(err, "%s: %s", gm_command_name(cl->cmd), cerr.msg);
	return -EINVAL;
}

int gm_parse_cgroups(struct gm_cmdline *cl, struct gm_err *err)
{
	size_t i;

	for (i = 0; i < cl->nargs; i++)
		if (gm_parse_cgroup(cl, cl->args[i], err))
			return -EINVAL;
	return 0;
}

int gm_parse_no_operands(struct gm_cmdline *cl, struct gm_err *err)
{
	if (!cl->nargs)
		return 0;
	gm_err_set(err, "%s: unexpected argument '%s'",
		   gm_command_name(cl->cmd), cl->args[0]);
	return -EINVAL;
}

/*
 * @opt, given, is a command option (GM_OPT_*) the command must take: else
 * "CMD: option '--x' is only valid with show and cdi".
 */
static int check_option(struct parser *p, bool given, const char *name,
			unsigned int opt)
{
	const char *names[GM_CMD_COUNT];
	char valid[256];
	size_t i, n = 0, out = 0;

	if (!given || (gm_command_info(p->cl->cmd)->options & opt))
		return 0;
	for (i = 0; i < gm_ncommands; i++)
		if (gm_commands[i]->options & opt)
			names[n++] = gm_commands[i]->name;
	valid[0] = '\0';
	for (i = 0; i < n && out < sizeof(valid); i++)
		out += snprintf(valid + out, sizeof(valid) - out, "%s%s",
				!i ? "" : i == n - 1 ? " and " : ", ",
				names[i]);
	if (opt == GM_OPT_PROMETHEUS)
		gm_err_set(p->err, "%s: output format '%s' is only valid with %s",
			   gm_command_name(p->cl->cmd), name, valid);
	else
		gm_err_set(p->err, "%s: option '%s' is only valid with %s",
			   gm_command_name(p->cl->cmd), name, valid);
	return -EINVAL;
}

static int parse_command(struct parser *p)
{
	struct gm_cmdline *cl = p->cl;
	enum gm_command cmd;

	if (!p->nwords) {
		gm_err_set(p->err, "missing COMMAND (see gpumemctl help)");
		return -EINVAL;
	}
	cmd = gm_command_lookup(p->words[0], p->err);
	if (cmd == GM_CMD_NONE)
		return -EINVAL;
	cl->cmd = cmd;
	cl->args = p->words + 1;
	cl->nargs = p->nwords - 1;
	/* "COMMAND help", as devlink and ip take it */
	if (cl->nargs && !strcmp(cl->args[0], "help") &&
	    cmd != GM_CMD_HELP) {
		cl->cmd = GM_CMD_HELP;
		cl->help_cmd = cmd;
		cl->nargs = 0;
		return 0;
	}
	if (check_option(p, p->tree, "--tree", GM_OPT_TREE) ||
	    check_option(p, p->output_file, "--output-file",
			 GM_OPT_OUTPUT_FILE) ||
	    check_option(p, p->optional, "--optional", GM_OPT_OPTIONAL) ||
	    check_option(p, cl->format == GM_FORMAT_PROMETHEUS, "prometheus",
			 GM_OPT_PROMETHEUS))
		return -EINVAL;
	cl->tree = p->tree;
	cl->output_file = p->output_file;
	cl->optional = p->optional;
	return gm_command_info(cmd)->parse(cl, p->err);
}

/*
 * -h or --help: help about the command named before it ("show --help"),
 * if any and if it names one, else the general help.
 */
static void resolve_help(struct parser *p)
{
	struct gm_err ignored;

	p->cl->cmd = GM_CMD_HELP;
	p->cl->help_cmd = p->nwords ?
		gm_command_lookup(p->words[0], &ignored) : GM_CMD_NONE;
}

int gm_cmdline_parse(struct gm_cmdline *cl, int argc, char **argv,
		     struct gm_err *err)
{
	struct parser p = { .cl = cl, .err = err };
	int ret;

	memset(cl, 0, sizeof(*cl));
	p.words = calloc(argc > 0 ? argc : 1, sizeof(*p.words));
	if (!p.words) {
		gm_err_set(err, "out of memory");
		return -ENOMEM;
	}
	ret = parse_options(&p, argc, argv);
	if (!ret && p.help)
		resolve_help(&p);
	if (!ret && !p.stop)
		ret = check_pretty(&p);
	if (!ret && !p.stop)
		ret = parse_command(&p);
	if (ret || p.stop) {
		free(p.words);
		cl->args = NULL;
		cl->nargs = 0;
		return ret;
	}
	/* Drop the command word so that args[] are the operands. */
	memmove(p.words, p.words + 1, cl->nargs * sizeof(*p.words));
	cl->args = p.words;
	return 0;
}

void gm_cmdline_free(struct gm_cmdline *cl)
{
	free(cl->args);
	cl->args = NULL;
	cl->nargs = 0;
}
