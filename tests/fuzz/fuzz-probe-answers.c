/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The answers of the hosts' agents to the live probes, as pair.c reads them (gather/answers.h):
 * each input line is one answer (decoded like the session decodes it), its first byte says
 * which probe it answers (15: QEMU's or sshd's words for a failure, read as a cause).
 * Whatever the words, nothing is read past them, and the pair facts they make still write a
 * snapshot that reads back.
 */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>

#include "agent/proto.h"
#include "checker/pair.h"
#include "gather/answers.h"
#include "hosts/session.h"
#include "util/strv.h"
#include "util/xalloc.h"

static void add_path(struct mc_pair_facts *rel, const char *subject, const char *path,
                     const char *type, const char *protocol)
{
    struct mc_vm_path *vp = MC_APPEND(rel->paths, rel->n_paths);
    vp->subject = mc_xstrdup(subject);
    vp->role = mc_xstrdup("disk");
    vp->target = mc_xstrdup("vda");
    vp->src_path = mc_xstrdup(path);
    vp->disk_type = mc_xstrdup(type);
    vp->protocol = mc_xstrdup_or_null(protocol);
    mc_strv_add(&vp->candidates, path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_pair_facts *rel = mc_pair_facts_new();
    add_path(rel, "disk vda", "/var/lib/libvirt/images/a.qcow2", "file", NULL);
    add_path(rel, "disk vdb", "nfs://s/srv/nfs/b.qcow2", "network", "nfs");
    add_path(rel, "disk vdc", "iscsi://s:3260/iqn.x:t/1", "network", "iscsi");
    add_path(rel, "disk vdd", "nbd://s:10809/e", "network", "nbd");
    struct mc_host_path *hp = MC_APPEND(rel->host_paths, rel->n_host_paths);
    hp->subject = mc_xstrdup("serial 0");
    hp->dir = mc_xstrdup("/var/log/libvirt/qemu");
    hp->path = mc_xstrdup("/var/log/libvirt/qemu/serial0.log");
    hp->uid = 0;
    hp->gid = 0;
    hp->size = 4 << 20; /* a shmem's: the stat's size is compared with it */
    const struct mc_answer_hosts h = {
        .src = "kvm1", .dst = "kvm2", .src_kind = "sh", .dst_kind = "migcheck"
    };
    const char *json = "{\"driver\":\"nfs\"}";

    char *text = mc_xstrndup((const char *)data, size);
    char **lines = mc_strv_split(text, "\n");
    STRV_FOREACH (l, lines) {
        if (!**l)
            continue;
        unsigned which = (unsigned char)**l % 16;
        char **w = NULL;
        if (mc_agent_split(*l + 1, &w) < 0)
            continue;
        struct mc_vm_path *vp = &rel->paths[which % rel->n_paths];
        const char *why = NULL;
        switch (which) {
        case 0:
            mc_answer_src_stat(vp, w);
            break;
        case 1:
            mc_answer_dst_stat(vp, vp->src_path, w, &h);
            break;
        case 2:
            (void)mc_answer_canary_written(w, &why);
            (void)mc_answer_canary_match(w);
            break;
        case 3:
            mc_answer_open(vp, w, 107, 107, &h);
            break;
        case 4:
        case 5:
            (void)mc_answer_network(vp, vp->protocol, which == 4, w, &h);
            break;
        case 6:
        case 7:
            (void)mc_answer_qemu_open(vp, json, which == 6, 107, 107, w, &h);
            break;
        case 8:
            mc_answer_host_path_stat(hp, hp->dir, w, &h);
            mc_answer_host_file_stat(hp, w);
            mc_answer_unix_connect(hp, w, &h);
            break;
        case 9:
            mc_answer_create_test(hp, w, &h);
            mc_answer_create_test_in(hp, hp->path, w, &h);
            mc_answer_open_existing(hp, w, &h);
            mc_answer_statvfs(hp, w, &h);
            break;
        case 10:
            mc_answer_resolve(&rel->dst_name, w, &h);
            break;
        case 11:
            (void)mc_answer_listen(&rel->migration_port, w, "49152-49215", &h);
            break;
        case 12:
            mc_answer_connect(&rel->migration_port, w, "a channel", &h);
            break;
        case 13:
            mc_answer_listen_end(&rel->migration_port, w, "QEMU", &h);
            break;
        case 14:
            mc_answer_connect(&rel->libvirtd_port, w, "the agent", &h);
            break;
        default:
            /* The raw line: QEMU's words for a failed open, sshd's for a failed channel. */
            (void)mc_answer_qemu_failure(*l + 1);
            (void)mc_session_channel_result(*l + 1);
            break;
        }
        mc_strv_free(w);
    }
    mc_strv_free(lines);
    free(text);

    char *xml = NULL;
    size_t len = 0;
    if (mc_pair_to_xml(rel, &xml, &len) < 0)
        abort();
    struct mc_pair_facts *back = NULL;
    struct mc_error err = { 0 };
    if (mc_pair_from_xml(xml, len, "fuzzed pair", &back, &err) < 0)
        abort();
    mc_error_clear(&err);
    mc_pair_facts_free(back);
    free(xml);
    mc_pair_facts_free(rel);
    return 0;
}
