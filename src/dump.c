/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dump.c - vmon_dump_procs(): the monitored tree as text, one node per
 * line, stable enough to diff.  The format (documented in libvmon(3)):
 *
 *   # vmon generation=G processes=P
 *   <indent>PID[ T] STATE (COMM) [key=value ...] [flags]
 *
 * indent is two spaces per depth; " T" marks a thread (listed under its
 * process, before the children); STATE is '?' without a stat store; the
 * key=values are those of the stores present: stat (ppid utime stime
 * threads rss), vm (size resident pages) and io (rchar wchar read_bytes
 * write_bytes); the flags are [new], [stale] and [unavailable=stat,vm,io].
 * vmon_dump_procs_ex() with VMON_DUMP_FILES adds each process's
 * descriptors and the shared objects (dump_files.c).
 */
#include <stdio.h>

#include "internal.h"

static void dump_flags(const vmon_proc_t *proc, FILE *out)
{
	static const char *const names[] = {
#define vmon_want(_sym, _name, _func) [VMON_STORE_ ## _sym] = #_name,
#include "vmon/defs/proc_wants.def"
	};
	const char *sep = "=";

	if (proc->is_new)
		fputs(" [new]", out);
	if (proc->is_stale)
		fputs(" [stale]", out);
	if (!proc->unavailable)
		return;
	fputs(" [unavailable", out);
	for (int i = 0; i < VMON_STORE_PROC_NR; i++) {
		if (proc->unavailable & (1u << i)) {
			fprintf(out, "%s%s", sep, names[i] + 5);	/* past "proc_" */
			sep = ",";
		}
	}
	fputs("]", out);
}

static void dump_node(const vmon_proc_t *proc, int depth, FILE *out)
{
	const vmon_proc_stat_t *st = proc->stores[VMON_STORE_PROC_STAT];
	const vmon_proc_vm_t *vm = proc->stores[VMON_STORE_PROC_VM];
	const vmon_proc_io_t *io = proc->stores[VMON_STORE_PROC_IO];
	char comm[256];

	if (st)
		vmon_field_format(&vmon__proc_stat_info, st, VMON_PROC_STAT_COMM, comm, sizeof(comm));
	fprintf(out, "%*s%d%s %c (%s)", depth * 2, "", proc->pid, proc->is_thread ? " T" : "",
		st && st->state ? st->state : '?', st ? comm : "");
	if (st)
		fprintf(out, " ppid=%lld utime=%llu stime=%llu threads=%lld rss=%llu",
			st->ppid, st->utime, st->stime, st->num_threads, st->rss);
	if (vm)
		fprintf(out, " size=%llu resident=%llu", vm->size_pages, vm->resident_pages);
	if (io)
		fprintf(out, " rchar=%llu wchar=%llu read_bytes=%llu write_bytes=%llu",
			io->rchars, io->wchars, io->read_bytes, io->write_bytes);
	dump_flags(proc, out);
	fputc('\n', out);
}

static void dump_siblings(const list_head_t *siblings, int depth, unsigned flags, FILE *out)
{
	const vmon_proc_t *proc, *thread;

	list_for_each_entry(proc, siblings, siblings) {
		dump_node(proc, depth, out);
		if (flags & VMON_DUMP_FILES)	/* threads share it: once */
			vmon__dump_fds(proc, depth + 1, out);
		list_for_each_entry(thread, &proc->threads, threads)
			dump_node(thread, depth + 1, out);
		dump_siblings(&proc->children, depth + 1, flags, out);
	}
}

VMON_EXPORT void vmon_dump_procs_ex(vmon_t *vmon, FILE *out, unsigned flags)
{
	int n = 0;
	const list_head_t *pos;

	if (!vmon || !vmon->internal || !out)
		return;
	list_for_each(pos, &vmon->processes)
		n++;
	fprintf(out, "# vmon generation=%d processes=%d\n", vmon->generation, n);
	dump_siblings(&vmon->processes, 0, flags, out);
	if (flags & VMON_DUMP_FILES)
		vmon__dump_fobjects(vmon, out);
}

VMON_EXPORT void vmon_dump_procs(vmon_t *vmon, FILE *out)
{
	vmon_dump_procs_ex(vmon, out, 0);
}
