/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * migcheck cluster: every domain of every host against every other host,
 * from saved snapshots (--facts DIR), judged as check judges each pair
 * (checker/cluster.h); where each domain can go, what splits the cluster,
 * and with --drain HOST a destination with room for each of its domains.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checker/cluster.h"
#include "checker/facts-xml.h"
#include "checker/policy.h"
#include "checker/render-cluster.h"
#include "checker/xml-util.h"
#include "cli.h"
#include "exit-codes.h"
#include "gather/pair.h"
#include "hosts/hostset.h"
#include "hosts/inventory.h"
#include "rules/rules.h"
#include "virt/virt.h"
#include "util/buf.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define MC_DEFAULT_POLICY "/etc/migcheck/policy.xml"

enum {
    OPT_FACTS = MC_OPT_FIRST_VERB_OPT,
    OPT_DRAIN,
    OPT_VM,
    OPT_POLICY,
    OPT_STRICT,
    OPT_OFFLINE,
    OPT_COPY_STORAGE,
    OPT_JOBS,
    OPT_CPU_RATIO,
    OPT_VERIFY,
    OPT_HOSTS,
    OPT_SAVE_FACTS,
    OPT_PROBE,
    OPT_TRANSPORT,
    OPT_REMOTE_COMMAND,
    OPT_TIMEOUT,
    OPT_VM_XML,
};

const struct mc_opt verb_cluster_opts[] = {
    { "facts", required_argument, OPT_FACTS, "DIR",
      "read the hosts from snapshot files DIR/*.xml (migcheck facts --all-vms on each host)", NULL,
      false },
    { "hosts", required_argument, OPT_HOSTS, "FILE",
      "gather the hosts listed in FILE (one per line, or an Ansible INI or YAML inventory)", NULL,
      false },
    { "save-facts", required_argument, OPT_SAVE_FACTS, "DIR",
      "keep the snapshot of each host gathered in DIR/HOST.xml", NULL, false },
    { "probe", no_argument, OPT_PROBE, NULL,
      "run the live probes of check for every domain and destination (ports, storage reached "
      "from each destination, CPU): slow, one probe set per cell",
      NULL, false },
    { "transport", required_argument, OPT_TRANSPORT, "T",
      "libvirt transport for hosts named as [user@]host: ssh (default), tcp, tls, libssh, "
      "libssh2",
      mc_transport_values, false },
    { "remote-command", required_argument, OPT_REMOTE_COMMAND, "PATH",
      "migcheck on the remote hosts (default: migcheck); empty: always use the embedded sh "
      "probe",
      NULL, false },
    { "host-timeout", required_argument, OPT_TIMEOUT, "SECONDS",
      "give up on a host after this long (default 30)", NULL, false },
    { .name = "timeout",
      .has_arg = required_argument,
      .val = OPT_TIMEOUT,
      .arg_name = "SECONDS",
      .help = "the same (migrate spells it --host-timeout too: its --timeout is virsh's)",
      .alias = true },
    { "drain", required_argument, OPT_DRAIN, "HOST",
      "plan a destination with room for each domain of HOST; exit 1 when one has none", NULL,
      false },
    { "vm", required_argument, OPT_VM, "NAME", "only this domain (name or UUID): where can it go",
      NULL, false },
    { "vm-xml", required_argument, OPT_VM_XML, "FILE",
      "a domain given as XML (a template not yet deployed) instead of the hosts' domains: judged "
      "as if it were on each host in turn",
      NULL, false },
    { "policy", required_argument, OPT_POLICY, "FILE",
      "site policy (default " MC_DEFAULT_POLICY " when it exists; empty: none)", NULL, false },
    { "strict", no_argument, OPT_STRICT, NULL, "warnings block too", NULL, false },
    { "offline", no_argument, OPT_OFFLINE, NULL,
      "judge offline migrations (shut-off domains, definitions only)", NULL, false },
    { "copy-storage", no_argument, OPT_COPY_STORAGE, NULL,
      "migrations will copy non-shared disks (--copy-storage-all)", NULL, false },
    { "jobs", required_argument, OPT_JOBS, "N",
      "gather N hosts at once (default 10, ssh's MaxStartups); with --facts: read snapshots and "
      "judge with N threads (default: the number of CPUs)",
      NULL, false },
    { "cpu-ratio", required_argument, OPT_CPU_RATIO, "R",
      "with --drain: vCPUs a host may run per CPU (default 4)", NULL, false },
    { "verify", no_argument, OPT_VERIFY, NULL,
      "judge every cell on its own too and fail (exit 3) if any differs from what the classes "
      "gave (slow: one full check per cell)",
      NULL, false },
    { 0 },
};

struct cluster_args {
    const char *facts_dir, *drain, *vm, *vm_xml, *policy;
    const char *hosts_file, *save_facts, *transport, *remote_command;
    bool strict, verify, probe;
    long timeout;
    struct mc_check_opts copts;
    long jobs;
    double cpu_ratio;
};

static int handle(int c, const char *arg, void *userdata)
{
    struct cluster_args *a = userdata;
    switch (c) {
    case OPT_FACTS:
        a->facts_dir = arg;
        return 0;
    case OPT_DRAIN:
        a->drain = arg;
        return 0;
    case OPT_VM:
        a->vm = arg;
        return 0;
    case OPT_VM_XML:
        a->vm_xml = arg;
        return 0;
    case OPT_POLICY:
        a->policy = arg;
        return 0;
    case OPT_STRICT:
        a->strict = true;
        return 0;
    case OPT_OFFLINE:
        a->copts.offline = true;
        return 0;
    case OPT_COPY_STORAGE:
        a->copts.copy_storage = true;
        return 0;
    case OPT_VERIFY:
        a->verify = true;
        return 0;
    case OPT_HOSTS:
        a->hosts_file = arg;
        return 0;
    case OPT_SAVE_FACTS:
        a->save_facts = arg;
        return 0;
    case OPT_PROBE:
        a->probe = true;
        return 0;
    case OPT_TRANSPORT:
        a->transport = mc_parse_transport(arg);
        return a->transport ? 0 : -1;
    case OPT_REMOTE_COMMAND:
        a->remote_command = arg;
        return 0;
    case OPT_TIMEOUT:
        return mc_parse_long_option("--host-timeout", arg, 1, 3600, &a->timeout);
    case OPT_JOBS:
        return mc_parse_long_option("--jobs", arg, 1, 256, &a->jobs);
    case OPT_CPU_RATIO: {
        char *end;
        errno = 0;
        double v = strtod(arg, &end);
        if (errno || *end || end == arg || !(v > 0) || v > 1000) {
            mc_log_error("invalid --cpu-ratio '%s': expected a number above 0", arg);
            return -1;
        }
        a->cpu_ratio = v;
        return 0;
    }
    }
    return -1;
}

MC_DEFINE_CLEANUP(DIR *, closedir)

/* ---- snapshots, read in parallel ---- */

struct load_job {
    char **paths;
    size_t n;
    size_t next; /* atomic */
    struct mc_host_facts **facts;
    struct mc_error *errs;
};

static void *load_worker(void *arg)
{
    struct load_job *j = arg;
    for (;;) {
        size_t i = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED);
        if (i >= j->n)
            return NULL;
        if (mc_facts_load(j->paths[i], &j->facts[i], &j->errs[i]) == 0) {
            /* The domain XML text is not judged by any rule: not kept in memory. */
            MC_HOST_FOREACH_VM (vm, j->facts[i]) {
                free(vm->xml);
                vm->xml = NULL;
            }
        }
    }
}

static long jobs_or_cpus(long jobs)
{
    if (jobs > 0)
        return jobs;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus > 0 ? cpus : 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(const char *dir, long jobs, struct mc_cluster *c)
{
    _cleanup_(closedirp) DIR *d = opendir(dir);
    if (!d) {
        mc_log_error("cannot read '%s': %s", dir, strerror(errno));
        return MC_EXIT_USAGE;
    }
    _cleanup_strv_free_ char **paths = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 4 && e->d_name[0] != '.' && strcmp(e->d_name + l - 4, ".xml") == 0)
            mc_strv_push(&paths, mc_xasprintf("%s/%s", dir, e->d_name));
    }
    size_t n = mc_strv_length(paths);
    if (!n) {
        mc_log_error("no snapshot (*.xml) in '%s'", dir);
        return MC_EXIT_USAGE;
    }
    qsort(paths, n, sizeof(*paths), cmp_str);
    mc_xml_init();
    struct load_job j = {
        .paths = paths,
        .n = n,
        .facts = mc_xcalloc(n, sizeof(struct mc_host_facts *)),
        .errs = mc_xcalloc(n, sizeof(struct mc_error)),
    };
    jobs = jobs_or_cpus(jobs);
    if ((size_t)jobs > n)
        jobs = (long)n;
    pthread_t *th = mc_xcalloc((size_t)jobs, sizeof(*th));
    bool *up = mc_xcalloc((size_t)jobs, sizeof(*up));
    for (long i = 1; i < jobs; i++)
        up[i] = pthread_create(&th[i], NULL, load_worker, &j) == 0;
    load_worker(&j);
    for (long i = 1; i < jobs; i++)
        if (up[i])
            pthread_join(th[i], NULL);
    free(th);
    free(up);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (!j.facts[i]) {
            if (!rc)
                mc_log_error("%s", j.errs[i].message ? j.errs[i].message : paths[i]);
            rc = MC_EXIT_USAGE;
            mc_error_clear(&j.errs[i]);
            continue;
        }
        if (rc) {
            mc_host_facts_free(j.facts[i]);
            continue;
        }
        /* Named as the snapshot names the host, else by its file. */
        _cleanup_free_ char *name = NULL;
        if (j.facts[i]->name && *j.facts[i]->name) {
            name = mc_xstrdup(j.facts[i]->name);
        } else {
            const char *base = strrchr(paths[i], '/');
            base = base ? base + 1 : paths[i];
            name = mc_xstrndup(base, strlen(base) - 4);
        }
        for (size_t k = 0; k < c->n_hosts; k++)
            if (strcmp(c->hosts[k].name, name) == 0) {
                mc_log_error("snapshots '%s' and '%s' are both of host '%s'", c->hosts[k].origin,
                             paths[i], name);
                rc = MC_EXIT_USAGE;
            }
        if (rc) {
            mc_host_facts_free(j.facts[i]);
            continue;
        }
        free(j.facts[i]->collector);
        j.facts[i]->collector = mc_xstrdup("snapshot");
        mc_cluster_add_host(c, name, j.facts[i], paths[i], false);
    }
    free(j.facts);
    free(j.errs);
    return rc;
}

/* ---- live hosts ---- */

struct live {
    struct mc_hostset *hs;
    struct mc_host **hosts; /* by cluster host index */
    size_t n;
    struct mc_pair_facts **rel; /* --probe: by cell (vm * n + dst) */
    size_t n_rel;
    bool tty;
    size_t unreachable;
};

static void live_clear(struct live *l)
{
    for (size_t i = 0; i < l->n_rel; i++)
        mc_pair_facts_free(l->rel[i]);
    free(l->rel);
    free(l->hosts);
    mc_hostset_free(l->hs);
    memset(l, 0, sizeof(*l));
}

static void progress(const struct mc_host *h, size_t done, size_t total, void *userdata)
{
    struct live *l = userdata;
    if (h->rc < 0)
        l->unreachable++;
    if (!l->tty)
        return;
    fprintf(stderr, "\rmigcheck: gathered %zu of %zu hosts", done, total);
    if (l->unreachable)
        fprintf(stderr, " (%zu unreachable)", l->unreachable);
    if (done == total)
        fputs("\r\033[K", stderr); /* the line goes away when all are in */
    fflush(stderr);
}

/* A file name for a host name: what cannot be in one becomes '_'. */
static char *file_name(const char *name)
{
    char *f = mc_xasprintf("%s.xml", name);
    for (char *p = f; *p; p++)
        if (*p == '/' || (unsigned char)*p < ' ' || *p == 0x7f)
            *p = '_';
    if (f[0] == '.')
        f[0] = '_';
    return f;
}

static int save_snapshots(const char *dir, const struct mc_cluster *c)
{
    int dfd = mc_save_dir_open(dir);
    if (dfd < 0)
        return MC_EXIT_USAGE;
    int rc = 0;
    for (size_t i = 0; i < c->n_hosts && rc == 0; i++) {
        _cleanup_free_ char *xml = NULL, *base = file_name(c->hosts[i].name);
        size_t len = 0;
        if (mc_facts_to_xml(c->hosts[i].facts, &xml, &len) < 0) {
            mc_log_error("cannot serialize the facts of '%s'", c->hosts[i].name);
            rc = MC_EXIT_UNKNOWN;
        } else if (mc_save_file(dfd, dir, base, xml, len) < 0) {
            rc = MC_EXIT_USAGE;
        }
    }
    close(dfd);
    return rc;
}

/* Gather every host (bounded parallelism), each with all its domains, into c. */
static int gather_live(const struct cluster_args *a, const struct mc_global *g, char *const *names,
                       char *const *specs, size_t n, struct mc_cluster *c, struct live *l)
{
    struct mc_hostset_opts ho = {
        .transport = a->transport,
        .remote_command = a->remote_command,
        .timeout_ms = (int)a->timeout * 1000,
        .keep_unreachable = true,
        .verbose = g->verbose,
        .max_parallel = a->jobs > 0 ? (int)a->jobs : 10,
        .progress = progress,
        .progress_userdata = l,
    };
    l->tty = isatty(STDERR_FILENO);
    l->hs = mc_hostset_new(&ho);
    l->hosts = mc_xcalloc(n + 1, sizeof(*l->hosts));
    l->n = n;
    for (size_t i = 0; i < n; i++) {
        _cleanup_error_ struct mc_error err = { 0 };
        if (mc_hostset_add(l->hs, specs[i], &l->hosts[i], &err) < 0) {
            if (strcmp(names[i], specs[i]) == 0)
                mc_log_error("%s", err.message);
            else
                mc_log_error("host '%s': %s", names[i], err.message);
            return MC_EXIT_USAGE;
        }
        l->hosts[i]->want_all_vms = true;
    }
    _cleanup_error_ struct mc_error err = { 0 };
    if (mc_hostset_open(l->hs, &err) < 0) {
        mc_log_error("%s", err.message);
        return MC_EXIT_UNKNOWN;
    }
    for (size_t i = 0; i < n; i++) {
        struct mc_host *h = l->hosts[i];
        if (h->rc < 0) {
            /* Every fact of the host is missing: its cells are unknown, and say why. */
            struct mc_host_facts *f = mc_host_facts_new();
            const char *why = h->err.message ? h->err.message : "unreachable";
            static const char *const areas[] = { "os", "virt", "mounts", "storage", "net" };
            for (size_t k = 0; k < ARRAY_SIZE(areas); k++)
                mc_facts_add_error(f, areas[k], h->rc, "%s", why);
            f->areas = MC_AREA_OS | MC_AREA_VIRT | MC_AREA_CPU | MC_AREA_MOUNTS | MC_AREA_STORAGE |
                       MC_AREA_NET;
            f->name = mc_xstrdup(names[i]);
            mc_cluster_add_host(c, names[i], f, "unreachable", true);
            continue;
        }
        free(h->facts->name);
        h->facts->name = mc_xstrdup(names[i]);
        size_t k = mc_cluster_add_host(c, names[i], h->facts, "live", false);
        c->hosts[k].borrowed = true; /* the host set's, and the probes need them there */
    }
    return 0;
}

static const struct mc_pair_facts *probed(const struct mc_cluster *c, size_t vm, size_t dst,
                                          void *userdata)
{
    const struct live *l = userdata;
    size_t i = vm * c->n_hosts + dst;
    return i < l->n_rel ? l->rel[i] : NULL;
}

static bool vm_wanted(const struct mc_vm_facts *vm, const char *only)
{
    return !only || (vm->name && strcmp(vm->name, only) == 0) ||
           (vm->uuid && strcasecmp(vm->uuid, only) == 0);
}

/*
 * --probe: check's live probes for every domain (in the order the cluster numbers them) and
 * every other reachable host, one pair at a time (a host's session serves one thread).
 */
static void probe_cells(const struct cluster_args *a, struct mc_cluster *c, struct live *l)
{
    size_t n = c->n_hosts, vi = 0;
    size_t total = 0;
    for (size_t s = 0; s < n; s++)
        if (!c->hosts[s].unreachable)
            MC_HOST_FOREACH_VM (vm, c->hosts[s].facts)
                total += vm_wanted(vm, a->vm);
    l->n_rel = total * n;
    l->rel = mc_xcalloc(l->n_rel + 1, sizeof(*l->rel));
    struct mc_pair_gather_opts po = { .probes = true, .check = &a->copts };
    size_t done = 0, cells = total * (n ? n - 1 : 0);
    for (size_t s = 0; s < n; s++) {
        if (c->hosts[s].unreachable)
            continue;
        struct mc_host_facts *f = c->hosts[s].facts;
        size_t nv = mc_host_n_vms(f);
        _cleanup_free_ char *first = mc_xstrdup_or_null(nv ? mc_host_vm_at(f, 0)->name : NULL);
        for (size_t k = 0; k < nv; k++) {
            if (!vm_wanted(mc_host_vm_at(f, k), a->vm))
                continue;
            _cleanup_free_ char *name = mc_xstrdup_or_null(mc_host_vm_at(f, k)->name);
            /* the domain to probe becomes the host's vm for the pair gatherer, then goes back */
            if (name)
                (void)mc_host_select_vm(f, name);
            for (size_t d = 0; d < n; d++) {
                if (d == s || c->hosts[d].unreachable)
                    continue;
                _cleanup_error_ struct mc_error err = { 0 };
                struct mc_pair_facts *rel = NULL;
                if (mc_gather_pair(l->hosts[s], l->hosts[d], &po, &rel, &err) < 0) {
                    rel = mc_pair_facts_new();
                    mc_pair_add_error(rel, "probes", err.code, "%s", err.message);
                }
                l->rel[vi * n + d] = rel;
                if (l->tty)
                    fprintf(stderr, "\rmigcheck: probed %zu of %zu cells", ++done, cells);
            }
            if (first)
                (void)mc_host_select_vm(f, first);
            vi++;
        }
    }
    if (l->tty)
        fputs("\r\033[K", stderr);
}

/* ---- drain ---- */

static int64_t vm_need_kib(const struct mc_vm_facts *vm)
{
    return vm->current_memory_kib > 0 ? vm->current_memory_kib : vm->memory_kib;
}

struct room {
    int64_t mem_kib; /* free memory left */
    double vcpus;    /* vCPUs that may still be started (negative: already over) */
    bool mem_known, vcpus_known;
};

static int cmp_vm_size(const void *a, const void *b, void *userdata)
{
    const struct mc_cluster *c = userdata;
    const struct mc_cluster_vm *x = &c->vms[*(const size_t *)a], *y = &c->vms[*(const size_t *)b];
    int64_t nx = vm_need_kib(x->facts), ny = vm_need_kib(y->facts);
    if (nx != ny)
        return nx > ny ? -1 : 1;
    return strcmp(x->facts->name ? x->facts->name : "", y->facts->name ? y->facts->name : "");
}

static int64_t huge_free(const struct mc_host_facts *h, int64_t size_kib)
{
    for (size_t i = 0; i < h->virt.n_hugepages; i++)
        if (h->virt.hugepages[i].size_kib == size_kib)
            return h->virt.hugepages[i].free;
    return 0;
}

static bool vm_running(const struct mc_vm_facts *vm)
{
    return vm->state && (strcmp(vm->state, "running") == 0 || strcmp(vm->state, "paused") == 0);
}

/* The rules behind the blocked destinations of a domain, most hosts first: "net.bridge on 3
 * hosts, virt.memory on 1". */
static char *why_nowhere(const struct mc_cluster *c, const struct mc_cluster_vm *cv)
{
    struct cnt {
        const char *rule;
        const char *subject;
        size_t hosts;
    } *cs = NULL;
    size_t n = 0;
    for (size_t g = 0; g < cv->n_groups; g++) {
        const struct mc_cluster_result *r = &c->results[cv->groups[g].result];
        for (size_t k = 0; k < r->n_causes; k++) {
            const struct mc_cluster_cause *ca = &r->causes[k];
            if (ca->status == MC_STATUS_WARN)
                continue;
            const char *subj = ca->names_vm ? NULL : ca->subject;
            size_t i = 0;
            for (; i < n; i++)
                if (strcmp(cs[i].rule, ca->rule) == 0 &&
                    strcmp(cs[i].subject ? cs[i].subject : "", subj ? subj : "") == 0)
                    break;
            if (i == n) {
                cs = mc_xrealloc(cs, (n + 1) * sizeof(*cs));
                cs[n++] = (struct cnt){ ca->rule, subj, 0 };
            }
            cs[i].hosts += cv->groups[g].n_hosts;
        }
    }
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && cs[k].hosts > cs[k - 1].hosts; k--) {
            struct cnt t = cs[k];
            cs[k] = cs[k - 1];
            cs[k - 1] = t;
        }
    struct mc_buf b = MC_BUF_INIT;
    mc_buf_puts(&b, "no host accepts it: ");
    for (size_t i = 0; i < n && i < 5; i++)
        mc_buf_printf(&b, "%s%s%s%s on %zu host%s", i ? "; " : "", cs[i].rule,
                      cs[i].subject ? " " : "", cs[i].subject ? cs[i].subject : "", cs[i].hosts,
                      cs[i].hosts == 1 ? "" : "s");
    if (!n)
        mc_buf_puts(&b, "there is no other host");
    free(cs);
    return mc_buf_steal(&b);
}

static int plan_drain(const struct mc_cluster *c, size_t host, double ratio,
                      struct mc_drain_plan *ret)
{
    size_t n = c->n_hosts;
    ret->host = host;
    ret->cpu_ratio = ratio;
    struct room *room = mc_xcalloc(n ? n : 1, sizeof(*room));
    for (size_t d = 0; d < n; d++) {
        const struct mc_host_facts *f = c->hosts[d].facts;
        room[d].mem_known = f->virt.free_memory_kib > 0;
        room[d].mem_kib = f->virt.free_memory_kib;
        double used = 0;
        MC_HOST_FOREACH_VM (vm, f)
            if (vm_running(vm))
                used += (double)vm->vcpus;
        room[d].vcpus_known = f->virt.cpus > 0;
        room[d].vcpus = (double)f->virt.cpus * ratio - used;
    }
    /* Hugepages used by placements, per host, for the sizes domains ask for. */
    struct hp_use {
        size_t host;
        int64_t size_kib, pages;
    } *hp = NULL;
    size_t n_hp = 0;

    size_t *order = NULL, n_order = 0;
    for (size_t i = 0; i < c->n_vms; i++)
        if (c->vms[i].host == host)
            *MC_APPEND(order, n_order) = i;
    qsort_r(order, n_order, sizeof(*order), cmp_vm_size, (void *)c);

    for (size_t k = 0; k < n_order; k++) {
        size_t vi = order[k];
        const struct mc_cluster_vm *cv = &c->vms[vi];
        const struct mc_vm_facts *vm = cv->facts;
        int64_t need = vm_need_kib(vm);
        int64_t pages =
            vm->hugepage_kib > 0 ? (vm->memory_kib + vm->hugepage_kib - 1) / vm->hugepage_kib : 0;
        size_t best = SIZE_MAX, accepting = 0;
        int64_t best_left = 0, most_mem = -1;
        double most_cpu = -1;
        for (size_t d = 0; d < n; d++) {
            if (d == host || mc_cluster_cell_verdict(c, vi, d, NULL) != MC_CELL_MIGRATABLE)
                continue;
            accepting++;
            if (room[d].mem_known && room[d].mem_kib > most_mem)
                most_mem = room[d].mem_kib;
            if (room[d].vcpus_known && room[d].vcpus > most_cpu)
                most_cpu = room[d].vcpus;
            if (room[d].mem_known && vm->hugepage_kib <= 0 && room[d].mem_kib < need)
                continue;
            if (room[d].vcpus_known && room[d].vcpus < (double)vm->vcpus)
                continue;
            if (pages) {
                int64_t free_pages = huge_free(c->hosts[d].facts, vm->hugepage_kib);
                for (size_t i = 0; i < n_hp; i++)
                    if (hp[i].host == d && hp[i].size_kib == vm->hugepage_kib)
                        free_pages -= hp[i].pages;
                if (free_pages < pages)
                    continue;
            }
            int64_t left = room[d].mem_known ? room[d].mem_kib - (pages ? 0 : need) : 0;
            if (best == SIZE_MAX || left > best_left) {
                best = d;
                best_left = left;
            }
        }
        if (best == SIZE_MAX) {
            struct mc_drain_stranded *s = MC_APPEND(ret->stranded, ret->n_stranded);
            s->vm = vi;
            if (!accepting)
                s->reason = why_nowhere(c, cv);
            else
                s->reason = mc_xasprintf(
                    "no host has room: it needs %lld MiB%s and %lld vCPU%s; of the %zu hosts that "
                    "accept it, the most free memory left is %lld MiB and the most vCPUs %.0f",
                    (long long)(need / 1024), pages ? " in huge pages" : "", (long long)vm->vcpus,
                    vm->vcpus == 1 ? "" : "s", accepting,
                    (long long)(most_mem > 0 ? most_mem / 1024 : 0), most_cpu > 0 ? most_cpu : 0.0);
            continue;
        }
        struct mc_drain_placement *p = MC_APPEND(ret->placed, ret->n_placed);
        p->vm = vi;
        p->dst = best;
        if (!pages)
            room[best].mem_kib -= need;
        room[best].vcpus -= (double)vm->vcpus;
        if (pages) {
            struct hp_use *u = MC_APPEND(hp, n_hp);
            *u = (struct hp_use){ best, vm->hugepage_kib, pages };
        }
    }
    free(order);
    free(hp);
    free(room);
    return ret->n_stranded ? MC_EXIT_BLOCKED : MC_EXIT_OK;
}

/* ---- the verb ---- */

static void verify_report(size_t vm, size_t dst, const char *why, void *userdata)
{
    const struct mc_cluster *c = userdata;
    const struct mc_cluster_vm *cv = &c->vms[vm];
    mc_log_error("cell %s (%s) -> %s: judged alone, %s", cv->facts->name ? cv->facts->name : "?",
                 c->hosts[cv->host].name, c->hosts[dst].name, why);
}

/* CPU seconds of the whole process (all threads). */
static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static size_t terminal_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col;
    const char *cols = getenv("COLUMNS");
    long v = cols ? strtol(cols, NULL, 10) : 0;
    return v >= 40 && v <= 1000 ? (size_t)v : 100;
}

int verb_cluster(int argc, char **argv, const struct mc_global *g0)
{
    struct mc_global g = *g0;
    struct cluster_args a = {
        .cpu_ratio = 4.0,
        .transport = "ssh",
        .remote_command = "migcheck",
        .timeout = 30,
    };
    int first;
    int r = mc_parse_options(mc_verb_find("cluster"), argc, argv, &g, handle, &a, &first);
    if (r != 0)
        return r > 0 ? MC_EXIT_OK : MC_EXIT_USAGE;
    const char *fmt = g.format ? g.format : "text";
    if (strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0 && strcmp(fmt, "junit") != 0 &&
        strcmp(fmt, "html") != 0) {
        mc_log_error("invalid format '%s' for cluster: expected text, json, junit or html", fmt);
        return MC_EXIT_USAGE;
    }
    a.copts.transport = a.transport;
    bool live = first < argc || a.hosts_file;
    if (live && a.facts_dir) {
        mc_log_error("--facts reads snapshots: name no hosts with it");
        return MC_EXIT_USAGE;
    }
    if (!live && !a.facts_dir) {
        mc_log_error("expected HOST..., --hosts FILE or --facts DIR");
        fprintf(stderr, "Try 'migcheck cluster --help'.\n");
        return MC_EXIT_USAGE;
    }
    if (!live && (a.save_facts || a.probe)) {
        mc_log_error("%s needs live hosts, not --facts", a.probe ? "--probe" : "--save-facts");
        return MC_EXIT_USAGE;
    }
    if (a.save_facts) {
        /* Refused before any host is reached, as check does. */
        int dfd = mc_save_dir_open(a.save_facts);
        if (dfd < 0)
            return MC_EXIT_USAGE;
        close(dfd);
    }
    if (a.vm_xml && (a.vm || a.drain || a.probe)) {
        mc_log_error("--vm-xml judges a domain given as XML: not with %s", a.vm      ? "--vm"
                                                                           : a.drain ? "--drain"
                                                                                     : "--probe");
        return MC_EXIT_USAGE;
    }
    _cleanup_(mc_vm_facts_freep) struct mc_vm_facts *template = NULL;
    if (a.vm_xml) {
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        int rr = mc_read_file(a.vm_xml, 64u << 20, &buf, &len);
        if (rr < 0) {
            mc_log_error("cannot read '%s': %s", a.vm_xml, strerror(-rr));
            return MC_EXIT_USAGE;
        }
        _cleanup_error_ struct mc_error err = { 0 };
        _cleanup_free_ char *what = mc_xasprintf("domain XML '%s'", a.vm_xml);
        if (mc_domain_xml_parse(buf, len, what, &template, &err) < 0) {
            mc_log_error("%s", err.message);
            return MC_EXIT_USAGE;
        }
    }
    /* The hosts: as named on the command line, then those of the inventory. */
    _cleanup_strv_free_ char **names = NULL, **specs = NULL;
    for (int i = first; i < argc; i++) {
        mc_strv_add(&names, argv[i]);
        mc_strv_add(&specs, argv[i]);
    }
    if (a.hosts_file) {
        struct mc_inventory inv = { 0 };
        _cleanup_error_ struct mc_error err = { 0 };
        if (mc_inventory_load(a.hosts_file, &inv, &err) < 0) {
            mc_log_error("%s", err.message);
            return MC_EXIT_USAGE;
        }
        for (size_t i = 0; i < inv.n_hosts; i++) {
            mc_strv_add(&names, inv.hosts[i].name);
            mc_strv_add(&specs, inv.hosts[i].spec);
        }
        mc_inventory_clear(&inv);
    }
    size_t n_live = mc_strv_length(names);
    for (size_t i = 0; i < n_live; i++)
        for (size_t k = 0; k < i; k++)
            if (strcmp(names[i], names[k]) == 0) {
                mc_log_error("host '%s' is named twice", names[i]);
                return MC_EXIT_USAGE;
            }
    if (live && n_live < 2) {
        mc_log_error("a cluster needs at least two hosts");
        return MC_EXIT_USAGE;
    }

    _cleanup_(mc_policy_freep) struct mc_policy *policy = NULL;
    const char *policy_path = a.policy;
    if (!policy_path && access(MC_DEFAULT_POLICY, F_OK) == 0)
        policy_path = MC_DEFAULT_POLICY;
    if (policy_path && !*policy_path)
        policy_path = NULL;
    size_t nrules;
    const struct mc_rule *rules = mc_rules_table(&nrules);
    if (policy_path) {
        _cleanup_error_ struct mc_error err = { 0 };
        if (mc_policy_load(policy_path, &policy, &err) < 0 ||
            mc_policy_validate(policy, rules, nrules, &err) < 0) {
            mc_log_error("%s", err.message);
            return MC_EXIT_USAGE;
        }
    }

    double t0 = mc_now(), cpu0 = cpu_now();
    struct mc_cluster c = { 0 };
    struct live l = { 0 };
    int rc = live ? gather_live(&a, &g, names, specs, n_live, &c, &l)
                  : load_dir(a.facts_dir, a.jobs, &c);
    if (rc == 0 && a.save_facts)
        rc = save_snapshots(a.save_facts, &c);
    if (rc) {
        mc_cluster_free(&c);
        live_clear(&l);
        return rc;
    }
    if (a.probe)
        probe_cells(&a, &c, &l);
    double t_load = mc_now() - t0, cpu_load = cpu_now() - cpu0;
    size_t drain_host = SIZE_MAX;
    if (a.drain) {
        for (size_t i = 0; i < c.n_hosts; i++)
            if (strcmp(c.hosts[i].name, a.drain) == 0)
                drain_host = i;
        if (drain_host == SIZE_MAX) {
            mc_log_error("no host '%s' in the cluster", a.drain);
            mc_cluster_free(&c);
            live_clear(&l);
            return MC_EXIT_USAGE;
        }
    }
    struct mc_cluster_opts co = {
        .rules = rules,
        .n_rules = nrules,
        .policy = policy,
        .strict = a.strict,
        .check = &a.copts,
        .threads = live ? 0 : (int)jobs_or_cpus(a.jobs),
        .pair_facts = a.probe ? probed : NULL,
        .pair_facts_userdata = &l,
    };
    double cpu1 = cpu_now();
    if (mc_cluster_judge(&c, &co, a.vm, template) == -ENOENT) {
        mc_log_error("no host of the cluster has a domain '%s'", a.vm);
        mc_cluster_free(&c);
        live_clear(&l);
        return MC_EXIT_USAGE;
    }

    if (a.verify) {
        size_t bad = mc_cluster_verify(&c, &co, verify_report, &c);
        if (bad) {
            mc_log_error("%zu of %llu cells differ from their class: a bug, please report it", bad,
                         (unsigned long long)c.n_cells);
            mc_cluster_free(&c);
            live_clear(&l);
            return MC_EXIT_UNKNOWN;
        }
        mc_log_debug(&g, "--verify: every one of %llu cells judged on its own agrees",
                     (unsigned long long)c.n_cells);
    }

    struct mc_drain_plan plan = { 0 };
    int exit_code = MC_EXIT_OK;
    for (size_t i = 0; i < c.n_hosts; i++)
        if (c.hosts[i].unreachable)
            exit_code = MC_EXIT_UNKNOWN;
    if (a.drain) {
        exit_code = c.hosts[drain_host].unreachable
                        ? MC_EXIT_UNKNOWN
                        : plan_drain(&c, drain_host, a.cpu_ratio, &plan);
    } else if (a.vm || template) {
        bool anywhere = false;
        for (size_t i = 0; i < c.n_vms; i++)
            anywhere |= c.vms[i].counts[MC_CELL_MIGRATABLE] > 0;
        if (!anywhere && exit_code == MC_EXIT_OK)
            exit_code = MC_EXIT_BLOCKED;
    }
    struct mc_split *splits = NULL;
    size_t n_splits = 0;
    mc_cluster_splits(&c, &splits, &n_splits);
    _cleanup_free_ char *source_hosts =
        live ? mc_xasprintf("live hosts%s", a.probe ? ", with live probes" : "")
             : mc_xasprintf("snapshots in %s", a.facts_dir);
    _cleanup_free_ char *source =
        template ? mc_xasprintf("%s; domain '%s' of %s on each host in turn", source_hosts,
                                template->name ? template->name : "?", a.vm_xml)
                 : mc_xstrdup(source_hosts);
    struct mc_cluster_view view = {
        .c = &c,
        .o = &co,
        .source = source,
        .only_vm = a.vm,
        .drain = a.drain ? &plan : NULL,
        .splits = splits,
        .n_splits = n_splits,
        .exit_code = exit_code,
        .color = mc_use_color(&g, stdout),
        .quiet = g.quiet,
        .verbose = g.verbose > 0,
        .width = terminal_width(),
    };
    double cpu_judge = cpu_now() - cpu1;
    double t_render = mc_now(), cpu2 = cpu_now();
    int wr = strcmp(fmt, "json") == 0    ? mc_render_cluster_json(&view, stdout)
             : strcmp(fmt, "junit") == 0 ? mc_render_cluster_junit(&view, stdout)
             : strcmp(fmt, "html") == 0  ? mc_render_cluster_html(&view, stdout)
                                         : mc_render_cluster_text(&view, stdout);
    if (g.verbose) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        mc_log_debug(&g,
                     "%zu hosts, %zu domains, %llu cells: read %.3f s (cpu %.3f s), classes %.3f "
                     "s (%zu host, %zu domain), judged %.3f s (%zu situations, %llu engine runs; "
                     "cpu with classes %.3f s), output %.3f s (cpu %.3f s); total %.3f s (cpu "
                     "%.3f s), peak RSS %ld MiB",
                     c.n_hosts, c.n_vms, (unsigned long long)c.n_cells, t_load, cpu_load,
                     c.seconds_classes, c.n_host_classes, c.n_vm_classes, c.seconds_judge,
                     c.n_situations, (unsigned long long)c.n_engine_runs, cpu_judge,
                     mc_now() - t_render, cpu_now() - cpu2, mc_now() - t0, cpu_now() - cpu0,
                     ru.ru_maxrss / 1024);
    }
    mc_cluster_splits_free(splits, n_splits);
    mc_drain_plan_clear(&plan);
    mc_cluster_free(&c);
    live_clear(&l);
    if (wr < 0)
        return MC_EXIT_UNKNOWN;
    return exit_code;
}
