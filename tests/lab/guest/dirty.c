/* dirty.c: memory-dirtying load for the migcheck lab's Linux guest.
 *
 * Runs as a child of the initramfs init.  Reads its settings from the
 * kernel command line (/proc/cmdline):
 *
 *   dirty_mib_s=N   dirty N MiB of guest memory per second (0 = idle)
 *   dirty_mib=M     size of the working set in MiB (default 64)
 *
 * It first fills the working set (a program's working set holds data, not zero
 * pages, and a migration sends zero pages almost for free), then every 100 ms
 * it writes one byte into each of the next N/10 MiB worth of
 * 4 KiB pages of its working set (wrapping around), so that N MiB of pages
 * become dirty per second, then sleeps for the rest of the tick.  It prints
 * a progress line on the console every 10 s.  Built static
 * (gcc -static -O2) by tests/lab/guest/build.sh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE    4096UL
#define MIB     (1024UL * 1024UL)
#define TICK_NS 100000000L /* 100 ms */

static long cmdline_value(const char *cmdline, const char *key, long def)
{
    size_t klen = strlen(key);
    const char *p = cmdline;

    while ((p = strstr(p, key)) != NULL) {
        int at_word_start = (p == cmdline || p[-1] == ' ');

        if (at_word_start && p[klen] == '=') {
            char *end;
            long v;

            errno = 0;
            v = strtol(p + klen + 1, &end, 10);
            if (errno == 0 && end != p + klen + 1 && v >= 0)
                return v;
            return def;
        }
        p += klen;
    }
    return def;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
    char cmdline[4096] = "";
    FILE *f = fopen("/proc/cmdline", "r");
    long rate, size_mib;
    unsigned long npages, per_tick, next = 0, total = 0;
    unsigned char *mem;
    double t_report;

    if (f) {
        if (!fgets(cmdline, sizeof(cmdline), f))
            cmdline[0] = '\0';
        fclose(f);
    }
    rate = cmdline_value(cmdline, "dirty_mib_s", 0);
    size_mib = cmdline_value(cmdline, "dirty_mib", 64);
    if (size_mib < 1)
        size_mib = 1;

    printf("dirty: rate=%ld MiB/s working-set=%ld MiB\n", rate, size_mib);
    fflush(stdout);
    if (rate == 0) {
        for (;;)
            pause();
    }

    mem = mmap(NULL, (size_t)size_mib * MIB, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (mem == MAP_FAILED) {
        printf("dirty: cannot map %ld MiB: %s\n", size_mib, strerror(errno));
        return 1;
    }
    memset(mem, 0x5a, (size_t)size_mib * MIB);
    npages = (unsigned long)size_mib * MIB / PAGE;
    per_tick = (unsigned long)rate * MIB / PAGE / (1000000000L / TICK_NS);
    if (per_tick == 0)
        per_tick = 1;

    t_report = now_s() + 10.0;
    for (;;) {
        double t0 = now_s(), left;
        unsigned long i;

        for (i = 0; i < per_tick; i++) {
            mem[next * PAGE] += 1;
            next = (next + 1) % npages;
        }
        total += per_tick;
        if (t0 >= t_report) {
            printf("dirty: %lu MiB dirtied so far\n", total * PAGE / MIB);
            fflush(stdout);
            t_report = t0 + 10.0;
        }
        left = (double)TICK_NS / 1e9 - (now_s() - t0);
        if (left > 0) {
            struct timespec ts = { 0, (long)(left * 1e9) };

            nanosleep(&ts, NULL);
        }
    }
}
