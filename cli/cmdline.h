/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gpumemctl command line, parsed into a struct gm_cmdline.
 *
 *   gpumemctl [-j|--json] [-p|--pretty] [-o FORMAT] COMMAND ...
 *
 * Global options may appear anywhere before "--" (also after COMMAND);
 * short ones may be bundled ("-jp").  COMMAND may be abbreviated to a
 * unique prefix.  "-h", "--help", "help [COMMAND]" and "COMMAND help"
 * ask for help (GM_CMD_HELP, help_cmd says about which command).  The
 * global options are parsed here; the operands by the command's own
 * parser (cmd_*.c), which checks every value (SIZE, keywords, CGROUP
 * syntax); whether a CGROUP exists is checked when the command runs.
 */
#ifndef GPUMEMCTL_CMDLINE_H
#define GPUMEMCTL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "commands.h"
#include "err.h"
#include "policy.h"

/* GM_CMD_SHOW, ... from the command table, and two that are not in it. */
#define GM_CMD_ENUM(e, file) GM_CMD_##e,
enum gm_command {
	GM_CMD_NONE,
	GM_CMD_VERSION,		/* -V, --version */
	GM_COMMANDS(GM_CMD_ENUM)
	GM_CMD_COUNT
};
#undef GM_CMD_ENUM

struct gm_cmdline;

/* The command options (not the global ones) a command takes. */
enum {
	GM_OPT_TREE = 1 << 0,		/* --tree */
	GM_OPT_OUTPUT_FILE = 1 << 1,	/* --output-file FILE */
	GM_OPT_OPTIONAL = 1 << 2,	/* --optional */
	GM_OPT_PROMETHEUS = 1 << 3,	/* -o prometheus */
};

/* A command: all of it but the table's line (commands.h) is here. */
struct gm_command_info {
	enum gm_command cmd;
	const char *name;
	const char *args;	/* its operands and options, "" if none */
	const char *summary;	/* one line */
	const char *help;	/* what it does, in more words; or NULL */
	unsigned int options;	/* GM_OPT_* */
	/*
	 * Check (and convert) the operands in @cl->args: 0, or -EINVAL with
	 * a message in @err.  Whether a CGROUP exists is checked by run.
	 */
	int (*parse)(struct gm_cmdline *cl, struct gm_err *err);
	/* Do it; returns the exit status (err.h). */
	int (*run)(const struct gm_cmdline *cl);
};

#define GM_CMD_DECLARE(e, file) extern const struct gm_command_info gm_cmd_##file;
GM_COMMANDS(GM_CMD_DECLARE)
#undef GM_CMD_DECLARE

/* The table, in its order. */
extern const struct gm_command_info *const gm_commands[];
extern const size_t gm_ncommands;

/* The entry of @cmd, NULL for GM_CMD_NONE and GM_CMD_VERSION. */
const struct gm_command_info *gm_command_info(enum gm_command cmd);

/*
 * The command @word names: its full name, or a prefix of only one
 * command's name ("sh" for show).  Returns it, or GM_CMD_NONE with a
 * message in @err (unknown; ambiguous, naming the candidates).
 */
enum gm_command gm_command_lookup(const char *word, struct gm_err *err);

enum gm_format {
	GM_FORMAT_TABLE,
	GM_FORMAT_JSON,
	GM_FORMAT_PROMETHEUS,
};

struct gm_cmdline {
	enum gm_command cmd;
	enum gm_command help_cmd;	/* help: the command asked about, or NONE */
	enum gm_format format;
	bool pretty;			/* pretty-printed JSON */
	bool tree;			/* show --tree */
	bool optional;			/* apply, oci-hook --optional */
	const char *output_file;	/* show --output-file, or NULL */
	/*
	 * Operands, pointing into argv: the CGROUPs of show and monitor,
	 * the one CGROUP of set and reclaim, the FILEs of apply.
	 */
	const char **args;
	size_t nargs;
	struct gm_policy_args set;
	uint64_t reclaim_bytes;		/* reclaim SIZE */
};

/*
 * Parse argv[1..argc-1].  Returns 0, -EINVAL for a usage error (message
 * in @err) or -ENOMEM.  -h/--help and -V/--version end parsing at once.
 * On success, release with gm_cmdline_free().
 */
int gm_cmdline_parse(struct gm_cmdline *cl, int argc, char **argv,
		     struct gm_err *err);
void gm_cmdline_free(struct gm_cmdline *cl);

const char *gm_command_name(enum gm_command cmd);
const char *gm_format_name(enum gm_format format);

/*
 * For the commands' parsers: CGROUP @spec (or every operand, or none)
 * is well-formed, else -EINVAL with "COMMAND: why" in @err.
 */
int gm_parse_cgroup(const struct gm_cmdline *cl, const char *spec,
		    struct gm_err *err);
int gm_parse_cgroups(struct gm_cmdline *cl, struct gm_err *err);
int gm_parse_no_operands(struct gm_cmdline *cl, struct gm_err *err);

#endif
