// SPDX-License-Identifier: GPL-2.0
/*
 * gpumem-runtime: an OCI runtime for engines that read no hooks.d
 * (containerd, Docker).  It is called exactly as runc is.  For "create" and
 * "run" it reads the bundle's config.json and, when the container has a
 * gpumem.io/ annotation or a GPUMEM_ policy variable in process.env
 * (ocikeys.h), adds gpumemctl's OCI hook at createRuntime (once),
 * writing the file back atomically.  Then, for every command, it executes
 * the real runtime (runc, crun, ...) with the same arguments.
 *
 * Errors are one line on stderr (and in the runtime's --log file, where the
 * engine looks for the reason a runtime failed); config.json is then left
 * as it was and the real runtime is not run.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ocikeys.h"
#include "text.h"

#ifndef GPUMEM_VERSION
#define GPUMEM_VERSION "unknown"
#endif
#ifndef GPUMEMCTL_PATH
#define GPUMEMCTL_PATH "/usr/sbin/gpumemctl"
#endif

#define PROG "gpumem-runtime"
#define CONF_PATH "/etc/gpumem/runtime.conf"
/* Set in the real runtime's environment: seeing it on entry means a loop. */
#define ACTIVE_ENV "GPUMEM_RUNTIME_ACTIVE"
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
/* No OCI configuration is anywhere near this big. */
#define CONFIG_MAX (64 << 20)

/* What this invocation is about, from the runtime's own command line. */
struct call {
	const char *command;	/* "create", "run", "start", ... or NULL */
	const char *bundle;	/* --bundle/-b, or NULL: the cwd */
	const char *log;	/* --log FILE of the runtime, or NULL */
	const char *log_format;	/* --log-format, "text" or "json" */
	bool help;		/* "create --help": the runtime's own help */
};

static struct call call;

/* ---- errors ----------------------------------------------------------- */

/*
 * Append @msg to the runtime's log file in its format (logrus' text or
 * JSON), as runc would: containerd reads the last error from there.
 */
static void log_error(const char *msg)
{
	char when[64];
	struct json_object *line, *s;
	struct tm tm;
	time_t now = time(NULL);
	FILE *f;

	if (!call.log)
		return;
	f = fopen(call.log, "ae");
	if (!f)
		return;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (call.log_format && !strcmp(call.log_format, "json")) {
		line = json_object_new_object();
		json_object_object_add(line, "level", json_object_new_string("error"));
		json_object_object_add(line, "msg", json_object_new_string(msg));
		json_object_object_add(line, "time", json_object_new_string(when));
		fprintf(f, "%s\n", json_object_to_json_string_ext(line,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(line);
	} else {
		s = json_object_new_string(msg);
		fprintf(f, "time=\"%s\" level=error msg=%s\n", when,
			json_object_to_json_string_ext(s,
				JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(s);
	}
	fclose(f);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, PROG ": %s\n", msg);
	log_error(msg);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p)
		die("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		die("out of memory");
	return p;
}

/* ---- the command line ------------------------------------------------- */

/* Options taking a value, before the command (runc's and crun's) ... */
static const char *const global_valued[] = {
	"log", "log-format", "log-level", "root", "criu", "rootless",
	"cgroup-manager", NULL,
};

/* ... and after "create" or "run". */
static const char *const create_valued[] = {
	"bundle", "b", "console-socket", "pid-file", "preserve-fds", NULL,
};

static bool listed(const char *const *list, const char *name, size_t len)
{
	for (; *list; list++)
		if (strlen(*list) == len && !strncmp(*list, name, len))
			return true;
	return false;
}

/*
 * The option at argv[*i] ("-x", "--name", "-name", "--name=value"; Go's
 * flag syntax, which runc uses, takes one or two dashes): its name in
 * @name/@len and its value, taken from the next argument when @valued
 * lists it and it has no "=".
 */
static const char *option(char **argv, int argc, int *i,
			  const char *const *valued, const char **name,
			  size_t *len)
{
	const char *arg = argv[*i], *eq;

	*name = arg + (arg[1] == '-' ? 2 : 1);
	eq = strchr(*name, '=');
	*len = eq ? (size_t)(eq - *name) : strlen(*name);
	if (eq)
		return listed(valued, *name, *len) ? eq + 1 : NULL;
	if (listed(valued, *name, *len) && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static void parse_call(int argc, char **argv)
{
	const char *name, *value;
	size_t len;
	int i;

	for (i = 1; i < argc && !call.command; i++) {
		if (argv[i][0] != '-' || !argv[i][1]) {
			call.command = argv[i];
			break;
		}
		if (!strcmp(argv[i], "--"))
			break;
		value = option(argv, argc, &i, global_valued, &name, &len);
		if (!value)
			continue;
		if (len == 3 && !strncmp(name, "log", 3))
			call.log = value;
		else if (len == 10 && !strncmp(name, "log-format", 10))
			call.log_format = value;
	}
	if (!call.command ||
	    (strcmp(call.command, "create") && strcmp(call.command, "run")))
		return;
	for (i++; i < argc; i++) {
		if (argv[i][0] != '-' || !argv[i][1])
			continue;	/* the container id */
		if (!strcmp(argv[i], "--"))
			break;
		value = option(argv, argc, &i, create_valued, &name, &len);
		if (value && ((len == 6 && !strncmp(name, "bundle", 6)) ||
			      (len == 1 && name[0] == 'b')))
			call.bundle = value;
		if ((len == 4 && !strncmp(name, "help", 4)) ||
		    (len == 1 && name[0] == 'h'))
			call.help = true;
	}
}

/* ---- configuration ---------------------------------------------------- */

struct conf {
	char *runtime;		/* runtime = PATH or NAME */
	char *gpumemctl;	/* gpumemctl = PATH (the hook) */
	bool hook_optional;	/* hook-optional = yes: oci-hook --optional */
	const char *runtime_from;	/* where runtime came from, for errors */
};

/* A yes/no value as systemd spells them; -1 for anything else. */
static int parse_bool(const char *s)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };
	int i;

	for (i = 0; yes[i]; i++)
		if (!strcmp(s, yes[i]))
			return 1;
	for (i = 0; no[i]; i++)
		if (!strcmp(s, no[i]))
			return 0;
	return -1;
}

/*
 * /etc/gpumem/runtime.conf (GPUMEM_RUNTIME_CONF moves it): "key = value"
 * lines, '#' comments.  A missing file is no error; a bad line is.
 */
static void read_conf(struct conf *c)
{
	const char *path = getenv("GPUMEM_RUNTIME_CONF");
	char line[PATH_MAX + 64], *key, *value, *eq;
	int n = 0;
	FILE *f;

	if (!path || !*path)
		path = CONF_PATH;
	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return;
		die("%s: %s", path, strerror(errno));
	}
	while (fgets(line, sizeof(line), f)) {
		n++;
		key = gm_trim(line);
		if (!*key || *key == '#')
			continue;
		eq = strchr(key, '=');
		if (!eq)
			die("%s:%d: expected 'key = value'", path, n);
		*eq = '\0';
		key = gm_trim(key);
		value = gm_trim(eq + 1);
		if (!*value)
			die("%s:%d: %s: empty value", path, n, key);
		if (!strcmp(key, "runtime")) {
			free(c->runtime);
			c->runtime = xstrdup(value);
			c->runtime_from = path;
		} else if (!strcmp(key, "gpumemctl")) {
			free(c->gpumemctl);
			c->gpumemctl = xstrdup(value);
		} else if (!strcmp(key, "hook-optional")) {
			int b = parse_bool(value);

			if (b < 0)
				die("%s:%d: hook-optional: '%s' is not yes or no",
				    path, n, value);
			c->hook_optional = b;
		} else {
			die("%s:%d: unknown key '%s' (runtime, gpumemctl, hook-optional)",
			    path, n, key);
		}
	}
	if (ferror(f))
		die("%s: %s", path, strerror(errno));
	fclose(f);
}

static void load_conf(struct conf *c)
{
	const char *env;

	memset(c, 0, sizeof(*c));
	read_conf(c);
	env = getenv("GPUMEM_RUNTIME");
	if (env && *env) {
		free(c->runtime);
		c->runtime = xstrdup(env);
		c->runtime_from = "GPUMEM_RUNTIME";
	}
	env = getenv("GPUMEM_GPUMEMCTL");
	if (env && *env) {
		free(c->gpumemctl);
		c->gpumemctl = xstrdup(env);
	}
	if (!c->runtime) {
		c->runtime = xstrdup("runc");
		c->runtime_from = "the default";
	}
	if (!c->gpumemctl)
		c->gpumemctl = xstrdup(GPUMEMCTL_PATH);
}

/* ---- the real runtime ------------------------------------------------- */

static bool is_self(const char *path)
{
	struct stat self, st;

	if (stat("/proc/self/exe", &self) || stat(path, &st))
		return false;
	return self.st_dev == st.st_dev && self.st_ino == st.st_ino;
}

static bool executable(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

/*
 * The runtime to execute: a path as given, or a name searched in PATH,
 * skipping gpumem-runtime itself (installed as "runc" earlier in PATH, say).
 * Never this program: that would loop.  NULL, with the reason in @why, when
 * there is none.
 */
static char *find_runtime(const struct conf *c, char *why, size_t len)
{
	const char *path = getenv("PATH");
	char *dirs, *dir, *save, *cand;
	bool met_self = false;

	if (strchr(c->runtime, '/')) {
		if (!executable(c->runtime))
			snprintf(why, len, "runtime %s (from %s): %s",
				 c->runtime, c->runtime_from,
				 access(c->runtime, F_OK) ? strerror(errno) :
				 "not an executable file");
		else if (is_self(c->runtime))
			snprintf(why, len, "runtime %s (from %s) is "
				 "gpumem-runtime itself; name the real runtime "
				 "(runc, crun)", c->runtime, c->runtime_from);
		else
			return xstrdup(c->runtime);
		return NULL;
	}
	if (!path || !*path)
		path = DEFAULT_PATH;
	dirs = xstrdup(path);
	for (dir = strtok_r(dirs, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		cand = xmalloc(strlen(dir) + strlen(c->runtime) + 2);
		sprintf(cand, "%s/%s", dir, c->runtime);
		if (executable(cand)) {
			if (!is_self(cand)) {
				free(dirs);
				return cand;
			}
			met_self = true;
		}
		free(cand);
	}
	free(dirs);
	snprintf(why, len, "runtime '%s' (from %s) not found in PATH%s; set "
		 "'runtime = PATH' in " CONF_PATH " or GPUMEM_RUNTIME",
		 c->runtime, c->runtime_from,
		 met_self ? " (other than gpumem-runtime itself)" : "");
	return NULL;
}

/* ---- config.json ------------------------------------------------------ */

struct config {
	char *path;		/* BUNDLE/config.json */
	struct stat st;		/* its mode and owner, kept on rewrite */
	struct json_object *root;
};

static char *read_file(int fd, const char *path, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = xmalloc(cap), *nb;
	ssize_t got;

	for (;;) {
		if (n == cap - 1) {
			if (cap >= CONFIG_MAX)
				die("%s: larger than %d MiB", path,
				    CONFIG_MAX >> 20);
			nb = realloc(buf, cap * 2);
			if (!nb)
				die("out of memory");
			buf = nb;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			die("reading %s: %s", path, strerror(errno));
		if (!got)
			break;
		n += got;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void load_config(struct config *cfg, const char *bundle)
{
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	size_t len, end;
	char *text;
	int fd;

	cfg->path = xmalloc(strlen(bundle) + sizeof("/config.json"));
	sprintf(cfg->path, "%s/config.json", bundle);
	fd = open(cfg->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("bundle %s: cannot open config.json: %s", bundle,
		    strerror(errno));
	if (fstat(fd, &cfg->st))
		die("%s: %s", cfg->path, strerror(errno));
	if (!S_ISREG(cfg->st.st_mode))
		die("%s: not a regular file", cfg->path);
	text = read_file(fd, cfg->path, &len);
	close(fd);

	tok = json_tokener_new();
	if (!tok)
		die("out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	cfg->root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr == json_tokener_continue)
		die("%s: not valid JSON: the text ends too early", cfg->path);
	if (jerr != json_tokener_success)
		die("%s: not valid JSON: %s at byte %zu", cfg->path,
		    json_tokener_error_desc(jerr), end);
	for (; end < len; end++)
		if (!strchr(" \t\r\n", text[end]))
			die("%s: not valid JSON: text after the end at byte %zu",
			    cfg->path, end);
	free(text);
	if (!json_object_is_type(cfg->root, json_type_object))
		die("%s: not a JSON object", cfg->path);
}

/* Does process.env set one of gpumem's policy variables? */
static bool env_wants_gpumem(const struct config *cfg)
{
	static const char *const names[] = GM_OCI_ENV_NAMES;
	struct json_object *process, *env, *v;
	size_t i, n, k, len;
	const char *s;

	if (!json_object_object_get_ex(cfg->root, "process", &process) ||
	    !json_object_is_type(process, json_type_object) ||
	    !json_object_object_get_ex(process, "env", &env) ||
	    json_object_is_type(env, json_type_null))
		return false;
	if (!json_object_is_type(env, json_type_array))
		die("%s: process.env is not an array", cfg->path);
	n = json_object_array_length(env);
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(env, i);
		if (!json_object_is_type(v, json_type_string))
			continue;
		s = json_object_get_string(v);
		for (k = 0; names[k]; k++) {
			len = strlen(names[k]);
			if (!strncmp(s, names[k], len) && s[len] == '=')
				return true;
		}
	}
	return false;
}

/*
 * Does the container ask for gpumem: an annotation under gpumem.io/, or
 * a policy variable in its environment?
 */
static bool wants_gpumem(const struct config *cfg)
{
	struct json_object *ann;

	if (json_object_object_get_ex(cfg->root, "annotations", &ann) &&
	    !json_object_is_type(ann, json_type_null)) {
		if (!json_object_is_type(ann, json_type_object))
			die("%s: annotations is not an object", cfg->path);
		json_object_object_foreach(ann, key, value) {
			(void)value;
			if (!strncmp(key, GM_OCI_PREFIX, strlen(GM_OCI_PREFIX)))
				return true;
		}
	}
	return env_wants_gpumem(cfg);
}

/*
 * gpumemctl's hook, with or without --optional: a hook with this path and
 * "oci-hook" as its second argument is ours, whatever follows.
 */
static bool is_our_hook(struct json_object *hook, const char *gpumemctl)
{
	struct json_object *path, *args, *arg;

	if (!json_object_is_type(hook, json_type_object) ||
	    !json_object_object_get_ex(hook, "path", &path) ||
	    !json_object_is_type(path, json_type_string) ||
	    strcmp(json_object_get_string(path), gpumemctl) ||
	    !json_object_object_get_ex(hook, "args", &args) ||
	    !json_object_is_type(args, json_type_array) ||
	    json_object_array_length(args) < 2)
		return false;
	arg = json_object_array_get_idx(args, 1);
	return json_object_is_type(arg, json_type_string) &&
	       !strcmp(json_object_get_string(arg), "oci-hook");
}

/*
 * The object at @key of @parent, of type @type, created empty when absent
 * (or null).
 */
static struct json_object *member(const struct config *cfg,
				  struct json_object *parent, const char *key,
				  enum json_type type, const char *what)
{
	struct json_object *m;

	if (json_object_object_get_ex(parent, key, &m) &&
	    !json_object_is_type(m, json_type_null)) {
		if (!json_object_is_type(m, type))
			die("%s: %s is not %s", cfg->path, what,
			    type == json_type_array ? "an array" : "an object");
		return m;
	}
	m = type == json_type_array ? json_object_new_array() :
				      json_object_new_object();
	if (!m || json_object_object_add(parent, key, m))
		die("out of memory");
	return m;
}

/* Add the hook at createRuntime; false when it is already there. */
static bool add_hook(struct config *cfg, const char *gpumemctl, bool optional)
{
	struct json_object *hooks, *stage, *hook, *args;
	size_t i, n;

	hooks = member(cfg, cfg->root, "hooks", json_type_object, "hooks");
	stage = member(cfg, hooks, "createRuntime", json_type_array,
		       "hooks.createRuntime");
	n = json_object_array_length(stage);
	for (i = 0; i < n; i++)
		if (is_our_hook(json_object_array_get_idx(stage, i), gpumemctl))
			return false;
	hook = json_object_new_object();
	args = json_object_new_array();
	if (!hook || !args)
		die("out of memory");
	json_object_object_add(hook, "path", json_object_new_string(gpumemctl));
	json_object_array_add(args, json_object_new_string("gpumemctl"));
	json_object_array_add(args, json_object_new_string("oci-hook"));
	if (optional)
		json_object_array_add(args, json_object_new_string("--optional"));
	json_object_object_add(hook, "args", args);
	json_object_array_add(stage, hook);
	return true;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * Replace config.json by a temporary file in the same directory, renamed
 * over it, with the old file's mode and owner: a reader sees the old file
 * or the new one, never a part.
 */
static void save_config(const struct config *cfg)
{
	const char *text = json_object_to_json_string_ext(cfg->root,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	char *tmp = xmalloc(strlen(cfg->path) + sizeof(".gpumem-XXXXXX"));
	const char *step;
	int fd, saved;

	if (!text)
		die("out of memory");
	sprintf(tmp, "%s.gpumem-XXXXXX", cfg->path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		die("%s: cannot create a temporary file beside it: %s",
		    cfg->path, strerror(errno));
	if ((step = "write", write_all(fd, text, strlen(text))) ||
	    (step = "write", write_all(fd, "\n", 1)) ||
	    (step = "chmod", fchmod(fd, cfg->st.st_mode & 07777)) ||
	    (step = "chown", fchown(fd, cfg->st.st_uid, cfg->st.st_gid)) ||
	    (step = "fsync", fsync(fd)) ||
	    (step = "close", close(fd)) ||
	    (fd = -1, step = "rename", rename(tmp, cfg->path))) {
		saved = errno;
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		die("%s: cannot write it back (%s): %s", cfg->path, step,
		    strerror(saved));
	}
	free(tmp);
}

/* ---- main ------------------------------------------------------------- */

static void usage(void)
{
	printf(
"usage: gpumem-runtime [RUNTIME-OPTIONS] COMMAND [ARGS...]\n"
"\n"
"An OCI runtime for containerd, Docker and Kubernetes RuntimeClasses: it\n"
"takes the arguments of runc, adds gpumemctl's OCI hook (createRuntime) to\n"
"the bundle's config.json on 'create' and 'run' when the container has a\n"
"gpumem.io/ annotation or a GPUMEM_PURGE, GPUMEM_SWAP_BUDGET,\n"
"GPUMEM_WRITEBACK or GPUMEM_VRAM_MAX variable in its environment, then\n"
"executes the real runtime with the same arguments.\n"
"\n"
"The real runtime: GPUMEM_RUNTIME, else 'runtime =' in " CONF_PATH ",\n"
"else runc from PATH.  The hook: GPUMEM_GPUMEMCTL, else 'gpumemctl =' in\n"
"that file, else " GPUMEMCTL_PATH "; 'hook-optional = yes' there runs it\n"
"with --optional (a kernel without gpumem then starts the container\n"
"without its policy).\n"
"\n"
"Only 'gpumem-runtime --help' and 'gpumem-runtime --version' are answered\n"
"here; everything else goes to the real runtime.  See gpumem-runtime(8).\n");
}

int main(int argc, char **argv)
{
	struct config cfg = { 0 };
	struct conf conf;
	char *runtime, why[PATH_MAX + 256];
	bool version = argc == 2 && !strcmp(argv[1], "--version");

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage();
		return 0;
	}
	parse_call(argc, argv);
	if (getenv(ACTIVE_ENV))
		die("the runtime it executes ran gpumem-runtime again (" ACTIVE_ENV
		    " is set): name the real runtime (runc, crun) in "
		    "GPUMEM_RUNTIME or " CONF_PATH);
	load_conf(&conf);
	runtime = find_runtime(&conf, why, sizeof(why));
	if (version) {
		/* Ours, then the real runtime's (Docker shows the last). */
		printf(PROG " version " GPUMEM_VERSION "\n");
		fflush(stdout);
		if (!runtime) {
			fprintf(stderr, PROG ": %s\n", why);
			return 0;
		}
	} else if (!runtime) {
		die("%s", why);
	}

	if (call.command && !call.help && (!strcmp(call.command, "create") ||
					   !strcmp(call.command, "run"))) {
		load_config(&cfg, call.bundle ? call.bundle : ".");
		if (wants_gpumem(&cfg)) {
			if (!executable(conf.gpumemctl))
				die("%s asks for a gpumem policy, but the "
				    "hook %s is not an executable file",
				    cfg.path, conf.gpumemctl);
			if (add_hook(&cfg, conf.gpumemctl, conf.hook_optional))
				save_config(&cfg);
		}
		json_object_put(cfg.root);
	}

	if (setenv(ACTIVE_ENV, "1", 1))
		die("out of memory");
	argv[0] = runtime;
	execv(runtime, argv);
	die("executing %s: %s", runtime, strerror(errno));
}
