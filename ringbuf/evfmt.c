// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Event descriptions and the text format (include/pmtrace/events.h,
 * docs/format.md "Events" and "Text").
 *
 * One table of field descriptions yields both halves of the contract with
 * the reader side: the format text stored in the region (what tracefs shows
 * in events/<sys>/<name>/format, which the reader feeds to libtraceevent)
 * and the text the module prints in `trace`. The printer here implements
 * the subset of printf that the print formats may use, with libtraceevent's
 * argument rules (no length modifier: the value is cast to int; l/ll: 64
 * bits; h/hh: short/char), so both sides print the same bytes;
 * tests/ringbuf/test_text.c compares this printer with libtraceevent.
 *
 * Nothing allocates; every writer into `buf` is bounded and returns the
 * length the whole output needs (snprintf semantics).
 */
#include "platform.h"

#include "pmtrace/events.h"

/* ---- bounded output ---- */

struct out {
	char *buf;
	size_t size, len; /* len counts everything, even what did not fit */
	bool raw;	  /* no terminating NUL: exactly `size` bytes may be written */
};

static void out_mem(struct out *o, const char *s, size_t n)
{
	size_t cap = o->raw ? o->size : o->size ? o->size - 1 : 0;

	if (o->len < cap)
		memcpy(o->buf + o->len, s, n < cap - o->len ? n : cap - o->len);
	o->len += n;
	if (!o->raw && o->size)
		o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
}

static void out_str(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

static void out_fmt(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out_fmt(struct out *o, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	out_mem(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static int out_done(struct out *o)
{
	if (!o->raw && o->size && o->len < o->size)
		o->buf[o->len] = '\0';
	return o->len > 0x7fffffff ? 0x7fffffff : (int)o->len;
}

/* ---- descriptions ---- */

static const struct pmt_field_desc common_fields[] = {
	{ "unsigned short common_type", "common_type", 0, 2, 0, PMT_FIELD_INT },
	{ "unsigned char common_flags", "common_flags", 2, 1, 0, PMT_FIELD_INT },
	{ "unsigned char common_preempt_count", "common_preempt_count", 3, 1, 0, PMT_FIELD_INT },
	{ "int common_pid", "common_pid", 4, 4, 1, PMT_FIELD_INT },
	{ "unsigned int common_seq", "common_seq", 8, 4, 0, PMT_FIELD_INT },
	{ "unsigned int common_csum", "common_csum", 12, 4, 0, PMT_FIELD_INT },
};

static const struct pmt_field_desc *find_field(const struct pmt_event_desc *d, const char *name,
					       size_t n)
{
	uint32_t i;

	for (i = 0; i < d->nr_fields; i++)
		if (strlen(d->fields[i].name) == n && !memcmp(d->fields[i].name, name, n))
			return &d->fields[i];
	for (i = 0; i < PMT_ARRAY_SIZE(common_fields); i++)
		if (strlen(common_fields[i].name) == n && !memcmp(common_fields[i].name, name, n))
			return &common_fields[i];
	return NULL;
}

static void format_into(struct out *o, const struct pmt_event_desc *d);

int pmt_event_format(const struct pmt_event_desc *d, char *buf, size_t size)
{
	struct out o = { buf, size, 0, false };

	if (size)
		buf[0] = '\0';
	format_into(&o, d);
	return out_done(&o);
}

static void format_into(struct out *o, const struct pmt_event_desc *d)
{
	uint32_t i;

	out_fmt(o, "name: %s\nID: %u\nformat:\n", d->name, d->id);
	for (i = 0; i < PMT_ARRAY_SIZE(common_fields); i++) {
		const struct pmt_field_desc *f = &common_fields[i];

		out_fmt(o, "\tfield:%s;\toffset:%u;\tsize:%u;\tsigned:%u;\n", f->decl, f->offset,
			f->size, f->is_signed);
	}
	out_str(o, "\n");
	for (i = 0; i < d->nr_fields; i++) {
		const struct pmt_field_desc *f = &d->fields[i];

		out_str(o, "\tfield:");
		out_str(o, f->decl);
		out_fmt(o, ";\toffset:%u;\tsize:%u;\tsigned:%u;\n", f->offset, f->size,
			f->is_signed);
	}
	out_str(o, "\nprint fmt: ");
	out_str(o, d->print_fmt);
	out_str(o, "\n");
}

static uint32_t rec_size(const struct pmt_event_desc *d)
{
	uint32_t sys = (uint32_t)strlen(d->system);
	uint32_t fmt = (uint32_t)pmt_event_format(d, NULL, 0);

	return (8 + sys + fmt + 7) & ~7u;
}

uint32_t pmt_events_area_size(const struct pmt_event_desc *d, uint32_t n)
{
	uint32_t i, size = sizeof(struct pmt_events_area);

	for (i = 0; i < n; i++)
		size += rec_size(&d[i]);
	return size;
}

void pmt_events_area_write(void *dst, const struct pmt_event_desc *d, uint32_t n)
{
	unsigned char *p = dst;
	struct pmt_events_area a = { PMT_EVENTS_MAGIC, n };
	uint32_t i;

	memcpy(p, &a, sizeof(a));
	p += sizeof(a);
	for (i = 0; i < n; i++) {
		uint32_t size = rec_size(&d[i]);
		struct pmt_event_rec r;

		r.id = d[i].id;
		r.sys_len = (uint16_t)strlen(d[i].system);
		r.fmt_len = (uint32_t)pmt_event_format(&d[i], NULL, 0);
		memset(p, 0, size);
		memcpy(p, &r, sizeof(r));
		memcpy(p + 8, d[i].system, r.sys_len);
		{
			/* exactly fmt_len bytes, no NUL */
			struct out o = { (char *)p + 8 + r.sys_len, r.fmt_len, 0, true };

			format_into(&o, &d[i]);
		}
		p += size;
	}
}

/* ---- the print-format interpreter ---- */

struct conv {
	char flags[4];
	unsigned width;
	int ls; /* -2 hh, -1 h, 0 none, 1 l, 2 ll */
	char type;
};

/* Parse the quoted format string; *fmt, *flen get its body, *args what follows. */
static bool split_fmt(const char *pf, const char **fmt, size_t *flen, const char **args)
{
	const char *p = pf;

	while (*p == ' ')
		p++;
	if (*p != '"')
		return false;
	*fmt = ++p;
	while (*p && *p != '"') {
		if (*p == '\\' && p[1])
			p++;
		p++;
	}
	if (*p != '"')
		return false;
	*flen = (size_t)(p - *fmt);
	*args = p + 1;
	return true;
}

/* The next argument: "REC->name" or "__get_str(name)"; false at the end or on junk. */
static bool next_arg(const char **args, const char **name, size_t *n, bool *get_str)
{
	const char *p = *args;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != ',')
		return false;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!strncmp(p, "REC->", 5)) {
		p += 5;
		*get_str = false;
	} else if (!strncmp(p, "__get_str(", 10)) {
		p += 10;
		*get_str = true;
	} else {
		return false;
	}
	*name = p;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
	       *p == '_')
		p++;
	*n = (size_t)(p - *name);
	if (!*n)
		return false;
	if (*get_str) {
		if (*p != ')')
			return false;
		p++;
	}
	*args = p;
	return true;
}

/* Parse one conversion after '%'; returns the characters consumed, 0 if unsupported. */
static size_t parse_conv(const char *p, size_t left, struct conv *c)
{
	size_t i = 0, nf = 0;

	memset(c, 0, sizeof(*c));
	while (i < left && (p[i] == '-' || p[i] == '0') && nf < sizeof(c->flags) - 1)
		c->flags[nf++] = p[i++];
	while (i < left && p[i] >= '0' && p[i] <= '9' && c->width < 1000)
		c->width = c->width * 10 + (unsigned)(p[i++] - '0');
	while (i < left && (p[i] == 'l' || p[i] == 'h')) {
		if (p[i] == 'l')
			c->ls = c->ls < 0 ? 0 : c->ls + 1;
		else
			c->ls = c->ls > 0 ? 0 : c->ls - 1;
		i++;
	}
	if (i >= left || c->ls > 2 || c->ls < -2)
		return 0;
	c->type = p[i++];
	switch (c->type) {
	case 'd':
	case 'i':
	case 'u':
	case 'x':
		return i;
	case 's':
		return c->ls ? 0 : i;
	default:
		return 0;
	}
}

const char *pmt_event_desc_check(const struct pmt_event_desc *d)
{
	const char *fmt, *args, *name;
	size_t flen, i, n;
	bool get_str;
	uint32_t k;

	if (!d->name || !d->system || !d->print_fmt || !d->id)
		return "incomplete description";
	if (strlen(d->system) > 255)
		return "system name too long";
	for (k = 0; k < d->nr_fields; k++) {
		const struct pmt_field_desc *f = &d->fields[k];

		if (!f->decl || !f->name || !f->size)
			return "incomplete field";
		if ((uint32_t)f->offset + f->size > 0xffff || f->offset < sizeof(struct pmt_entry))
			return "field outside the record";
		if (f->kind == PMT_FIELD_INT && f->size != 1 && f->size != 2 && f->size != 4 &&
		    f->size != 8)
			return "integer field of an odd size";
		if (f->kind == PMT_FIELD_DATALOC && f->size != 4)
			return "__data_loc field must be 4 bytes";
		if (f->kind > PMT_FIELD_DATALOC)
			return "unknown field kind";
	}
	if (!split_fmt(d->print_fmt, &fmt, &flen, &args))
		return "print fmt is not a quoted string";
	for (i = 0; i < flen; i++) {
		struct conv c;
		const struct pmt_field_desc *f;
		size_t used;

		if (fmt[i] == '\\') {
			i++;
			continue;
		}
		if (fmt[i] != '%')
			continue;
		if (i + 1 < flen && fmt[i + 1] == '%') {
			i++;
			continue;
		}
		used = parse_conv(fmt + i + 1, flen - i - 1, &c);
		if (!used)
			return "unsupported conversion in print fmt";
		i += used;
		if (!next_arg(&args, &name, &n, &get_str))
			return "print fmt has fewer arguments than conversions";
		f = find_field(d, name, n);
		if (!f)
			return "print fmt names an unknown field";
		if (c.type == 's' && f->kind == PMT_FIELD_INT)
			return "%s of an integer field";
		if (c.type != 's' && f->kind != PMT_FIELD_INT)
			return "integer conversion of a string field";
		if (get_str != (f->kind == PMT_FIELD_DATALOC))
			return "__get_str() is for __data_loc fields only (and required for them)";
	}
	if (next_arg(&args, &name, &n, &get_str))
		return "print fmt has more arguments than conversions";
	while (*args == ' ')
		args++;
	if (*args)
		return "junk after the print fmt arguments";
	return NULL;
}

static uint64_t get_uint(const unsigned char *p, uint32_t size)
{
	uint64_t v = 0;
	uint32_t i;

	for (i = size; i-- > 0;)
		v = (v << 8) | p[i];
	return v;
}

static void print_int(struct out *o, const struct conv *c, const struct pmt_field_desc *f,
		      const unsigned char *rec, uint32_t len)
{
	char spec[16];
	uint64_t raw = 0;
	int64_t sv;
	size_t k = 0;

	if ((uint32_t)f->offset + f->size <= len)
		raw = get_uint(rec + f->offset, f->size);
	/* the field's value as libtraceevent reads it: sign-extended if signed */
	sv = (int64_t)raw;
	if (f->is_signed && f->size < 8) {
		unsigned shift = 64 - 8 * f->size;

		sv = (int64_t)(raw << shift) >> shift;
	}
	spec[k++] = '%';
	memcpy(spec + k, c->flags, strlen(c->flags));
	k += strlen(c->flags);
	if (c->width)
		k += (size_t)snprintf(spec + k, sizeof(spec) - k - 4, "%u", c->width);
	if (c->ls >= 1) {
		spec[k++] = 'l';
		spec[k++] = 'l';
		spec[k++] = c->type;
		spec[k] = '\0';
		if (c->type == 'd' || c->type == 'i')
			out_fmt(o, spec, (long long)sv);
		else
			out_fmt(o, spec, (unsigned long long)sv);
		return;
	}
	spec[k++] = c->type;
	spec[k] = '\0';
	/* then cast as printf's argument would be: int, short or char */
	if (c->ls == -2) {
		if (c->type == 'd' || c->type == 'i')
			out_fmt(o, spec, (int)(signed char)sv);
		else
			out_fmt(o, spec, (unsigned)(unsigned char)sv);
	} else if (c->ls == -1) {
		if (c->type == 'd' || c->type == 'i')
			out_fmt(o, spec, (int)(short)sv);
		else
			out_fmt(o, spec, (unsigned)(unsigned short)sv);
	} else if (c->type == 'd' || c->type == 'i') {
		out_fmt(o, spec, (int)sv);
	} else {
		out_fmt(o, spec, (unsigned)sv);
	}
}

static void print_str(struct out *o, const struct conv *c, const struct pmt_field_desc *f,
		      const unsigned char *rec, uint32_t len)
{
	const char *s = "";
	size_t n = 0, pad;
	bool left = strchr(c->flags, '-') != NULL;

	if (f->kind == PMT_FIELD_STR && (uint32_t)f->offset + f->size <= len) {
		s = (const char *)rec + f->offset;
		n = f->size;
	} else if (f->kind == PMT_FIELD_DATALOC && (uint32_t)f->offset + 4 <= len) {
		uint32_t loc = (uint32_t)get_uint(rec + f->offset, 4);
		uint32_t off = loc & 0xffff, l = loc >> 16;

		if (off <= len && l <= len - off) {
			s = (const char *)rec + off;
			n = l;
		}
	}
	n = strnlen(s, n);
	pad = c->width > n ? c->width - n : 0;
	while (!left && pad) {
		out_mem(o, " ", 1);
		pad--;
	}
	out_mem(o, s, n);
	while (left && pad) {
		out_mem(o, " ", 1);
		pad--;
	}
}

static bool print_into(struct out *o, const struct pmt_event_desc *d, const void *payload,
		       uint32_t len)
{
	const unsigned char *rec = payload;
	const char *fmt, *args, *name;
	size_t flen, i, n;
	bool get_str;

	if (!split_fmt(d->print_fmt, &fmt, &flen, &args))
		return false;
	for (i = 0; i < flen; i++) {
		const struct pmt_field_desc *f;
		struct conv c;
		size_t used;

		if (fmt[i] == '\\' && i + 1 < flen) {
			char e = fmt[++i];

			out_mem(o, e == 'n' ? "\n" : e == 't' ? "\t" : &fmt[i], 1);
			continue;
		}
		if (fmt[i] != '%') {
			size_t j = i;

			while (j < flen && fmt[j] != '%' && fmt[j] != '\\')
				j++;
			out_mem(o, fmt + i, j - i);
			i = j - 1;
			continue;
		}
		if (i + 1 < flen && fmt[i + 1] == '%') {
			out_mem(o, "%", 1);
			i++;
			continue;
		}
		used = parse_conv(fmt + i + 1, flen - i - 1, &c);
		if (!used || !next_arg(&args, &name, &n, &get_str))
			return false;
		i += used;
		f = find_field(d, name, n);
		if (!f)
			return false;
		if (c.type == 's')
			print_str(o, &c, f, rec, len);
		else
			print_int(o, &c, f, rec, len);
	}
	return true;
}

int pmt_event_print(const struct pmt_event_desc *d, const void *payload, uint32_t len, char *buf,
		    size_t size)
{
	struct out o = { buf, size, 0, false };

	if (size)
		buf[0] = '\0';
	if (!print_into(&o, d, payload, len))
		return -1;
	return out_done(&o);
}

/* ---- the text format ---- */

int pmt_text_header(char *buf, size_t size, uint64_t entries, uint64_t written, uint32_t nr_cpus)
{
	struct out o = { buf, size, 0, false };

	if (size)
		buf[0] = '\0';
	out_str(&o, "# tracer: pmtrace\n#\n");
	out_fmt(&o, "# entries-in-buffer/entries-written: %" PRIu64 "/%" PRIu64 "   #P:%u\n",
		entries, written, nr_cpus);
	out_str(&o, "#\n"
		    "#                                _-----=> irqs-off/BH-disabled\n"
		    "#                               / _----=> need-resched\n"
		    "#                              | / _---=> hardirq/softirq\n"
		    "#                              || / _--=> preempt-depth\n"
		    "#                              ||| / _-=> migrate-disable\n"
		    "#                              |||| /     delay\n"
		    "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
		    "#              | |         |   |||||     |         |\n");
	return out_done(&o);
}

void pmt_text_flags(const struct pmt_entry *e, char out[6])
{
	uint8_t f = e->flags;
	bool nmi = f & PMT_EF_NMI, hard = f & PMT_EF_HARDIRQ, soft = f & PMT_EF_SOFTIRQ;
	bool bh = f & PMT_EF_BH_OFF, irqs = f & PMT_EF_IRQS_OFF;
	static const char hex[] = "0123456789abcdef";

	out[0] = irqs && bh ? 'D' : irqs ? 'd' : bh ? 'b' : '.';
	switch (f & (PMT_EF_NEED_RESCHED | PMT_EF_NEED_RESCHED_LAZY | PMT_EF_PREEMPT_RESCHED)) {
	case PMT_EF_NEED_RESCHED | PMT_EF_NEED_RESCHED_LAZY | PMT_EF_PREEMPT_RESCHED:
		out[1] = 'B';
		break;
	case PMT_EF_NEED_RESCHED | PMT_EF_PREEMPT_RESCHED:
		out[1] = 'N';
		break;
	case PMT_EF_NEED_RESCHED_LAZY | PMT_EF_PREEMPT_RESCHED:
		out[1] = 'L';
		break;
	case PMT_EF_NEED_RESCHED | PMT_EF_NEED_RESCHED_LAZY:
		out[1] = 'b';
		break;
	case PMT_EF_NEED_RESCHED:
		out[1] = 'n';
		break;
	case PMT_EF_PREEMPT_RESCHED:
		out[1] = 'p';
		break;
	case PMT_EF_NEED_RESCHED_LAZY:
		out[1] = 'l';
		break;
	default:
		out[1] = '.';
		break;
	}
	out[2] = nmi && hard ? 'Z' : nmi ? 'z' : hard && soft ? 'H' : hard ? 'h' : soft ? 's' : '.';
	out[3] = e->preempt_count & 0xf ? hex[e->preempt_count & 0xf] : '.';
	out[4] = e->preempt_count >> 4 ? hex[e->preempt_count >> 4] : '.';
	out[5] = '\0';
}

const struct pmt_event_desc *pmt_text_event(const struct pmt_event_desc *d, uint32_t n, uint32_t id)
{
	uint32_t i;

	if (id >= 1 && id <= n && d[id - 1].id == id)
		return &d[id - 1]; /* the usual dense numbering */
	for (i = 0; i < n; i++)
		if (d[i].id == id)
			return &d[i];
	return NULL;
}

int pmt_text_line(char *buf, size_t size, const struct pmt_event_desc *d, const char *comm,
		  uint32_t cpu, uint64_t ts, uint32_t clock_id, const void *payload, uint32_t len)
{
	struct out o = { buf, size, 0, false };
	struct pmt_entry e;
	char flags[6];

	if (size)
		buf[0] = '\0';
	memset(&e, 0, sizeof(e));
	memcpy(&e, payload, len < sizeof(e) ? len : sizeof(e));
	pmt_text_flags(&e, flags);
	out_fmt(&o, "%16s-%-7d [%03u] %s", comm, (int)e.pid, cpu, flags);
	if (clock_id == PMT_CLOCK_TSC) {
		out_fmt(&o, " %12" PRIu64 ": ", ts);
	} else {
		uint64_t us = (ts + 500) / 1000; /* the kernel's ns2usecs() rounds */

		out_fmt(&o, " %5lu.%06lu: ", (unsigned long)(us / 1000000),
			(unsigned long)(us % 1000000));
	}
	if (!d) {
		out_fmt(&o, "Unknown type %u\n", e.type);
		return out_done(&o);
	}
	out_str(&o, d->name);
	out_str(&o, ": ");
	print_into(&o, d, payload, len);
	out_str(&o, "\n");
	return out_done(&o);
}
