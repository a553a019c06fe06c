// SPDX-License-Identifier: GPL-2.0
/* The machine: see machine.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "machine.h"

const char *fb_arch_name(void)
{
#if defined(__x86_64__)
	return "x86_64";
#elif defined(__aarch64__)
	return "aarch64";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return "ppc64le";
#elif defined(__powerpc64__)
	return "ppc64";
#elif defined(__i386__)
	return "i686";
#elif defined(__riscv) && __riscv_xlen == 64
	return "riscv64";
#else
	return "unknown";
#endif
}

/* Read the first line of @path into @buf without its newline; NULL if none. */
static char *read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	char *ret;

	if (!f)
		return NULL;
	ret = fgets(buf, (int)len, f);
	fclose(f);
	if (ret)
		buf[strcspn(buf, "\n")] = '\0';
	return ret;
}

bool fb_emulated(const char **how)
{
	static char why[128];
	const char *env = getenv("FB_EMULATED");
	char host[64];

	if (how)
		*how = "native";
	/* The tests and scripts know best: they started the emulator. */
	if (env && *env) {
		if (how)
			*how = strcmp(env, "0") ? "FB_EMULATED=1" : "FB_EMULATED=0";
		return strcmp(env, "0") != 0;
	}
	/*
	 * qemu-user fakes uname(2) but passes /proc/sys through: the host
	 * kernel's own architecture gives the game away.
	 */
	if (read_line("/proc/sys/kernel/arch", host, sizeof(host)) &&
	    strcmp(host, fb_arch_name())) {
		snprintf(why, sizeof(why), "host arch %s != %s", host,
			 fb_arch_name());
		if (how)
			*how = why;
		return true;
	}
	if (getenv("QEMU_LD_PREFIX") || getenv("QEMU_CPU")) {
		if (how)
			*how = "QEMU_* environment";
		return true;
	}
	return false;
}
