/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sampler_sys.c - the system figures of sampler_sys.h. */
#include "sampler_sys.h"

static void pressure(const vmon_t *v, vmon_sys_store_t store, vmon_sys_wants_t want,
		     struct snap_pressure *out)
{
	const vmon_sys_pressure_t *p = v->stores[store];
	const vmon_store_info_t *si = vmon_sys_store_info(store);

	/* no PSI in this kernel (or it is off): the store's fields are
	 * unavailable, and the figures are left out rather than shown as 0 */
	if (!p || ((v->unavailable & want) &&
		   vmon_field_unavailable(si, p, VMON_SYS_PRESSURE_SOME_TOTAL) > 0))
		return;
	out->have = true;
	out->some_us = p->some_total_us;
	out->have_full = vmon_field_unavailable(si, p, VMON_SYS_PRESSURE_FULL_TOTAL) <= 0;
	out->full_us = p->full_total_us;
}

void sys_figures(const vmon_t *v, struct snap_system *out)
{
	const vmon_sys_stat_t *st = v->stores[VMON_STORE_SYS_STAT];
	const vmon_sys_vm_t *vm = v->stores[VMON_STORE_SYS_VM];
	const vmon_sys_loadavg_t *la = v->stores[VMON_STORE_SYS_LOADAVG];
	unsigned long long hz = (unsigned long long)v->ticks_per_sec;

	if (st) {
		const unsigned long long ticks[8] = { st->user, st->nice, st->system, st->idle,
						      st->iowait, st->irq, st->softirq, st->steal };

		out->have_cpu = true;
		for (int i = 0; i < 8; i++)
			out->cpu_us[i] = ticks[i] * 1000000ULL / hz;
		out->boot_time = st->boot_time;
		out->forks = st->forks;
		out->ctxt = st->ctxt;
		out->running = st->n_runnable;
		out->blocked = st->n_blocked;
	}
	if (vm) {
		out->have_mem = true;
		out->mem_kb[0] = vm->total_kb;
		out->mem_kb[1] = vm->free_kb;
		out->mem_kb[2] = vm->available_kb;
		out->mem_kb[3] = vm->buffers_kb;
		out->mem_kb[4] = vm->cached_kb;
		out->mem_kb[5] = vm->swap_total_kb;
		out->mem_kb[6] = vm->swap_free_kb;
	}
	if (la) {
		out->have_load = true;
		out->load_x100[0] = la->load1_x100;
		out->load_x100[1] = la->load5_x100;
		out->load_x100[2] = la->load15_x100;
	}
	pressure(v, VMON_STORE_SYS_PRESSURE_CPU, VMON_WANT_SYS_PRESSURE_CPU, &out->psi[0]);
	pressure(v, VMON_STORE_SYS_PRESSURE_MEMORY, VMON_WANT_SYS_PRESSURE_MEMORY, &out->psi[1]);
	pressure(v, VMON_STORE_SYS_PRESSURE_IO, VMON_WANT_SYS_PRESSURE_IO, &out->psi[2]);
}
