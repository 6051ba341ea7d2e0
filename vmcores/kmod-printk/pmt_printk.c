// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmt_printk: trace_printk() from a module, for the vocab corpus scenario.
 *
 * A module's trace_printk() formats live in the module (its
 * __trace_printk_fmt section): the bprint entries point into module memory,
 * and their ip is a module symbol. Writing a round number to
 * /sys/module/pmt_printk/parameters/round prints one round from the writer's
 * CPU: bprint entries with integer, string, char, width/precision, '*' and
 * pointer conversions (hashed %p, %px, %pS/%ps of a kernel and a module
 * function, %pK, and %pI4 rendered at record time), a bputs (constant
 * string), and a print entry (non-constant format), from a module function
 * and from a function the module calls.
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/string.h>

static char pmt_name[] = "pmt-printk";

static noinline void pmt_printk_leaf(int round)
{
	char fmt[32];

	/* a format that is not a constant: trace_printk() records a print entry */
	snprintf(fmt, sizeof(fmt), "pmt_printk dyn %%d %s\n", pmt_name);
	trace_printk(fmt, round);
}

static noinline void pmt_printk_round(int round)
{
	static const unsigned char ip4[4] = { 192, 168, 7, 42 };
	long neg = -1234567890123L;
	void *p = (void *)&pmt_name;

	trace_printk("pmt_printk round %d u=%u x=%x X=%#X o=%#o lx=%lx lld=%lld\n", round,
		     (unsigned int)round * 3, 0xbeef, 0xcafe, 8, 0xffffffffUL, (long long)neg);
	/* the chars last: libtraceevent 1.7 (trace-cmd 3.1.6) unpacks a char
	 * argument as an int, so a '*' width after one would be read from the
	 * wrong place (a width of 10^9 spaces: report hangs printing it) */
	trace_printk("pmt_printk s=%s|%-8s|%8s|%.3s| w=%*d| p=%*.*s| c=%c|%5c|\n", pmt_name,
		     "left", "right", "truncate", 6, round, 7, 2, "abcdef", 'Z', 'y');
	trace_printk("pmt_printk h=%hd hh=%hhu zu=%zu ld=%ld %% %5.2d|%-5d|%+d|% d\n",
		     (short)-3, (unsigned char)250, sizeof(pmt_name), -42L, 7, 3, 4, 5);
	trace_printk("pmt_printk ptr=%p px=%px pK=%pK S=%pS s=%ps ms=%ps I4=%pI4\n", p, p, p,
		     (void *)pmt_printk_round + 4, (void *)snprintf, (void *)pmt_printk_leaf,
		     ip4);
	trace_printk("pmt_printk const\n");
	trace_puts("pmt_printk puts\n");
	pmt_printk_leaf(round);
}

static int pmt_printk_set_round(const char *val, const struct kernel_param *kp)
{
	int round, err = kstrtoint(val, 0, &round);

	if (err)
		return err;
	pmt_printk_round(round);
	return 0;
}

static const struct kernel_param_ops round_ops = {
	.set = pmt_printk_set_round,
};
module_param_cb(round, &round_ops, NULL, 0200);
MODULE_PARM_DESC(round, "write N: one round of trace_printk() from this CPU");

static int __init pmt_printk_init(void)
{
	pmt_printk_round(-1);
	return 0;
}

static void __exit pmt_printk_exit(void)
{
}

module_init(pmt_printk_init);
module_exit(pmt_printk_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pmtrace: trace_printk() formats from a module");
