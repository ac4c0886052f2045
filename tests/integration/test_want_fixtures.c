/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_want_fixtures.c - the 0.2 wants through the whole library over
 * fixture proc roots, for what the kernel will not produce on demand:
 *
 *   tests/fixtures/proc/wants  process 300 with a status of unknown,
 *       missing and reordered keys, a smaps_rollup, a cgroup of a docker
 *       scope, ns links (plain symlinks), oom, schedstat, environ, cwd and
 *       root; process 301, a kernel thread without smaps_rollup; a vmstat
 *       with keys the table does not know; diskstats rows of 14, 18 and
 *       20 columns; a net/dev; no pressure directory at all.
 *   tests/fixtures/proc/wants_backwards  the next sample of some of those
 *       files with counters gone backwards (utime, minflt, iowait,
 *       pgfault) and cpu1 unplugged: the rates clamp and flag them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "want_util.h"
#include "vmon/vmon.h"

/* the wants whose files the "wants" fixture root has */
#define FIXTURE_PROC_WANTS (VMON_WANT_PROC_STATUS | VMON_WANT_PROC_SMAPS_ROLLUP | \
		      VMON_WANT_PROC_CGROUP | VMON_WANT_PROC_NS | VMON_WANT_PROC_OOM | \
		      VMON_WANT_PROC_SCHED)
#define FIXTURE_SYS_WANTS (VMON_WANT_SYS_LOADAVG | VMON_WANT_SYS_UPTIME | VMON_WANT_SYS_VMSTAT | \
		     VMON_WANT_SYS_PRESSURE_CPU | VMON_WANT_SYS_PRESSURE_MEMORY | \
		     VMON_WANT_SYS_PRESSURE_IO | VMON_WANT_SYS_DISKSTATS | VMON_WANT_SYS_NET_DEV)
#define PSI_WANTS (VMON_WANT_SYS_PRESSURE_CPU | VMON_WANT_SYS_PRESSURE_MEMORY | \
		   VMON_WANT_SYS_PRESSURE_IO)

static const char *root(const char *name)
{
	static char buf[256];

	return t_fixture(name, buf, sizeof(buf));
}

static void *store(vmon_proc_t *p, int i)
{
	ASSERT_MSG(p->stores[i], "pid %d: no store %d", p->pid, i);
	return p->stores[i];
}

TEST(fixture_wants_process_stores)
{
	int fds = t_count_fds();
	vmon_t v;
	vmon_proc_t *p;
	vmon_proc_status_t *st;
	vmon_proc_smaps_rollup_t *sr;
	vmon_proc_cgroup_t *cg;
	vmon_proc_ns_t *ns;
	vmon_proc_oom_t *oom;
	vmon_proc_sched_t *sc;

	ASSERT(vmon_init_root(&v, root("wants"), VMON_FLAG_NONE, 0, FIXTURE_PROC_WANTS));
	ASSERT((p = vmon_proc_monitor(&v, 300, 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	st = store(p, VMON_STORE_PROC_STATUS);
	ASSERT(st->uid == 1000 && st->euid == 1001 && st->suid == 1002 && st->fsuid == 1003);
	ASSERT(st->gid == 100 && st->fsgid == 103);
	ASSERT(st->ngroups == 2 && st->groups[0] == 4 && st->groups[1] == 24);
	ASSERT(st->vm_rss_kb == 4000 && st->vm_hwm_kb == 5000 && st->vm_peak_kb == 9000);
	ASSERT(st->vol_ctxt_switches == 42 && st->nonvol_ctxt_switches == 7);
	ASSERT_ULL_EQ(st->sig_caught, 0x4a02);
	ASSERT_STREQ(st->cpus_allowed_list.array, "0");
	ASSERT_EQ(st->kthread, 0);
	ASSERT(!BITTEST(st->unavailable, VMON_PROC_STATUS_KTHREAD));
	/* keys this status lacks */
	ASSERT(BITTEST(st->unavailable, VMON_PROC_STATUS_RSS_ANON_KB));
	ASSERT(BITTEST(st->unavailable, VMON_PROC_STATUS_CAP_AMB));
	ASSERT(BITTEST(st->unavailable, VMON_PROC_STATUS_NO_NEW_PRIVS));
	ASSERT(p->unavailable & VMON_WANT_PROC_STATUS);
	sr = store(p, VMON_STORE_PROC_SMAPS_ROLLUP);
	ASSERT(sr->rss_kb == 4000 && sr->pss_kb == 3000 && sr->swap_pss_kb == 8);
	ASSERT_EQ(sr->uss_kb, 2400);
	ASSERT(BITTEST(sr->unavailable, VMON_PROC_SMAPS_ROLLUP_PSS_DIRTY_KB));
	cg = store(p, VMON_STORE_PROC_CGROUP);
	ASSERT_STREQ(cg->container.array, "docker:0123456789ab");
	ASSERT_STREQ(cg->unit.array, "docker-0123456789abcdef0123456789abcdef.scope");
	ASSERT_EQ(cg->v1_nr, 2);
	ASSERT_STREQ(cg->v1[1].controllers.array, "name=systemd");
	ns = store(p, VMON_STORE_PROC_NS);
	ASSERT(ns->net == 4026532001ULL && ns->pid == 4026531836ULL && ns->time == 4026531834ULL);
	ASSERT_ULL_EQ(ns->pid_for_children, 4026532010ULL);
	ASSERT(!(p->unavailable & VMON_WANT_PROC_NS));
	oom = store(p, VMON_STORE_PROC_OOM);
	ASSERT(oom->score == 123 && oom->adj == -500);
	sc = store(p, VMON_STORE_PROC_SCHED);
	ASSERT(sc->run_ns == 1000000 && sc->wait_ns == 2000000 && sc->timeslices == 30);
	ASSERT(sc->rt_priority == 0 && sc->policy == 0 && sc->delay_blkio == 4);
	/* a second sample of the same files changes nothing */
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(p->activity, 0);
	vmon_destroy(&v);
	ASSERT_EQ(t_count_fds(), fds);
}

TEST(fixture_wants_kernel_thread)
{
	vmon_t v;
	vmon_proc_t *k;
	vmon_proc_status_t *st;

	ASSERT(vmon_init_root(&v, root("wants"), VMON_FLAG_NONE, 0, FIXTURE_PROC_WANTS));
	ASSERT((k = vmon_proc_monitor(&v, 301, 0, NULL, NULL)));
	for (int i = 0; i < 3; i++) {
		ASSERT(vmon_sample(&v));
		ASSERT(!k->is_stale);
	}
	st = store(k, VMON_STORE_PROC_STATUS);
	ASSERT_EQ(st->kthread, 1);
	ASSERT(BITTEST(st->unavailable, VMON_PROC_STATUS_VM_RSS_KB));
	/* no smaps_rollup, no schedstat, no ns links: unavailable, alive */
	ASSERT(k->unavailable & VMON_WANT_PROC_SMAPS_ROLLUP);
	ASSERT(k->unavailable & VMON_WANT_PROC_NS);
	ASSERT(BITTEST(((vmon_proc_sched_t *)store(k, VMON_STORE_PROC_SCHED))->unavailable,
		       VMON_PROC_SCHED_RUN_NS));
	vmon_destroy(&v);
}

static vmon_sys_disk_t *disk(vmon_sys_diskstats_t *ds, const char *name)
{
	for (int i = 0; i < ds->disks_nr; i++)
		if (!strcmp(ds->disks[i].name.array, name))
			return &ds->disks[i];
	ASSERT_MSG(0, "no disk %s", name);
	return NULL;
}

TEST(fixture_wants_system_stores_and_no_psi)
{
	unsigned long long value;
	vmon_sys_loadavg_t *la;
	vmon_sys_vmstat_t *vs;
	vmon_sys_diskstats_t *ds;
	vmon_sys_net_dev_t *nd;
	vmon_t v;

	ASSERT(vmon_init_root(&v, root("wants"), VMON_FLAG_NONE, FIXTURE_SYS_WANTS, 0));
	for (int i = 0; i < 2; i++) {
		ASSERT(vmon_sample(&v));
		/* no /proc/pressure: every field of the three unavailable; the
		 * vmstat lacks keys of the table, old disks lack columns */
		ASSERT_EQ(v.unavailable, PSI_WANTS | VMON_WANT_SYS_VMSTAT | VMON_WANT_SYS_DISKSTATS);
		for (int s = VMON_STORE_SYS_PRESSURE_CPU; s <= VMON_STORE_SYS_PRESSURE_IO; s++)
			for (int sym = 0; sym < VMON_SYS_PRESSURE_NR; sym++)
				ASSERT(vmon_field_unavailable(vmon_sys_store_info(s), v.stores[s], sym));
	}
	la = v.stores[VMON_STORE_SYS_LOADAVG];
	ASSERT(la->load1_x100 == 50 && la->load5_x100 == 125 && la->load15_x100 == 200);
	ASSERT(la->n_running == 2 && la->n_tasks == 120 && la->last_pid == 4242);
	ASSERT_EQ(((vmon_sys_uptime_t *)v.stores[VMON_STORE_SYS_UPTIME])->idle_cs, 200001);
	vs = v.stores[VMON_STORE_SYS_VMSTAT];
	ASSERT(vs->pgfault == 5000 && vs->pgmajfault == 50 && vs->oom_kill == 0);
	ASSERT(vmon_sys_vmstat_get(vs, "future_counter_total", &value) && value == 77);
	ASSERT(vmon_sys_vmstat_get(vs, "nr_zone_future_thing", &value) && value == 3);
	ASSERT_EQ(vs->keys_nr, 10);
	/* keys of the table the fixture lacks */
	ASSERT(BITTEST(vs->unavailable, VMON_SYS_VMSTAT_PGSTEAL_DIRECT));
	ds = v.stores[VMON_STORE_SYS_DISKSTATS];
	ASSERT_EQ(ds->disks_nr, 3);
	ASSERT(BITTEST(disk(ds, "sda")->unavailable, VMON_SYS_DISK_DISCARDS));
	ASSERT(!BITTEST(disk(ds, "sda1")->unavailable, VMON_SYS_DISK_DISCARD_MS));
	ASSERT(BITTEST(disk(ds, "sda1")->unavailable, VMON_SYS_DISK_FLUSHES));
	ASSERT_EQ(disk(ds, "nvme0n1")->flush_ms, 7);
	ASSERT_EQ(disk(ds, "sda")->sectors_written, 700);
	nd = v.stores[VMON_STORE_SYS_NET_DEV];
	ASSERT_EQ(nd->ifaces_nr, 2);
	ASSERT_STREQ(nd->ifaces[1].name.array, "eth0");
	ASSERT(nd->ifaces[1].rx_bytes == 5000 && nd->ifaces[1].tx_drop == 4);
	vmon_destroy(&v);
}

TEST(fixture_wants_proc_all_every_want)
{
	vmon_t v;
	int n = 0;
	vmon_proc_t *p;

	ASSERT(vmon_init_root(&v, root("wants"), VMON_FLAG_PROC_ALL | VMON_FLAG_PROC_ARRAY,
			      FIXTURE_SYS_WANTS, FIXTURE_PROC_WANTS | VMON_WANT_PROC_STAT));
	for (int i = 0; i < 3; i++) {
		ASSERT(vmon_sample(&v));
		t_check_tree(&v);
	}
	list_for_each_entry(p, &v.processes, siblings) {
		ASSERT(!p->is_stale);
		n++;
	}
	ASSERT_EQ(n, 2);
	vmon_destroy(&v);
}

TEST(fixture_wants_extras)
{
	vmon_proc_extras_t x = { 0 };
	vmon_t v;
	vmon_proc_t *p;

	ASSERT(vmon_init_root(&v, root("wants"), VMON_FLAG_NONE, 0, VMON_WANT_PROC_OOM));
	ASSERT((p = vmon_proc_monitor(&v, 300, 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_proc_read_extras(&v, p, VMON_EXTRA_ALL, &x));
	ASSERT_EQ(x.read, VMON_EXTRA_ALL);
	ASSERT_STREQ(x.cwd.array, "/srv/fixture");
	ASSERT_STREQ(x.root.array, "/srv/chroot");
	ASSERT_EQ(x.environ.len, 30);
	ASSERT_STREQ(vmon_proc_extras_getenv(&x, "FIXTURE"), "yes");
	ASSERT_STREQ(vmon_proc_extras_getenv(&x, "EMPTY"), "");
	ASSERT(!vmon_proc_extras_getenv(&x, "FIX"));
	ASSERT(!vmon_proc_extras_getenv(&x, "NOPE"));
	ASSERT(!vmon_proc_read_extras(&v, p, 1u << VMON_EXTRA_NR, &x) && errno == EINVAL);
	vmon_proc_extras_free(&x);
	vmon_destroy(&v);
}

/* ---- rates over a fixture pair ---- */

TEST(fixture_rates_counters_backwards_clamped_and_flagged)
{
	vmon_proc_rates_t pr = { 0 };
	vmon_sys_rates_t sr = { 0 };
	char dir[256], src[512];
	vmon_t v;
	vmon_proc_t *p;

	t_copy_fixture("wants", dir, sizeof(dir));
	ASSERT(vmon_init_root(&v, dir, VMON_FLAG_NONE, VMON_WANT_SYS_STAT | VMON_WANT_SYS_VMSTAT,
			      VMON_WANT_PROC_STAT));
	ASSERT((p = vmon_proc_monitor(&v, 300, 0, NULL, NULL)));
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_proc_rates_update(&v, p, &pr));
	ASSERT(vmon_sys_rates_update(&v, &sr));
	/* the first sample: no value yet, not 0 */
	ASSERT_EQ(pr.cpu_total.status, VMON_RATE_NONE);
	ASSERT_EQ(pr.minflt.status, VMON_RATE_NONE);
	ASSERT_EQ(sr.cpu.busy.status, VMON_RATE_NONE);
	ASSERT_EQ(sr.pgfault.status, VMON_RATE_NONE);
	ASSERT_EQ(sr.cpus_nr, 2);
	ASSERT_EQ(sr.cpus[1].user.status, VMON_RATE_NONE);

	for (size_t i = 0; i < 3; i++) {
		static const char *const files[] = { "300/stat", "stat", "vmstat" };

		snprintf(src, sizeof(src), "%s/%s", root("wants_backwards"), files[i]);
		t_rewrite_from(dir, files[i], src);
	}
	ASSERT(vmon_sample(&v));
	ASSERT(vmon_proc_rates_update(&v, p, &pr));
	ASSERT(vmon_sys_rates_update(&v, &sr));
	/* utime 500 -> 400, stime 100 -> 150, minflt 1000 -> 900 */
	ASSERT_EQ(pr.cpu_user.status, VMON_RATE_CLAMPED);
	ASSERT(pr.cpu_user.value == 0);
	ASSERT_EQ(pr.cpu_system.status, VMON_RATE_OK);
	ASSERT(pr.cpu_system.value > 0);
	ASSERT_EQ(pr.cpu_total.status, VMON_RATE_CLAMPED);
	ASSERT(pr.cpu_total.value == pr.cpu_system.value);
	ASSERT_EQ(pr.minflt.status, VMON_RATE_CLAMPED);
	ASSERT_EQ(pr.majflt.status, VMON_RATE_OK);
	/* the whole machine: user +100, system +100, idle +100, iowait -50 */
	ASSERT_EQ(sr.cpu.iowait.status, VMON_RATE_CLAMPED);
	ASSERT(sr.cpu.iowait.value == 0);
	ASSERT_EQ(sr.cpu.user.status, VMON_RATE_OK);
	ASSERT(sr.cpu.user.value > 33.3 && sr.cpu.user.value < 33.4);
	ASSERT_EQ(sr.cpu.busy.status, VMON_RATE_CLAMPED);
	ASSERT(sr.cpu.busy.value > 66.6 && sr.cpu.busy.value < 66.7);
	/* cpu1 unplugged: no value; cpu0's iowait went back too */
	ASSERT_EQ(sr.cpus[1].user.status, VMON_RATE_NONE);
	ASSERT_EQ(sr.cpus[0].iowait.status, VMON_RATE_CLAMPED);
	ASSERT_EQ(sr.pgfault.status, VMON_RATE_CLAMPED);
	ASSERT_EQ(sr.pgmajfault.status, VMON_RATE_OK);
	ASSERT(sr.pgmajfault.value > 0);
	ASSERT_EQ(sr.forks.status, VMON_RATE_OK);
	vmon_sys_rates_free(&sr);
	vmon_destroy(&v);
	t_rm_tree(dir);
}
