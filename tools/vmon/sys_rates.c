/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sys_rates.c - the disk and network rates of the live view (sys_rates.h).
 *
 * Disks: only whole physical devices count (those with a
 * /sys/block/NAME/device): a partition's bytes are also its disk's, and a
 * device-mapper, md, loop or zram device's end up on a disk or in memory,
 * so adding them would count bytes twice.  Network: every interface but
 * the loopback, whose bytes never leave the machine.
 *
 * Rows come and go (a USB disk, a container's veth): each row's counters
 * are followed by name, a row's first sight only sets its base, and a
 * counter that goes back (a device replaced under the same name) counts
 * nothing, so neither makes a spike.  The rates are smoothed over about a
 * second, as the process rates of model.c are.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sys_rates.h"

#define MAX_ROWS 256

struct row {
	char name[64];
	unsigned long long a, b;	/* read and written, or received and sent */
	int seen;			/* the sample it was last seen in */
	int counts;			/* 1 counts, 0 not, -1 not yet known */
};

struct rows {
	struct row v[MAX_ROWS];
	int n;
};

static struct rows disks, ifaces;
static int sample_no;
static vt_us last_t;

static struct row *find(struct rows *r, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].name, name))
			return &r->v[i];
	for (int i = 0; i < r->n; i++)	/* a row gone: its place */
		if (r->v[i].seen < sample_no - 1) {
			memset(&r->v[i], 0, sizeof(r->v[i]));
			break;
		}
	if (r->n < MAX_ROWS)
		r->n++;
	for (int i = 0; i < r->n; i++)
		if (!r->v[i].name[0]) {
			snprintf(r->v[i].name, sizeof(r->v[i].name), "%s", name);
			r->v[i].counts = -1;
			r->v[i].seen = -1;
			return &r->v[i];
		}
	return NULL;		/* more rows than MAX_ROWS: the rest is not counted */
}

static unsigned long long grew(unsigned long long now, unsigned long long before)
{
	return now > before ? now - before : 0;
}

/* the bytes row name moved since the last sample: *da, *db */
static void step(struct rows *r, const char *name, unsigned long long a, unsigned long long b,
		 bool physical_disk, unsigned long long *da, unsigned long long *db)
{
	struct row *w = find(r, name);

	if (!w)
		return;
	if (w->counts < 0) {
		char path[128];

		snprintf(path, sizeof(path), "/sys/block/%.64s/device", name);
		w->counts = physical_disk ? !strchr(name, '/') && access(path, F_OK) == 0
					  : strcmp(name, "lo") != 0;
	}
	if (w->counts && w->seen == sample_no - 1) {
		*da += grew(a, w->a);
		*db += grew(b, w->b);
	}
	w->a = a;
	w->b = b;
	w->seen = sample_no;
}

static void smooth(double *rate, unsigned long long bytes, double dt)
{
	double a = dt >= 1 ? 1 : dt;

	*rate += a * (bytes / dt - *rate);
}

void sys_rates_observe(struct model *m, const vmon_t *v, vt_us t)
{
	const vmon_sys_diskstats_t *ds = v->stores[VMON_STORE_SYS_DISKSTATS];
	const vmon_sys_net_dev_t *nd = v->stores[VMON_STORE_SYS_NET_DEV];
	unsigned long long r = 0, w = 0, rx = 0, tx = 0;
	double dt = (t - last_t) / 1e6;

	sample_no++;
	for (int i = 0; ds && i < ds->disks_nr; i++) {
		const vmon_sys_disk_t *d = &ds->disks[i];

		if (!d->is_stale && d->name.array)
			step(&disks, d->name.array, d->sectors_read * 512, d->sectors_written * 512,
			     true, &r, &w);
	}
	for (int i = 0; nd && i < nd->ifaces_nr; i++) {
		const vmon_sys_netif_t *n = &nd->ifaces[i];

		if (!n->is_stale && n->name.array)
			step(&ifaces, n->name.array, n->rx_bytes, n->tx_bytes, false, &rx, &tx);
	}
	m->disk_known = ds != NULL;
	m->net_known = nd != NULL;
	if (sample_no > 1 && dt > 0) {
		smooth(&m->disk_r, r, dt);
		smooth(&m->disk_w, w, dt);
		smooth(&m->net_rx, rx, dt);
		smooth(&m->net_tx, tx, dt);
	}
	last_t = t;
}
