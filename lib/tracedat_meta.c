// SPDX-License-Identifier: GPL-2.0-or-later
/* printk_formats, trace_clock and uname text from the dump (tracedat_meta.h). */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "addr_set.h"
#include "diag.h"
#include "kallsyms.h"
#include "tracedat_meta.h"

#define MAX_FMTS      (1u << 20) /* entries of one format section */
#define MAX_FMT_LEN   4096
#define MAX_MOD_FMTS  65536
#define MAX_CLOCKS    32
#define MAX_CLOCK_LEN 32

/* A symbol from the dump's kallsyms, else from the target. */
static bool symbol_addr(struct pmt_trace *tr, const char *name, uint64_t *addr)
{
	struct pmt_err *err;

	if (kallsyms_find(tr->ksyms, name, addr))
		return true;
	err = pmt_symbol(tr->t, name, addr);
	if (!err)
		return true;
	pmt_err_free(err);
	return false;
}

/* One line of printk_formats, escaped like t_show() in trace_printk.c. */
static void put_format(FILE *out, uint64_t addr, const char *s)
{
	fprintf(out, "0x%" PRIx64 " : \"", addr);
	for (; *s; s++) {
		switch (*s) {
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\\':
			fputc('\\', out); /* sic: the kernel writes a lone backslash */
			break;
		case '"':
			fputs("\\\"", out);
			break;
		default:
			fputc(*s, out);
		}
	}
	fputs("\"\n", out);
}

/* The formats pointed to by the array [start, stop) of `section`. */
static void section_formats(struct pmt_trace *tr, const char *section, FILE *out)
{
	struct pmt_target *t = tr->t;
	char sname[96], ename[96];
	uint64_t start, stop, n;
	uint8_t *ptrs;
	struct pmt_err *err;

	snprintf(sname, sizeof(sname), "__start_%s", section);
	snprintf(ename, sizeof(ename), "__stop_%s", section);
	if (!symbol_addr(tr, sname, &start) || !symbol_addr(tr, ename, &stop))
		return; /* a kernel without the section has no such formats */
	if (stop < start || (stop - start) % t->word_size ||
	    (n = (stop - start) / t->word_size) > MAX_FMTS) {
		diag_degraded(tr,
			      pmt_err_addr(PMT_ERR_CORRUPT, start,
					   "%s..%s: implausible bounds %#" PRIx64 "..%#" PRIx64,
					   sname, ename, start, stop),
			      "printk formats");
		return;
	}
	if (!n)
		return;
	ptrs = malloc((size_t)n * t->word_size);
	if (!ptrs) {
		diag_degraded(tr, &pmt_err_nomem, "printk formats");
		return;
	}
	err = pmt_read(t, start, ptrs, (size_t)n * t->word_size);
	if (err) {
		diag_degraded(tr, err, "printk formats (%s)", section);
		free(ptrs);
		return;
	}
	for (uint64_t i = 0; i < n; i++) {
		uint64_t p = pmt_get_ulong(t, ptrs + i * t->word_size);
		char *s;

		if (!p)
			continue; /* t_show() skips empty slots too */
		err = pmt_read_string(t, p, MAX_FMT_LEN, &s);
		if (err) {
			diag_degraded(tr, err, "printk format at %#" PRIx64 " (%s[%" PRIu64 "])", p,
				      section, i);
			continue;
		}
		put_format(out, p, s);
		free(s);
	}
	free(ptrs);
}

/* Modules' formats: trace_bprintk_fmt_list of struct trace_bprintk_fmt. */
static void module_formats(struct pmt_trace *tr, FILE *out)
{
	struct pmt_target *t = tr->t;
	const struct ftrace_layout *L = &tr->L;
	struct addr_set seen;
	uint64_t head, node;
	struct pmt_err *err;
	unsigned int n = 0;

	if (!symbol_addr(tr, "trace_bprintk_fmt_list", &head))
		return; /* CONFIG_MODULES off: no list */
	err = pmt_read_ulong(t, head + L->lh_next.m.offset, &node);
	if (err) {
		diag_degraded(tr, err, "printk formats of modules (trace_bprintk_fmt_list)");
		return;
	}
	if (node == head)
		return; /* no module used trace_printk() */
	if (!L->bprintk_list.ok || !L->bprintk_fmt.ok) {
		diag_degraded(tr,
			      pmt_err_new(PMT_ERR_ABSENT,
					  "no layout of struct trace_bprintk_fmt in the types"),
			      "printk formats of modules");
		return;
	}
	addr_set_init(&seen);
	while (node != head) {
		uint64_t fmt;
		char *s;

		if (!node || ++n > MAX_MOD_FMTS || addr_set_add(&seen, node) != 1) {
			diag_degraded(tr,
				      pmt_err_addr(PMT_ERR_CORRUPT, node,
						   "trace_bprintk_fmt_list broken at %#" PRIx64,
						   node),
				      "printk formats of modules");
			break;
		}
		err = pmt_read_ulong(t, node - L->bprintk_list.m.offset + L->bprintk_fmt.m.offset,
				     &fmt);
		if (!err)
			err = pmt_read_string(t, fmt, MAX_FMT_LEN, &s);
		if (err) {
			diag_degraded(tr, err, "printk format of a module at %#" PRIx64, node);
		} else {
			put_format(out, fmt, s);
			free(s);
		}
		err = pmt_read_ulong(t, node + L->lh_next.m.offset, &node);
		if (err) {
			diag_degraded(tr, err, "printk formats of modules");
			break;
		}
	}
	addr_set_free(&seen);
}

void tracedat_printk_formats(struct pmt_trace *tr, FILE *out)
{
	section_formats(tr, "__trace_bprintk_fmt", out);
	section_formats(tr, "__tracepoint_str", out);
	module_formats(tr, out);
}

/* Reads whose failure only ends a scan: the error is dropped. */
static bool try_ok(struct pmt_err *err)
{
	if (!err)
		return true;
	pmt_err_free(err);
	return false;
}

/* A trace clock's name: short, lower case, digits, '-' and '_'. */
static bool clock_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-' &&
		    *s != '_')
			return false;
	return true;
}

/*
 * trace_clocks[] is an array of an anonymous struct { u64 (*func)(void);
 * const char *name; int in_ns; } (see read_clock() in ftrace_walk.c): no
 * type names its length, so entries are taken while they look like one —
 * func the exact start of a kernel function, a plausible name, in_ns 0 or 1.
 */
void tracedat_trace_clock(struct pmt_trace *tr, const struct trace_buf *b, FILE *out)
{
	struct pmt_target *t = tr->t;
	uint64_t ws = t->word_size, stride = (2 * ws + 4 + ws - 1) / ws * ws, base;
	const char *cur = b && b->clock ? b->clock : "local";
	bool printed_cur = false;
	int n = 0;

	if (tr->L.sym_trace_clocks.ok && tr->ksyms) {
		base = tr->L.sym_trace_clocks.addr;
		for (int i = 0; i < MAX_CLOCKS; i++) {
			uint64_t func, name_ptr, off;
			uint32_t in_ns;
			char *name;

			if (!try_ok(pmt_read_ulong(t, base + i * stride, &func)) ||
			    !try_ok(pmt_read_ulong(t, base + i * stride + ws, &name_ptr)) ||
			    !try_ok(pmt_read_u32(t, base + i * stride + 2 * ws, &in_ns)))
				break;
			if (in_ns > 1 || !kallsyms_lookup(tr->ksyms, func, &off) || off)
				break;
			if (!try_ok(pmt_read_string(t, name_ptr, MAX_CLOCK_LEN, &name)))
				break;
			if (!clock_name_ok(name)) {
				free(name);
				break;
			}
			if (!strcmp(name, cur)) {
				fprintf(out, "%s[%s]", n ? " " : "", name);
				printed_cur = true;
			} else {
				fprintf(out, "%s%s", n ? " " : "", name);
			}
			n++;
			free(name);
		}
	}
	if (!printed_cur)
		fprintf(out, "%s[%s]", n ? " " : "", cur);
	fputc('\n', out);
}

static void uts_field(struct pmt_trace *tr, uint64_t base, const struct fl_field *f, FILE *out)
{
	char *s = NULL;
	struct pmt_err *err;

	if (!f->ok || !f->m.size) {
		fputs("(unknown)", out);
		return;
	}
	err = pmt_read_string(tr->t, base + f->m.offset, (size_t)f->m.size, &s);
	if (err) {
		pmt_err_free(err);
		fputs("(unknown)", out);
		return;
	}
	fputs(*s ? s : "(unknown)", out);
	free(s);
}

void tracedat_uname(struct pmt_trace *tr, FILE *out)
{
	const struct ftrace_layout *L = &tr->L;
	uint64_t uts;

	if (!symbol_addr(tr, "init_uts_ns", &uts) || !L->uts_release.ok) {
		/* the release is known from the dump itself in any case */
		fprintf(out, "Linux (unknown) %s (unknown)", tr->t->release);
		return;
	}
	uts_field(tr, uts, &L->uts_sysname, out);
	fputc(' ', out);
	uts_field(tr, uts, &L->uts_nodename, out);
	fputc(' ', out);
	uts_field(tr, uts, &L->uts_release, out);
	fputc(' ', out);
	uts_field(tr, uts, &L->uts_machine, out);
}

#define MOD_SYMS_MAX (1u << 20)
#define MOD_SYM_LEN  512

/* A module symbol's type when the kernel's typetab is not at hand: from the
 * ELF binding and type (upper case for globals, as /proc/kallsyms does). */
static char elf_type_char(uint8_t info)
{
	char c = (info & 0xf) == 2 /* STT_FUNC */ ? 't'
		 : (info & 0xf) == 1 /* OBJECT */ ? 'd'
						  : '?';

	return (info >> 4) == 1 /* STB_GLOBAL */ && c != '?' ? (char)(c - 'a' + 'A') : c;
}

/* One module's symbols, in its table's order, as /proc/kallsyms lists them. */
static void module_kallsyms(struct pmt_trace *tr, const struct kmodule *m, FILE *out)
{
	struct pmt_target *t = tr->t;
	const struct ftrace_layout *L = &tr->L;
	size_t esz = t->word_size == 8 ? 24 : 16;
	uint64_t typetab = 0, ks;
	uint8_t *syms, *types = NULL;
	struct pmt_err *err;

	if (!m->symtab || !m->strtab || !m->nsyms)
		return;
	if (m->nsyms > MOD_SYMS_MAX) {
		diag_degraded(tr,
			      pmt_err_addr(PMT_ERR_CORRUPT, m->addr, "module %s: %u symbols",
					   m->name, m->nsyms),
			      "kallsyms of modules");
		return;
	}
	syms = malloc((size_t)m->nsyms * esz);
	if (!syms) {
		diag_degraded(tr, &pmt_err_nomem, "kallsyms of module %s", m->name);
		return;
	}
	err = pmt_read(t, m->symtab, syms, (size_t)m->nsyms * esz);
	if (err) {
		diag_degraded(tr, err, "kallsyms of module %s", m->name);
		free(syms);
		return;
	}
	if (L->module_kallsyms.ok && L->modks_typetab.ok &&
	    try_ok(pmt_read_ulong(t, m->addr + L->module_kallsyms.m.offset, &ks)) && ks &&
	    try_ok(pmt_read_ulong(t, ks + L->modks_typetab.m.offset, &typetab)) && typetab) {
		types = malloc(m->nsyms);
		if (types && !try_ok(pmt_read(t, typetab, types, m->nsyms))) {
			free(types);
			types = NULL;
		}
	}
	for (uint32_t i = 0; i < m->nsyms; i++) {
		const uint8_t *s = syms + (size_t)i * esz;
		uint64_t value = esz == 24 ? pmt_get_u64(t, s + 8) : pmt_get_u32(t, s + 4);
		uint8_t info = s[esz == 24 ? 4 : 12];
		uint16_t shndx = pmt_get_u16(t, s + (esz == 24 ? 6 : 14));
		char *name;

		if (!shndx) /* SHN_UNDEF */
			continue;
		if (!try_ok(pmt_read_string(t, m->strtab + pmt_get_u32(t, s), MOD_SYM_LEN, &name)))
			continue;
		if (*name)
			fprintf(out, "%016" PRIx64 " %c %s\t[%s]\n", value,
				types ? (char)types[i] : elf_type_char(info), name, m->name);
		free(name);
	}
	free(types);
	free(syms);
}

void tracedat_kallsyms(struct pmt_trace *tr, FILE *out)
{
	kallsyms_write(tr->ksyms, out);
	for (size_t i = 0; i < tr->modules.n; i++)
		module_kallsyms(tr, &tr->modules.mod[i], out);
}
