// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmtrace.ko: pmtrace's own ring buffer in the kernel.
 *
 * The ring buffer is the userspace library's core (the ringbuf/ sources, compiled in
 * unchanged through the platform layer), kept in a region (docs/format.md)
 * that describes itself completely: its events in the tracefs format syntax,
 * a pid -> comm table, the identity of the boot that wrote it, and where its
 * memory is physically. A vmcore reader needs no debuginfo to decode it; one
 * with the module's DWARF finds it through `pmtrace_kstate`.
 *
 * WHERE THE MEMORY COMES FROM
 *
 *   default          the page allocator: blocks of up to 2 MiB (order 9,
 *                    smaller when memory is fragmented), mapped contiguously
 *                    with vmap(); the region's chunk table lists the
 *                    physical blocks (adjacent ones merged). The first block
 *                    holds the whole header area, so a physical-memory
 *                    scanner that finds the magic finds the table.
 *   phys_addr=,size= a range reserved with memmap=SIZE$ADDR, memremap()ed
 *   label=           a reserve_mem=SIZE:ALIGN:LABEL range (6.11+), which may
 *                    move between boots: the region records where it was
 *
 * A reserved range holds TWO slots of size/2. At load the module validates
 * both (header, chunk table, event descriptions, every CPU's meta and every
 * page, as the kernel's rb_meta_valid() + rb_meta_validate_events() do, and
 * every event's checksum), reports in dmesg what it rejects (CPU, page,
 * reason), and keeps the newest valid region as the previous boot's buffer,
 * read-only, in place, until previous/release. This boot's buffer goes into
 * the other slot, with boot_seq = previous + 1. Nothing read from the range
 * is ever trusted as a pointer or an unchecked index: the core's validator
 * copies and range-checks everything, and the module only uses offsets it
 * returned.
 */
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <linux/vmalloc.h>

#include "pmtrace.h"
#include "region_view.h"

static char *events = "sched_switch,sched_wakeup,irq_handler_entry,irq_handler_exit";
module_param(events, charp, 0444);
MODULE_PARM_DESC(events, "comma-separated probes: sched_switch, sched_wakeup, "
			 "irq_handler_entry, irq_handler_exit (markers are always on)");
static unsigned int buffer_kb = 1024;
module_param(buffer_kb, uint, 0444);
MODULE_PARM_DESC(buffer_kb, "ring size per CPU in KiB (page-allocator memory)");
static unsigned long phys_addr;
module_param(phys_addr, ulong, 0444);
MODULE_PARM_DESC(phys_addr, "start of a memmap=SIZE$ADDR reserved range");
static unsigned long size;
module_param(size, ulong, 0444);
MODULE_PARM_DESC(size, "bytes of the reserved range (two slots of size/2)");
static char *label;
module_param(label, charp, 0444);
MODULE_PARM_DESC(label, "use the reserve_mem=SIZE:ALIGN:LABEL range of this label (6.11+)");
static bool overwrite = true;
module_param(overwrite, bool, 0444);
MODULE_PARM_DESC(overwrite, "flight recorder: overwrite the oldest events (else drop new ones)");
static char *boot_id;
module_param(boot_id, charp, 0444);
MODULE_PARM_DESC(boot_id, "this boot's id (/proc/sys/kernel/random/boot_id); default random");
static unsigned int nr_comms = 1024;
module_param(nr_comms, uint, 0444);
MODULE_PARM_DESC(nr_comms, "entries of the pid -> comm table");
bool pmt_debug;
module_param_named(debug, pmt_debug, bool, 0444);
MODULE_PARM_DESC(debug, "create debug_corrupt (damage the region on purpose, for tests)");

uint8_t pmt_boot_id[16];
struct pmt_kregion pmt_cur, pmt_prev;
struct pmtrace_kstate pmtrace_kstate;
EXPORT_SYMBOL_GPL(pmtrace_kstate);
DEFINE_MUTEX(pmt_consume_lock);
DEFINE_MUTEX(pmt_prev_lock);

/* page-allocator memory: the blocks and the vmap */
struct pmt_block {
	struct page *page;
	unsigned int order;
};
static struct pmt_block *blocks;
static unsigned int nr_blocks;
static struct pmt_region_chunk *chunks;
static unsigned int nr_chunks;
/* reserved memory: the whole range, mapped once */
static void *range_mem;

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_uuid(const char *s, uint8_t out[16])
{
	int n = 0;

	for (; *s && *s != '\n' && n < 32; s++) {
		int v;

		if (*s == '-')
			continue;
		v = hexval(*s);
		if (v < 0)
			return -EINVAL;
		out[n / 2] = n % 2 ? out[n / 2] | v : v << 4;
		n++;
	}
	return n == 32 && (!*s || *s == '\n') ? 0 : -EINVAL;
}

static void free_pages_mem(void)
{
	unsigned int i;

	if (pmt_cur.mem && !range_mem)
		vunmap(pmt_cur.mem);
	for (i = 0; i < nr_blocks; i++)
		__free_pages(blocks[i].page, blocks[i].order);
	kvfree(blocks);
	kvfree(chunks);
	blocks = NULL;
	chunks = NULL;
	nr_blocks = nr_chunks = 0;
}

/*
 * Allocate `npages` pages in blocks as large as possible (the first one of
 * at least `first` pages) and map them contiguously; fills the chunk table.
 */
static void *alloc_pages_mem(unsigned long npages, unsigned long first)
{
	struct page **pages = kvmalloc_array(npages, sizeof(*pages), GFP_KERNEL);
	unsigned long done = 0, i;
	unsigned int order = 9;
	void *mem = NULL;

	blocks = kvcalloc(npages, sizeof(*blocks), GFP_KERNEL);
	chunks = kvcalloc(npages, sizeof(*chunks), GFP_KERNEL);
	if (!pages || !blocks || !chunks)
		goto fail;
	while (done < npages) {
		unsigned long left = npages - done;
		unsigned int min = done ? 0 : order_base_2(first);
		struct page *p = NULL;
		phys_addr_t pa;

		while (order && (1ul << order) > left && order > min)
			order--;
		for (;;) {
			p = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY | __GFP_ZERO,
					order);
			if (p || order <= min)
				break;
			order--;
		}
		if (!p) {
			pr_err(PMT_NAME ": cannot allocate %lu pages (block of order %u failed)\n",
			       npages, order);
			goto fail;
		}
		blocks[nr_blocks].page = p;
		blocks[nr_blocks++].order = order;
		pa = page_to_phys(p);
		for (i = 0; i < (1ul << order) && done < npages; i++)
			pages[done++] = p + i;
		/* merge physically adjacent blocks into one chunk */
		if (nr_chunks && chunks[nr_chunks - 1].phys + chunks[nr_chunks - 1].len == pa) {
			chunks[nr_chunks - 1].len += (uint64_t)i << PAGE_SHIFT;
		} else {
			chunks[nr_chunks].phys = pa;
			chunks[nr_chunks++].len = (uint64_t)i << PAGE_SHIFT;
		}
	}
	mem = vmap(pages, npages, VM_MAP, PAGE_KERNEL);
	if (!mem)
		pr_err(PMT_NAME ": vmap of %lu pages failed\n", npages);
fail:
	kvfree(pages);
	return mem;
}

struct prev_report {
	unsigned int n;
};

static void prev_bad(void *arg, uint32_t cpu, uint32_t page, const char *reason)
{
	struct prev_report *r = arg;

	if (r->n++ < 32) {
		if (page == PMT_NO_PAGE)
			pr_warn(PMT_NAME ": previous region: cpu %u: %s\n", cpu, reason);
		else
			pr_warn(PMT_NAME ": previous region: cpu %u page %u: %s\n", cpu, page,
				reason);
	} else if (r->n == 33) {
		pr_warn(PMT_NAME ": previous region: more problems, not shown\n");
	}
}

/* Is there a valid region at the start of this slot? Says why not. */
static bool slot_region(void *mem, size_t len, phys_addr_t pa, unsigned int slot,
			struct pmt_region_info *info)
{
	struct pmt_err *err = pmt_region_check_header(mem, len, info);

	if (err) {
		if (err->code == PMT_ERR_FORMAT)
			pr_info(PMT_NAME ": slot %u at %pa: no region (%s)\n", slot, &pa, err->msg);
		else
			pr_warn(PMT_NAME ": slot %u at %pa: region rejected: %s\n", slot, &pa,
				err->msg);
		pmt_err_free(err);
		return false;
	}
	if (info->phys_addr != PMT_NO_PHYS && info->phys_addr != pa)
		pr_info(PMT_NAME ": slot %u: region was written at %#llx, now at %pa (moved)\n",
			slot, info->phys_addr, &pa);
	return true;
}

/* Validate the previous boot's region completely and report what is bad. */
static void validate_prev(struct pmt_region_info *info)
{
	struct prev_report rep = { 0 };
	struct pmt_recover_ops ops = { NULL, prev_bad };
	struct pmt_recover_stats st;
	const struct pmt_region_chunk *ch;
	const void *area;
	uint32_t n, asize;
	struct pmt_err *err;

	err = pmt_region_chunks(pmt_prev.mem, pmt_prev.len, &ch, &n);
	if (err) {
		pr_warn(PMT_NAME ": previous region: chunk table: %s\n", err->msg);
		pmt_err_free(err);
	}
	err = pmt_region_events(pmt_prev.mem, pmt_prev.len, &area, &asize);
	if (err) {
		pr_warn(PMT_NAME ": previous region: event descriptions: %s\n", err->msg);
		pmt_err_free(err);
	}
	err = pmt_region_recover(pmt_prev.mem, pmt_prev.len, &ops, &rep, &st);
	if (err) {
		pr_warn(PMT_NAME ": previous region: %s\n", err->msg);
		pmt_err_free(err);
		return;
	}
	pr_info(PMT_NAME ": previous region (boot %llu, %s, written by %s): %llu events "
			 "(%llu already read), %llu bad pages, %llu bad cpus, %llu bad checksums, "
			 "%llu lost, %llu overwritten\n",
		info->boot_seq, info->release, info->writer, st.events, st.consumed, st.bad_pages,
		st.bad_cpus, st.bad_csum, st.lost, st.overrun);
}

static void kstate_set(struct pmtrace_kregion *k, const struct pmt_kregion *r, uint32_t state)
{
	const struct pmt_region_chunk *ch = NULL;
	uint32_t n = 0;
	struct pmt_err *err = pmt_region_chunks(r->mem, r->len, &ch, &n);

	pmt_err_free(err);
	k->vaddr = (uint64_t)(uintptr_t)r->mem;
	k->size = r->len;
	k->phys = r->phys;
	k->chunks = err ? 0 : (uint64_t)(uintptr_t)ch;
	k->nr_chunks = err ? 0 : n;
	k->state = state;
}

static int setup_region(void)
{
	struct pmt_rb_ident id = { 0 };
	struct pmt_rb_opts o = { 0 };
	struct pmt_rb_geometry g;
	struct pmt_region_info info;
	struct pmt_region_chunk one;
	char lbl[32];
	phys_addr_t base = 0, cur_pa;
	resource_size_t rsize = 0;
	void *cur_mem;
	struct pmt_err *err;
	unsigned int i;

	o.nr_cpus = nr_cpu_ids;
	o.page_size = PAGE_SIZE;
	o.nr_spare = 4;
	o.flags = overwrite ? PMT_RB_OVERWRITE : 0;
	o.clock_id = PMT_CLOCK_LOCAL_NS;
	o.events = pmt_std_events;
	o.nr_events = PMT_EV_NR_STD;
	o.nr_comms = nr_comms;
	o.ident = &id;
	id.flags = PMT_REGION_F_KERNEL;

	if (label && *label) {
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
		phys_addr_t start, sz;

		if (!reserve_mem_find_by_name(label, &start, &sz)) {
			pr_err(PMT_NAME ": no reserve_mem range labelled '%s'\n", label);
			return -ENOENT;
		}
		base = start;
		rsize = sz;
		snprintf(lbl, sizeof(lbl), "reserve_mem:%s", label);
#else
		pr_err(PMT_NAME ": label= needs reserve_mem= (Linux 6.11+)\n");
		return -EINVAL;
#endif
	} else if (phys_addr || size) {
		if (!phys_addr || !size || phys_addr % PAGE_SIZE) {
			pr_err(PMT_NAME ": phys_addr= and size= go together, page aligned\n");
			return -EINVAL;
		}
		base = phys_addr;
		rsize = size;
		strscpy(lbl, "memmap", sizeof(lbl));
	}

	if (!rsize) {
		/* page allocator: plan with room for one chunk per page, then allocate */
		uint64_t npages;

		strscpy(lbl, "pages", sizeof(lbl));
		id.label = lbl;
		o.nr_ring = max(2u, (unsigned int)(((u64)buffer_kb << 10) >> PAGE_SHIFT));
		o.max_chunks = 0;
		for (i = 0; i < 4; i++) {
			err = pmt_rb_plan(&o, 0, &g);
			if (err)
				goto plan_fail;
			npages = g.total >> PAGE_SHIFT;
			if (o.max_chunks >= npages)
				break;
			o.max_chunks = min_t(u64, npages + 16, PMT_REGION_MAX_CHUNKS);
		}
		cur_mem = alloc_pages_mem(npages, g.hdr_bytes >> PAGE_SHIFT);
		if (!cur_mem) {
			free_pages_mem();
			return -ENOMEM;
		}
		cur_pa = chunks[0].phys;
		id.boot_seq = 1;
		err = pmt_rb_create_mem(cur_mem, g.total, &o, chunks, nr_chunks, &pmt_cur.rb);
		pmt_cur.mem = cur_mem;
		if (err)
			goto create_fail;
		pmt_cur.len = g.total;
		pmt_cur.phys = cur_pa;
		pr_info(PMT_NAME ": %llu KiB of page-allocator memory in %u chunks (%u blocks), "
				 "%u CPUs x %u ring pages\n",
			g.total >> 10, nr_chunks, nr_blocks, g.nr_cpus, g.nr_ring);
		goto done;
	}

	/* a reserved range: two slots */
	{
		size_t slot_len = (rsize / 2) & PAGE_MASK;
		struct pmt_region_info si[2];
		bool valid[2];
		int prev = -1, use;

		range_mem = memremap(base, rsize, MEMREMAP_WB);
		if (!range_mem) {
			pr_err(PMT_NAME ": cannot map %pa (+%pa)\n", &base, &rsize);
			return -ENOMEM;
		}
		for (i = 0; i < 2; i++)
			valid[i] = slot_region((char *)range_mem + i * slot_len, slot_len,
					       base + i * slot_len, i, &si[i]);
		if (valid[0] && valid[1])
			prev = si[1].boot_seq > si[0].boot_seq ? 1 : 0;
		else if (valid[0] || valid[1])
			prev = valid[1];
		use = prev < 0 ? 0 : !prev;
		if (prev >= 0) {
			info = si[prev];
			pmt_prev.mem = (char *)range_mem + prev * slot_len;
			pmt_prev.len = info.total_size;
			pmt_prev.phys = base + prev * slot_len;
			validate_prev(&info);
			id.boot_seq = info.boot_seq + 1;
		} else {
			id.boot_seq = 1;
		}
		id.label = lbl;
		cur_mem = (char *)range_mem + use * slot_len;
		cur_pa = base + use * slot_len;
		err = pmt_rb_plan(&o, slot_len, &g);
		if (err)
			goto plan_fail;
		one.phys = cur_pa;
		one.len = g.total;
		o.max_chunks = 1;
		err = pmt_rb_plan(&o, slot_len, &g);
		if (err)
			goto plan_fail;
		one.len = g.total;
		err = pmt_rb_create_mem(cur_mem, g.total, &o, &one, 1, &pmt_cur.rb);
		if (err)
			goto create_fail;
		pmt_cur.mem = cur_mem;
		pmt_cur.len = g.total;
		pmt_cur.phys = cur_pa;
		pr_info(PMT_NAME
			": %s range %pa +%pa: boot %llu in slot %d (%llu KiB, %u CPUs x %u "
			"ring pages)%s\n",
			lbl, &base, &rsize, id.boot_seq, use, g.total >> 10, g.nr_cpus, g.nr_ring,
			prev >= 0 ? ", previous boot's region kept in the other slot" : "");
	}
done:
	pmtrace_kstate.magic = PMT_KSTATE_MAGIC;
	pmtrace_kstate.version = PMT_KSTATE_VERSION;
	pmtrace_kstate.size = sizeof(pmtrace_kstate);
	kstate_set(&pmtrace_kstate.cur, &pmt_cur, PMT_KREGION_LIVE);
	if (pmt_prev.mem)
		kstate_set(&pmtrace_kstate.prev, &pmt_prev, PMT_KREGION_RECOVERED);
	return 0;

plan_fail:
	pr_err(PMT_NAME ": %s\n", err->msg);
	pmt_err_free(err);
	return -EINVAL;
create_fail:
	pr_err(PMT_NAME ": creating the region: %s\n", err->msg);
	pmt_err_free(err);
	return -EINVAL;
}

static void free_region(void)
{
	if (pmt_cur.rb)
		pmt_rb_destroy(pmt_cur.rb);
	pmt_cur.rb = NULL;
	if (range_mem) {
		memunmap(range_mem);
		range_mem = NULL;
	} else {
		free_pages_mem();
	}
	memset(&pmt_cur, 0, sizeof(pmt_cur));
	memset(&pmt_prev, 0, sizeof(pmt_prev));
	memset(&pmtrace_kstate, 0, sizeof(pmtrace_kstate));
}

void pmt_prev_release(void)
{
	mutex_lock(&pmt_prev_lock);
	if (pmt_prev.mem) {
		struct pmt_region_hdr *h = pmt_prev.mem;

		/* the next boot must not find it again */
		WRITE_ONCE(h->magic, 0);
		pr_info(PMT_NAME ": previous region released\n");
		pmt_prev.mem = NULL;
		pmtrace_kstate.prev.state = PMT_KREGION_RELEASED;
	}
	mutex_unlock(&pmt_prev_lock);
}

phys_addr_t pmt_region_phys(const struct pmt_kregion *r, uint64_t off, uint64_t *contig)
{
	const struct pmt_region_chunk *ch;
	uint64_t at = 0;
	uint32_t n, i;
	struct pmt_err *err = pmt_region_chunks(r->mem, r->len, &ch, &n);

	*contig = 0;
	if (err) {
		pmt_err_free(err);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (off < at + ch[i].len) {
			*contig = at + ch[i].len - off;
			return ch[i].phys + (off - at);
		}
		at += ch[i].len;
	}
	return 0;
}

/*
 * debug=1: damage the live region on purpose so that the next load (after a
 * reset, or rmmod + insmod over the same range) has something to reject:
 *	page CPU        scribble over CPU's oldest ring page (a bad commit word)
 *	event CPU       flip a byte inside the first event of CPU's oldest page
 *	torn CPU        cut the commit of CPU's tail page into an event
 *	meta CPU        break CPU's meta magic
 *	abi             make the header claim ABI 99 (checksum fixed up)
 *	garbage         fill the whole region with pseudo-random bytes
 */
int pmt_debug_corrupt(const char *cmd)
{
	struct pmt_region_hdr *h = pmt_cur.mem;
	unsigned char *mem = pmt_cur.mem;
	unsigned int cpu = 0;
	struct pmt_cpu_meta *m;
	uint64_t moff;

	if (!mem)
		return -ENODEV;
	if (!strncmp(cmd, "abi", 3)) {
		h->abi_major = 99;
		h->hdr_csum = pmt_region_hdr_csum(h, h->hdr_size);
		return 0;
	}
	if (!strncmp(cmd, "garbage", 7)) {
		uint64_t x = 0x9e3779b97f4a7c15ull;
		size_t i;

		for (i = 0; i + 8 <= pmt_cur.len; i += 8) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(mem + i, &x, 8);
		}
		return 0;
	}
	if (sscanf(cmd, "%*s %u", &cpu) < 1 || cpu >= h->nr_cpus)
		return -EINVAL;
	memcpy(&moff, mem + PMT_REGION_HDR_FIXED + 8 * cpu, 8);
	m = (struct pmt_cpu_meta *)(mem + moff);
	if (!strncmp(cmd, "meta", 4)) {
		m->magic ^= 0xdead;
		return 0;
	}
	if (!strncmp(cmd, "page", 4)) {
		unsigned char *pg = mem + moff + m->pages_off + (uint64_t)m->head_id * h->page_size;

		memset(pg + 8, 0xee, 8); /* commit word with high bits: unusable */
		pr_warn(PMT_NAME ": debug_corrupt: cpu %u page %u: commit word overwritten\n", cpu,
			m->head_id);
		return 0;
	}
	if (!strncmp(cmd, "event", 5)) {
		unsigned char *pg = mem + moff + m->pages_off + (uint64_t)m->head_id * h->page_size;

		pg[16 + 4 + 17] ^= 0x20; /* inside the first event's fields */
		pr_warn(PMT_NAME ": debug_corrupt: cpu %u page %u: first event damaged\n", cpu,
			m->head_id);
		return 0;
	}
	if (!strncmp(cmd, "torn", 4)) {
		unsigned char *pg = mem + moff + m->pages_off + (uint64_t)m->tail_id * h->page_size;
		uint64_t commit;

		memcpy(&commit, pg + 8, 8);
		if ((commit & 0xfffff) < 8)
			return -EAGAIN;
		commit = (commit & ~0xfffffull) | ((commit & 0xfffff) - 6);
		memcpy(pg + 8, &commit, 8);
		pr_warn(PMT_NAME
			": debug_corrupt: cpu %u page %u: commit cut into the last event\n",
			cpu, m->tail_id);
		return 0;
	}
	return -EINVAL;
}

static int __init pmt_init(void)
{
	unsigned int mask;
	int ret;

	ret = pmt_probes_parse(events, &mask);
	if (ret)
		return ret;
	if (boot_id && *boot_id) {
		if (parse_uuid(boot_id, pmt_boot_id)) {
			pr_err(PMT_NAME ": boot_id '%s' is not a UUID\n", boot_id);
			return -EINVAL;
		}
	} else {
		get_random_bytes(pmt_boot_id, sizeof(pmt_boot_id));
	}
	ret = setup_region();
	if (ret) {
		free_region();
		return ret;
	}
	ret = pmt_fs_init();
	if (ret)
		goto fail;
	pmt_tracing_on = true;
	ret = pmt_probes_start(mask);
	if (ret) {
		pmt_fs_exit();
		goto fail;
	}
	return 0;
fail:
	free_region();
	return ret;
}

static void __exit pmt_exit(void)
{
	pmt_tracing_on = false;
	pmt_probes_stop();
	pmt_fs_exit();
	free_region();
}

module_init(pmt_init);
module_exit(pmt_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("pmtrace");
MODULE_DESCRIPTION("pmtrace: a post-mortem-readable ring buffer for kernel events");
MODULE_VERSION(PMT_VERSION);
