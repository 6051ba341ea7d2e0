// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The compilation unit index of the vmlinux types target: finding the DIE
 * that defines a type name, or an enumerator's value, while reading as
 * little of .debug_info as possible (what the DIE means: dwarf_types.c).
 *
 * What a Debian vmlinux holds (6.1, gcc 12): DWARF 5, ~160 MB .debug_info in
 * a few thousand compilation units (CUs), .debug_aranges, no .debug_names,
 * no type units. The walkers need ~50 answers, all about types defined in a
 * handful of CUs (kernel/trace/{trace,ring_buffer,trace_events,...}.c). So:
 *
 *  1. libdwarf reads the file through our own object-access methods which
 *     hand out pointers into the single mmap of vmlinux.c: no section is
 *     copied, only the pages of the CUs we visit are ever faulted in. The
 *     .rela.debug_* sections (vmlinux is linked with --emit-relocs) are
 *     already applied in an ET_EXEC file and are ignored.
 *  2. A hint table maps each name the walkers ask about to a few functions
 *     whose CU defines it. Function -> link-time address (.symtab) -> CU
 *     (.debug_aranges, loaded once and sorted) -> index that CU's top-level
 *     DIEs (types by name, enumerators by name) -> answer.
 *  3. Names without a hint (or whose hinted CUs only declare them) are found
 *     by a sequential scan: CU by CU in file order, top-level DIEs only
 *     (libdwarf skips subprogram bodies through DW_AT_sibling), stopping at
 *     the first CU that defines the name. The scan's index and position are
 *     kept, so each CU is scanned at most once per target.
 *
 * A hinted name that none of its (located) hint CUs defines or declares is
 * ABSENT without a scan: those CUs are where the kernel defines it, and for
 * renamed types ("struct ring_buffer" in 6.1) a whole-file scan would both be
 * slow and risk finding an unrelated type of the same name elsewhere.
 *
 * Untrusted input: sections are bounds-checked against the file, sibling
 * walks must move forward, the enum type chains are depth-limited.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>
#include <libdwarf.h>
#include <libelf.h>

#include "dwarf_index.h"

#define DECL_BIT (1ull << 63) /* index value flag: declaration only */

/* ---- a small string -> u64 hash map (open addressing, owns its keys) ---- */

static uint64_t str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

static struct strmap_ent *strmap_slot(const struct strmap *m, const char *key)
{
	size_t i;

	for (i = str_hash(key) & (m->cap - 1); m->e[i].key; i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->e[i].key, key))
			break;
	return &m->e[i];
}

static bool strmap_get(const struct strmap *m, const char *key, uint64_t *val)
{
	struct strmap_ent *s;

	if (!m->cap)
		return false;
	s = strmap_slot(m, key);
	if (!s->key)
		return false;
	*val = s->val;
	return true;
}

/*
 * Insert key unless present. For type maps (decl_bit), a present declaration
 * (DECL_BIT) is replaced by a definition, so each key maps to the first
 * definition seen, or to the first declaration if no definition was seen.
 * Enumerator maps store raw int64 values: bit 63 is the sign there.
 */
static struct pmt_err *strmap_add(struct strmap *m, const char *key, uint64_t val, bool decl_bit)
{
	struct strmap_ent *s;

	if (2 * (m->n + 1) > m->cap) {
		struct strmap old = *m;

		m->cap = old.cap ? old.cap * 2 : 64;
		m->e = calloc(m->cap, sizeof(*m->e));
		if (!m->e) {
			*m = old;
			return &pmt_err_nomem;
		}
		m->n = old.n;
		for (size_t i = 0; i < old.cap; i++)
			if (old.e[i].key)
				*strmap_slot(m, old.e[i].key) = old.e[i];
		free(old.e);
	}
	s = strmap_slot(m, key);
	if (s->key) {
		if (decl_bit && (s->val & DECL_BIT) && !(val & DECL_BIT))
			s->val = val;
		return NULL;
	}
	s->key = strdup(key);
	if (!s->key)
		return &pmt_err_nomem;
	s->val = val;
	m->n++;
	return NULL;
}

static void strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->e[i].key);
	free(m->e);
	m->e = NULL;
	m->cap = m->n = 0;
}

/* ---- hints ---- */

/*
 * name -> functions whose CU defines it. A name ending in '*' is a prefix.
 * Several functions from different files make a hint survive code moving
 * between kernel versions; missing functions are skipped. Checked against
 * the scan on the Debian 6.1 vmlinux by tests/extractor/test_dwarf_types.c.
 */
struct hint {
	const char *name;
	const char *funcs[4];
};

static const struct hint hints[] = {
	{ "struct trace_array", { "tracing_open", "trace_array_get_by_name", "register_tracer" } },
	{ "struct array_buffer", { "tracing_open", "trace_array_get_by_name", "register_tracer" } },
	{ "struct trace_buffer", { "ring_buffer_read_page", "ring_buffer_alloc_read_page" } },
	{ "struct tracer", { "tracing_set_tracer", "register_tracer", "tracing_open" } },
	{ "struct ring_buffer",
	  { "ring_buffer_read_page", "ring_buffer_alloc_read_page", "ring_buffer_resize" } },
	{ "struct ring_buffer_per_cpu",
	  { "ring_buffer_read_page", "ring_buffer_alloc_read_page" } },
	{ "struct buffer_page", { "ring_buffer_read_page", "ring_buffer_alloc_read_page" } },
	{ "struct buffer_data_page", { "ring_buffer_read_page", "ring_buffer_alloc_read_page" } },
	{ "struct list_head", { "tracing_open", "ring_buffer_read_page" } },
	{ "struct trace_event_call", { "trace_define_field", "trace_add_event_call" } },
	{ "struct trace_event_class", { "trace_define_field", "trace_add_event_call" } },
	{ "struct ftrace_event_field", { "trace_define_field", "trace_add_event_call" } },
	{ "struct trace_event", { "register_trace_event", "trace_output_call" } },
	{ "struct tracepoint", { "tracepoint_probe_register" } },
	{ "struct syscall_metadata", { "ftrace_syscall_enter", "init_ftrace_syscalls" } },
	{ "struct saved_cmdlines_buffer", { "trace_find_cmdline", "tracing_open" } },
	{ "struct task_struct", { "trace_find_cmdline", "tracing_open", "wake_up_process" } },
	{ "struct new_utsname", { "override_release", "__do_sys_newuname", "copy_utsname" } },
	{ "struct uts_namespace", { "copy_utsname", "free_uts_ns" } },
	{ "struct trace_array_cpu", { "tracing_open", "register_tracer" } },
	{ "struct tracer_flags", { "tracing_set_tracer", "register_tracer", "tracing_open" } },
	{ "struct tracer_opt", { "tracing_set_tracer", "register_tracer", "tracing_open" } },
	{ "struct module", { "load_module", "free_module", "find_module", "module_put" } },
	{ "struct module_memory", { "load_module", "free_module", "find_module", "module_put" } },
	{ "struct trace_module_delta",
	  { "tracing_open", "trace_array_get_by_name", "register_tracer" } },
	{ "struct trace_scratch",
	  { "tracing_open", "trace_array_get_by_name", "register_tracer" } },
	{ "struct trace_mod_entry",
	  { "tracing_open", "trace_array_get_by_name", "register_tracer" } },
	{ "struct ring_buffer_cpu_meta",
	  { "ring_buffer_read_page", "ring_buffer_alloc_read_page", "ring_buffer_resize" } },
	{ "struct ring_buffer_meta",
	  { "ring_buffer_read_page", "ring_buffer_alloc_read_page", "ring_buffer_resize" } },
	{ "struct mod_kallsyms",
	  { "add_kallsyms", "module_kallsyms_lookup_name", "layout_symtab", "load_module" } },
	{ "struct trace_bprintk_fmt",
	  { "__trace_bprintk", "__ftrace_vbprintk", "trace_is_tracepoint_string" } },
	{ "struct printf_spec", { "vsnprintf", "bstr_printf", "vbin_printf", "format_decode" } },
	{ "__TRACE_LAST_TYPE", { "tracing_open", "trace_find_cmdline" } },
	{ "FILTER_*", { "filter_assign_type", "trace_define_field" } },
	{ "MMIO_*", { "mmio_trace_rw", "mmio_trace_mapping" } },
	{ "TRACE_EVENT_FL_*", { "trace_add_event_call", "trace_define_field", "tracing_open" } },
	{ "TRACE_FLAG_*", { "tracing_open", "trace_print_lat_fmt" } },
	{ "TRACE_*", { "tracing_open", "trace_find_cmdline" } },
};

static const struct hint *find_hint(const char *key)
{
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		const char *n = hints[i].name;
		size_t len = strlen(n);

		if (n[len - 1] == '*' ? !strncmp(key, n, len - 1) : !strcmp(key, n))
			return &hints[i];
	}
	return NULL;
}

/* ---- libdwarf object access: sections straight out of the mapping ---- */

static int oa_section_info(void *obj, Dwarf_Half idx, Dwarf_Obj_Access_Section *ret, int *error)
{
	struct dt *dt = obj;
	const struct dt_section *s;

	if (idx >= dt->nsecs)
		return DW_DLV_NO_ENTRY;
	s = &dt->secs[idx];
	ret->addr = s->addr;
	ret->type = s->type;
	ret->size = s->size;
	ret->name = s->name;
	ret->link = s->link;
	ret->info = s->info;
	ret->entrysize = s->entsize;
	return DW_DLV_OK;
}

static Dwarf_Endianness oa_byte_order(void *obj)
{
	return ((struct dt *)obj)->big_endian ? DW_OBJECT_MSB : DW_OBJECT_LSB;
}

static Dwarf_Small oa_length_size(void *obj)
{
	return ((struct dt *)obj)->word_size;
}

static Dwarf_Small oa_pointer_size(void *obj)
{
	return ((struct dt *)obj)->word_size;
}

static Dwarf_Unsigned oa_section_count(void *obj)
{
	return ((struct dt *)obj)->nsecs;
}

static int oa_load_section(void *obj, Dwarf_Half idx, Dwarf_Small **data, int *error)
{
	struct dt *dt = obj;

	if (idx >= dt->nsecs)
		return DW_DLV_NO_ENTRY;
	if (!dt->secs[idx].data) {
		if (dt->secs[idx].type == SHT_NOBITS || !dt->secs[idx].size)
			return DW_DLV_NO_ENTRY;
		*error = DW_DLE_SECTION_SIZE_OR_OFFSET_LARGE;
		return DW_DLV_ERROR;
	}
	/* libdwarf never writes to section data when no relocation method is
	 * given; the mapping is private anyway. */
	*data = (Dwarf_Small *)dt->secs[idx].data;
	return DW_DLV_OK;
}

static struct pmt_err *load_sections(struct dt *dt)
{
	Elf *elf = vmlinux_elf(dt->vm);
	const unsigned char *map;
	size_t map_size, shnum, shstrndx;
	Elf_Scn *scn = NULL;

	map = vmlinux_map(dt->vm, &map_size);
	if (elf_getshdrnum(elf, &shnum) || elf_getshdrstrndx(elf, &shstrndx))
		return pmt_err_new(PMT_ERR_FORMAT, "section headers: %s", elf_errmsg(-1));
	if (shnum > 0xffff)
		return pmt_err_new(PMT_ERR_UNSUPPORTED, "%zu sections", shnum);
	dt->secs = calloc(shnum ? shnum : 1, sizeof(*dt->secs));
	if (!dt->secs)
		return &pmt_err_nomem;
	dt->nsecs = shnum;
	dt->secs[0].name = "";
	while ((scn = elf_nextscn(elf, scn))) {
		size_t idx = elf_ndxscn(scn);
		struct dt_section *s;
		GElf_Shdr sh;
		const char *name;

		if (idx >= shnum || !gelf_getshdr(scn, &sh))
			return pmt_err_new(PMT_ERR_FORMAT, "section %zu: bad header", idx);
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		s = &dt->secs[idx];
		s->name = name ? name : "";
		s->addr = sh.sh_addr;
		s->size = sh.sh_size;
		s->type = sh.sh_type;
		s->link = sh.sh_link;
		s->info = sh.sh_info;
		s->entsize = sh.sh_entsize;
		if (sh.sh_type != SHT_NOBITS && sh.sh_offset <= map_size &&
		    sh.sh_size <= map_size - sh.sh_offset)
			s->data = map + sh.sh_offset;
	}
	return NULL;
}

/* ---- libdwarf helpers ---- */

static struct pmt_err *dw_err(struct dt *dt, Dwarf_Error e, const char *what)
{
	struct pmt_err *err =
		pmt_err_new(PMT_ERR_CORRUPT, "DWARF: %s: %s", what, e ? dwarf_errmsg(e) : "error");

	if (e)
		dwarf_dealloc_error(dt->dbg, e);
	return err;
}

struct pmt_err *die_at(struct dt *dt, uint64_t off, Dwarf_Die *die)
{
	Dwarf_Error e = NULL;

	if (dwarf_offdie_b(dt->dbg, off, 1, die, &e) != DW_DLV_OK)
		return dw_err(dt, e, "DIE offset");
	return NULL;
}

uint64_t die_off(struct dt *dt, Dwarf_Die die)
{
	Dwarf_Off off = 0;
	Dwarf_Error e = NULL;

	if (dwarf_dieoffset(die, &off, &e) != DW_DLV_OK && e)
		dwarf_dealloc_error(dt->dbg, e);
	return off;
}

int die_tag(struct dt *dt, Dwarf_Die die)
{
	Dwarf_Half tag = 0;
	Dwarf_Error e = NULL;

	if (dwarf_tag(die, &tag, &e) != DW_DLV_OK) {
		if (e)
			dwarf_dealloc_error(dt->dbg, e);
		return -1;
	}
	return tag;
}

/* The DIE's name, NULL if it has none (or it cannot be read). */
const char *die_name(struct dt *dt, Dwarf_Die die)
{
	char *name = NULL;
	Dwarf_Error e = NULL;
	int rc = dwarf_diename(die, &name, &e);

	if (rc == DW_DLV_ERROR && e)
		dwarf_dealloc_error(dt->dbg, e);
	return rc == DW_DLV_OK ? name : NULL;
}

/*
 * Read a constant attribute. Returns 1 if present and a constant, 0 if
 * absent, -1 on a malformed attribute. *width gets the bits of a fixed-size
 * form (DW_FORM_dataN), 64 otherwise; *is_signed whether the form is signed.
 */
int die_const(struct dt *dt, Dwarf_Die die, Dwarf_Half at, bool want_signed, uint64_t *v,
	      unsigned int *width)
{
	Dwarf_Attribute attr = NULL;
	Dwarf_Error e = NULL;
	Dwarf_Half form = 0;
	int rc, ret = -1;

	rc = dwarf_attr(die, at, &attr, &e);
	if (rc == DW_DLV_NO_ENTRY)
		return 0;
	if (rc != DW_DLV_OK)
		goto out;
	if (dwarf_whatform(attr, &form, &e) != DW_DLV_OK)
		goto out;
	if (width)
		*width = form == DW_FORM_data1	 ? 8
			 : form == DW_FORM_data2 ? 16
			 : form == DW_FORM_data4 ? 32
						 : 64;
	if (form == DW_FORM_sdata || form == DW_FORM_implicit_const || want_signed) {
		Dwarf_Signed s;

		if (dwarf_formsdata(attr, &s, &e) == DW_DLV_OK) {
			*v = (uint64_t)s;
			ret = 1;
		}
	} else {
		Dwarf_Unsigned u;

		if (dwarf_formudata(attr, &u, &e) == DW_DLV_OK) {
			*v = u;
			ret = 1;
		}
	}
out:
	if (e)
		dwarf_dealloc_error(dt->dbg, e);
	if (attr)
		dwarf_dealloc_attribute(attr);
	return ret;
}

bool die_has(struct dt *dt, Dwarf_Die die, Dwarf_Half at)
{
	Dwarf_Bool has = 0;
	Dwarf_Error e = NULL;

	if (dwarf_hasattr(die, at, &has, &e) != DW_DLV_OK) {
		if (e)
			dwarf_dealloc_error(dt->dbg, e);
		return false;
	}
	return has;
}

/* Global offset of the DIE an attribute (DW_AT_type) refers to: 1, 0 absent, -1 bad. */
int die_ref(struct dt *dt, Dwarf_Die die, Dwarf_Half at, uint64_t *off)
{
	Dwarf_Attribute attr = NULL;
	Dwarf_Error e = NULL;
	Dwarf_Off o;
	int rc, ret = -1;

	rc = dwarf_attr(die, at, &attr, &e);
	if (rc == DW_DLV_NO_ENTRY)
		return 0;
	if (rc == DW_DLV_OK && dwarf_global_formref(attr, &o, &e) == DW_DLV_OK) {
		*off = o;
		ret = 1;
	}
	if (e)
		dwarf_dealloc_error(dt->dbg, e);
	if (attr)
		dwarf_dealloc_attribute(attr);
	return ret;
}

/*
 * Iterate a DIE's children: *child is NULL before the first call; returns
 * NULL with *child NULL at the end. Sibling offsets must strictly increase,
 * so a damaged DW_AT_sibling cannot make us loop.
 */
struct pmt_err *next_child(struct dt *dt, Dwarf_Die parent, Dwarf_Die *child)
{
	Dwarf_Die next = NULL;
	Dwarf_Error e = NULL;
	int rc;

	if (!*child)
		rc = dwarf_child(parent, &next, &e);
	else
		rc = dwarf_siblingof_b(dt->dbg, *child, 1, &next, &e);
	if (rc == DW_DLV_OK && *child && die_off(dt, next) <= die_off(dt, *child)) {
		dwarf_dealloc_die(next);
		rc = DW_DLV_ERROR;
	}
	if (*child)
		dwarf_dealloc_die(*child);
	*child = NULL;
	if (rc == DW_DLV_NO_ENTRY)
		return NULL;
	if (rc != DW_DLV_OK)
		return dw_err(dt, e, "walking DIE children");
	*child = next;
	return NULL;
}

bool is_transparent(int tag)
{
	return tag == DW_TAG_typedef || tag == DW_TAG_const_type || tag == DW_TAG_volatile_type ||
	       tag == DW_TAG_restrict_type || tag == DW_TAG_atomic_type ||
	       tag == DW_TAG_immutable_type || tag == DW_TAG_packed_type;
}

/* ---- indexing a compilation unit ---- */

/* Is the underlying type of an enumeration signed? Unknown: unsigned. */
static bool enum_is_signed(struct dt *dt, Dwarf_Die en)
{
	uint64_t off, enc = 0;

	if (die_ref(dt, en, DW_AT_type, &off) != 1)
		return false;
	for (int hops = 0; hops < MAX_TYPE_CHAIN; hops++) {
		struct pmt_err *err;
		Dwarf_Die d;
		bool more;
		int tag;

		err = die_at(dt, off, &d);
		if (err) {
			pmt_err_free(err);
			return false;
		}
		tag = die_tag(dt, d);
		if (tag == DW_TAG_base_type) {
			if (die_const(dt, d, DW_AT_encoding, false, &enc, NULL) != 1)
				enc = 0;
			dwarf_dealloc_die(d);
			return enc == DW_ATE_signed || enc == DW_ATE_signed_char;
		}
		more = is_transparent(tag) && die_ref(dt, d, DW_AT_type, &off) == 1;
		dwarf_dealloc_die(d);
		if (!more)
			return false;
	}
	return false;
}

static struct pmt_err *index_enumerators(struct dt *dt, Dwarf_Die en, struct strmap *enums)
{
	bool sign = enum_is_signed(dt, en);
	Dwarf_Die c = NULL;
	struct pmt_err *err;

	while (!(err = next_child(dt, en, &c)) && c) {
		const char *name;
		uint64_t v;
		unsigned int width = 64;

		if (die_tag(dt, c) != DW_TAG_enumerator || !(name = die_name(dt, c)))
			continue;
		if (die_const(dt, c, DW_AT_const_value, false, &v, &width) != 1)
			continue;
		/* Fixed-size forms carry no sign: extend by the enum's type. */
		if (sign && width < 64 && (v >> (width - 1)) & 1)
			v |= ~0ull << width;
		err = strmap_add(enums, name, v, false);
		if (err)
			break;
	}
	if (c)
		dwarf_dealloc_die(c);
	return err;
}

/* Index the top-level types and enumerators of the CU whose DIE is cu. */
static struct pmt_err *index_unit(struct dt *dt, Dwarf_Die cu, struct strmap *types,
				  struct strmap *enums)
{
	Dwarf_Die c = NULL;
	struct pmt_err *err;
	char key[512];

	while (!(err = next_child(dt, cu, &c)) && c) {
		int tag = die_tag(dt, c);
		const char *name, *prefix;
		uint64_t val;

		switch (tag) {
		case DW_TAG_structure_type:
			prefix = "struct ";
			break;
		case DW_TAG_union_type:
			prefix = "union ";
			break;
		case DW_TAG_enumeration_type:
			prefix = "enum ";
			err = index_enumerators(dt, c, enums);
			if (err)
				goto out;
			break;
		case DW_TAG_typedef:
		case DW_TAG_base_type:
			prefix = "";
			break;
		default:
			continue;
		}
		name = die_name(dt, c);
		if (!name || strlen(name) + strlen(prefix) >= sizeof(key))
			continue;
		memcpy(key, prefix, strlen(prefix));
		memcpy(key + strlen(prefix), name, strlen(name) + 1);
		val = die_off(dt, c);
		if (die_has(dt, c, DW_AT_declaration))
			val |= DECL_BIT;
		err = strmap_add(types, key, val, true);
		if (err)
			goto out;
	}
out:
	if (c)
		dwarf_dealloc_die(c);
	return err;
}

/* ---- hinted lookups: address -> CU via .debug_aranges ---- */

static int arange_cmp(const void *a, const void *b)
{
	const struct arange *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static struct pmt_err *load_aranges(struct dt *dt)
{
	Dwarf_Arange *list = NULL;
	Dwarf_Signed count = 0;
	Dwarf_Error e = NULL;
	struct pmt_err *err = NULL;
	int rc;

	dt->aranges_loaded = true;
	rc = dwarf_get_aranges(dt->dbg, &list, &count, &e);
	if (rc == DW_DLV_NO_ENTRY)
		return NULL; /* no .debug_aranges: every lookup will scan */
	if (rc != DW_DLV_OK)
		return dw_err(dt, e, ".debug_aranges");
	dt->aranges = calloc(count > 0 ? (size_t)count : 1, sizeof(*dt->aranges));
	if (!dt->aranges)
		err = &pmt_err_nomem;
	for (Dwarf_Signed i = 0; i < count; i++) {
		Dwarf_Unsigned seg, segsz, len;
		Dwarf_Addr start;
		Dwarf_Off cu;

		if (!err && dwarf_get_arange_info_b(list[i], &seg, &segsz, &start, &len, &cu, &e) ==
				    DW_DLV_OK) {
			if (len && start + len > start)
				dt->aranges[dt->naranges++] = (struct arange){ .start = start,
									       .end = start + len,
									       .cu_die = cu };
		} else if (e) {
			dwarf_dealloc_error(dt->dbg, e);
			e = NULL;
		}
		dwarf_dealloc(dt->dbg, list[i], DW_DLA_ARANGE);
	}
	dwarf_dealloc(dt->dbg, list, DW_DLA_LIST);
	if (!err)
		qsort(dt->aranges, dt->naranges, sizeof(*dt->aranges), arange_cmp);
	return err;
}

/* CU DIE offset covering addr; false if none. */
static bool cu_of_address(struct dt *dt, uint64_t addr, uint64_t *cu)
{
	size_t lo = 0, hi = dt->naranges;

	while (lo < hi) { /* first range starting after addr */
		size_t mid = lo + (hi - lo) / 2;

		if (dt->aranges[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || addr >= dt->aranges[lo - 1].end)
		return false;
	*cu = dt->aranges[lo - 1].cu_die;
	return true;
}

static struct pmt_err *hint_unit(struct dt *dt, uint64_t cu_die, struct unit_index **out)
{
	struct unit_index *u;
	struct pmt_err *err;
	Dwarf_Die cu;

	for (size_t i = 0; i < dt->nunits; i++) {
		if (dt->units[i].cu_die == cu_die) {
			*out = &dt->units[i];
			return NULL;
		}
	}
	u = realloc(dt->units, (dt->nunits + 1) * sizeof(*u));
	if (!u)
		return &pmt_err_nomem;
	dt->units = u;
	u = &dt->units[dt->nunits];
	memset(u, 0, sizeof(*u));
	u->cu_die = cu_die;
	err = die_at(dt, cu_die, &cu);
	if (err)
		return pmt_err_prefix(err, "CU at %#" PRIx64, cu_die);
	if (die_tag(dt, cu) != DW_TAG_compile_unit)
		err = pmt_err_new(PMT_ERR_CORRUPT, "DIE at %#" PRIx64 " is not a CU", cu_die);
	else
		err = index_unit(dt, cu, &u->types, &u->enums);
	dwarf_dealloc_die(cu);
	if (err) {
		strmap_free(&u->types);
		strmap_free(&u->enums);
		return err;
	}
	dt->nunits++;
	*out = u;
	return NULL;
}

enum hint_result {
	HINT_FOUND,
	HINT_NONE,     /* no hint, or no hint CU could be located */
	HINT_DECLARED, /* hint CUs only declare it */
	HINT_MISSING,  /* hint CUs do not mention it */
};

static struct pmt_err *lookup_hinted(struct dt *dt, const char *key, bool is_enum,
				     enum hint_result *res, uint64_t *val)
{
	const struct hint *h = find_hint(key);
	struct pmt_err *err;
	bool located = false, declared = false;

	*res = HINT_NONE;
	if (!h || dt->mode == DWARF_TYPES_SCAN_ONLY)
		return NULL;
	if (!dt->aranges_loaded && (err = load_aranges(dt)))
		return err;
	for (size_t i = 0; i < 4 && h->funcs[i]; i++) {
		struct unit_index *u = NULL;
		uint64_t addr, cu, v;

		err = vmlinux_function(dt->vm, h->funcs[i], &addr);
		if (err) {
			pmt_err_free(err);
			continue;
		}
		if (!cu_of_address(dt, addr, &cu))
			continue;
		err = hint_unit(dt, cu, &u);
		if (err)
			return pmt_err_prefix(err, "hint %s", h->funcs[i]);
		located = true;
		if (!strmap_get(is_enum ? &u->enums : &u->types, key, &v))
			continue;
		if (!is_enum && (v & DECL_BIT)) {
			declared = true;
			continue;
		}
		*val = v;
		*res = HINT_FOUND;
		return NULL;
	}
	if (located)
		*res = declared ? HINT_DECLARED : HINT_MISSING;
	return NULL;
}

/* ---- the sequential scan ---- */

static bool scan_has(struct dt *dt, const char *key, bool is_enum, uint64_t *val)
{
	uint64_t v;

	if (!strmap_get(is_enum ? &dt->scan_enums : &dt->scan_types, key, &v) ||
	    (!is_enum && (v & DECL_BIT)))
		return false;
	*val = v;
	return true;
}

static struct pmt_err *scan_for(struct dt *dt, const char *key, bool is_enum, bool *found,
				uint64_t *val)
{
	struct pmt_err *err = NULL;

	*found = scan_has(dt, key, is_enum, val);
	if (!*found && !dt->scan_done && getenv("PMTRACE_DEBUG_DWARF"))
		fprintf(stderr, "pmtrace: DWARF: scanning units for %s '%s'\n",
			is_enum ? "enumerator" : "type", key);
	while (!*found && !dt->scan_done) {
		Dwarf_Unsigned hlen, typeoff, next;
		Dwarf_Half ver, asz, lsz, esz, utype;
		Dwarf_Off abbrev;
		Dwarf_Sig8 sig;
		Dwarf_Error e = NULL;
		Dwarf_Die cu = NULL;
		int rc;

		if (dt->scan_error)
			return pmt_err_new(PMT_ERR_CORRUPT, "%s", dt->scan_error);
		rc = dwarf_next_cu_header_d(dt->dbg, 1, &hlen, &ver, &abbrev, &asz, &lsz, &esz,
					    &sig, &typeoff, &next, &utype, &e);
		if (rc == DW_DLV_NO_ENTRY) {
			dt->scan_done = true;
			break;
		}
		if (rc == DW_DLV_OK)
			rc = dwarf_siblingof_b(dt->dbg, NULL, 1, &cu, &e);
		if (rc == DW_DLV_OK) {
			err = index_unit(dt, cu, &dt->scan_types, &dt->scan_enums);
			dwarf_dealloc_die(cu);
		} else {
			err = dw_err(dt, e, "next compilation unit");
		}
		if (err) {
			if (err != &pmt_err_nomem)
				dt->scan_error = strdup(err->msg);
			return err;
		}
		dt->scanned_cus++;
		*found = scan_has(dt, key, is_enum, val);
	}
	return NULL;
}

/* Find a type's DIE (key "struct x", "union x", "enum x" or a typedef) or
 * an enumerator's value. */
struct pmt_err *find_name(struct dt *dt, const char *key, bool is_enum, uint64_t *val)
{
	enum hint_result res;
	struct pmt_err *err;
	bool found;

	/* A scoped enumerator question is answered by the scope's CU alone: the
	 * names an event's print code uses are defined where it is compiled. */
	if (is_enum && dt->scope != SCOPE_NONE && !find_hint(key)) {
		if (dt->scope < dt->nunits && strmap_get(&dt->units[dt->scope].enums, key, val))
			return NULL;
		if (scan_has(dt, key, is_enum, val))
			return NULL;
		return pmt_err_new(PMT_ERR_ABSENT, "enumerator '%s' not in the scoped unit", key);
	}
	err = lookup_hinted(dt, key, is_enum, &res, val);
	if (err || res == HINT_FOUND)
		return err;
	if (res == HINT_MISSING && dt->mode == DWARF_TYPES_HINTED)
		return pmt_err_new(PMT_ERR_ABSENT,
				   "%s '%s' not defined by the compilation units of %s",
				   is_enum ? "enumerator" : "type", key, find_hint(key)->funcs[0]);
	err = scan_for(dt, key, is_enum, &found, val);
	if (err)
		return err;
	if (!found)
		return pmt_err_new(PMT_ERR_ABSENT, "%s '%s' not in the debug info",
				   is_enum ? "enumerator" : "type", key);
	return NULL;
}

/* ---- opening and closing ---- */

struct pmt_err *dwarf_index_open(struct dt *dt)
{
	struct pmt_err *err;
	Dwarf_Error e = NULL;
	int rc;

	err = load_sections(dt);
	if (err)
		return err;
	dt->methods = (Dwarf_Obj_Access_Methods){
		.get_section_info = oa_section_info,
		.get_byte_order = oa_byte_order,
		.get_length_size = oa_length_size,
		.get_pointer_size = oa_pointer_size,
		.get_section_count = oa_section_count,
		.load_section = oa_load_section,
		.relocate_a_section = NULL,
	};
	dt->iface.object = dt;
	dt->iface.methods = &dt->methods;
	rc = dwarf_object_init_b(&dt->iface, NULL, NULL, DW_GROUPNUMBER_ANY, &dt->dbg, &e);
	if (rc == DW_DLV_NO_ENTRY)
		return pmt_err_new(PMT_ERR_ABSENT, "no DWARF debug info (need the -dbg vmlinux)");
	if (rc != DW_DLV_OK) {
		err = pmt_err_new(PMT_ERR_FORMAT, "DWARF: %s", e ? dwarf_errmsg(e) : "init failed");
		if (e)
			dwarf_dealloc(NULL, e, DW_DLA_ERROR);
		dt->dbg = NULL;
		return err;
	}
	return NULL;
}

void dwarf_index_close(struct dt *dt)
{
	Dwarf_Error e = NULL;

	for (size_t i = 0; i < dt->nunits; i++) {
		strmap_free(&dt->units[i].types);
		strmap_free(&dt->units[i].enums);
	}
	free(dt->units);
	strmap_free(&dt->scan_types);
	strmap_free(&dt->scan_enums);
	free(dt->aranges);
	free(dt->scan_error);
	if (dt->dbg)
		dwarf_object_finish(dt->dbg, &e);
	free(dt->secs);
}

/* ---- the unit of the code asking (pmt_target.scope) ---- */

void dwarf_index_scope(struct dt *dt, const char *func)
{
	struct unit_index *u = NULL;
	struct pmt_err *err;
	uint64_t addr, cu;

	dt->scope = SCOPE_NONE;
	if (!func || dt->mode == DWARF_TYPES_SCAN_ONLY)
		return;
	dt->scope = SCOPE_UNKNOWN; /* until func is found below */
	if (!dt->aranges_loaded && (err = load_aranges(dt))) {
		pmt_err_free(err);
		return;
	}
	err = vmlinux_function(dt->vm, func, &addr);
	if (err) {
		pmt_err_free(err);
		return;
	}
	if (!cu_of_address(dt, addr, &cu))
		return;
	err = hint_unit(dt, cu, &u);
	if (err) {
		pmt_err_free(err);
		return;
	}
	dt->scope = (size_t)(u - dt->units);
}
