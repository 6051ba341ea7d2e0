// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * events/header_page and events/header_event from the dump (see
 * header_page.h for where each varying part comes from).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "event_db.h"
#include "header_page.h"
#include "kallsyms.h"

#define RODATA_MAX (64u << 20) /* a .rodata larger than this is not believed */
#define SCAN_CHUNK (64u << 10)
#define NEEDLE_MAX 64

/* The two literals ring_buffer_print_page_header() may print from. */
static const char needle_char[] = "\tfield: char overwrite;\t";
static const char needle_int[] = "\tfield: int overwrite;\t";

/* A symbol's run-time address: the dump's own kallsyms first (no type
 * information needed), then the target. */
static bool symbol_addr(struct pmt_trace *tr, const char *name, uint64_t *addr)
{
	struct pmt_err *err;

	if (kallsyms_find(tr->ksyms, name, addr))
		return true;
	err = pmt_symbol(tr->t, name, addr);
	if (err) {
		pmt_err_free(err);
		return false;
	}
	return true;
}

/*
 * Read [addr, addr + len) into buf; pages that cannot be read are zeroed
 * (a literal cannot straddle what is missing anyway). Returns the number of
 * bytes actually read.
 */
static size_t read_some(struct pmt_target *t, uint64_t addr, uint8_t *buf, size_t len)
{
	uint64_t page = t->page_size ? t->page_size : 4096;
	struct pmt_err *err = pmt_read(t, addr, buf, len);
	size_t got = 0;

	if (!err)
		return len;
	pmt_err_free(err);
	for (size_t off = 0; off < len;) {
		size_t n = (size_t)(page - (addr + off) % page);

		if (n > len - off)
			n = len - off;
		err = pmt_read(t, addr + off, buf + off, n);
		if (err) {
			pmt_err_free(err);
			memset(buf + off, 0, n);
		} else {
			got += n;
		}
		off += n;
	}
	return got;
}

/*
 * Which overwrite literal the kernel image holds: 1 char, 0 int, -1 not
 * found (*why says why).
 */
static int find_overwrite_literal(struct pmt_trace *tr, const char **why)
{
	uint64_t start, end, readable = 0;
	uint8_t *buf;
	size_t keep = 0;
	int found = -1;

	if (!symbol_addr(tr, "__start_rodata", &start) || !symbol_addr(tr, "__end_rodata", &end)) {
		*why = "no __start_rodata/__end_rodata symbol";
		return -1;
	}
	if (end <= start || end - start > RODATA_MAX) {
		*why = "implausible .rodata bounds";
		return -1;
	}
	buf = malloc(SCAN_CHUNK + NEEDLE_MAX);
	if (!buf) {
		*why = "out of memory";
		return -1;
	}
	/* chunks overlap by NEEDLE_MAX bytes so a literal across a boundary is seen */
	for (uint64_t a = start; a < end && found < 0; a += SCAN_CHUNK) {
		size_t n = end - a < SCAN_CHUNK ? (size_t)(end - a) : SCAN_CHUNK;

		readable += read_some(tr->t, a, buf + keep, n);
		if (memmem(buf, keep + n, needle_char, sizeof(needle_char) - 1))
			found = 1;
		else if (memmem(buf, keep + n, needle_int, sizeof(needle_int) - 1))
			found = 0;
		/* keep the last bytes for the next round */
		{
			size_t total = keep + n, nk = total < NEEDLE_MAX ? total : NEEDLE_MAX;

			memmove(buf, buf + total - nk, nk);
			keep = nk;
		}
	}
	free(buf);
	if (found < 0)
		*why = readable ? "neither literal is in .rodata" : ".rodata is not in the dump";
	return found;
}

/* is_signed_type(char) as the kernel computed it for its own `char` fields. */
static int find_char_signedness(struct pmt_trace *tr)
{
	struct event_db *db = tr->events;

	if (db)
		event_db_load_all(db);
	for (size_t i = 0; db && i < db->n; i++) {
		const struct event_fmt *e = &db->ev[i];

		if (e->state != EVF_LOADED)
			continue;
		for (size_t k = 0; k < e->nfields; k++) {
			const char *type = e->fields[k].type;

			if (!strcmp(type, "char") || !strncmp(type, "char[", 5))
				return e->fields[k].is_signed;
		}
	}
	return -1;
}

const struct header_page_facts *header_page_facts(struct pmt_trace *tr)
{
	struct header_page_facts *f = tr->hp_facts;
	const char *why = NULL;
	int v;

	if (f)
		return f;
	f = calloc(1, sizeof(*f));
	if (!f) {
		static const struct header_page_facts classic = { 1, false };

		return &classic;
	}
	v = find_char_signedness(tr);
	if (v < 0) {
		diag_degraded(tr,
			      pmt_err_new(PMT_ERR_ABSENT,
					  "no event field of type char to take the kernel's "
					  "char signedness from"),
			      "header_page (written with signed char)");
		v = 1;
	}
	f->char_signed = v;
	v = find_overwrite_literal(tr, &why);
	if (v < 0) {
		diag_degraded(tr, pmt_err_new(PMT_ERR_NODATA, "%s", why),
			      "header_page overwrite line (written as 'int overwrite')");
		v = 0;
	}
	f->overwrite_char = v == 1;
	tr->hp_facts = f;
	return f;
}

void header_page_write(struct pmt_trace *tr, const struct trace_buf *b, FILE *f)
{
	const struct header_page_facts *hp = header_page_facts(tr);
	unsigned int commit_off = (unsigned int)tr->L.bdp_commit.m.offset;
	unsigned int commit_size = (unsigned int)tr->L.bdp_commit.m.size;
	unsigned int data_off = (unsigned int)tr->L.bdp_data.m.offset;
	unsigned int subbuf = b && b->subbuf_size ? b->subbuf_size : (unsigned int)tr->t->page_size;

	fprintf(f, "\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n");
	/* local_t is a long: always signed */
	fprintf(f, "\tfield: local_t commit;\toffset:%u;\tsize:%u;\tsigned:1;\n", commit_off,
		commit_size);
	/* the overwrite flag lives in the commit word; its line claims size 1 */
	if (hp->overwrite_char)
		fprintf(f, "\tfield: char overwrite;\toffset:%u;\tsize:1;\tsigned:%d;\n",
			commit_off, hp->char_signed);
	else
		fprintf(f, "\tfield: int overwrite;\toffset:%u;\tsize:1;\tsigned:1;\n", commit_off);
	fprintf(f, "\tfield: char data;\toffset:%u;\tsize:%u;\tsigned:%d;\n", data_off,
		subbuf - data_off, hp->char_signed);
}

void header_event_write(FILE *f)
{
	/* RINGBUF_TYPE_PADDING/TIME_EXTEND/TIME_STAMP and the largest data
	 * type_len: the event header's ABI, the same since 2.6.x */
	fprintf(f, "# compressed entry header\n"
		   "\ttype_len    :    5 bits\n"
		   "\ttime_delta  :   27 bits\n"
		   "\tarray       :   32 bits\n"
		   "\n"
		   "\tpadding     : type == 29\n"
		   "\ttime_extend : type == 30\n"
		   "\ttime_stamp : type == 31\n"
		   "\tdata max type_len  == 28\n");
}
