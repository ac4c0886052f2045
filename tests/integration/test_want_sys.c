/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_want_sys.c - the system wants added in 0.2 against this machine:
 * each store is compared with its file read just before and just after
 * the sample (a counter lies between the two reads; a figure that did not
 * move between them is equal), and with psutil (getloadavg,
 * disk_io_counters, net_io_counters), `vmstat -s` and `vmstat -d` read
 * after it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "want_util.h"
#include "vmon/vmon.h"

static void start(vmon_t *v, vmon_sys_wants_t wants)
{
	ASSERT(vmon_init(v, VMON_FLAG_NONE, wants, 0));
	ASSERT(vmon_sample(v));
}

/* the blank- or '/'-separated numbers of file path, in hundredths when a
 * token has a decimal point ("0.75" is 75) */
static int file_numbers(const char *path, unsigned long long *v, int max)
{
	char *text = t_read_file(path, NULL), *p, *end;
	int n = 0;

	ASSERT_MSG(text, "cannot read %s", path);
	for (p = text; *p && n < max; p = end) {
		p += strspn(p, " \t\n/");
		if (!*p)
			break;
		v[n] = strtoull(p, &end, 10);
		if (*end == '.') {
			char *frac = end + 1;

			v[n] = v[n] * 100 + strtoull(frac, &end, 10);
		}
		n++;
	}
	free(text);
	return n;
}

TEST(want_sys_loadavg_and_uptime_between_two_reads)
{
	unsigned long long a[6], b[6], psu[3];
	vmon_sys_loadavg_t *la;
	vmon_sys_uptime_t *up;
	char buf[128];
	vmon_t v;
	int round;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_LOADAVG | VMON_WANT_SYS_UPTIME, 0));
	/* the averages move every 5 s: retry until they hold still */
	for (round = 0; round < 5; round++) {
		ASSERT_EQ(file_numbers("/proc/loadavg", a, 6), 6);
		ASSERT(vmon_sample(&v));
		ASSERT_EQ(file_numbers("/proc/loadavg", b, 6), 6);
		if (!memcmp(a, b, 3 * sizeof(a[0])))
			break;
	}
	ASSERT(round < 5);
	la = v.stores[VMON_STORE_SYS_LOADAVG];
	ASSERT(la->load1_x100 == a[0] && la->load5_x100 == a[1] && la->load15_x100 == a[2]);
	ASSERT(la->n_tasks > 0 && la->n_running >= 1);
	ASSERT(a[5] <= (unsigned long long)la->last_pid || a[5] > b[5]);
	ASSERT_EQ(v.unavailable, 0);
	ASSERT(t_psutil(0, "*(round(x * 100) for x in __import__(\"psutil\").getloadavg())",
			buf, sizeof(buf)));
	ASSERT_EQ(t_numbers(buf, psu, 3), 3);
	/* psutil reads later: the averages may have moved on since (they do
	 * every 5 s, by a twelfth of the gap to the run queue, many points on
	 * a busy machine), so it agrees with our read or with a read after */
	ASSERT_EQ(file_numbers("/proc/loadavg", b, 6), 6);
	ASSERT_MSG(llabs((long long)psu[0] - (long long)la->load1_x100) <= 1 ||
		   llabs((long long)psu[0] - (long long)b[0]) <= 1,
		   "psutil %llu, ours %llu, /proc after %llu", psu[0], la->load1_x100, b[0]);
	/* uptime */
	ASSERT_EQ(file_numbers("/proc/uptime", a, 2), 2);
	ASSERT(vmon_sample(&v));
	ASSERT_EQ(file_numbers("/proc/uptime", b, 2), 2);
	up = v.stores[VMON_STORE_SYS_UPTIME];
	ASSERT(a[0] <= up->uptime_cs && up->uptime_cs <= b[0]);
	ASSERT(a[1] <= up->idle_cs && up->idle_cs <= b[1]);
	vmon_destroy(&v);
}

/* a key's value in /proc/vmstat now */
static unsigned long long vmstat_key(const char *key)
{
	char *text = t_read_file("/proc/vmstat", NULL), k[80], *line;
	unsigned long long v;

	ASSERT(text);
	snprintf(k, sizeof(k), "%.64s ", key);
	for (line = text; line && strncmp(line, k, strlen(k));
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		;
	ASSERT_MSG(line, "no %s in /proc/vmstat", key);
	v = strtoull(line + strlen(k), NULL, 10);
	free(text);
	return v;
}

/* `vmstat -s`: the number before label */
static unsigned long long vmstat_s(const char *label)
{
	char line[256];
	FILE *f = popen("vmstat -s", "r");
	unsigned long long v = 0;
	bool found = false;

	ASSERT(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, label)) {
			v = strtoull(line, NULL, 10);
			found = true;
		}
	pclose(f);
	ASSERT_MSG(found, "vmstat -s prints no \"%s\"", label);
	return v;
}

TEST(want_sys_vmstat_every_key)
{
	const vmon_store_info_t *info = vmon_sys_store_info(VMON_STORE_SYS_VMSTAT);
	unsigned long long before[VMON_SYS_VMSTAT_NR], value;
	vmon_sys_vmstat_t *vs;
	char *text, *line, *save = NULL;
	vmon_t v;
	int keys = 0;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_VMSTAT, 0));
	for (int sym = 0; sym < info->fields_nr; sym++)
		before[sym] = strncmp(info->fields[sym].source, "nr_", 3) ?
			      vmstat_key(info->fields[sym].source) : 0;
	ASSERT(vmon_sample(&v));
	vs = v.stores[VMON_STORE_SYS_VMSTAT];
	/* the event counters of the table: between the two reads */
	for (int sym = 0; sym < info->fields_nr; sym++) {
		const char *key = info->fields[sym].source;
		unsigned long long got = *(unsigned long long *)((char *)vs + info->fields[sym].offset);

		ASSERT_MSG(!BITTEST(vs->unavailable, sym), "%s unavailable", key);
		ASSERT(vmon_sys_vmstat_get(vs, key, &value) && value == got);
		if (strncmp(key, "nr_", 3))
			ASSERT_MSG(before[sym] <= got && got <= vmstat_key(key), "%s: %llu", key, got);
	}
	/* every key of the file, and no other */
	ASSERT((text = t_read_file("/proc/vmstat", NULL)));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		*strchr(line, ' ') = '\0';
		ASSERT_MSG(vmon_sys_vmstat_get(vs, line, &value), "no key %s", line);
		keys++;
	}
	free(text);
	ASSERT_EQ(vs->keys_nr, keys);
	/* vmstat(8) reads the same counters */
	ASSERT(vs->pgpgin <= vmstat_s("paged in"));
	ASSERT(vs->pgpgout <= vmstat_s("paged out"));
	ASSERT(vs->pswpin <= vmstat_s("pages swapped in"));
	ASSERT(vs->pswpout <= vmstat_s("pages swapped out"));
	vmon_destroy(&v);
}

/* one pressure file's "some"/"full" lines as 8 numbers, hundredths for
 * the averages; 0 when the file is missing */
static int psi_numbers(const char *res, unsigned long long *v)
{
	char path[64], *text, *p;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/pressure/%s", res);
	if (!(text = t_read_file(path, NULL)))
		return 0;
	for (p = text; (p = strchr(p, '=')) && n < 8; p++) {
		char *end;

		v[n] = strtoull(p + 1, &end, 10);
		if (*end == '.')
			v[n] = v[n] * 100 + strtoull(end + 1, NULL, 10);
		n++;
	}
	free(text);
	return n;
}

TEST(want_sys_pressure_between_two_reads)
{
	static const char *const res[] = { "cpu", "memory", "io" };
	static const int store[] = { VMON_STORE_SYS_PRESSURE_CPU, VMON_STORE_SYS_PRESSURE_MEMORY,
				     VMON_STORE_SYS_PRESSURE_IO };
	unsigned long long a[8], b[8];
	vmon_t v;

	ASSERT(vmon_init(&v, VMON_FLAG_NONE, VMON_WANT_SYS_PRESSURE_CPU |
			 VMON_WANT_SYS_PRESSURE_MEMORY | VMON_WANT_SYS_PRESSURE_IO, 0));
	for (int r = 0; r < 3; r++) {
		int n = psi_numbers(res[r], a);
		const vmon_sys_pressure_t *ps;

		ASSERT(vmon_sample(&v));
		ps = v.stores[store[r]];
		if (!n) {	/* a kernel without PSI */
			ASSERT(v.unavailable & (1u << store[r]));
			continue;
		}
		ASSERT_EQ(psi_numbers(res[r], b), n);
		ASSERT(a[3] <= ps->some_total_us && ps->some_total_us <= b[3]);
		if (!memcmp(a, b, 3 * sizeof(a[0])))
			ASSERT(ps->some_avg10_x100 == a[0] && ps->some_avg60_x100 == a[1] &&
			       ps->some_avg300_x100 == a[2]);
		if (n == 8)
			ASSERT(a[7] <= ps->full_total_us && ps->full_total_us <= b[7]);
		else
			ASSERT(BITTEST(ps->unavailable, VMON_SYS_PRESSURE_FULL_TOTAL));
	}
	vmon_destroy(&v);
}

/* the numbers of the row of /proc/diskstats (after "major minor name") or
 * /proc/net/dev (after "name:") for device name; -1 if there is none */
static int row_numbers(bool net, const char *name, unsigned long long *v, int max)
{
	char *text = t_read_file(net ? "/proc/net/dev" : "/proc/diskstats", NULL), *line;
	char *save = NULL;
	int n = -1;

	ASSERT(text);
	for (line = strtok_r(text, "\n", &save); line && n < 0; line = strtok_r(NULL, "\n", &save)) {
		char *p = line + strspn(line, " "), *c = strchr(p, ':'), word[64];

		if (net && c && (size_t)(c - p) == strlen(name) && !strncmp(p, name, c - p))
			n = t_numbers(c + 1, v, max);
		else if (!net && sscanf(line, "%*u %*u %63s", word) == 1 && !strcmp(word, name))
			n = t_numbers(strstr(line, name) + strlen(name), v, max);
	}
	free(text);
	return n;
}

/* `vmstat -d`'s row of device name: reads total, merged, sectors, ms,
 * then the same of writes */
static bool vmstat_d(const char *name, unsigned long long *v)
{
	char line[512], word[64];
	FILE *f = popen("vmstat -d", "r");
	bool found = false;

	ASSERT(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s", word) == 1 && !strcmp(word, name))
			found = t_numbers(line + strlen(name), v, 8) == 8;
	pclose(f);
	return found;
}

TEST(want_sys_diskstats_and_net_dev_between_two_reads)
{
	unsigned long long a[20], b[20], ps[4], ps8[8];
	int vmstat_rows = 0;
	vmon_sys_diskstats_t *ds;
	vmon_sys_net_dev_t *nd;
	char buf[256], expr[256];
	vmon_t v;

	start(&v, VMON_WANT_SYS_DISKSTATS | VMON_WANT_SYS_NET_DEV);
	ds = v.stores[VMON_STORE_SYS_DISKSTATS];
	nd = v.stores[VMON_STORE_SYS_NET_DEV];
	ASSERT(ds->disks_nr > 0 && nd->ifaces_nr > 0);
	for (int i = 0; i < ds->disks_nr; i++) {
		vmon_sys_disk_t *d = &ds->disks[i];
		int n = row_numbers(false, d->name.array, a, 20);

		ASSERT(n >= 11);
		ASSERT(vmon_sample(&v));
		d = &ds->disks[i];
		ASSERT_EQ(row_numbers(false, d->name.array, b, 20), n);
		for (int k = 0; k < n; k++) {
			int sym = VMON_SYS_DISK_READS + k;
			unsigned long long got = *(unsigned long long *)((char *)d +
				vmon_sys_disk_info()->fields[sym].offset);

			ASSERT(!BITTEST(d->unavailable, sym));
			if (sym != VMON_SYS_DISK_IN_FLIGHT)
				ASSERT_MSG(a[k] <= got && got <= b[k], "%s %s",
					   d->name.array, vmon_sys_disk_info()->fields[sym].name);
		}
		if (vmstat_d(d->name.array, ps8)) {
			ASSERT(d->reads <= ps8[0] && d->reads_merged <= ps8[1]);
			ASSERT(d->sectors_read <= ps8[2] && d->read_ms <= ps8[3]);
			ASSERT(d->writes <= ps8[4] && d->writes_merged <= ps8[5]);
			ASSERT(d->sectors_written <= ps8[6] && d->write_ms <= ps8[7]);
			vmstat_rows++;
		}
		snprintf(expr, sizeof(expr), "*(lambda d: (d.read_count, d.write_count, "
			 "d.read_bytes, d.write_bytes))(__import__(\"psutil\")"
			 ".disk_io_counters(perdisk=True, nowrap=False)[\"%s\"])", d->name.array);
		if (!t_psutil(0, expr, buf, sizeof(buf)))
			continue;	/* psutil leaves out what /proc/partitions does not list */
		ASSERT_EQ(t_numbers(buf, ps, 4), 4);
		ASSERT(d->reads <= ps[0] && d->writes <= ps[1]);
		ASSERT(d->sectors_read * 512 <= ps[2] && d->sectors_written * 512 <= ps[3]);
	}
	ASSERT(vmstat_rows > 0);
	for (int i = 0; i < nd->ifaces_nr; i++) {
		const char *name = nd->ifaces[i].name.array;

		ASSERT_EQ(row_numbers(true, name, a, 16), 16);
		ASSERT(vmon_sample(&v));
		ASSERT_EQ(row_numbers(true, name, b, 16), 16);
		for (int k = 0; k < 16; k++) {
			int sym = VMON_SYS_NETIF_RX_BYTES + k;
			unsigned long long got = *(unsigned long long *)((char *)&nd->ifaces[i] +
				vmon_sys_netif_info()->fields[sym].offset);

			ASSERT_MSG(a[k] <= got && got <= b[k], "%s column %d", name, k + 1);
		}
		snprintf(expr, sizeof(expr), "*(lambda n: (n.bytes_recv, n.packets_recv, "
			 "n.bytes_sent, n.packets_sent))(__import__(\"psutil\")"
			 ".net_io_counters(pernic=True, nowrap=False)[\"%s\"])", name);
		ASSERT(t_psutil(0, expr, buf, sizeof(buf)));
		ASSERT_EQ(t_numbers(buf, ps, 4), 4);
		ASSERT(nd->ifaces[i].rx_bytes <= ps[0] && nd->ifaces[i].rx_packets <= ps[1]);
		ASSERT(nd->ifaces[i].tx_bytes <= ps[2] && nd->ifaces[i].tx_packets <= ps[3]);
	}
	ASSERT_EQ(v.unavailable, 0);
	vmon_destroy(&v);
}
