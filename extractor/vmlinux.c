// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmlinux: ELF symbols, build-id and release (see vmlinux.h).
 *
 * Design: the whole file is mmap'ed MAP_PRIVATE once and handed to libelf
 * with elf_memory(), so libelf returns pointers into the mapping instead of
 * copying sections (a Debian vmlinux is ~600 MB, most of it DWARF we never
 * touch). The symbol table is indexed once into an open-addressing hash table
 * keyed by name; entries point at the names inside .strtab (which libelf has
 * checked to be NUL-terminated within the section).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gelf.h>
#include <libelf.h>

#include "vmlinux.h"

struct vm_sym {
	const char *name; /* points into .strtab in the mapping */
	uint64_t value;
	unsigned char type; /* STT_* */
	unsigned char bind; /* STB_* */
};

struct vmlinux {
	char *path;
	int fd;
	unsigned char *map;
	size_t map_size;
	Elf *elf;
	unsigned int word_size;
	bool big_endian;
	char build_id[129];
	char release[65];

	/* Built on first use (a warm run with a cached profile opens the
	 * vmlinux only for its build-id and never looks a symbol up): the
	 * symbol index by the first lookup, the release by vmlinux_release(). */
	bool indexed, release_read;
	struct pmt_err *index_err; /* what building the index failed with */
	struct vm_sym *syms;
	size_t nsyms;
	/* Hash slots hold index+1 into syms (0 = empty); size is a power of two
	 * at least twice nsyms, so probing always reaches an empty slot. */
	uint32_t *slots;
	size_t nslots;
};

static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

static struct pmt_err *elf_error(const char *what)
{
	return pmt_err_new(PMT_ERR_FORMAT, "%s: %s", what, elf_errmsg(-1));
}

static struct pmt_err *index_symbols(struct vmlinux *vm)
{
	Elf_Scn *scn = NULL;
	Elf_Scn *symscn = NULL;
	GElf_Shdr sh, symsh;
	Elf_Data *data;
	size_t n, i;

	while ((scn = elf_nextscn(vm->elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			return elf_error("section header");
		if (sh.sh_type == SHT_SYMTAB) {
			symscn = scn;
			symsh = sh;
			break;
		}
	}
	if (!symscn)
		return NULL; /* stripped: every symbol will be ABSENT */
	if (symsh.sh_entsize == 0 || symsh.sh_size / symsh.sh_entsize > UINT32_MAX / 4)
		return pmt_err_new(PMT_ERR_FORMAT, ".symtab: bad entry size or count");
	data = elf_getdata(symscn, NULL);
	if (!data)
		return elf_error(".symtab data");
	n = symsh.sh_size / symsh.sh_entsize;
	vm->syms = calloc(n ? n : 1, sizeof(*vm->syms));
	if (!vm->syms)
		return &pmt_err_nomem;
	for (i = 0; i < n; i++) {
		GElf_Sym s;
		const char *name;
		unsigned char type;

		if (!gelf_getsym(data, (int)i, &s))
			return pmt_err_new(PMT_ERR_FORMAT, ".symtab entry %zu: %s", i,
					   elf_errmsg(-1));
		type = GELF_ST_TYPE(s.st_info);
		if (s.st_shndx == SHN_UNDEF || s.st_name == 0 || type == STT_SECTION ||
		    type == STT_FILE)
			continue;
		name = elf_strptr(vm->elf, symsh.sh_link, s.st_name);
		if (!name || !*name)
			continue;
		vm->syms[vm->nsyms++] = (struct vm_sym){
			.name = name,
			.value = s.st_value,
			.type = type,
			.bind = GELF_ST_BIND(s.st_info),
		};
	}

	for (vm->nslots = 16; vm->nslots < 2 * vm->nsyms;)
		vm->nslots *= 2;
	vm->slots = calloc(vm->nslots, sizeof(*vm->slots));
	if (!vm->slots)
		return &pmt_err_nomem;
	for (i = 0; i < vm->nsyms; i++) {
		size_t h = name_hash(vm->syms[i].name) & (vm->nslots - 1);

		while (vm->slots[h])
			h = (h + 1) & (vm->nslots - 1);
		vm->slots[h] = (uint32_t)(i + 1);
	}
	return NULL;
}

/* Lower is better. */
static int sym_rank(const struct vm_sym *s, bool want_func)
{
	int cls, bind;

	if (want_func)
		cls = s->type == STT_FUNC ? 0 : s->type == STT_NOTYPE ? 1 : 2;
	else
		cls = s->type == STT_OBJECT ? 0 : s->type == STT_NOTYPE ? 1 : 2;
	bind = s->bind == STB_GLOBAL ? 0 : s->bind == STB_WEAK ? 1 : 2;
	return cls * 4 + bind;
}

/* The index, built once; the lookups' callers hold a const vmlinux, whose
 * lazily built parts are not part of what it is. */
static struct pmt_err *ensure_index(const struct vmlinux *cvm)
{
	struct vmlinux *vm = (struct vmlinux *)cvm;

	if (!vm->indexed) {
		vm->indexed = true;
		vm->index_err = index_symbols(vm);
	}
	return vm->index_err ? pmt_err_new(vm->index_err->code, "%s", vm->index_err->msg) : NULL;
}

static struct pmt_err *lookup(const struct vmlinux *vm, const char *name, bool want_func,
			      uint64_t *addr)
{
	const struct vm_sym *best = NULL;
	struct pmt_err *err = ensure_index(vm);
	size_t h;

	if (err)
		return err;
	if (!vm->nslots)
		return pmt_err_new(PMT_ERR_ABSENT, "symbol '%s': no symbol table", name);
	for (h = name_hash(name) & (vm->nslots - 1); vm->slots[h]; h = (h + 1) & (vm->nslots - 1)) {
		const struct vm_sym *s = &vm->syms[vm->slots[h] - 1];
		int r, rb;

		if (strcmp(s->name, name))
			continue;
		if (!best) {
			best = s;
			continue;
		}
		r = sym_rank(s, want_func);
		rb = sym_rank(best, want_func);
		if (r < rb || (r == rb && s->value < best->value))
			best = s;
	}
	if (!best)
		return pmt_err_new(PMT_ERR_ABSENT, "symbol '%s' not in the symbol table", name);
	*addr = best->value;
	return NULL;
}

struct pmt_err *vmlinux_symbol(const struct vmlinux *vm, const char *name, uint64_t *addr)
{
	return lookup(vm, name, false, addr);
}

struct pmt_err *vmlinux_function(const struct vmlinux *vm, const char *name, uint64_t *addr)
{
	return lookup(vm, name, true, addr);
}

struct pmt_err *vmlinux_read_static(const struct vmlinux *vm, uint64_t addr, void *buf, size_t len)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(vm->elf, scn))) {
		uint64_t rel;

		if (!gelf_getshdr(scn, &sh))
			return elf_error("section header");
		if (sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_ALLOC))
			continue;
		if (addr < sh.sh_addr || addr - sh.sh_addr >= sh.sh_size)
			continue;
		rel = addr - sh.sh_addr;
		if (len > sh.sh_size - rel)
			return pmt_err_addr(PMT_ERR_ABSENT, addr,
					    "%zu bytes at %#" PRIx64
					    " cross the end of their section",
					    len, addr);
		/* The section must lie inside the file: a damaged header could
		 * point anywhere. */
		if (sh.sh_offset > vm->map_size || rel + len > vm->map_size - sh.sh_offset)
			return pmt_err_addr(
				PMT_ERR_FORMAT, addr,
				"section data at %#" PRIx64 " beyond the end of the file", addr);
		memcpy(buf, vm->map + sh.sh_offset + rel, len);
		return NULL;
	}
	return pmt_err_addr(PMT_ERR_ABSENT, addr, "no section data at %#" PRIx64, addr);
}

static void read_build_id(struct vmlinux *vm)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(vm->elf, scn))) {
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff, next;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		while ((next = gelf_getnote(data, off, &nh, &noff, &doff)) > 0) {
			off = next;
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((char *)data->d_buf + noff, "GNU", 4) || nh.n_descsz == 0 ||
			    nh.n_descsz > 64)
				continue;
			for (size_t i = 0; i < nh.n_descsz; i++)
				snprintf(vm->build_id + 2 * i, 3, "%02x",
					 ((unsigned char *)data->d_buf)[doff + i]);
			return;
		}
	}
}

/* Copy a release string of printable non-blank characters; false if empty. */
static bool take_release(char *dst, const char *src, size_t max)
{
	size_t n = 0;

	while (n < max && n < 64 && src[n] > ' ' && src[n] < 0x7f)
		n++;
	if (n == 0 || n == 64)
		return false;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return true;
}

static void read_release(struct vmlinux *vm)
{
	static const char banner_prefix[] = "Linux version ";
	char buf[256];
	uint64_t addr;
	struct pmt_err *err;

	err = vmlinux_symbol(vm, "linux_banner", &addr);
	if (!err)
		err = vmlinux_read_static(vm, addr, buf, sizeof(buf));
	if (!err && !memcmp(buf, banner_prefix, sizeof(banner_prefix) - 1) &&
	    take_release(vm->release, buf + sizeof(banner_prefix) - 1,
			 sizeof(buf) - (sizeof(banner_prefix) - 1)))
		return;
	pmt_err_free(err);

	/*
	 * init_uts_ns.name is a struct new_utsname of six 65-byte strings
	 * (sysname first, release third). Older kernels put a struct kref
	 * before it, so accept "Linux" at offset 0, 4 or 8.
	 */
	err = vmlinux_symbol(vm, "init_uts_ns", &addr);
	if (!err)
		err = vmlinux_read_static(vm, addr, buf, 8 + 3 * 65);
	if (!err) {
		for (size_t base = 0; base <= 8; base += 4) {
			if (!memcmp(buf + base, "Linux", 6) &&
			    take_release(vm->release, buf + base + 2 * 65, 65))
				return;
		}
	}
	pmt_err_free(err);
}

struct pmt_err *vmlinux_open(const char *path, struct vmlinux **out)
{
	struct vmlinux *vm;
	struct pmt_err *err = NULL;
	struct stat st;
	char *ident;
	size_t identsz;

	*out = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return pmt_err_new(PMT_ERR_UNSUPPORTED, "libelf: %s", elf_errmsg(-1));
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return &pmt_err_nomem;
	vm->fd = -1;
	vm->path = strdup(path);
	if (!vm->path) {
		err = &pmt_err_nomem;
		goto fail;
	}
	vm->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (vm->fd < 0) {
		err = pmt_err_new(PMT_ERR_IO, "%s", strerror(errno));
		goto fail;
	}
	if (fstat(vm->fd, &st) < 0) {
		err = pmt_err_new(PMT_ERR_IO, "stat: %s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < EI_NIDENT) {
		err = pmt_err_new(PMT_ERR_FORMAT, "not a regular ELF file");
		goto fail;
	}
	vm->map_size = (size_t)st.st_size;
	/* Private and writable: libelf may convert in place, never the file. */
	vm->map = mmap(NULL, vm->map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, vm->fd, 0);
	if (vm->map == MAP_FAILED) {
		vm->map = NULL;
		err = pmt_err_new(PMT_ERR_IO, "mmap: %s", strerror(errno));
		goto fail;
	}
	/*
	 * We touch scattered pages (symbols, a few CUs, their abbreviations):
	 * no readahead or fault-around, which would map ~16x more of the file
	 * than is read. Advisory only, so failure is harmless.
	 */
	madvise(vm->map, vm->map_size, MADV_RANDOM);
	vm->elf = elf_memory((char *)vm->map, vm->map_size);
	if (!vm->elf || elf_kind(vm->elf) != ELF_K_ELF) {
		err = pmt_err_new(PMT_ERR_FORMAT, "not an ELF file");
		goto fail;
	}
	ident = elf_getident(vm->elf, &identsz);
	if (!ident || identsz < EI_NIDENT) {
		err = elf_error("ELF identification");
		goto fail;
	}
	if (ident[EI_CLASS] != ELFCLASS32 && ident[EI_CLASS] != ELFCLASS64) {
		err = pmt_err_new(PMT_ERR_FORMAT, "unknown ELF class %d", ident[EI_CLASS]);
		goto fail;
	}
	if (ident[EI_DATA] != ELFDATA2LSB && ident[EI_DATA] != ELFDATA2MSB) {
		err = pmt_err_new(PMT_ERR_FORMAT, "unknown ELF byte order %d", ident[EI_DATA]);
		goto fail;
	}
	{
		/* A cut vmlinux loses its section headers (they are at the
		 * end): say so rather than "no symbols" or "no DWARF". */
		GElf_Ehdr eh;
		uint64_t n;

		if (gelf_getehdr(vm->elf, &eh) && eh.e_shoff) {
			n = eh.e_shnum ? eh.e_shnum : 1;
			if (eh.e_shoff >= vm->map_size ||
			    n * eh.e_shentsize > vm->map_size - eh.e_shoff) {
				err = pmt_err_new(PMT_ERR_TRUNCATED,
						  "truncated ELF file: its section headers "
						  "(e_shoff %" PRIu64 ", e_shnum %u) end beyond "
						  "the end of the file (%zu bytes)",
						  (uint64_t)eh.e_shoff, eh.e_shnum, vm->map_size);
				goto fail;
			}
		}
	}
	vm->word_size = ident[EI_CLASS] == ELFCLASS64 ? 8 : 4;
	vm->big_endian = ident[EI_DATA] == ELFDATA2MSB;
	read_build_id(vm);
	*out = vm;
	return NULL;
fail:
	vmlinux_close(vm);
	return pmt_err_prefix(err, "%s", path);
}

void vmlinux_close(struct vmlinux *vm)
{
	if (!vm)
		return;
	if (vm->elf)
		elf_end(vm->elf);
	if (vm->map)
		munmap(vm->map, vm->map_size);
	if (vm->fd >= 0)
		close(vm->fd);
	pmt_err_free(vm->index_err);
	free(vm->slots);
	free(vm->syms);
	free(vm->path);
	free(vm);
}

const char *vmlinux_path(const struct vmlinux *vm)
{
	return vm->path;
}

const char *vmlinux_build_id(const struct vmlinux *vm)
{
	return vm->build_id;
}

const char *vmlinux_release(const struct vmlinux *cvm)
{
	struct vmlinux *vm = (struct vmlinux *)cvm; /* read once, on demand */

	if (!vm->release_read) {
		vm->release_read = true;
		read_release(vm);
	}
	return vm->release;
}

unsigned int vmlinux_word_size(const struct vmlinux *vm)
{
	return vm->word_size;
}

bool vmlinux_big_endian(const struct vmlinux *vm)
{
	return vm->big_endian;
}

size_t vmlinux_symbol_count(const struct vmlinux *vm)
{
	pmt_err_free(ensure_index(vm));
	return vm->nsyms;
}

Elf *vmlinux_elf(const struct vmlinux *vm)
{
	return vm->elf;
}

const unsigned char *vmlinux_map(const struct vmlinux *vm, size_t *size)
{
	*size = vm->map_size;
	return vm->map;
}
