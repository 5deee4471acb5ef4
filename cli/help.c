// SPDX-License-Identifier: GPL-2.0
/*
 * Help texts.  The command list and usage lines come from the command
 * table (commands.h); what each command does is said once, in
 * command_text[], for both "gpumemctl help" and "gpumemctl help COMMAND".
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

/* What each command does, in more words than its summary. */
static const char *const command_text[GM_CMD_COUNT] = {
	[GM_CMD_SHOW] =
"show lists every memory cgroup (or the CGROUPs given) with its GPU buffer\n"
"memory: RESIDENT, PURGEABLE, BACKUP, VRAM, the effective VRAM limit\n"
"(VRAM.MAX), the effective swap BUDGET, PURGE and WRITEBACK policies, and\n"
"memory.current/memory.max as MEM.CUR/MEM.MAX.  A VRAM limit moves the\n"
"cgroup's own buffers out of VRAM, into its memory, when it is reached or\n"
"lowered.  --tree shows the hierarchy, indented (with CGROUPs: the subtrees\n"
"below them).  --output-file FILE writes the output to FILE atomically (a\n"
"temporary file beside it, renamed over it when complete; mode 0644), as\n"
"the node_exporter textfile collector needs it: gpumemctl -o prometheus\n"
"show --output-file /var/lib/prometheus/node-exporter/gpumem.prom.  On an\n"
"error FILE is left as it was.\n",
	[GM_CMD_SET] =
"set changes the policy of CGROUP: purge order, swap budget, writeback\n"
"mode and VRAM limit; keys not given keep their value.  It needs\n"
"CAP_SYS_ADMIN and prints nothing.\n",
	[GM_CMD_RECLAIM] =
"reclaim asks the kernel to free SIZE bytes of GPU buffer memory of\n"
"CGROUP's subtree now (purging, backing up) and prints what it freed.  It\n"
"needs CAP_SYS_ADMIN.\n",
	[GM_CMD_MONITOR] =
"monitor prints one line per event (purge, budget, policy, vram), or one\n"
"JSON object per line with -j, and says \"monitoring ...\" on stderr once\n"
"subscribed; SIGINT or SIGTERM ends it with status 0.  It needs\n"
"CAP_NET_ADMIN, in the host's network namespace.\n",
	[GM_CMD_APPLY] =
"apply reads [X-GPUMemory] sections (Purge=, SwapBudget=, Writeback=,\n"
"VRAMMax=, Strict=) of systemd units and their drop-ins, found as systemd\n"
"finds them, and the plain files /etc/gpumem/cgroups.d/*.conf (each with\n"
"Cgroup=CGROUP), or only the FILEs and UNITs (names such as foo.service)\n"
"given, and sets each running unit's or cgroup's policy; it prints one\n"
"\"applied\" line per cgroup.  Every error of a file is reported (as\n"
"FILE:LINE: KEY: why); a file with an error applies nothing, the others\n"
"still do; the exit status is then 1.  A UNIT given that has no file on\n"
"the unit search path is an error.  Units not running are skipped.\n"
"--optional: a kernel without gpumem is a warning (status 0), not status 3,\n"
"unless a unit applied says Strict=yes (gpumem-generator's ExecStartPre=\n"
"lines use it, so that such units still start there).\n",
	[GM_CMD_OCI_HOOK] =
"oci-hook runs as an OCI runtime hook at createRuntime (see gpumemctl(8)): it\n"
"reads the container state on stdin and sets the container cgroup's policy\n"
"from its annotations gpumem.io/purge, gpumem.io/swap-budget,\n"
"gpumem.io/writeback and gpumem.io/vram-max (values as for set), printing\n"
"one \"applied\" line.  A key without an annotation comes from the\n"
"container's environment (config.json's process.env): GPUMEM_PURGE,\n"
"GPUMEM_SWAP_BUDGET, GPUMEM_WRITEBACK, GPUMEM_VRAM_MAX; the annotation wins\n"
"when both are set.  A bad value or another gpumem.io/ key applies nothing\n"
"and exits 1, which fails the container's start; a container with neither\n"
"is left alone.  --optional: a kernel without gpumem is a warning (status\n"
"0, the container starts without its policy), not status 3.\n",
	[GM_CMD_CDI] =
"cdi writes a CDI spec for the machine's DRM cards (from /sys/class/drm):\n"
"kind gpumem.io/gpu, cdiVersion 0.5.0, a device per card (card0: its card\n"
"and render nodes) and \"all\", and the createRuntime hook \"gpumemctl\n"
"oci-hook\" (with --optional: \"oci-hook --optional\") for every container\n"
"that asks for one of them (podman run --device gpumem.io/gpu=card0).  It\n"
"writes /var/run/cdi/gpumem.json, or --output-file FILE (\"-\": standard\n"
"output), atomically; an error leaves the old spec.  With no card it writes\n"
"nothing and removes the old spec.\n",
	[GM_CMD_HELP] =
"help prints this help; help COMMAND, COMMAND help and COMMAND --help print\n"
"COMMAND's.  A COMMAND may be abbreviated to a unique prefix (sh for show).\n",
};

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
		put_command(f, &gm_commands[i]);
}

const char *gm_command_help_text(enum gm_command cmd)
{
	return cmd > GM_CMD_NONE && cmd < GM_CMD_COUNT ? command_text[cmd] :
	       NULL;
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
	if (command_text[cmd])
		fprintf(f, "%s\n", command_text[cmd]);
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
		if (command_text[gm_commands[i].cmd])
			fprintf(f, "\n%s", command_text[gm_commands[i].cmd]);
	fprintf(f, "\n%s\n%s\nSee gpumemctl(8).\n", options_text,
		reference_text);
}

void gm_version(FILE *f)
{
	fputs("gpumemctl " GPUMEM_VERSION "\n", f);
}
