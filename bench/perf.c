// SPDX-License-Identifier: GPL-2.0
/* Per-thread counters through perf_event_open(2): see perf.h. */
#include <errno.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "perf.h"

static const struct {
	const char *name;
	uint64_t config;
} hw_events[FB_PERF_NR_HW] = {
	[FB_PERF_CYCLES] = { "cycles", PERF_COUNT_HW_CPU_CYCLES },
	[FB_PERF_INSTRUCTIONS] = { "instructions", PERF_COUNT_HW_INSTRUCTIONS },
	[FB_PERF_CACHE_MISSES] = { "cache_misses", PERF_COUNT_HW_CACHE_MISSES },
}, sw_events[FB_PERF_NR_SW] = {
	[FB_PERF_CONTEXT_SWITCHES] = { "context_switches",
				       PERF_COUNT_SW_CONTEXT_SWITCHES },
	[FB_PERF_CPU_MIGRATIONS] = { "cpu_migrations",
				     PERF_COUNT_SW_CPU_MIGRATIONS },
	[FB_PERF_TASK_CLOCK] = { "task_clock_ns", PERF_COUNT_SW_TASK_CLOCK },
	[FB_PERF_PAGE_FAULTS] = { "page_faults", PERF_COUNT_SW_PAGE_FAULTS },
};

const char *fb_perf_hw_name(enum fb_perf_hw e)
{
	return hw_events[e].name;
}

const char *fb_perf_sw_name(enum fb_perf_sw e)
{
	return sw_events[e].name;
}

/*
 * Software events count in the kernel (a context switch happens there): a
 * user-only software group counts no context switch at all.  Counted with
 * the kernel where perf_event_paranoid allows it, else user only, and the
 * software probe's reason says so.
 */
static bool sw_user_only;

static int perf_open(uint32_t type, uint64_t config, int group_fd)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.config = config;
	attr.disabled = group_fd < 0;	/* the leader switches the group */
	/* User space only: what perf_event_paranoid=2 still allows. */
	attr.exclude_kernel = type != PERF_TYPE_SOFTWARE || sw_user_only;
	attr.exclude_hv = 1;
	attr.read_format = PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED |
			   PERF_FORMAT_TOTAL_TIME_RUNNING;
	return (int)syscall(SYS_perf_event_open, &attr, 0, -1, group_fd,
			    PERF_FLAG_FD_CLOEXEC);
}

static int read_paranoid(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	int level = -100;

	if (f) {
		if (fscanf(f, "%d", &level) != 1)
			level = -100;
		fclose(f);
	}
	return level;
}

static void explain(char *buf, size_t len, const char *what, int err)
{
	const char *why;

	switch (err) {
	case ENOENT:
	case EOPNOTSUPP:
		why = "no hardware PMU exposed (virtual machine?)";
		break;
	case EACCES:
	case EPERM:
		snprintf(buf, len, "perf_event_open(%s): %s "
			 "(kernel.perf_event_paranoid=%d; run as root or lower it)",
			 what, strerror(err), read_paranoid());
		return;
	case ENOSYS:
		why = "perf_event_open not implemented (emulator or kernel config)";
		break;
	default:
		why = "unavailable";
		break;
	}
	snprintf(buf, len, "perf_event_open(%s): %s: %s", what, strerror(err), why);
}

static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static bool hw_ok, sw_ok;
static char hw_reason[256], sw_reason[256];

/*
 * The kernel patches a software event's static key (text_poke: IPIs to
 * every CPU) when the count of such events goes 0 -> 1 and back, so every
 * benchmark run's open and close did it twice per event: a quarter of a
 * round's process time on the 2-vCPU guest, and IPIs on the CPU of a
 * thread still in its loop.  One disabled event of each kind, held for
 * the process, keeps each key enabled.
 */
static int sw_keepers[FB_PERF_NR_SW];

static void hold_sw_keys(void)
{
	int i;

	for (i = 0; i < FB_PERF_NR_SW; i++)
		sw_keepers[i] = perf_open(PERF_TYPE_SOFTWARE,
					  sw_events[i].config, -1);
}

static void probe(void)
{
	int fd;

	fd = perf_open(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, -1);
	if (fd >= 0) {
		hw_ok = true;
		close(fd);
	} else {
		explain(hw_reason, sizeof(hw_reason), "cycles", errno);
	}
	fd = perf_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, -1);
	if (fd < 0 && (errno == EACCES || errno == EPERM)) {
		sw_user_only = true;
		fd = perf_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, -1);
		if (fd >= 0)
			snprintf(sw_reason, sizeof(sw_reason),
				 "user space only (kernel.perf_event_paranoid=%d): context switches not counted",
				 read_paranoid());
	}
	if (fd >= 0) {
		sw_ok = true;
		close(fd);
		hold_sw_keys();
	} else {
		explain(sw_reason, sizeof(sw_reason), "task-clock", errno);
	}
}

bool fb_perf_hw_supported(const char **reason)
{
	pthread_once(&probe_once, probe);
	if (reason)
		*reason = hw_reason;
	return hw_ok;
}

bool fb_perf_sw_supported(const char **reason)
{
	pthread_once(&probe_once, probe);
	if (reason)
		*reason = sw_reason;
	return sw_ok;
}

/* A leader and its members; the whole group or nothing (all -1). */
static void open_group(uint32_t type, const uint64_t *configs, int *fds, int n)
{
	int i, j;

	for (i = 0; i < n; i++) {
		fds[i] = perf_open(type, configs[i], i ? fds[0] : -1);
		if (fds[i] < 0) {
			for (j = 0; j < i; j++)
				close(fds[j]);
			for (j = 0; j < n; j++)
				fds[j] = -1;
			return;
		}
	}
}

static void close_group(int *fds, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

void fb_perf_thread_open(struct fb_perf_thread *p)
{
	uint64_t hw[FB_PERF_NR_HW], sw[FB_PERF_NR_SW];
	int i;

	for (i = 0; i < FB_PERF_NR_HW; i++) {
		hw[i] = hw_events[i].config;
		p->hw_fd[i] = -1;
	}
	for (i = 0; i < FB_PERF_NR_SW; i++) {
		sw[i] = sw_events[i].config;
		p->sw_fd[i] = -1;
	}
	if (fb_perf_hw_supported(NULL))
		open_group(PERF_TYPE_HARDWARE, hw, p->hw_fd, FB_PERF_NR_HW);
	if (fb_perf_sw_supported(NULL))
		open_group(PERF_TYPE_SOFTWARE, sw, p->sw_fd, FB_PERF_NR_SW);
}

static void group_ioctl(int fd, unsigned long req)
{
	if (fd >= 0)
		ioctl(fd, req, PERF_IOC_FLAG_GROUP);
}

void fb_perf_thread_enable(struct fb_perf_thread *p)
{
	group_ioctl(p->hw_fd[0], PERF_EVENT_IOC_ENABLE);
	group_ioctl(p->sw_fd[0], PERF_EVENT_IOC_ENABLE);
}

void fb_perf_thread_disable(struct fb_perf_thread *p)
{
	group_ioctl(p->sw_fd[0], PERF_EVENT_IOC_DISABLE);
	group_ioctl(p->hw_fd[0], PERF_EVENT_IOC_DISABLE);
}

/*
 * Read a group: nr, time_enabled, time_running, values.  Scaled by
 * enabled/running; false when the group never got on the PMU.
 */
static bool read_group(int fd, double *out, int n, double *ratio)
{
	uint64_t buf[3 + 8];
	ssize_t len;
	int i;

	if (fd < 0)
		return false;
	len = read(fd, buf, sizeof(buf));
	if (len < (ssize_t)((3 + n) * sizeof(uint64_t)) ||
	    buf[0] != (uint64_t)n || !buf[2])
		return false;
	for (i = 0; i < n; i++)
		out[i] = (double)buf[3 + i] * ((double)buf[1] / (double)buf[2]);
	if (ratio)
		*ratio = (double)buf[2] / (double)buf[1];
	return true;
}

void fb_perf_thread_read(struct fb_perf_thread *p, struct fb_perf_values *v)
{
	memset(v, 0, sizeof(*v));
	v->hw_valid = read_group(p->hw_fd[0], v->hw, FB_PERF_NR_HW,
				 &v->hw_running_ratio);
	v->sw_valid = read_group(p->sw_fd[0], v->sw, FB_PERF_NR_SW, NULL);
}

void fb_perf_thread_close(struct fb_perf_thread *p)
{
	close_group(p->hw_fd, FB_PERF_NR_HW);
	close_group(p->sw_fd, FB_PERF_NR_SW);
}
