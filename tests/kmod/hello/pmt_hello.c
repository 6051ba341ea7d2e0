// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmt_hello: the smallest out-of-tree module, used to prove that
 * vmcores/kmod-build.sh builds loadable modules for every corpus kernel.
 * On load it prints one line naming the kernel it was built for and the
 * compiler that built it; the guest test (tests/kmod/load-test.sh) looks for
 * exactly that line.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <generated/utsrelease.h>

static int __init pmt_hello_init(void)
{
	pr_info("pmt_hello: loaded on " UTS_RELEASE ", built by gcc " __VERSION__ "\n");
	return 0;
}

static void __exit pmt_hello_exit(void)
{
	pr_info("pmt_hello: unloaded\n");
}

module_init(pmt_hello_init);
module_exit(pmt_hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pmtrace: module build test");
