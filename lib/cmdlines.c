// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Saved cmdlines (see cmdlines.h). The kernel keeps
 *
 *	map_pid_to_cmdline[PID_MAX_DEFAULT + 1]  pid (masked) -> slot
 *	map_cmdline_to_pid[cmdline_num]          slot -> full pid
 *	saved_cmdlines[cmdline_num * TASK_COMM_LEN]
 *
 * `saved_cmdlines` is a pointer up to 6.7 and a flexible array at the end of
 * the struct since; the member's kind tells which. The table sizes come from
 * the array bounds in the debuginfo, so PID_MAX_DEFAULT and TASK_COMM_LEN
 * are never assumed.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmdlines.h"

#define NO_CMDLINE_MAP	 UINT32_MAX
#define MAX_CMDLINE_NUM	 (1u << 20)

struct cmdlines {
	uint32_t pid_max;  /* PID_MAX_DEFAULT: map_pid_to_cmdline has pid_max + 1 entries */
	uint32_t *pid_to_slot;
	uint32_t num;	   /* cmdline_num */
	uint32_t *slot_to_pid;
	uint32_t comm_len; /* TASK_COMM_LEN */
	char *comms;	   /* num * comm_len, each NUL-terminated by us */
};

void cmdlines_free(struct cmdlines *c)
{
	if (!c)
		return;
	free(c->pid_to_slot);
	free(c->slot_to_pid);
	free(c->comms);
	free(c);
}

struct pmt_err *cmdlines_load(struct pmt_target *t, const struct ftrace_layout *L,
			      struct cmdlines **out)
{
	uint64_t sc, comms_addr;
	struct cmdlines *c;
	struct pmt_err *err;
	uint8_t *raw = NULL;
	uint64_t v;

	*out = NULL;
	if (!L->sym_savedcmd.ok || !L->sc_map_pid_to_cmdline.ok || !L->sc_map_cmdline_to_pid.ok ||
	    !L->sc_cmdline_num.ok || !L->sc_saved_cmdlines.ok)
		return pmt_err_new(PMT_ERR_ABSENT, "kernel has no savedcmd we understand");
	if (L->sc_map_pid_to_cmdline.m.kind != PMT_KIND_ARRAY ||
	    L->sc_map_pid_to_cmdline.m.array_len < 2 || L->sc_map_pid_to_cmdline.m.elem_size != 4)
		return pmt_err_new(PMT_ERR_UNSUPPORTED, "map_pid_to_cmdline is not a u32 array");
	err = pmt_read_ulong(t, L->sym_savedcmd.addr, &sc);
	if (err)
		return pmt_err_prefix(err, "savedcmd");
	if (!sc)
		return pmt_err_new(PMT_ERR_ABSENT, "savedcmd is NULL (no task was ever traced)");
	c = calloc(1, sizeof(*c));
	if (!c)
		return &pmt_err_nomem;
	c->pid_max = (uint32_t)L->sc_map_pid_to_cmdline.m.array_len - 1;
	c->comm_len = L->task_comm.ok && L->task_comm.m.array_len ? (uint32_t)L->task_comm.m.array_len
								  : 16;
	err = pmt_read_uint(t, sc + L->sc_cmdline_num.m.offset, (size_t)L->sc_cmdline_num.m.size,
			    &v);
	if (err)
		goto fail;
	if (v == 0 || v > MAX_CMDLINE_NUM) {
		err = pmt_err_addr(PMT_ERR_CORRUPT, sc, "implausible cmdline_num %" PRIu64, v);
		goto fail;
	}
	c->num = (uint32_t)v;
	c->pid_to_slot = malloc(((size_t)c->pid_max + 1) * 4);
	c->slot_to_pid = malloc((size_t)c->num * 4);
	c->comms = malloc((size_t)c->num * c->comm_len);
	raw = malloc(((size_t)c->pid_max + 1 > c->num ? (size_t)c->pid_max + 1 : c->num) * 4);
	if (!c->pid_to_slot || !c->slot_to_pid || !c->comms || !raw) {
		err = &pmt_err_nomem;
		goto fail;
	}
	err = pmt_read(t, sc + L->sc_map_pid_to_cmdline.m.offset, raw,
		       ((size_t)c->pid_max + 1) * 4);
	if (err)
		goto fail;
	for (uint32_t i = 0; i <= c->pid_max; i++)
		c->pid_to_slot[i] = pmt_get_u32(t, raw + 4 * (size_t)i);
	err = pmt_read_ulong(t, sc + L->sc_map_cmdline_to_pid.m.offset, &v);
	if (!err)
		err = pmt_read(t, v, raw, (size_t)c->num * 4);
	if (err)
		goto fail;
	for (uint32_t i = 0; i < c->num; i++)
		c->slot_to_pid[i] = pmt_get_u32(t, raw + 4 * (size_t)i);
	if (L->sc_saved_cmdlines.m.kind == PMT_KIND_ARRAY) {
		comms_addr = sc + L->sc_saved_cmdlines.m.offset;
	} else {
		err = pmt_read_ulong(t, sc + L->sc_saved_cmdlines.m.offset, &comms_addr);
		if (err)
			goto fail;
	}
	err = pmt_read(t, comms_addr, c->comms, (size_t)c->num * c->comm_len);
	if (err)
		goto fail;
	for (uint32_t i = 0; i < c->num; i++)
		c->comms[(size_t)i * c->comm_len + c->comm_len - 1] = '\0';
	free(raw);
	*out = c;
	return NULL;
fail:
	free(raw);
	cmdlines_free(c);
	return pmt_err_prefix(err, "savedcmd");
}

const char *cmdlines_find(const struct cmdlines *c, int pid)
{
	uint32_t slot;

	if (pid == 0)
		return "<idle>";
	if (pid < 0)
		return "<XXX>";
	if (!c)
		return "<...>";
	/* PID_MAX_DEFAULT is a power of two; the kernel masks with it - 1 */
	slot = c->pid_to_slot[(uint32_t)pid & (c->pid_max - 1)];
	if (slot == NO_CMDLINE_MAP || slot >= c->num || c->slot_to_pid[slot] != (uint32_t)pid)
		return "<...>";
	return c->comms + (size_t)slot * c->comm_len;
}

void cmdlines_write(const struct cmdlines *c, FILE *out)
{
	if (!c)
		return;
	for (uint32_t i = 0; i < c->num; i++) {
		uint32_t pid = c->slot_to_pid[i];

		if (pid == NO_CMDLINE_MAP || pid == 0)
			continue;
		fprintf(out, "%u %s\n", pid, cmdlines_find(c, (int)pid));
	}
}
