/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_parse_proc_small_files.c - the parsers of the per-process files added
 * with status: smaps_rollup (keyed, USS derived), cgroup (v2 path, v1
 * lines, container and unit hints), the ns link targets, oom_score and
 * oom_score_adj, schedstat and stat fields 40-42, limits.  Each one is fed what
 * this kernel prints, what older or odd kernels print, and garbage.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "internal.h"
#include "test.h"

static const char rollup[] =
	"55aaef316000-7ffcb227e000 ---p 00000000 00:00 0                          [rollup]\n"
	"Rss:                1764 kB\n"
	"Pss:                 536 kB\n"
	"Pss_Dirty:           112 kB\n"
	"Pss_Anon:            112 kB\n"
	"Pss_File:            424 kB\n"
	"Pss_Shmem:             0 kB\n"
	"Shared_Clean:       1504 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:       148 kB\n"
	"Private_Dirty:       112 kB\n"
	"Referenced:         1764 kB\n"
	"Anonymous:           112 kB\n"
	"KSM:                   0 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:         0 kB\n"
	"Swap:                  8 kB\n"
	"SwapPss:               4 kB\n"
	"Locked:                0 kB\n";

TEST(parse_proc_smaps_rollup_and_uss)
{
	vmon_proc_smaps_rollup_t sr = { 0 };

	ASSERT_EQ(vmon__parse_proc_smaps_rollup(&sr, rollup, strlen(rollup)), 0);
	ASSERT_EQ(sr.rss_kb, 1764);
	ASSERT_EQ(sr.pss_kb, 536);
	ASSERT_EQ(sr.pss_anon_kb, 112);
	ASSERT_EQ(sr.pss_file_kb, 424);
	ASSERT_EQ(sr.shared_clean_kb, 1504);
	ASSERT_EQ(sr.private_clean_kb, 148);
	ASSERT_EQ(sr.private_dirty_kb, 112);
	ASSERT_EQ(sr.swap_kb, 8);
	ASSERT_EQ(sr.swap_pss_kb, 4);
	ASSERT_EQ(sr.uss_kb, 260);
	ASSERT(!BITTEST(sr.unavailable, VMON_PROC_SMAPS_ROLLUP_USS_KB));
	ASSERT(!vmon__bits_any(sr.unavailable, VMON_PROC_SMAPS_ROLLUP_NR));

	/* a 4.14 kernel: no Pss_* split, no Pss_Dirty; USS still there */
	static const char old[] = "Rss: 10 kB\nPss: 5 kB\nPrivate_Clean: 1 kB\nPrivate_Dirty: 2 kB\n";
	ASSERT_EQ(vmon__parse_proc_smaps_rollup(&sr, old, strlen(old)), 0);
	ASSERT_EQ(sr.uss_kb, 3);
	ASSERT(BITTEST(sr.changed, VMON_PROC_SMAPS_ROLLUP_USS_KB));
	ASSERT(BITTEST(sr.unavailable, VMON_PROC_SMAPS_ROLLUP_PSS_ANON_KB));
	ASSERT(BITTEST(sr.unavailable, VMON_PROC_SMAPS_ROLLUP_LOCKED_KB));

	/* a line named like USS's source is nothing (a fuzzer found one) */
	static const char fake[] = "Private_Clean+Private_Dirty: 0 kB\nderived: 0 kB\n"
		"Private_Clean: 1 kB\nPrivate_Dirty: 2 kB\n";
	ASSERT_EQ(vmon__parse_proc_smaps_rollup(&sr, fake, strlen(fake)), 0);
	ASSERT_EQ(vmon__parse_proc_smaps_rollup(&sr, fake, strlen(fake)), 0);
	ASSERT_EQ(sr.uss_kb, 3);
	ASSERT(!vmon__bits_any(sr.changed, VMON_PROC_SMAPS_ROLLUP_NR));

	/* without Private_Dirty there is no USS */
	ASSERT_EQ(vmon__parse_proc_smaps_rollup(&sr, "Private_Clean: 1 kB\n", 20), 0);
	ASSERT(BITTEST(sr.unavailable, VMON_PROC_SMAPS_ROLLUP_USS_KB));
	ASSERT_EQ(sr.uss_kb, 3);
}

static void cgroup_parse(vmon_proc_cgroup_t *cg, const char *text)
{
	ASSERT_EQ(vmon__parse_proc_cgroup(cg, text, strlen(text)), 0);
}

TEST(parse_proc_cgroup_v2_and_v1)
{
	vmon_proc_cgroup_t cg = { 0 };

	cgroup_parse(&cg, "0::/system.slice/cron.service\n");
	ASSERT_STREQ(cg.path.array, "/system.slice/cron.service");
	ASSERT_STREQ(cg.unit.array, "cron.service");
	ASSERT_EQ(cg.container.len, 0);
	ASSERT_EQ(cg.v1_nr, 0);
	ASSERT(!vmon__bits_any(cg.unavailable, VMON_PROC_CGROUP_NR));

	/* hybrid: v1 lines, the v2 line "/": hints from name=systemd's */
	cgroup_parse(&cg, "12:pids:/user.slice/user-1000.slice/session-2.scope\n"
		     "4:cpu,cpuacct:/user.slice\n"
		     "1:name=systemd:/user.slice/user-1000.slice/session-2.scope\n"
		     "0::/\n");
	ASSERT_STREQ(cg.path.array, "/");
	ASSERT_EQ(cg.v1_nr, 3);
	ASSERT_EQ(cg.v1[0].hierarchy, 12);
	ASSERT_STREQ(cg.v1[0].controllers.array, "pids");
	ASSERT_STREQ(cg.v1[1].controllers.array, "cpu,cpuacct");
	ASSERT_STREQ(cg.v1[1].path.array, "/user.slice");
	ASSERT_EQ(cg.v1[2].hierarchy, 1);
	ASSERT_STREQ(cg.unit.array, "session-2.scope");
	ASSERT(BITTEST(cg.changed, VMON_PROC_CGROUP_V1_NR));

	/* the same again: nothing changed; one v1 path changes: v1_nr's bit */
	cgroup_parse(&cg, "12:pids:/user.slice/user-1000.slice/session-2.scope\n"
		     "4:cpu,cpuacct:/user.slice\n"
		     "1:name=systemd:/user.slice/user-1000.slice/session-2.scope\n"
		     "0::/\n");
	ASSERT(!vmon__bits_any(cg.changed, VMON_PROC_CGROUP_NR));
	cgroup_parse(&cg, "12:pids:/user.slice/user-1000.slice/session-2.scope\n"
		     "4:cpu,cpuacct:/other\n"
		     "1:name=systemd:/user.slice/user-1000.slice/session-2.scope\n"
		     "0::/\n");
	ASSERT(BITTEST(cg.changed, VMON_PROC_CGROUP_V1_NR));
	ASSERT_EQ(cg.v1_nr, 3);

	/* v1 only: no v2 path, hints from the first v1 path that is not "/" */
	cgroup_parse(&cg, "3:memory:/\n2:cpu:/docker/0123456789abcdef0123\n");
	ASSERT(BITTEST(cg.unavailable, VMON_PROC_CGROUP_PATH));
	ASSERT_EQ(cg.v1_nr, 2);
	ASSERT_STREQ(cg.container.array, "docker:0123456789ab");
	vmon__proc_cgroup_free(&cg);
}

TEST(parse_proc_cgroup_container_hints)
{
	static const struct { const char *path, *container, *unit; } cases[] = {
		{ "/system.slice/docker-0123456789abcdef.scope", "docker:0123456789ab",
		  "docker-0123456789abcdef.scope" },
		{ "/machine.slice/libpod-fedcba9876543210.scope/container", "podman:fedcba987654",
		  "libpod-fedcba9876543210.scope" },
		{ "/machine.slice/libpod-conmon-fedcba98.scope", "", "libpod-conmon-fedcba98.scope" },
		{ "/kubepods.slice/kubepods-pod1.slice/cri-containerd-abcdef0123456789.scope",
		  "containerd:abcdef012345", "cri-containerd-abcdef0123456789.scope" },
		{ "/kubepods/crio-1234.scope", "crio:1234", "crio-1234.scope" },
		{ "/lxc.payload.web/system.slice/nginx.service", "lxc:web", "nginx.service" },
		{ "/lxc/legacy/init.scope", "lxc:legacy", "init.scope" },
		{ "/machine.slice/machine-fedora\\x2d40.scope", "machine:fedora\\x2d40",
		  "machine-fedora\\x2d40.scope" },
		{ "/user.slice/user-1000.slice/user@1000.service/app.slice/foo.scope", "",
		  "foo.scope" },
		{ "/docker-.scope", "", "docker-.scope" },
		{ "//a//b//", "", "" },
		{ "/", "", "" },
	};
	vmon_proc_cgroup_t cg = { 0 };

	for (size_t i = 0; i < VMON__ARRAY_SIZE(cases); i++) {
		char text[256];

		snprintf(text, sizeof(text), "0::%s\n", cases[i].path);
		cgroup_parse(&cg, text);
		ASSERT_STREQ(cg.path.array, cases[i].path);
		ASSERT_MSG(!strcmp(cg.container.array, cases[i].container),
			   "%s: container \"%s\"", cases[i].path, cg.container.array);
		ASSERT_MSG(!strcmp(cg.unit.array, cases[i].unit), "%s: unit \"%s\"",
			   cases[i].path, cg.unit.array);
	}
	vmon__proc_cgroup_free(&cg);
}

TEST(parse_proc_cgroup_odd_lines)
{
	vmon_proc_cgroup_t cg = { 0 };

	/* a path with colons, garbage lines, a huge id, an empty file */
	cgroup_parse(&cg, "garbage\n"
		     "x:cpu:/a\n"
		     "99999999999:cpu:/b\n"
		     "5:cpu:/a:b:c\n"
		     "0::/with:colon\n");
	ASSERT_EQ(cg.v1_nr, 1);
	ASSERT_STREQ(cg.v1[0].path.array, "/a:b:c");
	ASSERT_STREQ(cg.path.array, "/with:colon");
	cgroup_parse(&cg, "");
	ASSERT_EQ(cg.v1_nr, 0);
	ASSERT(BITTEST(cg.changed, VMON_PROC_CGROUP_V1_NR));
	ASSERT(BITTEST(cg.unavailable, VMON_PROC_CGROUP_PATH));
	ASSERT_STREQ(cg.path.array, "/with:colon");	/* kept, unavailable */
	vmon__proc_cgroup_free(&cg);
}

TEST(parse_proc_ns_targets)
{
	static const char links[] =
		"cgroup:[4026531835]\nipc:[4026531839]\nmnt:[4026531832]\n"
		"net:[4026531833]\npid:[4026531836]\nuser:[4026531837]\nuts:[4026531838]\n"
		"pid_for_children:[4026532001]\n";	/* the sampler names it so */
	vmon_proc_ns_t ns = { 0 };

	ASSERT_EQ(vmon__parse_proc_ns(&ns, links, strlen(links)), 0);
	ASSERT_EQ(ns.cgroup, 4026531835ULL);
	ASSERT_EQ(ns.pid, 4026531836ULL);
	ASSERT_EQ(ns.pid_for_children, 4026532001ULL);
	ASSERT_EQ(ns.net, 4026531833ULL);
	ASSERT_EQ(ns.uts, 4026531838ULL);
	/* no time namespace before 5.6 */
	ASSERT(BITTEST(ns.unavailable, VMON_PROC_NS_TIME));
	ASSERT(!BITTEST(ns.unavailable, VMON_PROC_NS_PID));
	ASSERT_EQ(vmon__parse_proc_ns(&ns, links, strlen(links)), 0);
	ASSERT(!vmon__bits_any(ns.changed, VMON_PROC_NS_NR));
	/* malformed targets */
	static const char bad[] = "net:[12\npid:4026531836\nuts:[]\nipc:[1]x\nmnt:[5]\nfoo:[1]\n";
	ASSERT_EQ(vmon__parse_proc_ns(&ns, bad, strlen(bad)), 0);
	ASSERT(BITTEST(ns.unavailable, VMON_PROC_NS_NET));
	ASSERT(BITTEST(ns.unavailable, VMON_PROC_NS_PID));
	ASSERT(BITTEST(ns.unavailable, VMON_PROC_NS_UTS));
	ASSERT(BITTEST(ns.unavailable, VMON_PROC_NS_IPC));
	ASSERT_EQ(ns.mnt, 5);
	ASSERT(BITTEST(ns.changed, VMON_PROC_NS_MNT));
}

TEST(parse_proc_oom_two_files)
{
	vmon_proc_oom_t oom = { 0 };

	ASSERT_EQ(vmon__parse_proc_oom(&oom, "666\n-1000\n", 10), 0);
	ASSERT_EQ(oom.score, 666);
	ASSERT_EQ(oom.adj, -1000);
	ASSERT(!vmon__bits_any(oom.unavailable, VMON_PROC_OOM_NR));
	/* oom_score unreadable (its line empty), then nothing at all */
	ASSERT_EQ(vmon__parse_proc_oom(&oom, "\n300\n", 5), 0);
	ASSERT(BITTEST(oom.unavailable, VMON_PROC_OOM_SCORE));
	ASSERT_EQ(oom.score, 666);
	ASSERT_EQ(oom.adj, 300);
	ASSERT(BITTEST(oom.changed, VMON_PROC_OOM_ADJ));
	ASSERT_EQ(vmon__parse_proc_oom(&oom, "", 0), 0);
	ASSERT(BITTEST(oom.unavailable, VMON_PROC_OOM_SCORE));
	ASSERT(BITTEST(oom.unavailable, VMON_PROC_OOM_ADJ));
}

TEST(parse_proc_sched_schedstat_and_stat)
{
	/* comm with a ') ' inside; fields 40, 41, 42 are 50, 2, 7 */
	static const char stat[] =
		"42 (a) b) R 1 42 42 0 -1 4194304 0 0 0 0 5 6 0 0 -51 0 1 0 100 0 0 "
		"18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 50 2 7 0 0\n";
	vmon_proc_sched_t sc = { 0 };

	ASSERT_EQ(vmon__parse_proc_sched(&sc, "176428257 15006343 395\n", 23), 0);
	ASSERT_EQ(vmon__parse_proc_sched_stat(&sc, stat, strlen(stat)), 0);
	ASSERT_EQ(sc.run_ns, 176428257);
	ASSERT_EQ(sc.wait_ns, 15006343);
	ASSERT_EQ(sc.timeslices, 395);
	ASSERT_EQ(sc.rt_priority, 50);
	ASSERT_EQ(sc.policy, 2);
	ASSERT_EQ(sc.delay_blkio, 7);
	ASSERT(!vmon__bits_any(sc.unavailable, VMON_PROC_SCHED_NR));
	/* a stat cut before field 41 */
	ASSERT_EQ(vmon__parse_proc_sched(&sc, "1 2\n", 4), 0);
	ASSERT_EQ(vmon__parse_proc_sched_stat(&sc, "1 (x) S 1 2 3", 13), 0);
	ASSERT_EQ(sc.run_ns, 1);
	ASSERT(BITTEST(sc.unavailable, VMON_PROC_SCHED_TIMESLICES));
	ASSERT(BITTEST(sc.unavailable, VMON_PROC_SCHED_POLICY));
	ASSERT(BITTEST(sc.unavailable, VMON_PROC_SCHED_DELAY_BLKIO));
	ASSERT_EQ(sc.policy, 2);
}

TEST(parse_token_primitives)
{
	static const struct { const char *in; int ok; unsigned long long v; } x100[] = {
		{ "0.22", 1, 22 }, { "12.5", 1, 1250 }, { "7", 1, 700 }, { "100.00", 1, 10000 },
		{ "1.234", 0, 0 }, { "1.", 0, 0 }, { ".5", 0, 0 }, { "-1.00", 0, 0 },
		{ "184467440737095516.16", 0, 0 }, { "184467440737095516.15", 1, ~0ULL },
	};
	unsigned long long v;

	for (size_t i = 0; i < VMON__ARRAY_SIZE(x100); i++) {
		const char *p = x100[i].in, *end = p + strlen(p);
		int ok = vmon__parse_x100(&p, end, &v) == 0 && p == end;

		ASSERT_MSG(ok == x100[i].ok, "x100 \"%s\"", x100[i].in);
		if (ok)
			ASSERT_ULL_EQ(v, x100[i].v);
	}
	const char *h = "ffffffffffffffff", *h_end = h + 16;
	ASSERT_EQ(vmon__parse_hex(&h, h_end, &v), 0);
	ASSERT_ULL_EQ(v, ~0ULL);
	h = "0000000000000000000000001f";
	ASSERT_EQ(vmon__parse_hex(&h, h + strlen(h), &v), 0);	/* leading zeros */
	ASSERT_EQ(v, 31);
	h = "1ffffffffffffffff";
	ASSERT_EQ(vmon__parse_hex(&h, h + strlen(h), &v), -EINVAL);
	h = "g1";
	ASSERT_EQ(vmon__parse_hex(&h, h + 2, &v), -EINVAL);
}

TEST(parse_proc_limits_this_kernel_against_getrlimit)
{
	size_t len;
	char *text = t_read_file("/proc/self/limits", &len);
	vmon_proc_limits_t lim = { 0 };

	ASSERT(text);
	ASSERT_EQ(vmon__parse_proc_limits(&lim, text, len), 0);
	for (int r = 0; r < RLIMIT_NLIMITS; r++) {
		unsigned long long soft, hard;
		struct rlimit rl;

		ASSERT(getrlimit(r, &rl) == 0);
		ASSERT_MSG(vmon_proc_limits_get(&lim, r, &soft, &hard), "resource %d", r);
		ASSERT_ULL_EQ(soft, rl.rlim_cur == RLIM_INFINITY ? VMON_RLIM_INFINITY : rl.rlim_cur);
		ASSERT_ULL_EQ(hard, rl.rlim_max == RLIM_INFINITY ? VMON_RLIM_INFINITY : rl.rlim_max);
	}
	ASSERT(!vmon__bits_any(lim.unavailable, VMON_PROC_LIMITS_NR));
	free(text);
}

TEST(parse_proc_limits_odd_lines)
{
	static const char text[] =
		"Limit                     Soft Limit           Hard Limit           Units     \n"
		"Max open files            1024                 4096                 files     \n"
		"Max cpu time\tunlimited 7\n"			/* a tab, no units */
		"Max cpu times             1                    2\n"	/* another name */
		"Max core file size        -1                   +1\n"
		"Max stack size            8388608\n"		/* no hard limit */
		"Max open files            1                    1\n";	/* repeated */
	vmon_proc_limits_t lim = { 0 };

	ASSERT_EQ(vmon__parse_proc_limits(&lim, text, sizeof(text) - 1), 0);
	ASSERT(lim.nofile_soft == 1024 && lim.nofile_hard == 4096);
	ASSERT_ULL_EQ(lim.cpu_soft, VMON_RLIM_INFINITY);
	ASSERT_EQ(lim.cpu_hard, 7);
	ASSERT(BITTEST(lim.unavailable, VMON_PROC_LIMITS_CORE_SOFT));
	ASSERT(BITTEST(lim.unavailable, VMON_PROC_LIMITS_CORE_HARD));
	ASSERT_EQ(lim.stack_soft, 8388608);
	ASSERT(BITTEST(lim.unavailable, VMON_PROC_LIMITS_STACK_HARD));
	ASSERT(BITTEST(lim.unavailable, VMON_PROC_LIMITS_RTTIME_SOFT));
	/* again: no change; then one limit moves */
	ASSERT_EQ(vmon__parse_proc_limits(&lim, text, sizeof(text) - 1), 0);
	ASSERT(!vmon__bits_any(lim.changed, VMON_PROC_LIMITS_NR));
	ASSERT_EQ(vmon__parse_proc_limits(&lim, "Max open files 1024 unlimited\n", 30), 0);
	for (int sym = 0; sym < VMON_PROC_LIMITS_NR; sym++)
		ASSERT(!BITTEST(lim.changed, sym) == (sym != VMON_PROC_LIMITS_NOFILE_HARD));
	ASSERT_ULL_EQ(lim.nofile_hard, VMON_RLIM_INFINITY);
	/* unavailable lines keep their last values */
	ASSERT_EQ(lim.stack_soft, 8388608);
	ASSERT(BITTEST(lim.unavailable, VMON_PROC_LIMITS_STACK_SOFT));
}
