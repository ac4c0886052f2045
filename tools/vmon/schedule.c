/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * schedule.c - the sampling schedule (schedule.h), kept against absolute
 * deadlines so that the time a sample takes and the lateness of each
 * wake-up do not accumulate into drift.
 */
#include <stdio.h>
#include <time.h>

#include "schedule.h"

void schedule_init(struct schedule *sc, double hz, double snapshot_every)
{
	sc->hz = hz;
	sc->snapshot_every = snapshot_every;
}

void schedule_start_clock(struct schedule *sc)
{
	struct timespec ts;

	sc->t0 = mono_us();
	clock_gettime(CLOCK_BOOTTIME, &ts);
	sc->boot0 = (vt_us)ts.tv_sec * US_PER_S + ts.tv_nsec / 1000;
}

vt_us schedule_now(const struct schedule *sc)
{
	return mono_us() - sc->t0;
}

void schedule_set_rate(struct schedule *sc, double hz)
{
	if (hz < 1)
		hz = 1;
	if (hz > 1000)
		hz = 1000;
	sc->hz = hz;
	sc->period = (vt_us)(US_PER_S / hz);
	sc->next = schedule_now(sc) + sc->period;
}

void schedule_begin(struct schedule *sc)
{
	schedule_set_rate(sc, sc->hz);
	sc->next = schedule_now(sc);
}

bool schedule_due(const struct schedule *sc)
{
	return schedule_now(sc) >= sc->next;
}

vt_us schedule_left(const struct schedule *sc)
{
	return sc->next - schedule_now(sc);
}

/* Say, at most every 10 s, that samples could not keep the schedule. */
static void say_behind(struct schedule *sc, int missed, vt_us now, char *say, size_t size)
{
	sc->behind_missed += missed;
	if (sc->behind_said && now - sc->behind_said < 10 * US_PER_S)
		return;
	snprintf(say, size, "falling behind at %g Hz: %d samples missed%s; a lower "
		 "rate (-z) keeps up", sc->hz, sc->behind_missed,
		 sc->behind_said ? " in the last 10 s" : "");
	sc->behind_said = now;
	sc->behind_missed = 0;
}

int schedule_advance(struct schedule *sc, char *say, size_t size)
{
	vt_us now;
	int missed;

	say[0] = '\0';
	sc->next += sc->period;
	now = schedule_now(sc);
	if (now < sc->next)
		return 0;
	missed = (int)((now - sc->next) / sc->period) + 1;
	sc->next += (vt_us)missed * sc->period;
	say_behind(sc, missed, now, say, size);
	return missed;
}

bool schedule_snapshot_due(struct schedule *sc, vt_us t)
{
	if (sc->snapshot_every <= 0 || t < sc->next_snapshot)
		return false;
	sc->next_snapshot = t + (vt_us)(sc->snapshot_every * US_PER_S);
	return true;
}
