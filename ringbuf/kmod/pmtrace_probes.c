// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The module's events: probes on existing tracepoints, and markers.
 *
 * The probes are a compiled-in table; the module knows each one's arguments,
 * which differ across kernels (sched_switch gained `prev_state` as an
 * argument in 5.18; before, the state is read from the task). Tracepoints are
 * found by name with for_each_kernel_tracepoint() and attached with
 * tracepoint_probe_register(); `events=` picks a subset, anything unknown is
 * refused at load.
 *
 * Each probe fills the event's fields (struct pmt_ev_* of pmtrace/events.h)
 * on the stack and hands them to pmt_rb_write_entry(), which numbers the
 * event, reserves, copies, checksums and commits on this CPU's buffer, with
 * preemption disabled by the module itself: up to 6.x tracepoints call their
 * probes with preemption disabled, 7.x under SRCU-fast, preemptible
 * (PMT_TP_PREEMPTIBLE, a feature test in Kbuild), and the writer's per-CPU
 * sequence counter must not migrate. The common header is computed first,
 * like the kernel's tracing_gen_ctx(): irqs-off, need-resched, hardirq/
 * softirq/NMI, BH-off, preempt depth (minus the tracepoint's own
 * preempt_disable where there is one, as tracing_gen_ctx_dec() does) and
 * migrate-disable depth, so that the flags equal ftrace's for the same hit
 * (tests/kmod/check-pmring.py compares them).
 */
#include <linux/interrupt.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/version.h>

#include "pmtrace.h"

bool pmt_tracing_on;

enum {
	P_SWITCH = 0,
	P_WAKEUP,
	P_IRQ_ENTRY,
	P_IRQ_EXIT,
	P_NR,
};

static const char *const probe_names[P_NR] = {
	"sched_switch",
	"sched_wakeup",
	"irq_handler_entry",
	"irq_handler_exit",
};

const char *pmt_probe_name(unsigned int bit)
{
	return bit < P_NR ? probe_names[bit] : NULL;
}

void pmt_entry_ctx(struct pmt_entry *e, uint16_t type, bool in_probe)
{
	unsigned long irqflags;
	unsigned int pc = preempt_count();
	unsigned int depth = pc & 0xff, mig = 0;
	uint8_t f = 0;

	local_save_flags(irqflags);
	if (irqs_disabled_flags(irqflags))
		f |= PMT_EF_IRQS_OFF;
	if (pc & NMI_MASK)
		f |= PMT_EF_NMI;
	if (pc & HARDIRQ_MASK)
		f |= PMT_EF_HARDIRQ;
	if (in_serving_softirq())
		f |= PMT_EF_SOFTIRQ;
	if (softirq_count() >> (SOFTIRQ_SHIFT + 1))
		f |= PMT_EF_BH_OFF;
	if (test_thread_flag(TIF_NEED_RESCHED))
		f |= PMT_EF_NEED_RESCHED;
#ifdef HAVE_TIF_NEED_RESCHED_LAZY
	if (test_thread_flag(TIF_NEED_RESCHED_LAZY))
		f |= PMT_EF_NEED_RESCHED_LAZY;
#endif
	if (test_preempt_need_resched())
		f |= PMT_EF_PREEMPT_RESCHED;
		/* the tracepoint disabled preemption to call us: not the traced context's */
#ifndef PMT_TP_PREEMPTIBLE
	if (in_probe && IS_ENABLED(CONFIG_PREEMPTION) && depth)
		depth--;
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0) && defined(CONFIG_SMP)
	mig = current->migration_disabled;
#endif
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->flags = f;
	e->preempt_count = (uint8_t)(min(depth, 15u) | min(mig, 15u) << 4);
	e->pid = current->pid;
}

static inline void record_comm(struct task_struct *t)
{
	pmt_rb_set_comm(pmt_cur.rb, t->pid, t->comm);
}

/* Write an event whose struct starts with the common header `e`. */
static inline void emit(struct pmt_entry *e, uint32_t size)
{
	preempt_disable_notrace();
	record_comm(current);
	pmt_rb_write_entry(pmt_cur.rb, PMT_RB_THIS_CPU, e, (const char *)e + sizeof(*e),
			   size - (uint32_t)sizeof(*e));
	preempt_enable_notrace();
}

static void state_str(char out[4], bool preempt, unsigned int idx)
{
	memset(out, 0, 4);
	if (preempt) {
		out[0] = 'R';
		out[1] = '+';
		return;
	}
	out[0] = task_index_to_char(idx);
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 18, 0)
static void probe_switch(void *data, bool preempt, struct task_struct *prev,
			 struct task_struct *next, unsigned int prev_state)
#else
static void probe_switch(void *data, bool preempt, struct task_struct *prev,
			 struct task_struct *next)
#endif
{
	struct pmt_ev_sched_switch ev;
	unsigned int idx;

	if (!READ_ONCE(pmt_tracing_on))
		return;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 18, 0)
	idx = __task_state_index(prev_state, prev->exit_state);
#else
	idx = task_state_index(prev);
#endif
	pmt_entry_ctx(&ev.ent, PMT_EV_SCHED_SWITCH, true);
	memcpy(ev.prev_comm, prev->comm, sizeof(ev.prev_comm));
	ev.prev_pid = prev->pid;
	ev.prev_prio = prev->prio;
	state_str(ev.prev_state, preempt, idx);
	memcpy(ev.next_comm, next->comm, sizeof(ev.next_comm));
	ev.next_pid = next->pid;
	ev.next_prio = next->prio;
	record_comm(next);
	emit(&ev.ent, sizeof(ev));
}

static void probe_wakeup(void *data, struct task_struct *p)
{
	struct pmt_ev_sched_wakeup ev;

	if (!READ_ONCE(pmt_tracing_on))
		return;
	pmt_entry_ctx(&ev.ent, PMT_EV_SCHED_WAKEUP, true);
	memcpy(ev.comm, p->comm, sizeof(ev.comm));
	ev.pid = p->pid;
	ev.prio = p->prio;
	ev.target_cpu = task_cpu(p);
	record_comm(p);
	emit(&ev.ent, sizeof(ev));
}

static void probe_irq_entry(void *data, int irq, struct irqaction *action)
{
	struct pmt_ev_irq_entry ev;

	if (!READ_ONCE(pmt_tracing_on))
		return;
	pmt_entry_ctx(&ev.ent, PMT_EV_IRQ_ENTRY, true);
	ev.irq = irq;
	memset(ev.name, 0, sizeof(ev.name));
	if (action && action->name)
		strscpy(ev.name, action->name, sizeof(ev.name));
	emit(&ev.ent, sizeof(ev));
}

static void probe_irq_exit(void *data, int irq, struct irqaction *action, int ret)
{
	struct pmt_ev_irq_exit ev;

	if (!READ_ONCE(pmt_tracing_on))
		return;
	pmt_entry_ctx(&ev.ent, PMT_EV_IRQ_EXIT, true);
	ev.irq = irq;
	ev.ret = ret;
	emit(&ev.ent, sizeof(ev));
}

static void *const probe_fns[P_NR] = {
	(void *)probe_switch,
	(void *)probe_wakeup,
	(void *)probe_irq_entry,
	(void *)probe_irq_exit,
};

static struct tracepoint *probe_tps[P_NR];
static unsigned int probe_mask;

unsigned int pmt_probes_mask(void)
{
	return probe_mask;
}

int pmt_probes_parse(const char *events, unsigned int *mask)
{
	const char *p = events ? events : "";

	*mask = 0;
	while (*p) {
		const char *end = strchrnul(p, ',');
		size_t n = end - p;
		unsigned int i;

		for (i = 0; i < P_NR; i++)
			if (strlen(probe_names[i]) == n && !strncmp(p, probe_names[i], n))
				break;
		if (n && i == P_NR) {
			pr_err(PMT_NAME ": events=: unknown event '%.*s' (known: sched_switch, "
					"sched_wakeup, irq_handler_entry, irq_handler_exit)\n",
			       (int)n, p);
			return -EINVAL;
		}
		if (n)
			*mask |= 1u << i;
		p = *end ? end + 1 : end;
	}
	return 0;
}

static void find_tp(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < P_NR; i++)
		if (!probe_tps[i] && !strcmp(tp->name, probe_names[i]))
			probe_tps[i] = tp;
}

void pmt_probes_stop(void)
{
	unsigned int i;

	for (i = 0; i < P_NR; i++)
		if (probe_mask & (1u << i))
			tracepoint_probe_unregister(probe_tps[i], probe_fns[i], NULL);
	probe_mask = 0;
	/* no probe runs any more once this returns */
	tracepoint_synchronize_unregister();
}

int pmt_probes_start(unsigned int mask)
{
	unsigned int i;
	int ret;

	for_each_kernel_tracepoint(find_tp, NULL);
	for (i = 0; i < P_NR; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (!probe_tps[i]) {
			pr_err(PMT_NAME ": tracepoint %s not found\n", probe_names[i]);
			pmt_probes_stop();
			return -ENOENT;
		}
		ret = tracepoint_probe_register(probe_tps[i], probe_fns[i], NULL);
		if (ret) {
			pr_err(PMT_NAME ": cannot attach to %s: %d\n", probe_names[i], ret);
			pmt_probes_stop();
			return ret;
		}
		probe_mask |= 1u << i;
	}
#ifdef PMT_TP_PREEMPTIBLE
	pr_info(PMT_NAME ": probes attached (tracepoints call them preemptible, under SRCU)\n");
#else
	pr_info(PMT_NAME ": probes attached (tracepoints call them with preemption disabled)\n");
#endif
	return 0;
}

bool pmt_write_marker(const char *text, size_t len)
{
	struct pmt_entry e;
	struct {
		uint32_t loc;
		char text[PMT_MARKER_MAX + 1];
	} * f;
	bool ok;

	if (len > PMT_MARKER_MAX)
		len = PMT_MARKER_MAX;
	f = kmalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return false;
	memcpy(f->text, text, len);
	f->text[len] = '\0';
	f->loc = (uint32_t)(len + 1) << 16 | sizeof(struct pmt_ev_marker);
	/* the context before we disable preemption ourselves */
	pmt_entry_ctx(&e, PMT_EV_MARKER, false);
	preempt_disable_notrace();
	record_comm(current);
	ok = pmt_rb_write_entry(pmt_cur.rb, PMT_RB_THIS_CPU, &e, f, 4 + (uint32_t)len + 1);
	preempt_enable_notrace();
	kfree(f);
	return ok;
}
