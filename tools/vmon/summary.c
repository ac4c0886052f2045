/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * summary.c - "time(1) for a whole process tree": wall time, the user and
 * system CPU of every process monitored, the kernel's count for every
 * descendant reaped (and how much of it no sample saw), how many processes and threads
 * there were and at most at once, peak RSS (per process and of the whole
 * tree), bytes read and written (each process's own, so that a byte is
 * counted once: docs/vmon-io.md; "unavailable" where no process's I/O
 * could be read), how well the sampler kept its schedule,
 * and the ten processes that used the most CPU.  Printed for people and
 * written as JSON (--summary-json), from the model alone, so that a replay
 * of the recording gives the very same summary.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "outfile.h"
#include "record.h"
#include "tool.h"

#define TOP 10

struct ranked {
	const struct track *t;
	vt_us cpu;		/* user + system, microseconds */
};

struct totals {
	unsigned long long user_ticks, sys_ticks;
	vt_us user, sys;	/* exact where an exit record said */
	unsigned long long rchar, wchar, rbytes, wbytes;
	int io_read, io_unread;	/* processes whose I/O could or could not be read */
	int exited, running;
	vt_us exited_cpu;	/* of the processes seen to exit */
	vt_us late_sum, late_max;
	struct ranked *procs;	/* every process, heaviest first */
	int nprocs;
};

static int by_cpu(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? 1 : -1;
	return x->t->id - y->t->id;
}

static void add_io(struct totals *s, const struct track *t)
{
	struct io_vals own;

	if (!track_io(t, &own)) {
		s->io_unread++;
		return;
	}
	s->io_read++;
	s->rchar += own.rchar;
	s->wchar += own.wchar;
	s->rbytes += own.read_bytes;
	s->wbytes += own.write_bytes;
}

static void totals(const struct model *m, struct totals *s)
{
	memset(s, 0, sizeof(*s));
	s->procs = xmalloc((m->ntracks + 1) * sizeof(*s->procs));
	for (int i = 0; i < m->ntracks; i++) {
		struct track *t = m->tracks[i];

		vt_us u = track_user_us(m, t), sy = track_sys_us(m, t);

		if (t->is_thread)
			continue;
		s->procs[s->nprocs++] = (struct ranked){ t, u + sy };
		s->user_ticks += track_user(t);
		s->sys_ticks += track_sys(t);
		s->user += u;
		s->sys += sy;
		add_io(s, t);
		if (t->exited) {
			s->exited++;
			s->exited_cpu += u + sy;
		}
		else
			s->running++;
	}
	qsort(s->procs, s->nprocs, sizeof(*s->procs), by_cpu);
	for (int i = 0; i < m->nsamples; i++) {
		s->late_sum += m->samples[i].late;
		if (m->samples[i].late > s->late_max)
			s->late_max = m->samples[i].late;
	}
}

static double secs(vt_us us)
{
	return (double)us / US_PER_S;
}

static double unseen_secs(const struct model *m)
{
	return secs(model_unseen_cpu(m));
}

static void print_reaped(const struct model *m, const struct totals *s, FILE *f)
{
	vt_us reaped = m->reaped_user + m->reaped_sys;

	if (!model_every_exit_told(m)) {
		fprintf(f, "  reaped      %.2f s user + %.2f s system, the kernel's count for every "
			"descendant reaped; %.2f s of it no sample saw\n",
			secs(m->reaped_user), secs(m->reaped_sys), unseen_secs(m));
		return;
	}
	fprintf(f, "  check       the kernel counted %.2f s for every descendant reaped; the "
		"exits recorded add up to %.2f s (%+.2f%%)\n", secs(reaped), secs(s->exited_cpu),
		reaped ? 100.0 * (double)(s->exited_cpu - reaped) / (double)reaped : 0);
}

static const char *command(const struct model *m, char *buf, size_t size)
{
	if (!strcmp(m->mode, "all"))
		snprintf(buf, size, "every process (-a)");
	else
		join_args(m->cmd, m->cmdc, buf, size);
	return buf;
}

static void print_top(const struct model *m, const struct totals *s, FILE *f)
{
	char rss[32], st[32], args[1024], cut[80];

	fprintf(f, "  heaviest by CPU:\n  %8s %9s %9s %10s %9s %9s  %-8s %s\n", "PID", "USER",
		"SYSTEM", "PEAK RSS", "START", "END", "STATUS", "COMMAND");
	for (int i = 0; i < s->nprocs && i < TOP; i++) {
		const struct track *t = s->procs[i].t;

		/* comm names the program; then its arguments */
		snprintf(args, sizeof(args), "%s ", t->comm);
		if (t->argc > 1)
			join_args(t->argv + 1, t->argc - 1, args + strlen(args),
				  sizeof(args) - strlen(args));
		fprintf(f, "  %8d %7.2f s %7.2f s %10s %7.2f s %7.2f s  %-8s %s\n", t->pid,
			secs(track_user_us(m, t)), secs(track_sys_us(m, t)),
			fmt_bytes(t->rss_peak_kb * 1024.0, rss, sizeof(rss)), t->birth / 1e6,
			t->death / 1e6, t->exited ? fmt_status(t->status, st, sizeof(st)) : "running",
			elide_middle(args, 64, cut, sizeof(cut)));
	}
}

static const struct track *biggest(const struct model *m)
{
	const struct track *big = NULL;

	for (int i = 0; i < m->ntracks; i++)
		if (!m->tracks[i]->is_thread &&
		    (!big || m->tracks[i]->rss_peak_kb > big->rss_peak_kb))
			big = m->tracks[i];
	return big;
}

static void print_memory(const struct model *m, FILE *f)
{
	const struct track *big = biggest(m);
	char a[32], b[32];

	fprintf(f, "  memory      peak RSS %s for the whole tree (at %.2f s)",
		fmt_bytes(m->peak_rss_kb * 1024.0, a, sizeof(a)), m->peak_rss_t / 1e6);
	if (big)
		fprintf(f, "; largest %s (pid %d) %s", big->comm, big->pid,
			fmt_bytes(big->rss_peak_kb * 1024.0, b, sizeof(b)));
	fputc('\n', f);
}

/* the rate was changed in the live view: the rate at the end, and the
 * samples' own rate over the run */
static void print_rate_change(const struct model *m, FILE *f)
{
	vt_us span = m->nsamples > 1 ? m->samples[m->nsamples - 1].t - m->samples[0].t : 0;

	fprintf(f, " then %g Hz (set in the live view", m->hz_end);
	if (span > 0)
		fprintf(f, "; %.1f a second over the run", (m->nsamples - 1) / (span / 1e6));
	fputc(')', f);
}

/* what could not be read is said, never shown as 0 */
static void print_io(const struct totals *s, FILE *f)
{
	char a[32], b[32], c[32], d[32];

	if (!s->io_read && s->io_unread) {
		fprintf(f, "  I/O         unavailable (/proc/PID/io could not be read: another "
			"user's processes)\n");
		return;
	}
	fprintf(f, "  I/O         read %s, written %s (storage: %s read, %s written)",
		fmt_bytes(s->rchar, a, sizeof(a)), fmt_bytes(s->wchar, b, sizeof(b)),
		fmt_bytes(s->rbytes, c, sizeof(c)), fmt_bytes(s->wbytes, d, sizeof(d)));
	if (s->io_unread)
		fprintf(f, "; unavailable for %d of %d processes", s->io_unread,
			s->io_read + s->io_unread);
	fputc('\n', f);
}

void summary_print(const struct model *m, FILE *f)
{
	struct totals s;
	char cmd[512], st[32], w[32];
	double wall = m->end / 1e6;

	totals(m, &s);
	fprintf(f, "vmon: %s\n", command(m, cmd, sizeof(cmd)));
	if (!strcmp(m->mode, "run"))
		fprintf(f, "  status      %s\n", fmt_status(m->exit_status, st, sizeof(st)));
	fprintf(f, "  wall time   %s\n", fmt_dur(wall, w, sizeof(w)));
	fprintf(f, "  CPU         %.2f s user + %.2f s system = %.2f s (%.2f CPUs on average)\n",
		secs(s.user), secs(s.sys), secs(s.user + s.sys),
		wall > 0 ? secs(s.user + s.sys) / wall : 0);
	if (m->reaped_known)
		print_reaped(m, &s, f);
	fprintf(f, "  processes   %d (%d still running at the end), %d threads; at most %d "
		"processes and %d threads at once\n", m->nprocs, s.running, m->nthreads,
		m->peak_procs, m->peak_threads);
	print_memory(m, f);
	print_io(&s, f);
	fprintf(f, "  sampling    %d samples at %g Hz", m->nsamples, m->hz);
	if (m->hz_end > 0 && m->hz_end != m->hz)
		print_rate_change(m, f);
	fprintf(f, ", woke %.2f ms late on average, %.2f ms at worst, %d missed\n",
		m->nsamples ? s.late_sum / 1e3 / m->nsamples : 0, s.late_max / 1e3, m->missed);
	if (strcmp(m->events, "none"))
		fprintf(f, "  events      from %s: %llu applied, %llu lost%s\n", m->events,
			m->events_seen, m->events_lost, m->events_lost ?
			" (the processes born and gone in those moments are missing)" : "");
	if (s.nprocs)
		print_top(m, &s, f);
	free(s.procs);
}

static void put_secs(struct sbuf *b, const char *key, vt_us t)
{
	sb_printf(b, "\"%s\":%s%lld.%06lld", key, t < 0 ? "-" : "", llabs(t) / US_PER_S,
		  llabs(t) % US_PER_S);
}

static void json_proc(struct sbuf *b, const struct model *m, const struct track *t)
{
	struct io_vals own;

	sb_printf(b, "{\"id\":%d,\"pid\":%d,\"ppid\":%d,\"comm\":", t->id, t->pid, t->ppid);
	json_string(b, t->comm);
	sb_puts(b, ",\"argv\":");
	json_strv(b, t->argv, t->argc);
	sb_printf(b, ",\"user_ticks\":%llu,\"system_ticks\":%llu,\"cpu_s\":%.6f,"
		  "\"user_s\":%.6f,\"system_s\":%.6f,\"peak_rss_bytes\":%llu,", track_user(t),
		  track_sys(t), secs(track_user_us(m, t) + track_sys_us(m, t)),
		  secs(track_user_us(m, t)), secs(track_sys_us(m, t)), t->rss_peak_kb * 1024);
	put_secs(b, "start_s", t->birth);
	sb_putc(b, ',');
	put_secs(b, "end_s", t->death);
	sb_printf(b, ",\"exited\":%s,\"status\":", t->exited ? "true" : "false");
	json_status(b, t->exited ? t->status : -1);
	if (track_io(t, &own))
		sb_printf(b, ",\"io\":{\"rchar\":%llu,\"wchar\":%llu,\"read_bytes\":%llu,"
			  "\"write_bytes\":%llu}}", own.rchar, own.wchar, own.read_bytes,
			  own.write_bytes);
	else
		sb_puts(b, ",\"io\":null}");
}

static void json_body(struct sbuf *b, const struct model *m, const struct totals *s)
{
	sb_printf(b, "{\"format\":\"vmon-summary\",\"version\":1,\"mode\":\"%s\",\"command\":",
		  m->mode);
	json_strv(b, m->cmd, m->cmdc);
	sb_puts(b, ",\"exit_status\":");
	json_status(b, m->exit_status);
	sb_putc(b, ',');
	put_secs(b, "wall_s", m->end);
	sb_printf(b, ",\"ticks_per_sec\":%ld,\"cpu\":{\"user_ticks\":%llu,\"system_ticks\":%llu,"
		  "\"user_s\":%.6f,\"system_s\":%.6f},", m->tps, s->user_ticks, s->sys_ticks,
		  secs(s->user), secs(s->sys));
	if (m->reaped_known)
		sb_printf(b, "\"reaped_cpu\":{\"user_s\":%.6f,\"system_s\":%.6f,\"unseen_s\":%.6f,"
			  "\"exited_s\":%.6f},", secs(m->reaped_user), secs(m->reaped_sys),
			  unseen_secs(m), secs(s->exited_cpu));
	else
		sb_puts(b, "\"reaped_cpu\":null,");
	sb_printf(b, "\"processes\":{\"seen\":%d,\"exited\":%d,\"running\":%d,"
		  "\"peak_concurrent\":%d},\"threads\":{\"seen\":%d,\"peak_concurrent\":%d},",
		  m->nprocs, s->exited, s->running, m->peak_procs, m->nthreads, m->peak_threads);
	sb_printf(b, "\"memory\":{\"peak_rss_bytes\":%llu,", m->peak_rss_kb * 1024);
	put_secs(b, "peak_rss_at_s", m->peak_rss_t);
	if (!s->io_read && s->io_unread)
		sb_puts(b, "},\"io\":null,");
	else
		sb_printf(b, "},\"io\":{\"rchar\":%llu,\"wchar\":%llu,\"read_bytes\":%llu,"
			  "\"write_bytes\":%llu,\"unavailable_processes\":%d},", s->rchar,
			  s->wchar, s->rbytes, s->wbytes, s->io_unread);
	sb_printf(b, "\"sampling\":{\"hz\":%g,", m->hz);
	if (m->hz_end > 0)	/* changed in the live view */
		sb_printf(b, "\"hz_end\":%g,", m->hz_end);
	sb_printf(b, "\"samples\":%d,\"missed\":%d,\"late_mean_us\":%lld,\"late_max_us\":%lld},",
		  m->nsamples, m->missed, m->nsamples ? s->late_sum / m->nsamples : 0, s->late_max);
	sb_puts(b, "\"events\":{\"source\":");
	json_string(b, m->events);
	sb_printf(b, ",\"applied\":%llu,\"lost\":%llu},", m->events_seen, m->events_lost);
	sb_puts(b, "\"heaviest\":[");
	for (int i = 0; i < s->nprocs && i < TOP; i++) {
		sb_puts(b, i ? "," : "");
		json_proc(b, m, s->procs[i].t);
	}
	sb_puts(b, "],\"all\":[");
	for (int i = 0, n = 0; i < m->ntracks; i++)
		if (!m->tracks[i]->is_thread) {
			sb_puts(b, n++ ? "," : "");
			json_proc(b, m, m->tracks[i]);
		}
	sb_puts(b, "]}\n");
}

/* written whole or not at all (outfile.h) */
int summary_json(const struct model *m, const char *path)
{
	struct sbuf b = { 0 };
	struct totals s;
	int err;

	totals(m, &s);
	json_body(&b, m, &s);
	err = out_write_whole(path, b.s, b.len);
	sb_free(&b);
	free(s.procs);
	errno = -err;
	return !err;
}
