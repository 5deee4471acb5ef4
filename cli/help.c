// SPDX-License-Identifier: GPL-2.0
/*
 * Help texts: the usage, the full help and a command's help.  The command
 * list, usage lines and what each command does come from the commands
 * (commands.h, cmd_*.c), said once for both "gpumemctl help" and
 * "gpumemctl help COMMAND"; the options and operands are said here.
 */
#include <ctype.h>
#include <string.h>

#include "apply.h"
#include "cgroup.h"
#include "cmdline.h"
#include "help.h"

#define WIDTH 79	/* at most this many columns */
#define COLUMN 31	/* where the summaries of the command list start */

static const char usage_line[] =
	"Usage: gpumemctl [-j|--json] [-p|--pretty] [-o FORMAT] COMMAND [ARG]...\n";

static const char options_text[] =
"Options (anywhere before \"--\"; put operands starting with '-' after it):\n"
"  -j, --json             JSON output (same as -o json)\n"
"  -p, --pretty           indented JSON output (implies -j)\n"
"  -o, --output FORMAT    table (default), json or prometheus (show only)\n"
"      --tree             show: the hierarchy, indented\n"
"      --output-file FILE show, cdi: write the output to FILE, atomically\n"
"      --optional         apply, oci-hook, cdi (its hook): no gpumem in the\n"
"                         kernel is only a warning\n"
"  -h, --help             print this help (after COMMAND: COMMAND's) and exit\n"
"  -V, --version          print the version and exit\n";

static const char reference_text[] =
"CGROUP is one of:\n"
"  /system.slice/foo.service   a path relative to the cgroup2 mount\n"
"  /sys/fs/cgroup/system.slice/foo.service\n"
"                              a full path under the cgroup2 mount\n"
"  batch.slice                 a systemd slice (a-b.slice is /a.slice/a-b.slice)\n"
"  foo.service, foo.scope      a systemd unit, searched for in the slices\n"
"                              (not inside another unit such as\n"
"                              user@UID.service; must be unique)\n"
"  id:N                        the cgroup with cgroup id N\n"
"\n"
"SIZE is a whole number of bytes with an optional binary suffix K, M, G, T,\n"
"P or E (case-insensitive, powers of 1024; \"B\" or \"iB\" may follow:\n"
"2G = 2GB = 2GiB), or \"max\" for no limit (\"infinity\", as systemd\n"
"writes it, is the same).\n"
"\n"
"Exit status:\n"
"  0  success\n"
"  1  failure (no such cgroup, bad file or annotation, kernel or I/O error)\n"
"  2  usage error (bad command line; no arguments at all prints the usage)\n"
"  3  the kernel has no 'gpumem' generic netlink family\n"
"  4  permission denied (set and reclaim need CAP_SYS_ADMIN, monitor\n"
"     CAP_NET_ADMIN)\n"
"\n"
"Environment:\n"
"  " GM_CGROUP_ROOT_ENV "   use this directory as the cgroup2 mount\n"
"  " GM_UNIT_PATH_ENV "     apply: the unit search path (colon-separated)\n"
"  " GM_CONFIG_DIR_ENV "    apply: the plain configuration directory\n";

/*
 * @head (no newline in it), then @args wrapped before a '[' at WIDTH,
 * continued lines indented by @indent.  Returns the column it ends at.
 */
static int put_wrapped(FILE *f, const char *head, const char *args,
		       int indent)
{
	int col = fprintf(f, "%s", head);

	while (*args) {
		const char *next = strchr(args + 1, '[');
		int n = next ? (int)(next - args - 1) : (int)strlen(args);

		if (col + 1 + n > WIDTH && col > indent) {
			fprintf(f, "\n%*s", indent - 1, "");
			col = indent - 1;
		}
		col += fprintf(f, " %.*s", n, args);
		args += n;
		args += strspn(args, " ");
	}
	return col;
}

/* "  NAME ARGS" and the summary, on the next line if they do not fit. */
static void put_command(FILE *f, const struct gm_command_info *c)
{
	char head[64];
	int col;

	snprintf(head, sizeof(head), "  %s", c->name);
	col = put_wrapped(f, head, c->args, (int)strlen(head) + 1);
	if (col >= COLUMN - 1) {
		fputc('\n', f);
		col = 0;
	}
	fprintf(f, "%*s%s\n", COLUMN - col, "", c->summary);
}

static void put_commands(FILE *f)
{
	size_t i;

	fputs("Commands (each may be abbreviated to a unique prefix):\n", f);
	for (i = 0; i < gm_ncommands; i++)
		put_command(f, gm_commands[i]);
}

const char *gm_command_help_text(enum gm_command cmd)
{
	const struct gm_command_info *c = gm_command_info(cmd);

	return c ? c->help : NULL;
}

void gm_usage(FILE *f)
{
	fputs(usage_line, f);
	put_commands(f);
	fputs("Run 'gpumemctl help' or 'gpumemctl help COMMAND' for more, or see gpumemctl(8).\n",
	      f);
}

static void help_command(FILE *f, enum gm_command cmd)
{
	const struct gm_command_info *c = gm_command_info(cmd);
	char head[64];

	snprintf(head, sizeof(head), "Usage: gpumemctl [OPTIONS] %s", c->name);
	put_wrapped(f, head, c->args, (int)strlen("Usage: gpumemctl ") + 1);
	fprintf(f, "\n%c%s.\n\n", toupper((unsigned char)c->summary[0]),
		c->summary + 1);
	if (c->help)
		fprintf(f, "%s\n", c->help);
	fputs("Options, CGROUP, SIZE and exit statuses: gpumemctl help.  See gpumemctl(8).\n",
	      f);
}

void gm_help(FILE *f, enum gm_command cmd)
{
	size_t i;

	if (gm_command_info(cmd)) {
		help_command(f, cmd);
		return;
	}
	fputs(usage_line, f);
	fputs("Inspect and control GPU buffer memory per cgroup (gpumem).\n\n",
	      f);
	put_commands(f);
	for (i = 0; i < gm_ncommands; i++)
		if (gm_commands[i]->help)
			fprintf(f, "\n%s", gm_commands[i]->help);
	fprintf(f, "\n%s\n%s\nSee gpumemctl(8).\n", options_text,
		reference_text);
}

void gm_version(FILE *f)
{
	fputs("gpumemctl " GPUMEM_VERSION "\n", f);
}
