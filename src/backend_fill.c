/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_fill.c - a BPF record (bpf/vmon_task.h) into the PROC_STAT,
 * PROC_VM and PROC_IO stores, computed as the kernel computes what it
 * prints in /proc/PID/stat (fs/proc/array.c, do_task_stat() for a whole
 * process), statm (task_statm()) and io (do_io_accounting()), so a
 * caller sees the same numbers from either backend
 * (docs/design/backend.md lists the fields and how each is had).
 *
 * Pure: a record and the store's previous values in, the store out with
 * its changed bits set where a value differs.
 */
#include <errno.h>
#include <string.h>

#include <linux/types.h>

#include "internal.h"
#include "vmon_task.h"

/* task->__state and ->exit_state bits (include/linux/sched.h) */
#define TASK_REPORT		0x7fu	/* S D T t X Z P */
#define TASK_IDLE_BITS		0x402u	/* TASK_UNINTERRUPTIBLE | TASK_NOLOAD */
#define TASK_REPORT_IDLE	0x80u
#define TASK_RTLOCK_WAIT	0x1000u
#define TASK_FROZEN		0x8000u
#define TASK_UNINTERRUPTIBLE	0x2u
#define MAX_RT_PRIO		100
#define NICE_0_PRIO		120

/* get_task_state(): "RSDTtXZPI"[task_state_index()] */
static char task_state(const struct vmon_bpf_task *r)
{
	static const char letters[] = "RSDTtXZPI";
	unsigned state = (r->state | r->exit_state) & TASK_REPORT, i = 0;

	if ((r->state & TASK_IDLE_BITS) == TASK_IDLE_BITS)
		state = TASK_REPORT_IDLE;
	if (r->state & (TASK_RTLOCK_WAIT | TASK_FROZEN))
		state = TASK_UNINTERRUPTIBLE;
	while (state) {		/* fls() */
		i++;
		state >>= 1;
	}
	return i < sizeof(letters) - 1 ? letters[i] : '?';
}

/*
 * cputime_adjust(): the thread group's tick-sampled utime and stime scaled
 * to its precise runtime, neither ever going back from what was shown
 * before.  The kernel keeps "what was shown" in signal->prev_cputime and
 * updates it when /proc is read; this backend reads it without writing,
 * so the floor is whichever of the kernel's and this node's last figures
 * is the later (the larger total): the numbers /proc would have given had
 * it been read at each of our samples as well as whenever it was.
 */
static void cputime_adjust(const struct vmon_bpf_task *r, unsigned long long prev[2],
			   unsigned long long *ut, unsigned long long *st)
{
	unsigned long long pu = r->prev_utime, ps = r->prev_stime;
	unsigned long long rtime = r->sum_exec_runtime, utime = r->utime, stime = r->stime;

	/* the sums in 128 bits: the kernel's cannot wrap, a made-up record's
	 * could, and the floor would then move back and forth */
	if ((unsigned __int128)prev[0] + prev[1] > (unsigned __int128)pu + ps) {
		pu = prev[0];
		ps = prev[1];
	}
	if ((unsigned __int128)pu + ps >= rtime) {
		*ut = pu;
		*st = ps;
		goto out;
	}
	if (stime == 0) {
		utime = rtime;
	} else if (utime == 0) {
		stime = rtime;
	} else {
		/* mul_u64_u64_div_u64(), exact on x86-64 */
		stime = (unsigned long long)((unsigned __int128)stime * rtime /
					     ((unsigned __int128)stime + utime));
		if (stime > rtime)
			stime = rtime;
	}
	if (stime < ps)
		stime = ps;
	utime = rtime - stime;
	if (utime < pu) {
		utime = pu;
		stime = rtime - utime;
	}
	*ut = utime;
	*st = stime;
out:
	prev[0] = *ut;
	prev[1] = *st;
}

static unsigned long long positive(long long v)
{
	return v > 0 ? (unsigned long long)v : 0;
}

#define SET_ULL(_sym, _v) vmon__field_set_ull(&info->fields[VMON_PROC_STAT_ ## _sym], st, \
					      st->changed, st->unavailable, (_v))
#define SET_LL(_sym, _v) vmon__field_set_ll(&info->fields[VMON_PROC_STAT_ ## _sym], st, \
					    st->changed, st->unavailable, (_v))

int vmon__bpf_fill_stat(const vmon_t *vmon, vmon_proc_stat_t *st,
			const struct vmon_bpf_task *r, unsigned long long cpu_prev[2])
{
	const vmon_store_info_t *info = &vmon__proc_stat_info;
	bool sighand = r->flags & VMON_BPF_HAS_SIGHAND, mm = r->flags & VMON_BPF_HAS_MM;
	bool tty = sighand && (r->flags & VMON_BPF_HAS_TTY);
	unsigned long long ut, stm;
	int nr_threads = sighand ? r->nr_threads : 0;

	if (vmon__chars_setz(&st->comm, r->comm, strnlen(r->comm, sizeof(r->comm)),
			     st->changed, VMON_PROC_STAT_COMM) < 0)
		return -ENOMEM;
	BITCLEAR(st->unavailable, VMON_PROC_STAT_COMM);
	cputime_adjust(r, cpu_prev, &ut, &stm);
	SET_LL(PID, r->pid);
	SET_LL(STATE, task_state(r));
	SET_LL(PPID, sighand ? r->ppid : 0);
	SET_LL(PGID, sighand ? r->pgid : -1);
	SET_LL(SID, sighand ? r->sid : -1);
	SET_LL(TTY_NR, tty ? r->tty_nr : 0);
	SET_LL(TPGID, tty ? r->tty_pgrp : -1);
	SET_ULL(FLAGS, r->task_flags);
	SET_ULL(MINFLT, r->min_flt);
	SET_ULL(CMINFLT, r->cmin_flt);
	SET_ULL(MAJFLT, r->maj_flt);
	SET_ULL(CMAJFLT, r->cmaj_flt);
	SET_ULL(UTIME, vmon__ticks_of_ns(vmon, ut));
	SET_ULL(STIME, vmon__ticks_of_ns(vmon, stm));
	SET_LL(CUTIME, (long long)vmon__ticks_of_ns(vmon, r->cutime));
	SET_LL(CSTIME, (long long)vmon__ticks_of_ns(vmon, r->cstime));
	SET_LL(PRIORITY, (long long)r->prio - MAX_RT_PRIO);
	SET_LL(NICE, (long long)r->static_prio - NICE_0_PRIO);
	SET_LL(NUM_THREADS, nr_threads);
	SET_ULL(START, vmon__bpf_start(vmon, r));
	SET_ULL(VSIZE, mm ? r->total_vm * (unsigned long long)vmon->internal->page_size : 0);
	SET_ULL(RSS, mm ? positive(r->rss_approx[0]) + positive(r->rss_approx[1]) +
			  positive(r->rss_approx[2]) : 0);
	SET_ULL(RSSLIM, sighand ? r->rsslim : 0);
	SET_ULL(STARTCODE, mm ? r->start_code : 0);
	SET_ULL(ENDCODE, mm ? r->end_code : 0);
	SET_ULL(STARTSTACK, mm ? r->start_stack : 0);
	/* "sleeping in the kernel", shown for a single-threaded process */
	SET_ULL(WCHAN_ADDR, nr_threads < 2 && r->state != 0);
	SET_LL(PROCESSOR, r->cpu);
	SET_ULL(DELAY_BLKIO, vmon__ticks_of_ns(vmon, r->blkio_delay));
	SET_ULL(GUEST_TIME, vmon__ticks_of_ns(vmon, r->gtime));
	SET_LL(CGUEST_TIME, (long long)vmon__ticks_of_ns(vmon, r->cgtime));
	return 0;
}

#define SET_VM(_sym, _v) vmon__field_set_ull(&vmon__proc_vm_info.fields[VMON_PROC_VM_ ## _sym], \
					     vm, vm->changed, vm->unavailable, (_v))

void vmon__bpf_fill_vm(const vmon_t *vmon, vmon_proc_vm_t *vm, const struct vmon_bpf_task *r)
{
	bool mm = r->flags & VMON_BPF_HAS_MM;
	unsigned long long page = (unsigned long long)vmon->internal->page_size, shared, text = 0;

	/* task_statm(): the exact sums of the per-CPU counters */
	shared = positive(r->rss_sum[0]) + positive(r->rss_sum[2]);
	if (mm && page)
		text = (((r->end_code + page - 1) & ~(page - 1)) - (r->start_code & ~(page - 1))) /
		       page;
	memset(vm->changed, 0, sizeof(vm->changed));
	SET_VM(SIZE_PAGES, mm ? r->total_vm : 0);
	SET_VM(RESIDENT_PAGES, mm ? shared + positive(r->rss_sum[1]) : 0);
	SET_VM(SHARED_PAGES, mm ? shared : 0);
	SET_VM(TEXT_PAGES, text);
	SET_VM(DATA_PAGES, mm ? r->data_vm + r->stack_vm : 0);
}

void vmon__bpf_fill_io(const vmon_t *vmon, vmon_proc_io_t *io, const struct vmon_bpf_task *r)
{
	static const int syms[7] = {
		VMON_PROC_IO_RCHAR, VMON_PROC_IO_WCHAR, VMON_PROC_IO_SYSCR, VMON_PROC_IO_SYSCW,
		VMON_PROC_IO_READBYTES, VMON_PROC_IO_WRITEBYTES,
		VMON_PROC_IO_CANCELLED_WRITEBYTES,
	};

	(void)vmon;
	memset(io->changed, 0, sizeof(io->changed));
	for (int i = 0; i < 7; i++)
		vmon__field_set_ull(&vmon__proc_io_info.fields[syms[i]], io, io->changed,
				    io->unavailable, r->io[i]);
}
