// SPDX-License-Identifier: GPL-2.0
/*
 * gpumemctl oci-hook: reading the container state, its annotations and
 * config.json, and finding its cgroup (see oci.h).  Nothing here talks to
 * the kernel.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "apply.h"
#include "json.h"
#include "oci.h"
#include "output.h"
#include "size.h"

/* ---- helpers --------------------------------------------------------- */

static int out_of_memory(struct gm_err *err)
{
	gm_err_set(err, "out of memory");
	return -ENOMEM;
}

int gm_oci_read(FILE *f, char **buf, size_t *len)
{
	size_t cap = 4096, n = 0, got;
	char *b = malloc(cap), *nb;

	if (!b)
		return -ENOMEM;
	errno = 0;
	while ((got = fread(b + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n < cap - 1)
			continue;
		if (cap >= GM_OCI_READ_MAX) {
			free(b);
			return -EFBIG;
		}
		nb = realloc(b, 2 * cap);
		if (!nb) {
			free(b);
			return -ENOMEM;
		}
		b = nb;
		cap *= 2;
	}
	if (ferror(f)) {
		free(b);
		return errno ? -errno : -EIO;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

/*
 * Parse @len bytes of @text (NUL-terminated) as one JSON object, with
 * json-c's strict mode (no trailing commas) and nothing after it.
 */
static struct json_object *parse_object(const char *text, size_t len,
					const char *what, struct gm_err *err)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	size_t end;

	if (len >= GM_OCI_READ_MAX) {
		gm_err_set(err, "%s: too large", what);
		return NULL;
	}
	tok = json_tokener_new();
	if (!tok) {
		out_of_memory(err);
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	/* The NUL included: this is the end of the input. */
	obj = json_tokener_parse_ex(tok, text, (int)len + 1);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr != json_tokener_success) {
		gm_err_set(err, "%s: not valid JSON: %s at byte %zu", what,
			   json_tokener_error_desc(jerr), end);
		return NULL;
	}
	if (end < len) {
		gm_err_set(err, "%s: not valid JSON: a NUL byte at byte %zu",
			   what, end);
		json_object_put(obj);
		return NULL;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		gm_err_set(err, "%s: not a JSON object", what);
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/* A string value without NUL bytes (which C strings cannot carry). */
static const char *string_of(struct json_object *v)
{
	const char *s;

	if (!json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	return strlen(s) == (size_t)json_object_get_string_len(v) ? s : NULL;
}

/* Member @key of @obj if it is a non-empty string, else NULL. */
static const char *member_string(struct json_object *obj, const char *key)
{
	struct json_object *v;
	const char *s;

	if (!json_object_object_get_ex(obj, key, &v))
		return NULL;
	s = string_of(v);
	return s && *s ? s : NULL;
}

static int add_error(struct gm_oci *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int add_error(struct gm_oci *o, const char *fmt, ...)
{
	char **v, *msg;
	va_list ap;
	int n;

	v = realloc(o->errors, (o->nerrors + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	o->errors = v;
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	o->errors[o->nerrors++] = msg;
	return 0;
}

/* ---- the state ------------------------------------------------------- */

static int parse_state(struct gm_oci *o, struct json_object *state,
		       struct gm_err *err)
{
	struct json_object *v;
	const char *id, *bundle;
	int64_t pid;

	id = member_string(state, "id");
	if (!id) {
		gm_err_set(err,
			   "oci-hook: container state: \"id\" must be a non-empty string");
		return -EINVAL;
	}
	bundle = member_string(state, "bundle");
	if (!bundle) {
		gm_err_set(err,
			   "oci-hook: container %s: state: \"bundle\" must be a non-empty string",
			   id);
		return -EINVAL;
	}
	/*
	 * The hook belongs in createRuntime ("creating"; some runtimes say
	 * "created"); elsewhere it may still work, so only warn.
	 */
	if (json_object_object_get_ex(state, "status", &v) && v) {
		const char *status = string_of(v);

		if (!status)
			status = json_object_to_json_string(v);
		if (strcmp(status, "creating") && strcmp(status, "created") &&
		    asprintf(&o->warning, "oci-hook: container %s: status '%s': this hook belongs in the createRuntime stage",
			     id, status) < 0)
			return out_of_memory(err);
	}
	/* For the cgroup without a cgroupsPath, or to check it; 0 is none. */
	if (json_object_object_get_ex(state, "pid", &v) && v) {
		pid = json_object_get_int64(v);
		if (!json_object_is_type(v, json_type_int) || pid < 0 ||
		    pid > INT_MAX) {
			gm_err_set(err,
				   "oci-hook: container %s: state: \"pid\" must be a process ID",
				   id);
			return -EINVAL;
		}
		o->pid = (int)pid;
	}
	o->id = strdup(id);
	o->bundle = strdup(bundle);
	return o->id && o->bundle ? 0 : out_of_memory(err);
}

/* ---- annotations ----------------------------------------------------- */

/* Parse one gpumem.io/ annotation into o->policy, or record an error. */
static int annotation(struct gm_oci *o, const char *key,
		      struct json_object *v)
{
	const char *value = string_of(v);
	char why[GM_ERR_LEN], keys[256];
	int k;

	if (!value)
		return add_error(o, "oci-hook: container %s: annotation %s: %s: expected a string",
				 o->id, key, json_object_to_json_string(v));
	k = gm_policy_annotation_lookup(key);
	if (k < 0) {
		gm_policy_key_list(keys, sizeof(keys),
				   GM_POLICY_FIELD(annotation), " or ");
		return add_error(o, "oci-hook: container %s: annotation %s: '%s': unknown key, expected %s",
				 o->id, key, value, keys);
	}
	if (gm_policy_value_parse(&o->policy, k, value, why, sizeof(why)))
		return add_error(o, "oci-hook: container %s: annotation %s: %s",
				 o->id, key, why);
	return 0;
}

/* The gpumem.io/ members of @ann (an object, or NULL for none). */
static int annotations(struct gm_oci *o, struct json_object *ann,
		       const char *what, struct gm_err *err)
{
	struct json_object_iterator it, end;
	int ret = 0;

	if (!ann)
		return 0;
	if (!json_object_is_type(ann, json_type_object)) {
		gm_err_set(err,
			   "oci-hook: container %s: %s: \"annotations\" is not a JSON object",
			   o->id, what);
		return -EINVAL;
	}
	it = json_object_iter_begin(ann);
	end = json_object_iter_end(ann);
	for (; !ret && !json_object_iter_equal(&it, &end);
	     json_object_iter_next(&it)) {
		const char *key = json_object_iter_peek_name(&it);

		if (!strncmp(key, GM_OCI_PREFIX, strlen(GM_OCI_PREFIX)))
			ret = annotation(o, key, json_object_iter_peek_value(&it));
	}
	return ret ? out_of_memory(err) : 0;
}

/* ---- the environment ------------------------------------------------ */

/* The value of the first "@name=..." string of the array @env, or NULL. */
static const char *env_value(struct json_object *env, const char *name)
{
	size_t i, n = json_object_array_length(env), len = strlen(name);
	const char *s;

	for (i = 0; i < n; i++) {
		s = string_of(json_object_array_get_idx(env, i));
		if (s && !strncmp(s, name, len) && s[len] == '=')
			return s + len + 1;
	}
	return NULL;
}

/*
 * The GPUMEM_ variables of config.json's process.env, for the keys no
 * annotation set: annotations win.  A value that is not valid is an
 * error, as in an annotation.
 */
static int environment(struct gm_oci *o, struct json_object *config,
		       const char *config_path, struct gm_err *err)
{
	struct json_object *process, *env;
	char why[GM_ERR_LEN];
	const char *value, *name;
	int k;

	if (!json_object_object_get_ex(config, "process", &process) ||
	    !json_object_is_type(process, json_type_object) ||
	    !json_object_object_get_ex(process, "env", &env) ||
	    json_object_is_type(env, json_type_null))
		return 0;
	if (!json_object_is_type(env, json_type_array)) {
		gm_err_set(err,
			   "oci-hook: container %s: %s: process.env is not an array",
			   o->id, config_path);
		return -EINVAL;
	}
	for (k = 0; k < GM_POLICY_NKEYS; k++) {
		if (gm_policy_has(&o->policy, k))
			continue;
		name = gm_policy_keys[k].env;
		value = env_value(env, name);
		if (value && gm_policy_value_parse(&o->policy, k, value, why,
						   sizeof(why)) &&
		    add_error(o, "oci-hook: container %s: environment variable %s: %s",
			      o->id, name, why))
			return out_of_memory(err);
	}
	return 0;
}

/* ---- config.json ----------------------------------------------------- */

static struct json_object *read_config(const struct gm_oci *o,
				       const char *path, struct gm_err *err)
{
	struct json_object *config;
	char what[PATH_MAX + 300];
	size_t len;
	char *text;
	FILE *f;
	int ret;

	snprintf(what, sizeof(what), "oci-hook: container %.200s: %s", o->id,
		 path);
	f = fopen(path, "re");
	if (!f) {
		gm_err_set(err, "%s: %s", what, strerror(errno));
		return NULL;
	}
	ret = gm_oci_read(f, &text, &len);
	fclose(f);
	if (ret) {
		gm_err_set(err, "%s: %s", what, strerror(-ret));
		return NULL;
	}
	config = parse_object(text, len, what, err);
	free(text);
	return config;
}

/* ---- the cgroup ------------------------------------------------------ */

/* SLICE:PREFIX:NAME, as runc and crun's systemd drivers read it. */
static int systemd_path(struct gm_oci *o, const char *spec,
			struct gm_err *err)
{
	char *copy = strdup(spec), *slice, *prefix, *name;
	size_t n;
	int w;

	if (!copy)
		return out_of_memory(err);
	slice = copy;
	prefix = strchr(slice, ':');
	*prefix++ = '\0';
	name = strchr(prefix, ':');
	*name++ = '\0';
	if (!*slice)
		slice = "system.slice";
	if (!*name || strchr(name, '/') || strchr(prefix, '/')) {
		gm_err_set(err,
			   "oci-hook: container %s: cgroupsPath '%s': not SLICE:PREFIX:NAME (NAME not empty, no '/')",
			   o->id, spec);
		free(copy);
		return -EINVAL;
	}
	if (gm_cgroup_slice_path(slice, o->cgroup, sizeof(o->cgroup))) {
		gm_err_set(err,
			   "oci-hook: container %s: cgroupsPath '%s': '%s' is not a slice name",
			   o->id, spec, slice);
		free(copy);
		return -EINVAL;
	}
	/* The root slice "-.slice" is "/": no second slash. */
	n = strlen(o->cgroup);
	if (n == 1)
		n = 0;
	/*
	 * runc's getUnitName(): NAME if it is a slice, else the scope
	 * PREFIX-NAME.scope, "-NAME.scope" for an empty PREFIX (crun too).
	 */
	if (gm_has_suffix(name, ".slice"))
		w = snprintf(o->cgroup + n, sizeof(o->cgroup) - n, "/%s",
			     name);
	else
		w = snprintf(o->cgroup + n, sizeof(o->cgroup) - n,
			     "/%s-%s.scope", prefix, name);
	free(copy);
	if (w < 0 || (size_t)w >= sizeof(o->cgroup) - n) {
		gm_err_set(err, "oci-hook: container %s: cgroupsPath '%.64s...': too long",
			   o->id, spec);
		return -ENAMETOOLONG;
	}
	return 0;
}

/* From linux.cgroupsPath. */
static int cgroups_path(struct gm_oci *o, const char *spec,
			struct gm_err *err)
{
	const char *c = strchr(spec, ':');
	enum gm_cgroup_kind kind;
	struct gm_err cerr;
	int ret;

	if (asprintf(&o->source, "cgroupsPath '%s'", spec) < 0) {
		o->source = NULL;
		return out_of_memory(err);
	}
	if (c && (c = strchr(c + 1, ':')) && !strchr(c + 1, ':')) {
		ret = systemd_path(o, spec, err);
		if (ret)
			return ret;
	} else if ((size_t)snprintf(o->cgroup, sizeof(o->cgroup), "%s%s",
				    spec[0] == '/' ? "" : "/", spec) >=
		   sizeof(o->cgroup)) {
		gm_err_set(err, "oci-hook: container %s: cgroupsPath '%.64s...': too long",
			   o->id, spec);
		return -ENAMETOOLONG;
	}
	/* No "." or ".." that would leave the mount. */
	ret = gm_cgroup_check(o->cgroup, &kind, &cerr);
	if (ret)
		gm_err_set(err, "oci-hook: container %s: cgroupsPath '%s': %s",
			   o->id, spec, cerr.msg);
	return ret;
}

/*
 * The PATH of the "0::PATH" line of @file (a /proc/PID/cgroup) into @buf.
 * Returns 0, -errno if @file cannot be opened, -ENODATA without such a
 * line, or -EINVAL if PATH does not start with '/' or does not fit (then
 * as much of it as fits is in @buf, for a message).
 */
static int read_proc_cgroup(const char *file, char *buf, size_t len)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = -ENODATA;
	FILE *f;

	f = fopen(file, "re");
	if (!f)
		return -errno;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (strncmp(line, "0::", 3))
			continue;
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if ((size_t)snprintf(buf, len, "%s", line + 3) < len &&
		    buf[0] == '/')
			ret = 0;
		else
			ret = -EINVAL;
		break;
	}
	fclose(f);
	free(line);
	return ret;
}

static char *proc_cgroup_file(const char *proc, int pid)
{
	char *file;

	return asprintf(&file, "%s/%d/cgroup", proc, pid) < 0 ? NULL : file;
}

/* Without a cgroupsPath: from the "0::PATH" line of @proc/PID/cgroup. */
static int proc_cgroup(struct gm_oci *o, const char *proc,
		       struct gm_err *err)
{
	int ret;

	o->source = proc_cgroup_file(proc, o->pid);
	if (!o->source)
		return out_of_memory(err);
	ret = read_proc_cgroup(o->source, o->cgroup, sizeof(o->cgroup));
	if (ret == -ENODATA)
		gm_err_set(err,
			   "oci-hook: container %s: %s: no cgroup v2 entry (a line \"0::PATH\")",
			   o->id, o->source);
	else if (ret == -EINVAL)
		gm_err_set(err, "oci-hook: container %s: %s: bad cgroup v2 entry '%s'",
			   o->id, o->source, o->cgroup);
	else if (ret)
		gm_err_set(err, "oci-hook: container %s: %s: %s", o->id,
			   o->source, strerror(-ret));
	if (ret)
		o->cgroup[0] = '\0';
	return ret;
}

/*
 * Whether the cgroup @path is @dir or below it, compared component by
 * component ("/a//b/" is "/a/b").  @dir has no "." or ".." component
 * (gm_cgroup_check()); a @path with one, or not absolute, is not below.
 */
static bool cgroup_within(const char *dir, const char *path)
{
	size_t n, m;

	if (path[0] != '/')
		return false;
	for (;;) {
		dir += strspn(dir, "/");
		path += strspn(path, "/");
		n = strcspn(dir, "/");
		if (!n)
			break;
		m = strcspn(path, "/");
		if (n != m || strncmp(dir, path, n))
			return false;
		dir += n;
		path += m;
	}
	while (*path) {
		m = strcspn(path, "/");
		if ((m == 1 && path[0] == '.') ||
		    (m == 2 && path[0] == '.' && path[1] == '.'))
			return false;
		path += m;
		path += strspn(path, "/");
	}
	return true;
}

/*
 * With a cgroupsPath: the container's process, if the state names one
 * whose @proc/PID/cgroup has a "0::" line, must be in o->cgroup or below
 * it (crun puts it in a "container" child of the scope), else the
 * cgroupsPath was read otherwise than the runtime read it.  A process
 * whose cgroup cannot be read is not checked.
 */
static int check_process(struct gm_oci *o, const char *proc,
			 struct gm_err *err)
{
	char *file, actual[PATH_MAX];
	int ret;

	if (o->pid <= 0)
		return 0;
	file = proc_cgroup_file(proc, o->pid);
	if (!file)
		return out_of_memory(err);
	ret = read_proc_cgroup(file, actual, sizeof(actual));
	free(file);
	if (ret && ret != -EINVAL)
		return 0;
	if (!ret && cgroup_within(o->cgroup, actual))
		return 0;
	gm_err_set(err, "oci-hook: container %s: %s gives %s, but its process %d is in %s",
		   o->id, o->source, o->cgroup, o->pid, actual);
	return -EINVAL;
}

static int find_cgroup(struct gm_oci *o, struct json_object *config,
		       const char *config_path, const char *proc,
		       struct gm_err *err)
{
	struct json_object *linux_obj, *v = NULL;
	const char *spec = NULL;
	int ret;

	if (json_object_object_get_ex(config, "linux", &linux_obj) &&
	    json_object_is_type(linux_obj, json_type_object) &&
	    json_object_object_get_ex(linux_obj, "cgroupsPath", &v) &&
	    !json_object_is_type(v, json_type_null)) {
		spec = string_of(v);
		if (!spec) {
			gm_err_set(err,
				   "oci-hook: container %s: %s: linux.cgroupsPath is not a string",
				   o->id, config_path);
			return -EINVAL;
		}
	}
	if (spec && *spec) {
		ret = cgroups_path(o, spec, err);
		return ret ? ret : check_process(o, proc, err);
	}
	/* The runtime picked the cgroup itself: ask the process. */
	if (o->pid > 0)
		return proc_cgroup(o, proc, err);
	gm_err_set(err,
		   "oci-hook: container %s: no linux.cgroupsPath in %s and no pid in the state: cannot find the container's cgroup",
		   o->id, config_path);
	return -ENOENT;
}

/* ---- parse and resolve ----------------------------------------------- */

int gm_oci_parse(struct gm_oci *o, const char *state, size_t len,
		 const char *proc, struct gm_err *err)
{
	struct json_object *st, *config = NULL, *ann = NULL;
	char *config_path = NULL;
	bool in_state;
	int ret;

	memset(o, 0, sizeof(*o));
	st = parse_object(state, len, "oci-hook: container state", err);
	if (!st)
		return -EINVAL;
	ret = parse_state(o, st, err);
	if (ret)
		goto out;
	if (asprintf(&config_path, "%s/config.json", o->bundle) < 0) {
		config_path = NULL;
		ret = out_of_memory(err);
		goto out;
	}
	/*
	 * The state's annotations, if it has them, are the config's.  The
	 * config is read in any case, for process.env and the cgroup; if it
	 * cannot be, a container whose state asks for nothing is still left
	 * alone: the hook fails only containers that ask for gpumem.
	 */
	in_state = json_object_object_get_ex(st, "annotations", &ann);
	config = read_config(o, config_path, err);
	if (!config && !in_state) {
		ret = -EINVAL;
		goto out;
	}
	if (!in_state)
		json_object_object_get_ex(config, "annotations", &ann);
	ret = annotations(o, ann, in_state ? "state" : config_path, err);
	if (ret || o->nerrors)
		goto out;
	if (!config) {
		if (!gm_policy_args_empty(&o->policy))
			ret = -EINVAL;
		else
			err->msg[0] = '\0';
		goto out;
	}
	ret = environment(o, config, config_path, err);
	if (ret || o->nerrors || gm_policy_args_empty(&o->policy))
		goto out;
	ret = find_cgroup(o, config, config_path, proc, err);
out:
	json_object_put(config);
	json_object_put(st);
	free(config_path);
	return ret;
}

void gm_oci_free(struct gm_oci *o)
{
	size_t i;

	for (i = 0; i < o->nerrors; i++)
		free(o->errors[i]);
	free(o->errors);
	free(o->id);
	free(o->bundle);
	free(o->source);
	free(o->warning);
	memset(o, 0, sizeof(*o));
}

int gm_oci_resolve(const struct gm_oci *o, const char *root,
		   struct gm_cgroup *cg, struct gm_err *err)
{
	struct gm_err cerr;
	int ret;

	ret = gm_cgroup_resolve(root, o->cgroup, cg, &cerr);
	if (ret == -ENOENT || ret == -ENOTDIR)
		gm_err_set(err,
			   "oci-hook: container %s: cgroup %s (from %s): no such cgroup under %s",
			   o->id, o->cgroup, o->source, root);
	else if (ret)
		gm_err_set(err, "oci-hook: container %s: %s", o->id, cerr.msg);
	return ret;
}

/* ---- output ---------------------------------------------------------- */

void gm_oci_print(FILE *f, const struct gm_oci *o, const char *path,
		  uint64_t id, bool json)
{
	struct gm_json j;

	if (!json) {
		fprintf(f, "applied container %s (%s):", o->id, path);
		gm_print_policy_args(f, &o->policy);
		fputc('\n', f);
		return;
	}
	gm_json_init(&j, f, false);
	gm_json_begin_object(&j);
	gm_json_key(&j, "container");
	gm_json_string(&j, o->id);
	gm_json_key(&j, "path");
	gm_json_string(&j, path);
	gm_json_key(&j, "id");
	gm_json_u64(&j, id);
	gm_json_policy_args(&j, &o->policy);
	gm_json_end_object(&j);
	fputc('\n', f);
}
