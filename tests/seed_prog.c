/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seed_prog.c - a program written only against the original libvmon's
 * public header (vcaputo/vwm, src/libvmon/vmon.h at 98d6a06, which the
 * check is given, never kept here: it is GPL-2.0-only): every libvmon
 * name it uses is one that header declares.  tests/check-install.sh builds it against an installed
 * libvmon with nothing but
 *
 *   cc seed_prog.c $(pkg-config --cflags --libs libvmon)
 *
 * (and statically), runs it, and also compiles it against the seed header
 * itself to prove it uses no newer name.
 *
 * It monitors itself with a callback, following children and threads,
 * forks a child that waits on a pipe, and checks what the stores and the
 * tree say across the child's birth and exit.  Exit status 0 and a last
 * line "seed_prog: ok" when all is well.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vmon/vmon.h>

static int callbacks, new_in_callback;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "seed_prog: FAIL: %s (errno %s)\n", what, strerror(errno));
		exit(1);
	}
}

static void sample_cb(vmon_t *vmon, void *sample_arg, vmon_proc_t *proc, void *arg)
{
	(void)vmon;
	(void)sample_arg;
	check(arg == &callbacks, "callback argument");
	check(proc->stores[VMON_STORE_PROC_STAT] != NULL, "stat store in the callback");
	new_in_callback = proc->is_new;
	callbacks++;
}

/* the followed child with this pid, or NULL */
static vmon_proc_t *find_child(vmon_proc_t *parent, int pid)
{
	vmon_proc_t *child;

	list_for_each_entry(child, &parent->children, siblings)
		if (child->pid == pid)
			return child;
	return NULL;
}

static void check_self(vmon_t *vmon, vmon_proc_t *self)
{
	vmon_proc_stat_t *st = self->stores[VMON_STORE_PROC_STAT];
	vmon_proc_vm_t *vm = self->stores[VMON_STORE_PROC_VM];
	vmon_sys_stat_t *sys = vmon->stores[VMON_STORE_SYS_STAT];
	vmon_sys_vm_t *mem = vmon->stores[VMON_STORE_SYS_VM];

	check(st && st->pid == getpid() && st->ppid == getppid(), "pid and ppid");
	check(st->state == 'R', "state of the sampling process");
	check(st->argc == 1 && st->argv && st->argv[1] == NULL, "argv");
	check(st->comm.array && st->comm.len > 0, "comm");
	check(vm && vm->resident_pages > 0, "resident pages");
	check(sys && sys->user + sys->system + sys->idle > 0, "cpu ticks");
	check(mem && mem->total_kb > 0 && mem->free_kb <= mem->total_kb, "meminfo");
	check(vmon->ticks_per_sec > 0 && vmon->num_cpus > 0, "ticks and cpus");
	/* one thread: none followed, as the original's rule has it */
	check(list_empty(&self->threads) && !self->is_threaded, "no thread rows");
}

int main(void)
{
	vmon_t vmon;
	vmon_proc_t *self, *child;
	int go[2], pid, status, first;
	char c;

	check(vmon_init(&vmon, VMON_FLAG_2PASS, VMON_WANT_SYS_STAT | VMON_WANT_SYS_VM,
			VMON_WANT_PROC_STAT | VMON_WANT_PROC_VM | VMON_WANT_PROC_IO |
			VMON_WANT_PROC_FOLLOW_CHILDREN | VMON_WANT_PROC_FOLLOW_THREADS),
	      "vmon_init");
	self = vmon_proc_monitor(&vmon, getpid(), VMON_WANT_PROC_INHERIT, sample_cb, &callbacks);
	check(self != NULL, "vmon_proc_monitor");
	check(vmon_proc_monitor(&vmon, getpid(), 0, sample_cb, &callbacks) == self &&
	      self->refcnt == 2, "a second reference");
	vmon_proc_unmonitor(&vmon, self, NULL, NULL);

	check(vmon_sample(&vmon), "first sample");
	/* the caller's node is new in its first sample's callback, not after */
	check(new_in_callback && !self->is_new && (vmon.activity & VMON_WANT_SYS_STAT),
	      "a first sample is news");
	first = BITTEST(((vmon_proc_stat_t *)self->stores[VMON_STORE_PROC_STAT])->changed,
			VMON_PROC_STAT_UTIME);
	check(first, "changed bits of a first sample");
	check_self(&vmon, self);

	/* a child: born, then gone in two phases */
	check(pipe(go) == 0, "pipe");
	fflush(NULL);
	pid = fork();
	check(pid >= 0, "fork");
	if (pid == 0) {
		close(go[1]);
		_exit(read(go[0], &c, 1) == 0 ? 0 : 1);
	}
	close(go[0]);
	check(vmon_sample(&vmon), "sample with a child");
	check(!new_in_callback && !self->is_new && self->children_changed, "children_changed");
	child = find_child(self, pid);
	check(child && child->is_new && child->parent == self, "the new child");
	close(go[1]);
	check(waitpid(pid, &status, 0) == pid && status == 0, "the child's exit");
	check(vmon_sample(&vmon), "sample after the exit");
	child = find_child(self, pid);
	check(child && child->is_stale && self->children_changed, "the stale child");
	check(vmon_sample(&vmon), "sample after the stale one");
	check(find_child(self, pid) == NULL, "the child freed");

	vmon_dump_procs(&vmon, stdout);
	check(callbacks == 4, "one callback per sample");
	vmon_proc_unmonitor(&vmon, self, sample_cb, &callbacks);
	check(list_empty(&vmon.processes), "nothing monitored");
	vmon_destroy(&vmon);
	printf("seed_prog: ok\n");
	return 0;
}
