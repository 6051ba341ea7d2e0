// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Type profiles (see profile.h, format in docs/profile.md).
 *
 * Both the recorder and the profile target keep a flat array of records, one
 * per distinct question (kind + type/name + member path). A run asks ~100
 * questions, so lookups are linear scans. The file is line-oriented text:
 * names are percent-encoded so that fields never contain blanks, "-" stands
 * for ABSENT (and for an empty header value), and a final "end <count>" line
 * makes truncation detectable. The reader is strict: anything unexpected is a
 * FORMAT error naming the line, never a guess.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile.h"

/* the build's id of lib/'s questions (lib/questions_id.cmake); builds
 * without it (the fuzzers) stamp nothing that another build accepts */
#if __has_include("pmt_questions.h")
#include "pmt_questions.h"
#else
#define PMT_QUESTIONS_ID "unknown"
#endif

/* A cache stamp: the questions' id and the generation of the writers'
 * contract. Generation 2: every profile is written after all event formats
 * were read (session_save_profile()); earlier test tools wrote profiles after
 * a partial load, lacking the enumerators of events their dump did not hold,
 * and such profiles must be rebuilt, not trusted. */
#define PMT_STAMP PMT_QUESTIONS_ID "-g2"

#define MAX_PROFILE_BYTES (16u << 20) /* real profiles are a few KB */
#define MAX_NAME	  512

enum rec_kind {
	REC_SYM,
	REC_SIZE,
	REC_MEMBER,
	REC_ENUM,
};

static const char *const rec_word[] = {
	[REC_SYM] = "sym",
	[REC_SIZE] = "size",
	[REC_MEMBER] = "member",
	[REC_ENUM] = "enum",
};

static const char *const kind_word[] = {
	[PMT_KIND_OTHER] = "other", [PMT_KIND_INT] = "int",	  [PMT_KIND_POINTER] = "pointer",
	[PMT_KIND_ARRAY] = "array", [PMT_KIND_STRUCT] = "struct",
};

struct rec {
	enum rec_kind kind;
	char *name; /* symbol, type or enumerator */
	char *path; /* member path (REC_MEMBER only) */
	bool absent;
	uint64_t u;	     /* symbol address (link-time) or type size */
	int64_t s;	     /* enumerator value */
	struct pmt_member m; /* member */
};

struct recs {
	struct rec *v;
	size_t n, cap;
};

static void recs_free(struct recs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].path);
	}
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

static struct rec *recs_find(struct recs *r, enum rec_kind kind, const char *name, const char *path)
{
	for (size_t i = 0; i < r->n; i++) {
		struct rec *x = &r->v[i];

		if (x->kind == kind && !strcmp(x->name, name) &&
		    (kind != REC_MEMBER || !strcmp(x->path, path)))
			return x;
	}
	return NULL;
}

/* Add (or, for the recorder, overwrite) the record for a question. */
static struct pmt_err *recs_put(struct recs *r, const struct rec *in)
{
	struct rec *x = recs_find(r, in->kind, in->name, in->path);

	if (x) {
		char *name = x->name, *path = x->path;

		*x = *in;
		x->name = name;
		x->path = path;
		return NULL;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		struct rec *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return &pmt_err_nomem;
		r->v = v;
		r->cap = cap;
	}
	x = &r->v[r->n];
	*x = *in;
	x->name = strdup(in->name);
	x->path = in->path ? strdup(in->path) : NULL;
	if (!x->name || (in->path && !x->path)) {
		free(x->name);
		free(x->path);
		return &pmt_err_nomem;
	}
	r->n++;
	return NULL;
}

/* ---- the recorder ---- */

/* A layer over the inner target (pmt_target_stack()): the type questions
 * are answered by inner and noted; everything else (reads, physical memory,
 * scopes) passes through untouched. */
struct recorder {
	unsigned int magic; /* RECORDER_MAGIC: pmt_profile_write() checks it */
	struct recs recs;
	struct pmt_err *oom; /* a record could not be stored: writing fails */
};

#define RECORDER_MAGIC 0x70726563u

static struct recorder *rec_of(struct pmt_target *t)
{
	struct recorder *r = t ? pmt_target_data(t) : NULL;

	return r && r->magic == RECORDER_MAGIC ? r : NULL;
}

/* Record answer err (NULL or ABSENT) to question q; pass err through. */
static struct pmt_err *record(struct pmt_target *t, struct rec *q, struct pmt_err *err)
{
	struct recorder *r = rec_of(t);
	struct pmt_err *perr;

	if (err && err->code != PMT_ERR_ABSENT)
		return err; /* a failure, not a fact about the kernel */
	q->absent = err != NULL;
	perr = recs_put(&r->recs, q);
	if (perr && !r->oom)
		r->oom = perr;
	return err;
}

static struct pmt_err *rec_symbol(struct pmt_target *t, const char *name, uint64_t *addr)
{
	struct pmt_target *in = pmt_target_inner(t);
	struct pmt_err *err = pmt_symbol(in, name, addr);
	struct rec q = { .kind = REC_SYM, .name = (char *)name };

	if (!err)
		q.u = *addr - in->kaslr_offset;
	return record(t, &q, err);
}

static struct pmt_err *rec_type_size(struct pmt_target *t, const char *type, uint64_t *size)
{
	struct pmt_err *err = pmt_type_size(pmt_target_inner(t), type, size);
	struct rec q = { .kind = REC_SIZE, .name = (char *)type };

	if (!err)
		q.u = *size;
	return record(t, &q, err);
}

static struct pmt_err *rec_member(struct pmt_target *t, const char *type, const char *path,
				  struct pmt_member *out)
{
	struct pmt_err *err = pmt_member(pmt_target_inner(t), type, path, out);
	struct rec q = { .kind = REC_MEMBER, .name = (char *)type, .path = (char *)path };

	if (!err)
		q.m = *out;
	return record(t, &q, err);
}

static struct pmt_err *rec_enumerator(struct pmt_target *t, const char *name, int64_t *value)
{
	struct pmt_err *err = pmt_enumerator(pmt_target_inner(t), name, value);
	struct rec q = { .kind = REC_ENUM, .name = (char *)name };

	if (!err)
		q.s = *value;
	return record(t, &q, err);
}

/* frees the layer's data; the stack frees itself (the inner is borrowed) */
static void rec_destroy(struct pmt_target *t)
{
	struct recorder *r = rec_of(t);

	if (r) {
		recs_free(&r->recs);
		pmt_err_free(r->oom);
		free(r);
	}
}

static const struct pmt_target_ops recorder_ops = {
	.symbol = rec_symbol,
	.type_size = rec_type_size,
	.member = rec_member,
	.enumerator = rec_enumerator,
	.destroy = rec_destroy,
};

struct pmt_err *pmt_profile_recorder(struct pmt_target *inner, struct pmt_target **out)
{
	struct recorder *r = calloc(1, sizeof(*r));
	struct pmt_err *err;

	*out = NULL;
	if (!r)
		return &pmt_err_nomem;
	r->magic = RECORDER_MAGIC;
	/* the facts (word size, byte order, release, offsets) are inner's */
	err = pmt_target_stack(inner, false, &recorder_ops, r, out);
	if (err)
		free(r);
	return err;
}

size_t pmt_profile_recorded(struct pmt_target *recorder)
{
	struct recorder *r = rec_of(recorder);

	return r ? r->recs.n : 0;
}

/* ---- writing ---- */

/* Percent-encode blanks, controls, non-ASCII and '%'; "" and "-" are
 * spelled "-" and "%2D" so that "-" can mean empty/ABSENT. */
static void put_name(FILE *f, const char *s)
{
	if (!*s) {
		fputc('-', f);
		return;
	}
	if (!strcmp(s, "-")) {
		fputs("%2D", f);
		return;
	}
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= ' ' || c >= 0x7f || c == '%')
			fprintf(f, "%%%02X", c);
		else
			fputc(c, f);
	}
}

static void put_rec(FILE *f, const struct rec *x)
{
	fprintf(f, "%s ", rec_word[x->kind]);
	put_name(f, x->name);
	if (x->kind == REC_MEMBER) {
		fputc(' ', f);
		put_name(f, x->path);
	}
	if (x->absent) {
		fputs(" -\n", f);
		return;
	}
	switch (x->kind) {
	case REC_SYM:
		fprintf(f, " %#" PRIx64 "\n", x->u);
		break;
	case REC_SIZE:
		fprintf(f, " %" PRIu64 "\n", x->u);
		break;
	case REC_ENUM:
		fprintf(f, " %" PRId64 "\n", x->s);
		break;
	case REC_MEMBER:
		fprintf(f,
			" %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu32 " %s %" PRIu64 " %" PRIu64
			"\n",
			x->m.offset, x->m.size, x->m.bit_offset, x->m.bit_size,
			(unsigned)x->m.kind < sizeof(kind_word) / sizeof(kind_word[0])
				? kind_word[x->m.kind]
				: "other",
			x->m.array_len, x->m.elem_size);
		break;
	}
}

/* mkdir -p of the directory part of path. */
static struct pmt_err *make_parents(const char *path)
{
	char *dir = strdup(path);
	struct pmt_err *err = NULL;

	if (!dir)
		return &pmt_err_nomem;
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			err = pmt_err_new(PMT_ERR_IO, "mkdir %s: %s", dir, strerror(errno));
			break;
		}
		*p = '/';
	}
	free(dir);
	return err;
}

static bool valid_build_id(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > 128)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

struct pmt_err *pmt_profile_write(struct pmt_target *recorder, const char *path,
				  const char *release, const char *build_id)
{
	struct recorder *r;
	struct pmt_target *in;
	struct pmt_err *err;
	char *tmp = NULL;
	FILE *f;
	int ok;

	r = rec_of(recorder);
	if (!r)
		return pmt_err_new(PMT_ERR_INVALID, "not a profile recorder");
	in = pmt_target_inner(recorder);
	if (r->oom)
		return pmt_err_new(PMT_ERR_NOMEM,
				   "profile incomplete: out of memory while recording");
	if (!release)
		release = in->release;
	if (!build_id)
		build_id = "";
	if (*build_id && !valid_build_id(build_id))
		return pmt_err_new(PMT_ERR_INVALID, "build-id '%.20s' is not lowercase hex",
				   build_id);
	if (strlen(release) > 64)
		return pmt_err_new(PMT_ERR_INVALID, "release longer than 64 characters");
	err = make_parents(path);
	if (err)
		return pmt_err_prefix(err, "%s", path);
	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0)
		return &pmt_err_nomem;
	f = fopen(tmp, "w");
	if (!f) {
		err = pmt_err_new(PMT_ERR_IO, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return err;
	}
	fprintf(f, "%s %d\nrelease ", PMT_PROFILE_MAGIC, PMT_PROFILE_VERSION);
	put_name(f, release);
	fputs("\nbuild-id ", f);
	put_name(f, build_id);
	fprintf(f, "\nword-size %u\nbig-endian %d\npage-size %" PRIu64 "\n", in->word_size,
		in->big_endian ? 1 : 0, in->page_size);
	for (size_t i = 0; i < r->recs.n; i++)
		put_rec(f, &r->recs.v[i]);
	fprintf(f, "end %zu\n", r->recs.n);
	ok = !ferror(f) && fflush(f) == 0 && fsync(fileno(f)) == 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) < 0) {
		err = pmt_err_new(PMT_ERR_IO, "writing %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return err;
}

struct pmt_err *pmt_profile_cache_path(const char *cache_dir, const char *build_id, char **out)
{
	*out = NULL;
	if (!valid_build_id(build_id))
		return pmt_err_new(PMT_ERR_INVALID, "build-id '%.20s' is not lowercase hex",
				   build_id);
	if (asprintf(out, "%s/profiles/%s.profile", cache_dir, build_id) < 0) {
		*out = NULL;
		return &pmt_err_nomem;
	}
	return NULL;
}

static char *stamp_path(const char *path)
{
	char *p;

	return asprintf(&p, "%s.asked", path) < 0 ? NULL : p;
}

bool pmt_profile_cache_current(const char *path)
{
	char *sp = stamp_path(path), buf[64] = "";
	FILE *f = sp ? fopen(sp, "re") : NULL;
	bool same = false;

	if (f) {
		same = fgets(buf, sizeof(buf), f) && !strcmp(buf, PMT_STAMP "\n");
		fclose(f);
	}
	free(sp);
	return same;
}

struct pmt_err *pmt_profile_cache_stamp(const char *path)
{
	char *sp = stamp_path(path);
	struct pmt_err *err = NULL;
	char *tmp = NULL;
	FILE *f;

	if (!sp || asprintf(&tmp, "%s.%ld.tmp", sp, (long)getpid()) < 0) {
		free(sp);
		return &pmt_err_nomem;
	}
	/* under a temporary name, then renamed: a concurrent reader sees the
	 * old stamp or the new one, never an empty file */
	f = fopen(tmp, "we");
	if (!f || fputs(PMT_STAMP "\n", f) < 0)
		err = pmt_err_new(PMT_ERR_IO, "%s: %s", tmp, strerror(errno));
	if (f && fclose(f) && !err)
		err = pmt_err_new(PMT_ERR_IO, "%s: %s", tmp, strerror(errno));
	if (!err && rename(tmp, sp) < 0)
		err = pmt_err_new(PMT_ERR_IO, "%s: %s", sp, strerror(errno));
	if (err)
		unlink(tmp);
	free(tmp);
	free(sp);
	return err;
}

/* ---- reading ---- */

struct profile {
	struct recs recs;
	char *path;
	size_t misses; /* questions the file had no record for */
};

/* Decode a percent-encoded field in place; false if malformed. */
static bool decode_name(char *s)
{
	char *o = s;

	if (!strcmp(s, "-")) {
		*s = '\0';
		return true;
	}
	for (; *s; s++) {
		unsigned int v;

		if (*s != '%') {
			*o++ = *s;
			continue;
		}
		if (!s[1] || !s[2] || sscanf(s + 1, "%2x", &v) != 1 || v == 0 ||
		    !strchr("0123456789abcdefABCDEF", s[1]) ||
		    !strchr("0123456789abcdefABCDEF", s[2]))
			return false;
		*o++ = (char)v;
		s += 2;
	}
	*o = '\0';
	return true;
}

/* Strict unsigned decimal (or 0x hex) parse of a whole field. */
static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

static bool parse_s64(const char *s, int64_t *v)
{
	char *end;

	if (!*s || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return !errno && !*end;
}

/* Split line into at most max space-separated fields; returns the count or
 * -1 if there are more (or empty fields from doubled spaces). */
static int split(char *line, char **f, int max)
{
	int n = 0;

	if (!*line)
		return 0;
	for (;;) {
		char *sp = strchr(line, ' ');

		if (n == max || line == sp || !*line)
			return -1;
		f[n++] = line;
		if (!sp)
			return n;
		*sp = '\0';
		line = sp + 1;
	}
}

static struct pmt_err *parse_record(char **f, int n, struct rec *x)
{
	int nkeys, i;

	memset(x, 0, sizeof(*x));
	for (i = 0; i < 4; i++)
		if (!strcmp(f[0], rec_word[i]))
			break;
	if (i == 4)
		return pmt_err_new(PMT_ERR_FORMAT, "unknown record '%.20s'", f[0]);
	x->kind = (enum rec_kind)i;
	nkeys = x->kind == REC_MEMBER ? 2 : 1;
	if (n < 2 + nkeys)
		return pmt_err_new(PMT_ERR_FORMAT, "%s record: too few fields", f[0]);
	if (!decode_name(f[1]) || !*f[1] || strlen(f[1]) >= MAX_NAME ||
	    (nkeys == 2 && (!decode_name(f[2]) || !*f[2] || strlen(f[2]) >= MAX_NAME)))
		return pmt_err_new(PMT_ERR_FORMAT, "%s record: bad name", f[0]);
	x->name = f[1];
	x->path = nkeys == 2 ? f[2] : NULL;
	f += 1 + nkeys;
	n -= 1 + nkeys;
	if (n == 1 && !strcmp(f[0], "-")) {
		x->absent = true;
		return NULL;
	}
	switch (x->kind) {
	case REC_SYM:
	case REC_SIZE:
		if (n != 1 || !parse_u64(f[0], &x->u))
			return pmt_err_new(PMT_ERR_FORMAT, "%s record: bad value",
					   rec_word[x->kind]);
		return NULL;
	case REC_ENUM:
		if (n != 1 || !parse_s64(f[0], &x->s))
			return pmt_err_new(PMT_ERR_FORMAT, "enum record: bad value");
		return NULL;
	case REC_MEMBER: {
		uint64_t bits;
		int k;

		if (n != 7 || !parse_u64(f[0], &x->m.offset) || !parse_u64(f[1], &x->m.size) ||
		    !parse_u64(f[2], &x->m.bit_offset) || !parse_u64(f[3], &bits) || bits > 64 ||
		    !parse_u64(f[5], &x->m.array_len) || !parse_u64(f[6], &x->m.elem_size))
			return pmt_err_new(PMT_ERR_FORMAT, "member record: bad values");
		x->m.bit_size = (uint32_t)bits;
		for (k = 0; k < (int)(sizeof(kind_word) / sizeof(kind_word[0])); k++)
			if (!strcmp(f[4], kind_word[k]))
				break;
		if (k == (int)(sizeof(kind_word) / sizeof(kind_word[0])))
			return pmt_err_new(PMT_ERR_FORMAT, "member record: bad kind '%.20s'", f[4]);
		x->m.kind = (enum pmt_type_kind)k;
		return NULL;
	}
	}
	return NULL;
}

static struct pmt_err *read_file(const char *path, char **out, size_t *len)
{
	struct pmt_err *err = NULL;
	struct stat st;
	char *buf;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pmt_err_new(errno == ENOENT ? PMT_ERR_ABSENT : PMT_ERR_IO, "%s",
				   strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return pmt_err_new(PMT_ERR_IO, "not a readable regular file");
	}
	if (st.st_size > MAX_PROFILE_BYTES) {
		close(fd);
		return pmt_err_new(PMT_ERR_FORMAT, "%lld bytes: too large for a profile",
				   (long long)st.st_size);
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return &pmt_err_nomem;
	}
	*len = 0;
	while (*len < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + *len, (size_t)st.st_size - *len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = pmt_err_new(PMT_ERR_IO, "read: %s",
					  r < 0 ? strerror(errno) : "short");
			break;
		}
		*len += (size_t)r;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[*len] = '\0';
	*out = buf;
	return NULL;
}

static struct pmt_err *parse_profile(char *buf, size_t len, struct profile *p, struct pmt_target *t,
				     char *release, char *build_id)
{
	enum {
		H_MAGIC,
		H_RELEASE,
		H_BUILD_ID,
		H_WORD,
		H_ENDIAN,
		H_PAGE,
		H_RECORDS
	} state = H_MAGIC;
	static const char *const hdr[] = { NULL,	"release",    "build-id",
					   "word-size", "big-endian", "page-size" };
	unsigned int lineno = 0;
	char *line = buf;
	bool ended = false;

	if (memchr(buf, '\0', len))
		return pmt_err_new(PMT_ERR_FORMAT, "binary data (NUL byte) in a text profile");
	if (len == 0 || buf[len - 1] != '\n')
		return pmt_err_new(PMT_ERR_FORMAT, "truncated: no final newline");
	while (line < buf + len) {
		char *nl = strchr(line, '\n'), *f[10];
		struct pmt_err *err;
		uint64_t v;
		int n;

		*nl = '\0';
		lineno++;
		if (ended)
			return pmt_err_new(PMT_ERR_FORMAT, "line %u: data after the end line",
					   lineno);
		n = split(line, f, 10);
		if (n <= 0)
			return pmt_err_new(PMT_ERR_FORMAT, "line %u: malformed line", lineno);
		if (state == H_MAGIC) {
			if (n != 2 || strcmp(f[0], PMT_PROFILE_MAGIC))
				return pmt_err_new(PMT_ERR_FORMAT, "not a pmtrace profile");
			if (!parse_u64(f[1], &v) || v == 0)
				return pmt_err_new(PMT_ERR_FORMAT, "line 1: bad version");
			if (v > PMT_PROFILE_VERSION)
				return pmt_err_new(PMT_ERR_UNSUPPORTED,
						   "profile version %" PRIu64
						   " (this pmtrace reads %d)",
						   v, PMT_PROFILE_VERSION);
			state = H_RELEASE;
		} else if (state < H_RECORDS) {
			if (n != 2 || strcmp(f[0], hdr[state]))
				return pmt_err_new(PMT_ERR_FORMAT, "line %u: expected '%s'", lineno,
						   hdr[state]);
			if (state == H_RELEASE || state == H_BUILD_ID) {
				if (!decode_name(f[1]) ||
				    strlen(f[1]) > (state == H_RELEASE ? 64 : 128))
					return pmt_err_new(PMT_ERR_FORMAT, "line %u: bad %s",
							   lineno, hdr[state]);
				if (state == H_BUILD_ID && *f[1] && !valid_build_id(f[1]))
					return pmt_err_new(PMT_ERR_FORMAT, "line %u: bad build-id",
							   lineno);
				strcpy(state == H_RELEASE ? release : build_id, f[1]);
			} else if (!parse_u64(f[1], &v) || (state == H_WORD && v != 4 && v != 8) ||
				   (state == H_ENDIAN && v > 1) ||
				   (state == H_PAGE && v && (v & (v - 1)))) {
				return pmt_err_new(PMT_ERR_FORMAT, "line %u: bad %s", lineno,
						   hdr[state]);
			} else if (state == H_WORD) {
				t->word_size = (unsigned int)v;
			} else if (state == H_ENDIAN) {
				t->big_endian = v;
			} else {
				t->page_size = v;
			}
			state++;
		} else if (!strcmp(f[0], "end")) {
			if (n != 2 || !parse_u64(f[1], &v) || v != p->recs.n)
				return pmt_err_new(
					PMT_ERR_FORMAT,
					"line %u: end line does not match the %zu records", lineno,
					p->recs.n);
			ended = true;
		} else {
			struct rec x;

			err = parse_record(f, n, &x);
			if (!err && recs_find(&p->recs, x.kind, x.name, x.path))
				err = pmt_err_new(PMT_ERR_FORMAT, "duplicate record");
			if (!err)
				err = recs_put(&p->recs, &x);
			if (err)
				return pmt_err_prefix(err, "line %u", lineno);
		}
		line = nl + 1;
	}
	if (!ended)
		return pmt_err_new(PMT_ERR_FORMAT, "truncated: no end line after line %u", lineno);
	return NULL;
}

static struct profile *prof_of(struct pmt_target *t)
{
	return t->priv;
}

static struct pmt_err *not_in_profile(struct pmt_target *t, const char *what, const char *name,
				      const char *path)
{
	prof_of(t)->misses++;
	if (getenv("PMTRACE_DEBUG_PROFILE"))
		fprintf(stderr, "pmtrace: profile miss: %s '%s%s%s'\n", what, name, path ? "." : "",
			path ? path : "");
	return pmt_err_new(PMT_ERR_ABSENT, "%s '%s%s%s' is not in the profile %s", what, name,
			   path ? "." : "", path ? path : "", prof_of(t)->path);
}

size_t pmt_profile_misses(struct pmt_target *prof)
{
	return prof_of(prof)->misses;
}

/* The record answering a question, or an ABSENT error (recorded ABSENT or
 * never asked). */
static struct pmt_err *prof_get(struct pmt_target *t, enum rec_kind kind, const char *name,
				const char *path, const struct rec **out)
{
	static const char *const what[] = { "symbol", "type", "member", "enumerator" };
	const struct rec *x = recs_find(&prof_of(t)->recs, kind, name, path);

	if (!x)
		return not_in_profile(t, what[kind], name, path);
	if (x->absent)
		return pmt_err_new(PMT_ERR_ABSENT, "%s '%s%s%s' absent (profile)", what[kind], name,
				   path ? "." : "", path ? path : "");
	*out = x;
	return NULL;
}

static struct pmt_err *prof_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	return pmt_err_addr(PMT_ERR_UNSUPPORTED, addr,
			    "a profile has no memory (read %#" PRIx64 ")", addr);
}

static struct pmt_err *prof_symbol(struct pmt_target *t, const char *name, uint64_t *addr)
{
	const struct rec *x = NULL;
	struct pmt_err *err = prof_get(t, REC_SYM, name, NULL, &x);

	if (!err)
		*addr = x->u;
	return err;
}

static struct pmt_err *prof_type_size(struct pmt_target *t, const char *type, uint64_t *size)
{
	const struct rec *x = NULL;
	struct pmt_err *err = prof_get(t, REC_SIZE, type, NULL, &x);

	if (!err)
		*size = x->u;
	return err;
}

static struct pmt_err *prof_member(struct pmt_target *t, const char *type, const char *path,
				   struct pmt_member *out)
{
	const struct rec *x = NULL;
	struct pmt_err *err = prof_get(t, REC_MEMBER, type, path, &x);

	if (!err)
		*out = x->m;
	return err;
}

static struct pmt_err *prof_enumerator(struct pmt_target *t, const char *name, int64_t *value)
{
	const struct rec *x = NULL;
	struct pmt_err *err = prof_get(t, REC_ENUM, name, NULL, &x);

	if (!err)
		*value = x->s;
	return err;
}

static void prof_destroy(struct pmt_target *t)
{
	struct profile *p = prof_of(t);

	if (p) {
		recs_free(&p->recs);
		free(p->path);
		free(p);
	}
	free(t);
}

static const struct pmt_target_ops profile_ops = {
	.read = prof_read,
	.symbol = prof_symbol,
	.type_size = prof_type_size,
	.member = prof_member,
	.enumerator = prof_enumerator,
	.destroy = prof_destroy,
};

struct pmt_err *pmt_profile_open(const char *path, struct pmt_target **out, char release[65],
				 char build_id[129])
{
	struct pmt_target *t = calloc(1, sizeof(*t));
	struct profile *p = calloc(1, sizeof(*p));
	char rel[65] = "", bid[129] = "";
	struct pmt_err *err;
	char *buf = NULL;
	size_t len = 0;

	*out = NULL;
	if (!t || !p || !(p->path = strdup(path))) {
		free(p);
		free(t);
		return &pmt_err_nomem;
	}
	t->ops = &profile_ops;
	t->priv = p;
	err = read_file(path, &buf, &len);
	if (!err)
		err = parse_profile(buf, len, p, t, rel, bid);
	free(buf);
	if (err) {
		prof_destroy(t);
		return pmt_err_prefix(err, "profile %s", path);
	}
	snprintf(t->release, sizeof(t->release), "%s", rel);
	if (release)
		snprintf(release, 65, "%s", rel);
	if (build_id)
		snprintf(build_id, 129, "%s", bid);
	*out = t;
	return NULL;
}
