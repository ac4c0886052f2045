// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vmon_task.bpf.c - the BPF task iterator of libvmon's BPF backend
 * (docs/design/backend.md): one read() of the iterator's link walks every
 * task, and for each thread-group leader writes one struct vmon_bpf_task
 * (bpf/vmon_task.h) of raw kernel state: what /proc/PID/stat, statm and io
 * are computed from, taken the way fs/proc computes them, so the library
 * turns the record into the same numbers without the kernel formatting
 * text and the library parsing it.
 *
 * Built with clang -target bpf against the running kernel's BTF (CO-RE):
 * the offsets are relocated by libbpf when it loads.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "vmon_task.h"
#include "vmon_ioac.h"

char LICENSE[] SEC("license") = "GPL";	/* bpf_seq_write() and the iterator need it */

#define PF_WQ_WORKER 0x00000020
#define PF_KTHREAD 0x00200000
#define RLIMIT_RSS 5
#define MM_FILEPAGES 0
#define MM_ANONPAGES 1
#define MM_SHMEMPAGES 3
#define MAX_THREADS (1 << 22)

/* what the reader sees, taken on the first task of each read: its pid
 * namespace and that namespace's level, its time namespace's boot time
 * offset (ns), and the per-CPU offsets of the nr_cpus possible CPUs */
static struct pid_namespace *reader_ns;
static __u32 reader_level;
static __s64 boottime_off;
static __u32 nr_cpus;
static __u64 cpu_off[VMON_BPF_MAX_CPUS];

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vmon_bpf_task);
} scratch SEC(".maps");

/* A caller following a tree rather than every process (no PROC_ALL)
 * sets filter_on and puts the pids it follows in want: the others are
 * skipped before anything of theirs is read. */
__u32 filter_on;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, VMON_BPF_MAX_WANTED);
	__type(key, __s32);
	__type(value, __u8);
} want SEC(".maps");

/* A per-CPU array whose element's address, raw (the __percpu pointer the
 * map keeps) and resolved for a CPU (bpf_map_lookup_percpu_elem()), differ
 * by that CPU's per-CPU offset: the offsets are not otherwise reachable
 * where the kernel's symbols are not all in kallsyms. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} cpu_probe SEC(".maps");

/* pid_nr_ns(): the number of pid in the reader's namespace, or 0 */
static __s32 pid_nr(struct pid *pid)
{
	struct upid upid;
	unsigned int level;

	if (!pid)
		return 0;
	level = pid->level;
	if (reader_level > level)
		return 0;
	if (bpf_core_read(&upid, sizeof(upid), &pid->numbers[reader_level & 63]))
		return 0;
	return upid.ns == reader_ns ? upid.nr : 0;
}

/* cpu as an index the verifier sees bounded (the compiler would drop a
 * mask it can prove redundant, and index with an unchecked copy) */
static __u32 cpu_index(__u32 cpu)
{
	asm volatile("" : "+r"(cpu));
	return cpu & (VMON_BPF_MAX_CPUS - 1);
}

/* (the loops over CPUs are bpf_loop()s: a bounded loop of 1024 would be
 * walked by the verifier, CPU by CPU, at every load) */
static __u64 cpu_raw;

static long cpu_offset_step(__u32 cpu, void *arg)
{
	__u32 zero = 0;
	void *p = bpf_map_lookup_percpu_elem(&cpu_probe, &zero, cpu);
	__u64 at = 0;

	(void)arg;
	if (!p || cpu >= VMON_BPF_MAX_CPUS)
		return 1;	/* cpu >= nr_cpu_ids */
	bpf_probe_read_kernel(&at, sizeof(at), &p);
	cpu_off[cpu_index(cpu)] = at - cpu_raw;
	nr_cpus = cpu + 1;
	return 0;
}

static void reader_setup(void)
{
	struct task_struct *me = bpf_get_current_task_btf();
	struct pid *pid = BPF_CORE_READ(me, thread_pid);
	struct upid upid = {};
	unsigned int level = BPF_CORE_READ(pid, level);

	bpf_core_read(&upid, sizeof(upid), &pid->numbers[level & 63]);
	reader_ns = upid.ns;
	reader_level = level;
	boottime_off = 0;
	if (bpf_core_field_exists(me->nsproxy->time_ns)) {
		struct time_namespace *tns = BPF_CORE_READ(me, nsproxy, time_ns);

		/* timens_add_boottime_ns(); init_time_ns's offsets are 0 */
		boottime_off = BPF_CORE_READ(tns, offsets.boottime.tv_sec) * 1000000000LL +
			       BPF_CORE_READ(tns, offsets.boottime.tv_nsec);
	}
	void *map = &cpu_probe;
	__u64 map_at = 0, raw = 0;

	/* the map's address as a number (read back from the stack: the
	 * verifier allows no arithmetic on a map pointer), then its pptrs[0] */
	bpf_probe_read_kernel(&map_at, sizeof(map_at), &map);
	bpf_probe_read_kernel(&raw, sizeof(raw),
			      (void *)(map_at + bpf_core_field_offset(struct bpf_array, pptrs)));

	cpu_raw = raw;
	nr_cpus = 0;
	bpf_loop(VMON_BPF_MAX_CPUS, cpu_offset_step, NULL, 0);
}

/* percpu_counter_sum(): the count plus every CPU's delta (a CPU that went
 * offline had its delta folded into the count and zeroed) */
struct counter_walk {
	__u64 counters;	/* the __percpu pointer, as a number */
	__s64 sum;
};

static long counter_step(__u32 cpu, void *arg)
{
	struct counter_walk *c = arg;
	__s32 v = 0;

	if (cpu >= nr_cpus || cpu >= VMON_BPF_MAX_CPUS)
		return 1;
	bpf_probe_read_kernel(&v, sizeof(v), (void *)(c->counters + cpu_off[cpu_index(cpu)]));
	c->sum += v;
	return 0;
}

static __s64 counter_sum(struct percpu_counter *fbc)
{
	struct counter_walk c = { (__u64)BPF_CORE_READ(fbc, counters), BPF_CORE_READ(fbc, count) };

	bpf_loop(VMON_BPF_MAX_CPUS, counter_step, &c, 0);
	return c.sum;
}

struct thread_walk {
	struct vmon_bpf_task *r;
	__u64 head;	/* &signal->thread_head */
	__u64 node;	/* the thread_node being visited */
	__u64 node_off;	/* offsetof(struct task_struct, thread_node) */
};

static void add_thread(struct vmon_bpf_task *r, struct task_struct *t)
{
	struct task_io_accounting ioac = {};

	r->utime += BPF_CORE_READ(t, utime);
	r->stime += BPF_CORE_READ(t, stime);
	r->sum_exec_runtime += BPF_CORE_READ(t, se.sum_exec_runtime);
	r->gtime += BPF_CORE_READ(t, gtime);
	r->min_flt += BPF_CORE_READ(t, min_flt);
	r->maj_flt += BPF_CORE_READ(t, maj_flt);
	bpf_core_read(&ioac, sizeof(ioac), &t->ioac);
	r->io[0] += ioac.rchar;
	r->io[1] += ioac.wchar;
	r->io[2] += ioac.syscr;
	r->io[3] += ioac.syscw;
	r->io[4] += ioac.read_bytes;
	r->io[5] += ioac.write_bytes;
	r->io[6] += ioac.cancelled_write_bytes;
}

/* one step of __for_each_thread(signal, t) */
static long thread_step(__u32 i, void *arg)
{
	struct thread_walk *w = arg;
	struct list_head *node = (struct list_head *)w->node;

	(void)i;
	if (!w->node || w->node == w->head)
		return 1;
	add_thread(w->r, (struct task_struct *)(w->node - w->node_off));
	w->node = (__u64)BPF_CORE_READ(node, next);
	return 0;
}

/* The fields below are read by direct loads through the task's BTF
 * pointers (the verifier turns a fault into a zero, as a probe read
 * would), much cheaper than a helper call each; addresses computed as
 * numbers (a container_of(), a per-CPU address, a flexible array's
 * element) go through bpf_probe_read_kernel(). */

/* the task's own share, for a process whose only thread it is */
static void add_self(struct vmon_bpf_task *r, struct task_struct *t)
{
	r->utime += t->utime;
	r->stime += t->stime;
	r->sum_exec_runtime += t->se.sum_exec_runtime;
	r->gtime += t->gtime;
	r->min_flt += t->min_flt;
	r->maj_flt += t->maj_flt;
	r->io[0] += t->ioac.rchar;
	r->io[1] += t->ioac.wchar;
	r->io[2] += t->ioac.syscr;
	r->io[3] += t->ioac.syscw;
	r->io[4] += t->ioac.read_bytes;
	r->io[5] += t->ioac.write_bytes;
	r->io[6] += t->ioac.cancelled_write_bytes;
}

static void fill_mm(struct vmon_bpf_task *r, struct mm_struct *mm)
{
	r->flags |= VMON_BPF_HAS_MM;
	r->total_vm = mm->total_vm;
	r->data_vm = mm->data_vm;
	r->stack_vm = mm->stack_vm;
	r->start_code = mm->start_code;
	r->end_code = mm->end_code;
	r->start_stack = mm->start_stack;
	r->rss_approx[0] = mm->rss_stat[MM_FILEPAGES].count;
	r->rss_approx[1] = mm->rss_stat[MM_ANONPAGES].count;
	r->rss_approx[2] = mm->rss_stat[MM_SHMEMPAGES].count;
	r->rss_sum[0] = counter_sum(&mm->rss_stat[MM_FILEPAGES]);
	r->rss_sum[1] = counter_sum(&mm->rss_stat[MM_ANONPAGES]);
	r->rss_sum[2] = counter_sum(&mm->rss_stat[MM_SHMEMPAGES]);
}

/* what do_task_stat() takes under lock_task_sighand() */
static void fill_sighand(struct vmon_bpf_task *r, struct task_struct *task,
			 struct signal_struct *sig)
{
	struct tty_struct *tty = sig->tty;

	r->flags |= VMON_BPF_HAS_SIGHAND;
	if (tty) {
		struct tty_driver *drv = tty->driver;
		__u32 major = drv->major;
		__u32 minor = drv->minor_start + tty->index;

		r->flags |= VMON_BPF_HAS_TTY;
		/* new_encode_dev(MKDEV(major, minor)) */
		r->tty_nr = (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
		r->tty_pgrp = pid_nr(tty->ctrl.pgrp);
	}
	r->nr_threads = sig->nr_threads;
	r->rsslim = sig->rlim[RLIMIT_RSS].rlim_cur;
	r->sid = pid_nr(sig->pids[PIDTYPE_SID]);
	r->pgid = pid_nr(sig->pids[PIDTYPE_PGID]);
	r->ppid = pid_nr(task->real_parent->signal->pids[PIDTYPE_TGID]);
}

/* to_kthread(task)->full_name: set when the name did not fit in comm */
static bool kthread_full_name(struct task_struct *task)
{
	struct kthread *k = (struct kthread *)BPF_CORE_READ(task, worker_private);

	return k && BPF_CORE_READ(k, full_name);
}

SEC("iter/task")
int vmon_task(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct signal_struct *sig;
	struct task_delay_info *delays;
	struct vmon_bpf_task *r;
	struct mm_struct *mm;
	struct thread_walk w;
	struct list_head *first;
	__u32 zero = 0, flags;
	__s32 pid;

	if (!task)
		return 0;
	if (ctx->meta->seq_num == 0)
		reader_setup();
	/* thread-group leaders only, as /proc lists them */
	if (task->pid != task->tgid)
		return 0;
	pid = pid_nr(task->thread_pid);
	if (!pid)
		return 0;	/* not in the reader's namespace */
	if (filter_on && !bpf_map_lookup_elem(&want, &pid))
		return 0;
	r = bpf_map_lookup_elem(&scratch, &zero);
	if (!r)
		return 0;
	__builtin_memset(r, 0, sizeof(*r));
	r->pid = pid;
	flags = task->flags;
	r->task_flags = flags;
	r->state = task->__state;
	r->exit_state = task->exit_state;
	r->prio = task->prio;
	r->static_prio = task->static_prio;
	r->cpu = task->thread_info.cpu;
	r->start_boottime = task->start_boottime + boottime_off;
	bpf_core_read(r->comm, sizeof(r->comm), &task->comm);
	if (flags & PF_KTHREAD) {
		r->flags |= VMON_BPF_KTHREAD;
		/* /proc names a workqueue worker after its pool and work, and
		 * a kernel thread by its full name when comm cut it short
		 * (proc_task_name()): its stat comes from there */
		if ((flags & PF_WQ_WORKER) || kthread_full_name(task))
			r->flags |= VMON_BPF_PROC_COMM;
	}
	sig = task->signal;
	if (task->sighand)
		fill_sighand(r, task, sig);
	/* a kernel thread borrowing a process's memory has none of its own
	 * (get_task_mm()) */
	mm = (flags & PF_KTHREAD) ? NULL : task->mm;
	if (mm)
		fill_mm(r, mm);
	delays = task->delays;
	if (delays)
		r->blkio_delay = delays->blkio_delay;
	r->cutime = sig->cutime;
	r->cstime = sig->cstime;
	r->cgtime = sig->cgtime;
	r->cmin_flt = sig->cmin_flt;
	r->cmaj_flt = sig->cmaj_flt;
	r->prev_utime = sig->prev_cputime.utime;
	r->prev_stime = sig->prev_cputime.stime;
	/* the dead threads' share, then every thread on the list */
	r->utime = sig->utime;
	r->stime = sig->stime;
	r->sum_exec_runtime = sig->sum_sched_runtime;
	r->gtime = sig->gtime;
	r->min_flt = sig->min_flt;
	r->maj_flt = sig->maj_flt;
	vmon_ioac_copy(r->io, &sig->ioac);
	if (sig->nr_threads == 1) {
		/* the list holds the leader alone */
		add_self(r, task);
	} else {
		first = BPF_CORE_READ(sig, thread_head.next);
		w.r = r;
		w.node = (__u64)first;
		w.head = (__u64)BPF_CORE_READ(first, prev);
		w.node_off = bpf_core_field_offset(struct task_struct, thread_node);
		bpf_loop(MAX_THREADS, thread_step, &w, 0);
	}
	bpf_seq_write(ctx->meta->seq, r, sizeof(*r));
	return 0;
}
