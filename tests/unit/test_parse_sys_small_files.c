/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_parse_sys_small_files.c - the parsers of the system files added with
 * the 0.2 wants: /proc/loadavg, /proc/uptime, /proc/vmstat (every key by
 * name, the table's keys as members), /proc/pressure/{cpu,memory,io} and the row sets of
 * /proc/diskstats (14, 18 and 20 columns; devices coming and going) and
 * /proc/net/dev.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "test.h"

TEST(parse_sys_loadavg_and_uptime)
{
	vmon_sys_loadavg_t la = { 0 };
	vmon_sys_uptime_t up = { 0 };

	ASSERT_EQ(vmon__parse_sys_loadavg(&la, "0.22 10.75 0.04 3/85 7399\n", 26), 0);
	ASSERT_EQ(la.load1_x100, 22);
	ASSERT_EQ(la.load5_x100, 1075);
	ASSERT_EQ(la.load15_x100, 4);
	ASSERT_EQ(la.n_running, 3);
	ASSERT_EQ(la.n_tasks, 85);
	ASSERT_EQ(la.last_pid, 7399);
	ASSERT(!vmon__bits_any(la.unavailable, VMON_SYS_LOADAVG_NR));
	ASSERT_EQ(vmon__parse_sys_loadavg(&la, "0.22 10.75 0.04 3/86 7399\n", 26), 0);
	for (int sym = 0; sym < VMON_SYS_LOADAVG_NR; sym++)
		ASSERT(!BITTEST(la.changed, sym) == (sym != VMON_SYS_LOADAVG_N_TASKS));
	/* garbage and a short line */
	ASSERT_EQ(vmon__parse_sys_loadavg(&la, "x 1.234 2 385\n", 14), 0);
	ASSERT(BITTEST(la.unavailable, VMON_SYS_LOADAVG_LOAD1_X100));
	ASSERT(BITTEST(la.unavailable, VMON_SYS_LOADAVG_LOAD5_X100));
	ASSERT_EQ(la.load15_x100, 200);
	ASSERT(BITTEST(la.unavailable, VMON_SYS_LOADAVG_N_RUNNING));
	ASSERT(BITTEST(la.unavailable, VMON_SYS_LOADAVG_LAST_PID));

	ASSERT_EQ(vmon__parse_sys_uptime(&up, "2348.36 3526.93\n", 16), 0);
	ASSERT_EQ(up.uptime_cs, 234836);
	ASSERT_EQ(up.idle_cs, 352693);
	ASSERT_EQ(vmon__parse_sys_uptime(&up, "5\n", 2), 0);
	ASSERT_EQ(up.uptime_cs, 500);
	ASSERT(BITTEST(up.unavailable, VMON_SYS_UPTIME_IDLE_CS));
}

TEST(parse_sys_vmstat_unknown_keys_kept_by_name)
{
	static const char text[] =
		"nr_free_pages 996583\n"
		"some_future_key 42\n"
		"pgfault 39990808\n"
		"pgmajfault 7795\n"
		"not_a_number x1\n"
		"\n"
		"pgfault 1\n"			/* repeated: the first counts */
		"workingset_refault_anon 3\n";
	vmon_sys_vmstat_t vs = { 0 };
	unsigned long long v;

	ASSERT_EQ(vmon__parse_sys_vmstat(&vs, text, strlen(text)), 0);
	ASSERT_EQ(vs.nr_free_pages, 996583);
	ASSERT_EQ(vs.pgfault, 39990808);
	ASSERT_EQ(vs.pgmajfault, 7795);
	ASSERT(BITTEST(vs.unavailable, VMON_SYS_VMSTAT_OOM_KILL));
	ASSERT(!BITTEST(vs.unavailable, VMON_SYS_VMSTAT_PGFAULT));
	ASSERT_EQ(vs.keys_nr, 5);
	ASSERT(vmon_sys_vmstat_get(&vs, "some_future_key", &v) && v == 42);
	ASSERT(vmon_sys_vmstat_get(&vs, "workingset_refault_anon", &v) && v == 3);
	ASSERT(vmon_sys_vmstat_get(&vs, "pgfault", &v) && v == 39990808);
	ASSERT(!vmon_sys_vmstat_get(&vs, "not_a_number", &v) && errno == ENOENT);
	for (int i = 0; i < vs.keys_nr; i++)
		ASSERT(vs.keys[i].is_new && vs.keys[i].changed && !vs.keys[i].is_stale);

	/* again: nothing new, nothing changed */
	ASSERT_EQ(vmon__parse_sys_vmstat(&vs, text, strlen(text)), 0);
	ASSERT(!vmon__bits_any(vs.changed, VMON_SYS_VMSTAT_NR));
	for (int i = 0; i < vs.keys_nr; i++)
		ASSERT(!vs.keys[i].is_new && !vs.keys[i].changed);

	/* a key gone: stale for one parse, with its value, then removed */
	ASSERT_EQ(vmon__parse_sys_vmstat(&vs, "pgfault 39990809\nnr_free_pages 1\n", 33), 0);
	ASSERT_EQ(vs.keys_nr, 5);
	ASSERT(!vmon_sys_vmstat_get(&vs, "some_future_key", &v));
	ASSERT(BITTEST(vs.changed, VMON_SYS_VMSTAT_PGFAULT));
	ASSERT(BITTEST(vs.unavailable, VMON_SYS_VMSTAT_PGMAJFAULT));
	ASSERT_EQ(vs.pgmajfault, 7795);
	ASSERT_EQ(vmon__parse_sys_vmstat(&vs, "pgfault 39990809\nnr_free_pages 1\n", 33), 0);
	ASSERT_EQ(vs.keys_nr, 2);
	ASSERT_STREQ(vs.keys[0].name.array, "nr_free_pages");
	ASSERT_STREQ(vs.keys[1].name.array, "pgfault");
	vmon__sys_vmstat_free(&vs);
	ASSERT(!vs.keys && !vs.keys_nr);
}

TEST(parse_sys_vmstat_this_kernel)
{
	size_t len;
	char *text = t_read_file("/proc/vmstat", &len), *line;
	vmon_sys_vmstat_t vs = { 0 };
	int lines = 0;

	ASSERT(text);
	ASSERT_EQ(vmon__parse_sys_vmstat(&vs, text, len), 0);
	/* every line is a key, found with its value */
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *sp = strchr(line, ' ');
		unsigned long long v;

		ASSERT(sp);
		*sp = '\0';
		ASSERT_MSG(vmon_sys_vmstat_get(&vs, line, &v), "key %s", line);
		ASSERT_ULL_EQ(v, strtoull(sp + 1, NULL, 10));
		lines++;
	}
	ASSERT_EQ(vs.keys_nr, lines);
	ASSERT(lines > 100);
	ASSERT(!BITTEST(vs.unavailable, VMON_SYS_VMSTAT_PGFAULT));
	vmon__sys_vmstat_free(&vs);
	free(text);
}

TEST(parse_sys_pressure_lines)
{
	static const char both[] =
		"some avg10=0.92 avg60=0.85 avg300=2.70 total=100774678\n"
		"full avg10=1.32 avg60=0.46 avg300=0.11 total=4723767\n";
	vmon_sys_pressure_t ps = { 0 };

	ASSERT_EQ(vmon__parse_sys_pressure(&ps, both, strlen(both)), 0);
	ASSERT_EQ(ps.some_avg10_x100, 92);
	ASSERT_EQ(ps.some_avg60_x100, 85);
	ASSERT_EQ(ps.some_avg300_x100, 270);
	ASSERT_EQ(ps.some_total_us, 100774678);
	ASSERT_EQ(ps.full_avg10_x100, 132);
	ASSERT_EQ(ps.full_total_us, 4723767);
	ASSERT(!vmon__bits_any(ps.unavailable, VMON_SYS_PRESSURE_NR));
	/* the cpu file before 5.13: no full line; keys in another order */
	static const char some[] = "some total=5 avg300=0.01 avg10=99.99 avg60=x\n";
	ASSERT_EQ(vmon__parse_sys_pressure(&ps, some, strlen(some)), 0);
	ASSERT_EQ(ps.some_total_us, 5);
	ASSERT_EQ(ps.some_avg10_x100, 9999);
	ASSERT_EQ(ps.some_avg300_x100, 1);
	ASSERT(BITTEST(ps.unavailable, VMON_SYS_PRESSURE_SOME_AVG60));
	for (int sym = VMON_SYS_PRESSURE_FULL_AVG10; sym <= VMON_SYS_PRESSURE_FULL_TOTAL; sym++)
		ASSERT(BITTEST(ps.unavailable, sym));
	ASSERT_EQ(ps.full_total_us, 4723767);
	ASSERT_EQ(vmon__parse_sys_pressure(&ps, "", 0), 0);
	for (int sym = 0; sym < VMON_SYS_PRESSURE_NR; sym++)
		ASSERT(BITTEST(ps.unavailable, sym));
}

/* the disk named name, or NULL */
static vmon_sys_disk_t *disk(vmon_sys_diskstats_t *ds, const char *name)
{
	for (int i = 0; i < ds->disks_nr; i++)
		if (!strcmp(ds->disks[i].name.array, name))
			return &ds->disks[i];
	return NULL;
}

TEST(parse_sys_diskstats_14_18_20_columns)
{
	static const char text[] =
		"   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n"				/* 14 */
		"   8       1 sda1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n"		/* 18 */
		" 259       0 nvme0n1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n"	/* 20 */
		"bogus\n"
		"   7       0\n";
	static const char two[] =
		"8 0 sda 2 2 3 4 5 6 7 8 9 10 11\n"
		"259 0 nvme0n1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n"
		"8 16 sdb 0 0 0 0 0 0 0 0 0 0 0\n";
	vmon_sys_diskstats_t ds = { 0 };
	vmon_sys_disk_t *d;

	ASSERT_EQ(vmon__parse_sys_diskstats(&ds, text, strlen(text)), 0);
	ASSERT_EQ(ds.disks_nr, 3);
	ASSERT(BITTEST(ds.changed, VMON_SYS_DISKSTATS_DISKS_NR));
	for (int i = 0; i < 3; i++) {
		static const int cols[] = { 14, 18, 20 };

		d = &ds.disks[i];
		ASSERT(d->is_new && !d->is_stale);
		ASSERT_EQ(d->reads, 1);
		ASSERT_EQ(d->weighted_io_ms, 11);
		for (int sym = 0; sym < VMON_SYS_DISK_NR; sym++)
			ASSERT_MSG(!BITTEST(d->unavailable, sym) == (sym < cols[i]),
				   "%s: %s", d->name.array, vmon__sys_disk_info.fields[sym].name);
	}
	d = disk(&ds, "nvme0n1");
	ASSERT_EQ(d->major, 259);
	ASSERT_EQ(d->discards, 12);
	ASSERT_EQ(d->flush_ms, 17);

	/* sda1 goes, sdb comes; sda's reads move */
	ASSERT_EQ(vmon__parse_sys_diskstats(&ds, two, strlen(two)), 0);
	ASSERT_EQ(ds.disks_nr, 4);
	ASSERT(disk(&ds, "sda1")->is_stale);
	ASSERT(vmon__bits_any(disk(&ds, "sda1")->unavailable, VMON_SYS_DISK_NR));
	ASSERT_EQ(disk(&ds, "sda1")->reads, 1);
	ASSERT(disk(&ds, "sdb")->is_new);
	ASSERT(!disk(&ds, "sda")->is_new);
	ASSERT(BITTEST(disk(&ds, "sda")->changed, VMON_SYS_DISK_READS));
	ASSERT(!BITTEST(disk(&ds, "sda")->changed, VMON_SYS_DISK_WRITES));
	ASSERT(!vmon__bits_any(disk(&ds, "nvme0n1")->changed, VMON_SYS_DISK_NR));
	ASSERT(BITTEST(ds.changed, VMON_SYS_DISKSTATS_DISKS_NR));
	/* the next parse drops the stale row */
	ASSERT_EQ(vmon__parse_sys_diskstats(&ds, two, strlen(two)), 0);
	ASSERT_EQ(ds.disks_nr, 3);
	ASSERT(!disk(&ds, "sda1"));
	ASSERT(!BITTEST(ds.changed, VMON_SYS_DISKSTATS_DISKS_NR));
	vmon__sys_diskstats_free(&ds);
}

TEST(parse_sys_net_dev_rows)
{
	static const char text[] =
		"Inter-|   Receive                                                |  Transmit\n"
		" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
		"    lo:    3267      29    0    0    0     0          0         0     3267      29    0    0    0     0       0          0\n"
		"  eth0:18876181     466    1    2    3     4          5         6    27097     327    7    8    9    10      11         12\n"
		"  odd: 1 2 3\n";
	vmon_sys_net_dev_t nd = { 0 };
	vmon_sys_netif_t *e;

	ASSERT_EQ(vmon__parse_sys_net_dev(&nd, text, strlen(text)), 0);
	ASSERT_EQ(nd.ifaces_nr, 3);
	ASSERT_STREQ(nd.ifaces[0].name.array, "lo");
	e = &nd.ifaces[1];
	ASSERT_STREQ(e->name.array, "eth0");
	ASSERT_EQ(e->rx_bytes, 18876181);
	ASSERT_EQ(e->rx_packets, 466);
	ASSERT_EQ(e->rx_errs, 1);
	ASSERT_EQ(e->rx_multicast, 6);
	ASSERT_EQ(e->tx_bytes, 27097);
	ASSERT_EQ(e->tx_packets, 327);
	ASSERT_EQ(e->tx_drop, 8);
	ASSERT_EQ(e->tx_compressed, 12);
	ASSERT(!vmon__bits_any(e->unavailable, VMON_SYS_NETIF_NR));
	ASSERT(BITTEST(nd.ifaces[2].unavailable, VMON_SYS_NETIF_RX_DROP));
	ASSERT_EQ(nd.ifaces[2].rx_errs, 3);
	ASSERT_EQ(vmon__parse_sys_net_dev(&nd, text, strlen(text)), 0);
	ASSERT(!vmon__bits_any(nd.changed, VMON_SYS_NET_DEV_NR));
	for (int i = 0; i < nd.ifaces_nr; i++)
		ASSERT(!nd.ifaces[i].is_new && !vmon__bits_any(nd.ifaces[i].changed, VMON_SYS_NETIF_NR));
	vmon__sys_net_dev_free(&nd);
}
