// SPDX-License-Identifier: GPL-2.0-or-later
/* Opening a vmcore with matching types (see session.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf_dump.h"
#include "dump_target.h"
#include "dwarf_types.h"
#include "profile.h"
#include "pmtrace/trace.h"
#include "session.h"
#include "vmlinux.h"

char *session_cache_dir(void)
{
	const char *env = getenv("PMTRACE_CACHE");
	const char *home = getenv("HOME");
	char *dir;

	if (env && *env)
		return strdup(env);
	if (asprintf(&dir, "%s/.cache/pmtrace", home && *home ? home : "/tmp") < 0)
		return NULL;
	return dir;
}

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

static const char *or_unknown(const char *s)
{
	return s && *s ? s : "(unknown)";
}

/* Release must match; build-ids must match when both are known. */
static struct pmt_err *check_match(struct dump *d, const char *what, const char *path,
				   const char *release, const char *build_id)
{
	const char *drel = dump_vmcoreinfo(d, "OSRELEASE");
	const char *dbid = dump_vmcoreinfo(d, "BUILD-ID");

	if (drel && release && *release && strcmp(drel, release))
		return pmt_err_new(PMT_ERR_MISMATCH,
				   "%s %s is for kernel %s, but the dump is of kernel %s", what,
				   path, release, drel);
	if (dbid && *dbid && build_id && *build_id && strcasecmp(dbid, build_id))
		return pmt_err_new(PMT_ERR_MISMATCH,
				   "%s %s has build-id %s, but the dump's kernel has build-id %s",
				   what, path, build_id, dbid);
	return NULL;
}

static struct pmt_err *types_from_profile(struct session *s, const char *path,
					  struct pmt_target **types)
{
	char release[65], build_id[129];
	struct pmt_err *err = pmt_profile_open(path, types, release, build_id);

	if (err)
		return pmt_err_prefix(err, "profile %s", path);
	err = check_match(s->dump, "profile", path, release, build_id);
	if (err) {
		pmt_target_destroy(*types);
		*types = NULL;
		return err;
	}
	snprintf(s->types_source, sizeof(s->types_source), "profile %s", path);
	s->types_kind = "profile";
	return NULL;
}

/*
 * Types from a vmlinux: a cached profile of the same build-id if there is
 * one; else DWARF through a recorder, whose answers become the cached profile.
 */
static struct pmt_err *types_from_vmlinux(struct session *s, const char *path,
					  const struct session_opts *o, const char *cache,
					  bool use_cached, struct pmt_target **types)
{
	struct pmt_target *dwarf = NULL, *rec = NULL, *prof = NULL;
	struct vmlinux *vm;
	char *cached = NULL;
	const char *dbid;
	struct pmt_err *err = vmlinux_open(path, &vm);

	if (err)
		return pmt_err_prefix(err, "vmlinux %s", path);
	/* Two build-ids decide; the release (linux_banner: the symbol table
	 * must be indexed for it) only when one of them has none. */
	dbid = dump_vmcoreinfo(s->dump, "BUILD-ID");
	err = check_match(s->dump, "vmlinux", path,
			  dbid && *dbid && *vmlinux_build_id(vm) ? NULL : vmlinux_release(vm),
			  vmlinux_build_id(vm));
	if (err)
		goto out;
	if (!o->no_cache && cache && *vmlinux_build_id(vm)) {
		struct pmt_err *perr = pmt_profile_cache_path(cache, vmlinux_build_id(vm), &cached);

		pmt_err_free(perr);
		/* only a profile this build stamped: an older one may lack
		 * answers (a question asked after the load would miss) */
		if (cached && readable(cached) && use_cached && pmt_profile_cache_current(cached)) {
			err = types_from_profile(s, cached, &prof);
			/* a profile cached by an older pmtrace may lack questions we
			 * ask now: then it is stale and rebuilt from the vmlinux */
			if (!err) {
				err = pmt_trace_resolve_types(prof);
				if (!err && pmt_profile_misses(prof))
					err = pmt_err_new(
						PMT_ERR_ABSENT,
						"cached profile %s is stale (%zu questions "
						"missing)",
						cached, pmt_profile_misses(prof));
				if (err) {
					pmt_target_destroy(prof);
					prof = NULL;
				}
			}
			if (!err) {
				*types = prof;
				snprintf(s->types_source, sizeof(s->types_source),
					 "cached profile %s (of %s)", cached, path);
				goto out;
			}
			/* a bad cache entry is rebuilt, not fatal */
			if (o->verbose)
				fprintf(stderr, "pmtrace: ignoring cached profile: %s\n", err->msg);
			pmt_err_free(err);
			err = NULL;
		}
	}
	err = dwarf_types_target(vm, &dwarf);
	if (err)
		goto out;
	err = pmt_profile_recorder(dwarf, &rec);
	if (err)
		goto out;
	/* the layout questions now; the event questions come during the load */
	err = pmt_trace_resolve_types(rec);
	if (err)
		goto out;
	/*
	 * DWARF stays behind the recorder for the whole run; the session owns
	 * both. After the load, session_save_profile() writes everything the
	 * run asked to the cache, so the next run never opens .debug_info.
	 */
	*types = rec;
	s->recorder = rec;
	rec = NULL;
	s->dwarf = dwarf;
	dwarf = NULL;
	snprintf(s->profile_release, sizeof(s->profile_release), "%s", vmlinux_release(vm));
	snprintf(s->profile_build_id, sizeof(s->profile_build_id), "%s", vmlinux_build_id(vm));
	s->vm = vm;
	vm = NULL;
	s->pending_profile = cached;
	cached = NULL;
	snprintf(s->types_source, sizeof(s->types_source), "vmlinux %s", path);
	s->types_kind = "dwarf";
out:
	pmt_target_destroy(rec);
	pmt_target_destroy(dwarf);
	if (vm)
		vmlinux_close(vm);
	free(cached);
	return err;
}

/* The debuginfo of a build-id where debuginfo packages put it:
 * /usr/lib/debug/.build-id/<first two hex digits>/<the rest>.debug */
static char *find_by_build_id(const char *build_id)
{
	char *path;

	if (!build_id || strlen(build_id) < 3 ||
	    strspn(build_id, "0123456789abcdef") != strlen(build_id))
		return NULL;
	if (asprintf(&path, "/usr/lib/debug/.build-id/%.2s/%s.debug", build_id, build_id + 2) < 0)
		return NULL;
	if (readable(path))
		return path;
	free(path);
	return NULL;
}

static char *find_vmlinux(const char *release, const char *cache)
{
	const char *fmts[] = { "/usr/lib/debug/boot/vmlinux-%s",
			       "/usr/lib/debug/lib/modules/%s/vmlinux", "%2$s/kernels/%1$s/vmlinux",
			       NULL };

	if (!release)
		return NULL;
	for (const char **f = fmts; *f; f++) {
		char *path;

		if (asprintf(&path, *f, release, cache ? cache : "/nonexistent") < 0)
			return NULL;
		if (readable(path))
			return path;
		free(path);
	}
	return NULL;
}

bool session_parse_types(const char *s, enum session_types *out)
{
	static const char *const names[] = {
		[SESSION_TYPES_AUTO] = "auto",
		[SESSION_TYPES_BTF] = "btf",
		[SESSION_TYPES_DWARF] = "dwarf",
		[SESSION_TYPES_PROFILE] = "profile",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i])) {
			*out = (enum session_types)i;
			return true;
		}
	}
	return false;
}

void session_describe_types(struct session *s)
{
	if (s->btf)
		btf_dump_describe(s->btf, s->types_source, sizeof(s->types_source));
}

/*
 * Types from the dump itself: BTF and kallsyms (btf_dump.h), behind a
 * recorder like DWARF, so the answers are cached as a profile of the dump's
 * build-id (and `pmtrace profile` can write them).
 */
static struct pmt_err *types_from_btf(struct session *s, const struct session_opts *o,
				      const char *cache, struct pmt_target **types)
{
	const char *bid = dump_vmcoreinfo(s->dump, "BUILD-ID");
	const char *rel = dump_vmcoreinfo(s->dump, "OSRELEASE");
	struct pmt_target *btf = NULL, *rec = NULL;
	struct pmt_err *err = btf_dump_types(s->dump, &btf);

	if (err)
		return err;
	err = pmt_profile_recorder(btf, &rec);
	if (!err)
		err = pmt_trace_resolve_types(rec);
	if (err) {
		pmt_target_destroy(rec);
		pmt_target_destroy(btf);
		return pmt_err_prefix(err, "types from the dump's BTF");
	}
	*types = rec;
	s->recorder = rec;
	s->btf = btf;
	snprintf(s->profile_release, sizeof(s->profile_release), "%s", rel ? rel : "");
	snprintf(s->profile_build_id, sizeof(s->profile_build_id), "%s", bid ? bid : "");
	if (!o->no_cache && cache && bid && *bid)
		pmt_err_free(pmt_profile_cache_path(cache, bid, &s->pending_profile));
	s->types_kind = "btf";
	session_describe_types(s);
	return NULL;
}

static char *find_debuginfo(struct dump *d, const char *cache)
{
	char *vml = find_by_build_id(dump_vmcoreinfo(d, "BUILD-ID"));

	return vml ? vml : find_vmlinux(dump_vmcoreinfo(d, "OSRELEASE"), cache);
}

/* The source --types names, alone. */
static struct pmt_err *forced_types(struct session *s, const struct session_opts *o,
				    const char *cache, struct pmt_target **types)
{
	const char *bid = dump_vmcoreinfo(s->dump, "BUILD-ID");
	const char *rel = dump_vmcoreinfo(s->dump, "OSRELEASE");
	struct pmt_err *err;
	char *path = NULL;

	switch (o->types) {
	case SESSION_TYPES_BTF:
		if (o->vmlinux || o->profile)
			return pmt_err_new(PMT_ERR_INVALID,
					   "--types btf reads the types from the "
					   "dump: it takes no --vmlinux or --profile");
		return types_from_btf(s, o, cache, types);
	case SESSION_TYPES_PROFILE:
		if (o->vmlinux)
			return pmt_err_new(PMT_ERR_INVALID, "--types profile takes no --vmlinux");
		if (o->profile)
			return types_from_profile(s, o->profile, types);
		if (bid && cache)
			pmt_err_free(pmt_profile_cache_path(cache, bid, &path));
		if (!path || !readable(path))
			err = pmt_err_new(
				PMT_ERR_ABSENT,
				"--types profile: no profile of build-id %s in the cache%s%s",
				or_unknown(bid), path ? " at " : "", path ? path : "");
		else
			err = types_from_profile(s, path, types);
		free(path);
		return err;
	case SESSION_TYPES_DWARF:
		if (o->profile)
			return pmt_err_new(PMT_ERR_INVALID, "--types dwarf takes no --profile");
		if (o->vmlinux)
			return types_from_vmlinux(s, o->vmlinux, o, cache, false, types);
		path = find_debuginfo(s->dump, cache);
		if (!path)
			return pmt_err_new(PMT_ERR_ABSENT,
					   "--types dwarf: no vmlinux for kernel %s (build-id %s) "
					   "under /usr/lib/debug or the cache: give --vmlinux",
					   or_unknown(rel), or_unknown(bid));
		err = types_from_vmlinux(s, path, o, cache, false, types);
		free(path);
		return err;
	case SESSION_TYPES_AUTO:
		break;
	}
	return pmt_err_new(PMT_ERR_INVALID, "bad --types");
}

struct pmt_err *session_open(const char *vmcore, const struct session_opts *o, struct session **out)
{
	struct session *s = calloc(1, sizeof(*s));
	struct pmt_target *types = NULL;
	char *cache = session_cache_dir();
	struct pmt_err *err;

	*out = NULL;
	if (!s) {
		free(cache);
		return &pmt_err_nomem;
	}
	err = dump_open(vmcore, &s->dump);
	if (err)
		goto fail;
	if (o->types != SESSION_TYPES_AUTO) {
		err = forced_types(s, o, cache, &types);
	} else if (o->profile) {
		err = types_from_profile(s, o->profile, &types);
	} else if (o->vmlinux) {
		err = types_from_vmlinux(s, o->vmlinux, o, cache, true, &types);
	} else {
		const char *bid = dump_vmcoreinfo(s->dump, "BUILD-ID");
		const char *rel = dump_vmcoreinfo(s->dump, "OSRELEASE");
		char *cached = NULL, *vml;

		if (!o->no_cache && bid && cache) {
			pmt_err_free(pmt_profile_cache_path(cache, bid, &cached));
			if (cached && readable(cached))
				err = types_from_profile(s, cached, &types);
		}
		free(cached);
		if (!types && !err) {
			vml = find_debuginfo(s->dump, cache);
			if (vml)
				err = types_from_vmlinux(s, vml, o, cache, true, &types);
			else
				err = types_from_btf(s, o, cache, &types);
			if (!vml && err)
				err = pmt_err_prefix(
					err,
					"no debuginfo for kernel %s (build-id %s): no "
					"profile cached, no vmlinux found (give --vmlinux "
					"or --profile, or install its -dbg package), and "
					"the dump's own types cannot be used",
					or_unknown(rel), or_unknown(bid));
			free(vml);
		}
	}
	/* no type source at all (5.10 without debuginfo, damaged BTF): with a
	 * scan asked for, go on without types; the auto search only */
	if (err && o->allow_no_types && o->types == SESSION_TYPES_AUTO && !o->vmlinux &&
	    !o->profile && err->code != PMT_ERR_MISMATCH && err->code != PMT_ERR_IO) {
		pmt_err_free(err);
		err = pmt_target_none(&types);
		snprintf(s->types_source, sizeof(s->types_source),
			 "none (no debuginfo: only what needs no types, e.g. pmtrace regions found "
			 "by the physical scan)");
	}
	if (err)
		goto fail;
	err = dump_target(s->dump, types, &s->target);
	types = NULL;
	if (err)
		goto fail;
	free(cache);
	*out = s;
	return NULL;
fail:
	free(cache);
	pmt_target_destroy(types);
	session_close(s);
	return err;
}

struct pmt_err *session_save_profile(struct session *s, struct pmt_trace *tr)
{
	struct pmt_err *err;

	if (!s->pending_profile || !s->recorder)
		return NULL;
	pmt_trace_load_formats(tr); /* every event's questions, not only those read */
	err = pmt_profile_write(s->recorder, s->pending_profile, s->profile_release,
				s->profile_build_id);
	if (!err)
		err = pmt_profile_cache_stamp(s->pending_profile);
	free(s->pending_profile);
	s->pending_profile = NULL;
	return err;
}

void session_close(struct session *s)
{
	if (!s)
		return;
	pmt_target_destroy(s->target);
	pmt_target_destroy(s->dwarf);
	pmt_target_destroy(s->btf);
	if (s->vm)
		vmlinux_close(s->vm);
	free(s->pending_profile);
	if (s->dump)
		dump_close(s->dump);
	free(s);
}
