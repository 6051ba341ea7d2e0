// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rebuilding makedumpfile's flattened format (extractor/flattened.c) from
 * synthetic streams: records out of order and overlapping, holes, every
 * truncation point, bad headers and bad records, and the cache / temporary
 * file placement. Every rebuilt file is compared byte for byte with the file
 * the records describe.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "flattened.h"

struct rec {
	int64_t off;
	int64_t size;
	const uint8_t *data; /* NULL: no data bytes follow (for broken records) */
};

static char tmpdir[] = "/tmp/pmt-test-flat-XXXXXX";

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* Build a flattened stream in memory; *len gets its size. */
static uint8_t *build_flat(const struct rec *recs, size_t n, bool end, int64_t type,
			   int64_t version, size_t *len)
{
	size_t size = FLAT_HEADER_SIZE + (end ? 16 : 0);
	uint8_t *buf, *p;

	for (size_t i = 0; i < n; i++)
		size += 16 + (recs[i].data ? (size_t)recs[i].size : 0);
	buf = calloc(1, size);
	assert_non_null(buf);
	memcpy(buf, "makedumpfile", 12);
	put_be64(buf + 16, (uint64_t)type);
	put_be64(buf + 24, (uint64_t)version);
	p = buf + FLAT_HEADER_SIZE;
	for (size_t i = 0; i < n; i++) {
		put_be64(p, (uint64_t)recs[i].off);
		put_be64(p + 8, (uint64_t)recs[i].size);
		p += 16;
		if (recs[i].data) {
			memcpy(p, recs[i].data, (size_t)recs[i].size);
			p += recs[i].size;
		}
	}
	if (end) {
		put_be64(p, (uint64_t)-1);
		put_be64(p + 8, (uint64_t)-1);
	}
	*len = size;
	return buf;
}

static int write_tmp(const char *name, const void *data, size_t len, char *path, size_t pathlen)
{
	int fd;

	snprintf(path, pathlen, "%s/%s", tmpdir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	return fd;
}

static int empty_out(void)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/out-XXXXXX", tmpdir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	return fd;
}

static void read_all(int fd, uint8_t **data, size_t *len)
{
	struct stat sb;

	assert_int_equal(fstat(fd, &sb), 0);
	*len = (size_t)sb.st_size;
	*data = malloc(*len + 1);
	assert_non_null(*data);
	assert_int_equal(pread(fd, *data, *len, 0), (ssize_t)*len);
}

/* The regular file of the "good" stream: 3 pieces written out of order, one
 * overwritten in part by a later record, a hole between them. */
static uint8_t piece_a[5000], piece_b[7000], piece_c[300];
static uint8_t expect[20000];
static size_t expect_len;

static void make_pieces(void)
{
	for (size_t i = 0; i < sizeof(piece_a); i++)
		piece_a[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(piece_b); i++)
		piece_b[i] = (uint8_t)(i * 13 + 5);
	memset(piece_c, 0xcc, sizeof(piece_c));
	/* a at 0, b at 9000 (hole 5000..8999), c overwrites 100..399 of a */
	memset(expect, 0, sizeof(expect));
	memcpy(expect, piece_a, sizeof(piece_a));
	memcpy(expect + 9000, piece_b, sizeof(piece_b));
	memcpy(expect + 100, piece_c, sizeof(piece_c));
	expect_len = 16000;
}

static const struct rec good[] = {
	{ 9000, sizeof(piece_b), piece_b },
	{ 0, sizeof(piece_a), piece_a },
	{ 1234, 0, piece_c }, /* empty record: allowed, changes nothing */
	{ 100, sizeof(piece_c), piece_c },
};
#define NGOOD (sizeof(good) / sizeof(good[0]))

static void test_detect(void **state)
{
	char path[256];
	size_t len;
	uint8_t *flat = build_flat(good, NGOOD, true, 1, 1, &len);
	bool is_flat = false;
	int fd = write_tmp("detect", flat, len, path, sizeof(path));

	assert_null(flat_detect(fd, path, &is_flat));
	assert_true(is_flat);
	close(fd);

	fd = write_tmp("elf", "\177ELF\2\1\1", 7, path, sizeof(path));
	assert_null(flat_detect(fd, path, &is_flat));
	assert_false(is_flat);
	close(fd);

	/* "makedumpfileX": the signature is NUL-padded, so not ours. */
	fd = write_tmp("almost", "makedumpfileX\0\0\0", 16, path, sizeof(path));
	assert_null(flat_detect(fd, path, &is_flat));
	assert_false(is_flat);
	close(fd);

	fd = write_tmp("empty", "", 0, path, sizeof(path));
	assert_null(flat_detect(fd, path, &is_flat));
	assert_false(is_flat);
	close(fd);
	free(flat);
}

static void test_rebuild_good(void **state)
{
	struct flat_stats st;
	char path[256];
	size_t len, outlen;
	uint8_t *flat = build_flat(good, NGOOD, true, 1, 1, &len), *out;
	int fd = write_tmp("good", flat, len, path, sizeof(path)), ofd = empty_out();
	struct pmt_err *err = flat_rebuild(fd, path, ofd, &st);

	assert_null(err);
	assert_int_equal(st.records, 4);
	assert_int_equal(st.data_bytes, sizeof(piece_a) + sizeof(piece_b) + sizeof(piece_c));
	assert_int_equal(st.out_size, expect_len);
	read_all(ofd, &out, &outlen);
	assert_int_equal(outlen, expect_len);
	assert_memory_equal(out, expect, expect_len);
	free(out);
	close(ofd);
	close(fd);
	free(flat);
}

static void expect_cut_refused(const uint8_t *flat, size_t cut)
{
	char path[256];
	int fd = write_tmp("cut", flat, cut, path, sizeof(path)), ofd = empty_out();
	struct pmt_err *err = flat_rebuild(fd, path, ofd, NULL);

	if (!err)
		fail_msg("cut at %zu accepted", cut);
	assert_int_equal(err->code, PMT_ERR_CORRUPT);
	assert_non_null(strstr(err->msg, path));
	pmt_err_free(err);
	close(ofd);
	close(fd);
}

/* Cut the good stream at many lengths: every one must be refused with
 * CORRUPT naming the file (and never crash): a 13-byte stride over the whole
 * stream, plus every byte around each record boundary (inside the 16-byte
 * record header, just before and after it). */
static void test_truncated_everywhere(void **state)
{
	size_t len, b = FLAT_HEADER_SIZE;
	uint8_t *flat = build_flat(good, NGOOD, true, 1, 1, &len);

	for (size_t cut = 0; cut < len; cut += 13)
		expect_cut_refused(flat, cut);
	for (size_t i = 0; i <= NGOOD; i++) {
		for (size_t c = b - 1; c <= b + 17 && c < len; c++)
			expect_cut_refused(flat, c);
		if (i < NGOOD)
			b += 16 + (size_t)good[i].size;
	}
	free(flat);
}

static void expect_msg(const struct rec *recs, size_t n, bool end, int64_t type, int64_t ver,
		       enum pmt_err_code code, const char *needle)
{
	char path[256];
	size_t len;
	uint8_t *flat = build_flat(recs, n, end, type, ver, &len);
	int fd = write_tmp("bad", flat, len, path, sizeof(path)), ofd = empty_out();
	struct pmt_err *err = flat_rebuild(fd, path, ofd, NULL);

	assert_non_null(err);
	if (err->code != code || !strstr(err->msg, needle))
		fail_msg("got code %d \"%s\", want code %d containing \"%s\"", err->code, err->msg,
			 code, needle);
	pmt_err_free(err);
	close(ofd);
	close(fd);
	free(flat);
}

static void test_bad_records(void **state)
{
	static const uint8_t d[16];
	const struct rec neg_off[] = { { -2, 16, d } };
	const struct rec neg_size[] = { { 0, -16, NULL } };
	const struct rec huge_off[] = { { (int64_t)FLAT_MAX_OUTPUT, 16, d } };
	const struct rec wrap[] = { { INT64_MAX - 4, 16, d } };
	const struct rec too_long[] = { { 0, 1 << 20, NULL } };

	expect_msg(neg_off, 1, true, 1, 1, PMT_ERR_CORRUPT, "negative offset -2");
	/* at input offset 4096, the first record */
	expect_msg(neg_size, 1, true, 1, 1, PMT_ERR_CORRUPT, "record at offset 4096");
	expect_msg(huge_off, 1, true, 1, 1, PMT_ERR_CORRUPT, "beyond any plausible dump size");
	expect_msg(wrap, 1, true, 1, 1, PMT_ERR_CORRUPT, "beyond any plausible dump size");
	/* claims 1 MiB of data, only the 16-byte END record follows */
	expect_msg(too_long, 1, true, 1, 1, PMT_ERR_CORRUPT,
		   "claims 1048576 bytes of data but the file ends 16 bytes later");
	expect_msg(good, NGOOD, false, 1, 1, PMT_ERR_CORRUPT, "without an END record");
	expect_msg(NULL, 0, true, 1, 1, PMT_ERR_CORRUPT, "holds no data records");
	expect_msg(good, NGOOD, true, 2, 1, PMT_ERR_UNSUPPORTED, "type 2 version 1");
	expect_msg(good, NGOOD, true, 1, 7, PMT_ERR_UNSUPPORTED, "type 1 version 7");
}

static void test_bad_signature(void **state)
{
	char path[256];
	size_t len;
	uint8_t *flat = build_flat(good, NGOOD, true, 1, 1, &len);
	int fd, ofd = empty_out();
	struct pmt_err *err;

	flat[0] = 'M';
	fd = write_tmp("badsig", flat, len, path, sizeof(path));
	err = flat_rebuild(fd, path, ofd, NULL);
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_FORMAT);
	pmt_err_free(err);
	close(fd);
	close(ofd);
	free(flat);
}

static void check_fd_content(int fd)
{
	uint8_t *out;
	size_t outlen;

	read_all(fd, &out, &outlen);
	assert_int_equal(outlen, expect_len);
	assert_memory_equal(out, expect, expect_len);
	free(out);
}

static void test_cache_and_tmp(void **state)
{
	char path[256], cache[400], blocker[300], *where = NULL, *where2 = NULL;
	size_t len;
	uint8_t *flat = build_flat(good, NGOOD, true, 1, 1, &len);
	int fd = write_tmp("cached", flat, len, path, sizeof(path)), out, out2;
	struct stat s1, s2;

	/* First open rebuilds into the cache (creating the directories)... */
	snprintf(cache, sizeof(cache), "%s/cache/flattened", tmpdir);
	assert_null(flat_open_rebuilt(path, fd, cache, &out, &where));
	assert_non_null(where);
	assert_memory_equal(where, cache, strlen(cache));
	check_fd_content(out);
	assert_int_equal(stat(where, &s1), 0);
	assert_int_equal(s1.st_mode & 0777, 0600);
	/* ...the second reuses the same file. */
	assert_null(flat_open_rebuilt(path, fd, cache, &out2, &where2));
	assert_string_equal(where, where2);
	assert_int_equal(fstat(out2, &s2), 0);
	assert_int_equal(s1.st_ino, s2.st_ino);
	check_fd_content(out2);
	close(out);
	close(out2);
	unlink(where);
	free(where);
	free(where2);

	/* No cache: an unlinked temporary file. */
	assert_null(flat_open_rebuilt(path, fd, NULL, &out, &where));
	assert_string_equal(where, "(temporary file)");
	assert_int_equal(fstat(out, &s1), 0);
	assert_int_equal(s1.st_nlink, 0);
	check_fd_content(out);
	close(out);
	free(where);

	/* A cache that cannot be created falls back to a temporary file. */
	snprintf(blocker, sizeof(blocker), "%s/blocker", tmpdir);
	close(open(blocker, O_WRONLY | O_CREAT, 0600));
	snprintf(cache, sizeof(cache), "%s/sub", blocker);
	assert_null(flat_open_rebuilt(path, fd, cache, &out, &where));
	assert_string_equal(where, "(temporary file)");
	check_fd_content(out);
	close(out);
	free(where);

	/* A bad input is an error either way, and leaves nothing in the cache. */
	snprintf(cache, sizeof(cache), "%s/cache2", tmpdir);
	close(fd);
	fd = write_tmp("cached-bad", flat, len - 1, path, sizeof(path));
	struct pmt_err *err = flat_open_rebuilt(path, fd, cache, &out, &where);
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_CORRUPT);
	assert_int_equal(out, -1);
	pmt_err_free(err);
	assert_int_equal(rmdir(cache), 0); /* empty: the partial file was removed */
	close(fd);
	free(flat);
}

static int setup(void **state)
{
	if (!mkdtemp(tmpdir))
		return -1;
	make_pieces();
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_rebuild_good),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_bad_signature),
		cmocka_unit_test(test_cache_and_tmp),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
