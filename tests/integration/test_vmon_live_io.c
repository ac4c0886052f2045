/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_vmon_live_io.c - the live view's disk and network rates, in tmux:
 * while dd reads a file with O_DIRECT (so the bytes come from the disk,
 * not the page cache), the disk read rate shows it; in a network
 * namespace of its own, while a program sends UDP datagrams out of a dummy
 * interface and more through the loopback, the network send rate shows
 * the dummy's bytes and the receive rate stays 0 (the loopback's bytes
 * never leave the machine and are not counted); the network test needs
 * root.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "test_vmon_tmux.h"

/* a whole physical disk: a /sys/block entry with a device */
static bool find_disk(char *name, size_t size)
{
	DIR *d = opendir("/sys/block");
	struct dirent *e;
	bool found = false;

	while (d && !found && (e = readdir(d))) {
		char path[512];

		snprintf(path, sizeof(path), "/sys/block/%s/device", e->d_name);
		if (e->d_name[0] != '.' && access(path, F_OK) == 0) {
			snprintf(name, size, "%.63s", e->d_name);
			found = true;
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* the number of bytes per second after label ("read ") on the screen's
 * line that has it, or -1 */
static double rate_after(const char *screen, const char *line_has, const char *label)
{
	char line[512], unit[16] = "";
	const char *at;
	double v;

	if (!screen_line(screen, line_has, line, sizeof(line)) || !(at = strstr(line, label)))
		return -1;
	if (sscanf(at + strlen(label), "%lf %15[A-Za-z]", &v, unit) != 2)
		return -1;
	if (!strcmp(unit, "KiB"))
		v *= 1024;
	else if (!strcmp(unit, "MiB"))
		v *= 1024 * 1024;
	else if (!strcmp(unit, "GiB"))
		v *= 1024.0 * 1024 * 1024;
	return v;
}

TEST(vmon_live_disk_read_rate)
{
	struct term *t = calloc(1, sizeof(*t));
	char dir[300], file[400], cmd[1200], disk[64];
	double r = -1;
	FILE *f;

	tmux_need();
	ASSERT_MSG(find_disk(disk, sizeof(disk)), "no disk in /sys/block");
	/* a file in the build folder, which is on a disk (/tmp may be
	 * memory), read with O_DIRECT: from the disk every time.  Where the
	 * build folder is not writable, /tmp it is */
	t_build_path("live-io-XXXXXX", dir, sizeof(dir));
	if (!mkdtemp(dir)) {	/* not ours to write (the suite as nobody) */
		snprintf(dir, sizeof(dir), "/tmp/vmon-test-XXXXXX");
		ASSERT(mkdtemp(dir));
	}
	snprintf(file, sizeof(file), "%s/data", dir);
	f = fopen(file, "w");
	ASSERT(f);
	for (int i = 0; i < 64; i++) {
		static const char mib[1024 * 1024];

		ASSERT(fwrite(mib, 1, sizeof(mib), f) == sizeof(mib));
	}
	ASSERT(fclose(f) == 0);
	snprintf(cmd, sizeof(cmd), "%s -- sh -c 'while :; do dd if=%s of=/dev/null bs=1M "
		 "iflag=direct 2>/dev/null || exit 1; done'", vt_vmon(), file);
	tmux_start(t, 80, 24, cmd);
	tmux_wait(t, "disk read", 1);
	/* within 20 s, at least a MiB a second shown */
	for (int i = 0; i < 400 && r < 1024 * 1024; i++) {
		tmux_wait(t, "disk read", 1);
		r = rate_after(t->screen, "disk read", "disk read ");
	}
	ASSERT_MSG(r >= 1024 * 1024, "dd reads %s directly (on /dev/%s?), the view says %g B/s:\n%s",
		   file, disk, r, t->screen);
	tmux_keys(t, "q");
	ASSERT_EQ(tmux_exit_status(t), 143);
	tmux_end(t);
	unlink(file);
	rmdir(dir);
	free(t);
}

TEST(vmon_live_network_rates_leave_out_the_loopback)
{
	struct term *t = calloc(1, sizeof(*t));
	struct vt_dir d;
	char cmd[2048], py[300], pidfile[300], *text;
	double tx = -1, rx = -1;
	FILE *f;

	tmux_need();
	if (geteuid() != 0)
		SKIP("needs root for network namespaces");
	vt_mkdir(&d);
	vt_file(&d, "send.py", py, sizeof(py));
	vt_file(&d, "sink.pid", pidfile, sizeof(pidfile));
	/* out of v0 to 10.9.9.2 (its peer v1 is in another namespace, so
	 * nothing comes back), and ten times as much to 127.0.0.1 */
	f = fopen(py, "w");
	ASSERT(f);
	fputs("import socket, time\n"
	      "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
	      "while True:\n"
	      "    s.sendto(bytes(1000), ('10.9.9.2', 9))\n"
	      "    for i in range(10):\n"
	      "        s.sendto(bytes(1000), ('127.0.0.1', 9))\n"
	      "    time.sleep(0.001)\n", f);
	fclose(f);
	/* a namespace for vmon with lo and v0; v1 in the namespace of a
	 * sleeper (its pid kept, to be ended), up, without IPv6, which would
	 * send to v0 */
	snprintf(cmd, sizeof(cmd), "unshare -n sh -c '"
		 "ip link set lo up; unshare -n sleep 600 & P=$!; echo $P > %s; "
		 "while [ \"$(readlink /proc/$P/ns/net)\" = \"$(readlink /proc/$$/ns/net)\" ]; do :; done; "
		 "ip link add v0 type veth peer name v1 netns $P && "
		 "nsenter -t $P -n sh -c \"echo 1 > /proc/sys/net/ipv6/conf/v1/disable_ipv6 && "
		 "ip link set v1 up\" && ip addr add 10.9.9.1/24 dev v0 && ip link set v0 up && "
		 "ip neigh add 10.9.9.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent && "
		 "exec %s -- python3 %s'", pidfile, vt_vmon(), py);
	tmux_start(t, 80, 24, cmd);
	tmux_wait(t, "net rx", 1);
	for (int i = 0; i < 400 && tx < 10 * 1024; i++) {
		tmux_wait(t, "net rx", 1);
		tx = rate_after(t->screen, "net rx", " tx ");
		rx = rate_after(t->screen, "net rx", "net rx ");
	}
	ASSERT_MSG(tx >= 10 * 1024 && rx == 0, "tx %g B/s, rx %g B/s:\n%s", tx, rx, t->screen);
	tmux_keys(t, "q");
	ASSERT_EQ(tmux_exit_status(t), 143);
	text = t_read_file(pidfile, NULL);
	if (text && atoi(text) > 0)
		kill(atoi(text), SIGKILL);
	free(text);
	tmux_end(t);
	vt_cleanup(&d);
	free(t);
}
