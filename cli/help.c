#include "cgroup.h"
#include "help.h"

static const char gm_help_text[] =
"Usage: gpumemctl [-j|--json] [-p|--pretty] [-o FORMAT] COMMAND [ARG]...\n"
"Inspect and control GPU buffer memory per cgroup (gpumem).\n"
"\n"
"Commands:\n"
"  show [CGROUP...] [--tree]    statistics and policy of cgroups\n"
"  set CGROUP [purge first|last|never] [swap-budget SIZE|max]\n"
"             [writeback immediate|deferred]\n"
"                               set policy (at least one key, each once)\n"
"  reclaim CGROUP SIZE          reclaim GPU memory from CGROUP's subtree\n"
"  monitor [CGROUP...]          print gpumem events until interrupted\n"
"  apply [FILE...]              apply policies from configuration files\n"
"  oci-hook                     OCI runtime hook (container state on stdin)\n"
"\n"
"show lists every memory cgroup (or the CGROUPs given) with its GPU buffer\n"
"memory: RESIDENT, PURGEABLE, BACKUP, VRAM, the effective swap BUDGET, PURGE\n"
"and WRITEBACK policies, and memory.current/memory.max as MEM.CUR/MEM.MAX.\n"
"set and reclaim need CAP_SYS_ADMIN; set prints nothing.  monitor prints one\n"
"line per event (purge, budget, policy), or one JSON object per line with\n"
"-j, and says \"monitoring ...\" on stderr once subscribed; SIGINT or SIGTERM\n"
"ends it with status 0.  apply and oci-hook are not implemented yet.\n"
"\n"
"Options (anywhere before \"--\"; put operands starting with '-' after it):\n"
"  -j, --json             JSON output (same as -o json)\n"
"  -p, --pretty           indented JSON output (implies -j)\n"
"  -o, --output FORMAT    table (default), json or prometheus (show only)\n"
"      --tree             show: the hierarchy, indented (with CGROUPs: the\n"
"                         subtrees below them)\n"
"  -h, --help             print this help and exit\n"
"      --version          print the version and exit\n"
"\n"
"CGROUP is one of:\n"
"  /system.slice/foo.service   a path relative to the cgroup2 mount\n"
"  /sys/fs/cgroup/system.slice/foo.service\n"
"                              a full path under the cgroup2 mount\n"
"  batch.slice                 a systemd slice (a-b.slice is /a.slice/a-b.slice)\n"
"  foo.service, foo.scope      a systemd unit, searched for in the hierarchy\n"
"                              (not inside user@UID.service; must be unique)\n"
"  id:N                        the cgroup with cgroup id N\n"
"\n"
"SIZE is a whole number of bytes with an optional binary suffix K, M, G, T,\n"
"P or E (case-insensitive, powers of 1024; \"B\" or \"iB\" may follow:\n"
"2G = 2GB = 2GiB), or \"max\" for no limit.\n"
"\n"
"Exit status:\n"
"  0  success\n"
"  1  failure (no such cgroup, kernel or I/O error, not implemented)\n"
"  2  usage error (bad command line)\n"
"  3  the kernel has no 'gpumem' generic netlink family\n"
"  4  permission denied (set and reclaim need CAP_SYS_ADMIN)\n"
"\n"
"Environment:\n"
"  " GM_CGROUP_ROOT_ENV "   use this directory as the cgroup2 mount\n"
"\n"
"See gpumemctl(8).\n";

void gm_help(FILE *f)
{
	fputs(gm_help_text, f);
}

void gm_version(FILE *f)
{
	fputs("gpumemctl " GPUMEM_VERSION "\n", f);
}
