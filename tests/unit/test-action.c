/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Plans and journals: the document round-trips; applying a plan changes the host step by step
 * with the journal written first; a failing step undoes itself and everything before it;
 * `migcheck undo JOURNAL` reverses a finished run and one killed with SIGKILL at an arbitrary
 * moment. The steps run for real: create-disk-target through the native agent on this machine
 * ("local" host), qemu-img making the images.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "action/action.h"
#include "action/migrate.h"
#include "checker/facts.h"
#include "checker/plan.h"
#include "exit-codes.h"
#include "hosts/hostset.h"
#include "util/fileio.h"
#include "util/spawn.h"
#include "util/strv.h"
#include "util/xalloc.h"

static char *native(void)
{
    return mc_xasprintf("%s/src/migcheck", MC_BINARY_DIR);
}

static struct mc_plan *image_plan(const char *dir, size_t n, const char *bad_last)
{
    struct mc_plan *p = mc_plan_new("migrate");
    p->run_id = mc_xstrdup("0123abcd");
    p->source = mc_xstrdup("local");
    p->destination = mc_xstrdup("local");
    p->domain = mc_xstrdup("web 1");
    char *rc = native();
    mc_param_set(&p->settings, &p->n_settings, "remote-command", rc);
    free(rc);
    for (size_t i = 0; i < n; i++) {
        char *path = i + 1 == n && bad_last ? mc_xstrdup(bad_last)
                                            : mc_xasprintf("%s/disk %zu.qcow2", dir, i);
        struct mc_plan_step *s = mc_plan_add_step(p, MC_STEP_CREATE_DISK_TARGET, "destination",
                                                  "disk", "create %s", path);
        mc_param_set(&s->params, &s->n_params, "path", path);
        mc_param_set(&s->params, &s->n_params, "format", "qcow2");
        mc_param_set(&s->params, &s->n_params, "bytes", "16777216");
        free(path);
    }
    return p;
}

static void test_plan_document(void **state)
{
    (void)state;
    struct mc_plan *p = image_plan("/srv/x", 2, NULL);
    p->steps[0].state = MC_STEP_DONE;
    mc_step_record(&p->steps[0], "inode", "42");
    p->source_xml = mc_xstrdup("<domain type='kvm'><name>a&amp;b</name></domain>\n");
    p->state = MC_PLAN_APPLYING;
    char *x1 = NULL, *x2 = NULL;
    size_t l1, l2;
    assert_int_equal(mc_plan_to_xml(p, &x1, &l1), 0);
    struct mc_error err = { 0 };
    struct mc_plan *back = NULL;
    assert_int_equal(mc_plan_from_xml(x1, l1, "test", &back, &err), 0);
    assert_int_equal(mc_plan_to_xml(back, &x2, &l2), 0);
    assert_string_equal(x1, x2);
    assert_int_equal(back->n_steps, 2);
    assert_int_equal(back->steps[0].kind, MC_STEP_CREATE_DISK_TARGET);
    assert_int_equal(back->steps[0].state, MC_STEP_DONE);
    assert_int_equal(back->steps[1].state, MC_STEP_PENDING);
    assert_string_equal(mc_step_result(&back->steps[0], "inode"), "42");
    assert_string_equal(mc_step_param(&back->steps[1], "path"), "/srv/x/disk 1.qcow2");
    assert_string_equal(back->source_xml, p->source_xml);
    assert_int_equal(back->state, MC_PLAN_APPLYING);
    assert_non_null(strstr(x1, "kind=\"create-disk-target\""));
    free(x1);
    free(x2);
    mc_plan_free(back);
    /* A journal from elsewhere: an unknown step kind or state is refused with a clear error. */
    static const char bad[] = "<migcheck-plan version='1'><step kind='format-disk'/>"
                              "</migcheck-plan>";
    back = NULL;
    assert_int_equal(mc_plan_from_xml(bad, sizeof(bad) - 1, "test", &back, &err), -EBADMSG);
    assert_non_null(strstr(err.message, "not a known step kind: 'format-disk'"));
    mc_error_clear(&err);
    static const char nokind[] = "<migcheck-plan version='1'><step/></migcheck-plan>";
    assert_int_equal(mc_plan_from_xml(nokind, sizeof(nokind) - 1, "test", &back, &err), -EBADMSG);
    mc_error_clear(&err);
    static const char newer[] = "<migcheck-plan version='2'/>";
    assert_int_equal(mc_plan_from_xml(newer, sizeof(newer) - 1, "test", &back, &err),
                     -EPROTONOSUPPORT);
    mc_error_clear(&err);
    mc_plan_free(p);
    /* Every kind has a name and a row with its functions; mutating kinds have an undo. */
    for (int k = 1; k < _MC_STEP_MAX; k++) {
        const struct mc_step_ops *o = mc_step_ops((enum mc_step_kind)k);
        assert_non_null(mc_enum_name(&mc_step_kind_names, k));
        assert_non_null(o);
        assert_non_null(o->run);
        if (o->mutates)
            assert_non_null(o->undo);
    }
}

static struct mc_hostset *open_local(struct mc_host **h, bool act)
{
    char *rc = native();
    struct mc_hostset_opts o = { .remote_command = rc, .timeout_ms = 30000, .act = act };
    struct mc_hostset *hs = mc_hostset_new(&o);
    free(rc);
    struct mc_error err = { 0 };
    assert_int_equal(mc_hostset_add(hs, "local", h, &err), 0);
    (*h)->no_facts = true;
    if (mc_hostset_open(hs, &err) < 0)
        fail_msg("%s", err.message);
    return hs;
}

static int run_undo(const char *journal, char **out)
{
    char *bin = native();
    const char *argv[] = { bin, "undo", "--remote-command", bin, journal, NULL };
    struct mc_spawn_opts o = { .argv = argv, .timeout_ms = 60000 };
    struct mc_spawn_result r = { 0 };
    struct mc_error err = { 0 };
    assert_int_equal(mc_spawn_run(&o, &r, &err), 0);
    if (out)
        *out = mc_xstrdup(r.out);
    int code = r.exit_code;
    mc_spawn_result_clear(&r);
    free(bin);
    return code;
}

static bool exists(const char *dir, size_t i)
{
    char *p = mc_xasprintf("%s/disk %zu.qcow2", dir, i);
    bool e = access(p, F_OK) == 0;
    free(p);
    return e;
}

static void test_apply_and_rollback(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/migcheck-action-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    struct mc_host *h;
    struct mc_hostset *hs = open_local(&h, true);
    char *journal = mc_xasprintf("%s/journal.xml", tmpl);

    /* The third step cannot be done (no such directory): it and the two before are undone. */
    char *bad = mc_xasprintf("%s/no such dir/x.qcow2", tmpl);
    struct mc_plan *p = image_plan(tmpl, 3, bad);
    struct mc_apply_ctx c = { .plan = p, .journal = journal, .hosts = { h, h } };
    struct mc_error err = { 0 };
    assert_int_equal(mc_plan_apply(&c, &err), MC_EXIT_ROLLED_BACK);
    assert_non_null(strstr(err.message, "step 3"));
    mc_error_clear(&err);
    assert_false(exists(tmpl, 0));
    assert_false(exists(tmpl, 1));
    struct mc_plan *j = NULL;
    assert_int_equal(mc_plan_load(journal, &j, &err), 0);
    assert_int_equal(j->state, MC_PLAN_ROLLED_BACK);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(j->steps[i].state, MC_STEP_UNDONE);
    assert_non_null(j->steps[0].started);
    assert_non_null(mc_step_result(&j->steps[0], "inode"));
    assert_string_equal(mc_step_result(&j->steps[2], "created"), "no");
    assert_non_null(strstr(j->steps[2].error, "ENOENT"));
    mc_plan_free(j);
    mc_plan_free(p);

    /* A run that succeeds leaves the images; `migcheck undo` removes them, once. */
    p = image_plan(tmpl, 2, NULL);
    c.plan = p;
    assert_int_equal(mc_plan_apply(&c, &err), MC_EXIT_OK);
    assert_true(exists(tmpl, 0));
    assert_true(exists(tmpl, 1));
    char *out = NULL;
    assert_int_equal(run_undo(journal, &out), MC_EXIT_OK);
    assert_non_null(strstr(out, "Undone"));
    free(out);
    assert_false(exists(tmpl, 0));
    assert_false(exists(tmpl, 1));
    assert_int_equal(mc_plan_load(journal, &j, &err), 0);
    assert_int_equal(j->state, MC_PLAN_UNDONE);
    mc_plan_free(j);
    assert_int_equal(run_undo(journal, &out), MC_EXIT_OK);
    assert_non_null(strstr(out, "Nothing to undo"));
    free(out);

    /* An image that replaced the run's own file is not removed: the undo says so (exit 5). */
    mc_plan_free(p);
    p = image_plan(tmpl, 1, NULL);
    c.plan = p;
    assert_int_equal(mc_plan_apply(&c, &err), MC_EXIT_OK);
    char *img = mc_xasprintf("%s/disk 0.qcow2", tmpl);
    /* Keep the run's inode alive elsewhere, so the replacement cannot reuse its number. */
    char *keep = mc_xasprintf("%s/kept", tmpl);
    assert_int_equal(link(img, keep), 0);
    assert_int_equal(unlink(img), 0);
    FILE *f = fopen(img, "w");
    assert_non_null(f);
    fputs("someone else's", f);
    fclose(f);
    assert_int_equal(run_undo(journal, &out), MC_EXIT_ROLLBACK_FAILED);
    assert_non_null(strstr(out, "undo-failed"));
    free(out);
    assert_true(exists(tmpl, 0));
    unlink(img);
    unlink(keep);
    free(keep);
    free(img);
    mc_plan_free(p);

    /* A plan on a host set that only reads is refused before any change. */
    struct mc_host *ro;
    struct mc_hostset *hs_ro = open_local(&ro, false);
    p = image_plan(tmpl, 1, NULL);
    struct mc_apply_ctx cro = { .plan = p, .journal = journal, .hosts = { ro, ro } };
    assert_int_equal(mc_plan_apply(&cro, &err), MC_EXIT_ROLLED_BACK);
    assert_non_null(strstr(err.message, "refusing to change"));
    mc_error_clear(&err);
    assert_false(exists(tmpl, 0));
    mc_plan_free(p);
    mc_hostset_free(hs_ro);

    unlink(journal);
    free(journal);
    free(bad);
    mc_hostset_free(hs);
    assert_int_equal(rmdir(tmpl), 0);
}

/*
 * SIGKILL at an arbitrary moment of a run (whenever the journal first shows the step given by
 * `at` started), then `migcheck undo`: nothing of the run is left, whichever side of a step's
 * work the kill landed on.
 */
static void kill_and_undo(size_t at)
{
    char tmpl[] = "/tmp/migcheck-kill-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    char *journal = mc_xasprintf("%s/journal.xml", tmpl);
    const size_t n = 6;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct mc_host *h;
        struct mc_hostset *hs = open_local(&h, true);
        struct mc_plan *p = image_plan(tmpl, n, NULL);
        struct mc_apply_ctx c = { .plan = p, .journal = journal, .hosts = { h, h } };
        struct mc_error err = { 0 };
        int rc = mc_plan_apply(&c, &err);
        mc_hostset_free(hs);
        _exit(rc);
    }
    /* Wait for step `at` to be journaled as started, then kill without warning. */
    bool killed = false;
    for (int i = 0; i < 3000 && !killed; i++) {
        char *buf = NULL;
        size_t len = 0;
        if (mc_read_file(journal, 1 << 20, &buf, &len) == 0) {
            struct mc_plan *p = NULL;
            struct mc_error err = { 0 };
            if (mc_plan_from_xml(buf, len, "journal", &p, &err) == 0) {
                if (p->n_steps > at && p->steps[at].state != MC_STEP_PENDING) {
                    kill(pid, SIGKILL); /* our own child, by pid */
                    killed = true;
                }
                mc_plan_free(p);
            }
            mc_error_clear(&err);
            free(buf);
        }
        if (!killed)
            usleep(2000);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!killed || !WIFSIGNALED(status))
        fail_msg("the run finished before it could be killed at step %zu", at + 1);
    /* The local agent of the killed run may still be finishing its request. */
    usleep(300000);
    char *out = NULL;
    int rc = run_undo(journal, &out);
    if (rc != MC_EXIT_OK)
        fail_msg("undo after SIGKILL at step %zu: exit %d\n%s", at + 1, rc, out);
    free(out);
    for (size_t i = 0; i < n; i++)
        assert_false(exists(tmpl, i));
    struct mc_plan *j = NULL;
    struct mc_error err = { 0 };
    assert_int_equal(mc_plan_load(journal, &j, &err), 0);
    assert_int_equal(j->state, MC_PLAN_UNDONE);
    mc_plan_free(j);
    unlink(journal);
    char *tmp = mc_xasprintf("%s.tmp", journal);
    unlink(tmp);
    free(tmp);
    free(journal);
    assert_int_equal(rmdir(tmpl), 0);
}

static void test_sigkill_then_undo(void **state)
{
    (void)state;
    kill_and_undo(0);
    kill_and_undo(3);
}

/* The journal of a finished run without the step's inode, as after a crash between creating the
 * image and journaling it. */
static void lose_inode(const char *journal, const char *started)
{
    struct mc_plan *j = NULL;
    struct mc_error err = { 0 };
    assert_int_equal(mc_plan_load(journal, &j, &err), 0);
    struct mc_plan_step *s = &j->steps[0];
    for (size_t i = 0; i < s->n_results; i++) {
        free(s->results[i].name);
        free(s->results[i].value);
    }
    s->n_results = 0;
    s->state = MC_STEP_STARTED;
    if (started) {
        free(s->started);
        s->started = mc_xstrdup(started);
    }
    assert_int_equal(mc_journal_write(journal, j, &err), 0);
    mc_plan_free(j);
}

/* create-disk-target's undo when the journal lost the inode: the image at the path is the run's
 * when it appeared after the step started, and is removed; one older than the step is not
 * touched, and the undo says why. */
static void test_undo_lost_inode(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/migcheck-lost-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    struct mc_host *h;
    struct mc_hostset *hs = open_local(&h, true);
    char *journal = mc_xasprintf("%s/journal.xml", tmpl);
    struct mc_error err = { 0 };
    char *out = NULL;

    struct mc_plan *p = image_plan(tmpl, 1, NULL);
    struct mc_apply_ctx c = { .plan = p, .journal = journal, .hosts = { h, h } };
    assert_int_equal(mc_plan_apply(&c, &err), MC_EXIT_OK);
    assert_true(exists(tmpl, 0));
    lose_inode(journal, NULL);
    assert_int_equal(run_undo(journal, &out), MC_EXIT_OK);
    free(out);
    assert_false(exists(tmpl, 0));
    mc_plan_free(p);

    p = image_plan(tmpl, 1, NULL);
    c.plan = p;
    assert_int_equal(mc_plan_apply(&c, &err), MC_EXIT_OK);
    lose_inode(journal, "2099-01-01T00:00:00Z"); /* the image is older than that start */
    assert_int_equal(run_undo(journal, &out), MC_EXIT_ROLLBACK_FAILED);
    if (!strstr(out, "this run did not record creating it"))
        fail_msg("undo said:\n%s", out);
    free(out);
    assert_true(exists(tmpl, 0));
    mc_plan_free(p);

    char *img = mc_xasprintf("%s/disk 0.qcow2", tmpl);
    unlink(img);
    free(img);
    unlink(journal);
    free(journal);
    mc_hostset_free(hs);
    assert_int_equal(rmdir(tmpl), 0);
}

/* migrate --storage: the gate counts the findings about the disks provisioning moves as fixed,
 * and only those (a CD-ROM it keeps still refuses); without --storage they refuse. */
static void test_gate_provisioned(void **state)
{
    (void)state;
    struct mc_finding items[] = {
        { .rule = "storage.disk-shared",
          .status = MC_STATUS_FAIL,
          .severity = MC_SEV_FAIL,
          .subject = "disk vda",
          .message = "disk vda is on local ext4",
          .fix = MC_FIX_PROVISION_SHARED_STORAGE },
        { .rule = "virt.unsafe-migration",
          .status = MC_STATUS_FAIL,
          .severity = MC_SEV_FAIL,
          .subject = "disk vda",
          .message = "libvirt will refuse: disk vda",
          .fix = MC_FIX_COPY_STORAGE },
        { .rule = "storage.disk-shared",
          .status = MC_STATUS_FAIL,
          .severity = MC_SEV_FAIL,
          .subject = "cdrom hdc",
          .message = "cdrom hdc is on local ext4",
          .fix = MC_FIX_PROVISION_SHARED_STORAGE },
    };
    struct mc_report rep = { .findings = { .items = items, .n = 3 } };
    struct mc_host_facts *src = mc_host_facts_new(), *dst = mc_host_facts_new();
    src->vm = mc_new0(struct mc_vm_facts, 1);
    struct mc_migrate_input in = {
        .src = src, .dst = dst, .report = &rep, .src_name = "a", .dst_name = "b"
    };
    struct mc_migrate_options o = { 0 };
    struct mc_gate g = { 0 };
    assert_false(mc_migrate_gate(&o, &in, &g));
    assert_int_equal(mc_strv_length(g.refused), 3);
    assert_true(mc_strv_contains(g.suggest, "--copy-storage-all"));
    mc_gate_clear(&g);

    mc_strv_add(&o.provisioned, "vda");
    assert_false(mc_migrate_gate(&o, &in, &g));
    assert_int_equal(mc_strv_length(g.fixed), 2);
    assert_int_equal(mc_strv_length(g.refused), 1);
    assert_non_null(strstr(g.refused[0], "cdrom hdc"));
    assert_non_null(strstr(g.fixed[0], "put the disk on storage both hosts share"));
    mc_gate_clear(&g);

    items[2].status = MC_STATUS_PASS;
    assert_true(mc_migrate_gate(&o, &in, &g));
    mc_gate_clear(&g);
    mc_strv_free(o.provisioned);
    mc_host_facts_free(src);
    mc_host_facts_free(dst);
}

/* migrate's prediction: a migration.convergence FAIL refuses, and the refusal suggests the option
 * the finding names, with the finding's number (bandwidth, timeout); --accept goes on; a
 * borderline WARN does not block unless --strict. */
static void test_gate_convergence(void **state)
{
    (void)state;
    struct mc_finding f = { .rule = "migration.convergence",
                            .status = MC_STATUS_FAIL,
                            .severity = MC_SEV_FAIL,
                            .subject = "web1",
                            .message = "does not converge" };
    mc_finding_add_number(&f, "need_bandwidth_bps", 40.5 * 1024 * 1024, 0);
    mc_finding_add_number(&f, "suspend_after_seconds", 27, 0);
    struct mc_report rep = { .findings = { .items = &f, .n = 1 } };
    struct mc_host_facts *src = mc_host_facts_new(), *dst = mc_host_facts_new();
    src->vm = mc_new0(struct mc_vm_facts, 1);
    struct mc_migrate_input in = {
        .src = src, .dst = dst, .report = &rep, .src_name = "a", .dst_name = "b"
    };
    struct mc_migrate_options o = { 0 };
    struct mc_gate g = { 0 };
    const struct {
        enum mc_fix fix;
        const char *suggest;
    } cases[] = {
        { MC_FIX_BANDWIDTH, "--bandwidth 41" },
        { MC_FIX_AUTO_CONVERGE, "--auto-converge" },
        { MC_FIX_TIMEOUT_SUSPEND, "--migration-timeout 27 --timeout-suspend" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        f.fix = cases[i].fix;
        assert_false(mc_migrate_gate(&o, &in, &g));
        assert_int_equal(mc_strv_length(g.refused), 1);
        assert_false(g.unknown);
        if (!mc_strv_contains(g.suggest, cases[i].suggest))
            fail_msg("fix %d: suggested '%s', not '%s'", (int)cases[i].fix,
                     g.suggest ? g.suggest[0] : "(nothing)", cases[i].suggest);
        assert_int_equal(mc_strv_length(g.suggest), 1);
        mc_gate_clear(&g);
    }
    /* Nothing makes it converge: refused, nothing suggested. */
    f.fix = MC_FIX_NONE;
    assert_false(mc_migrate_gate(&o, &in, &g));
    assert_null(g.suggest);
    mc_gate_clear(&g);
    mc_strv_add(&o.accept, "migration.convergence");
    assert_true(mc_migrate_gate(&o, &in, &g));
    assert_int_equal(mc_strv_length(g.accepted), 1);
    mc_gate_clear(&g);
    mc_strv_free(o.accept);
    o.accept = NULL;
    /* Not predicted (UNKNOWN: the sh agent cannot measure the link): the migration goes on as
     * without a prediction, unless --strict. */
    f.status = MC_STATUS_UNKNOWN;
    f.fix = MC_FIX_NONE;
    assert_true(mc_migrate_gate(&o, &in, &g));
    assert_null(g.refused);
    mc_gate_clear(&g);
    rep.strict = true;
    assert_false(mc_migrate_gate(&o, &in, &g));
    assert_true(g.unknown);
    mc_gate_clear(&g);
    rep.strict = false;
    /* Borderline: a warning; it blocks only under --strict. */
    f.status = MC_STATUS_WARN;
    f.severity = MC_SEV_WARN;
    f.fix = MC_FIX_AUTO_CONVERGE;
    assert_true(mc_migrate_gate(&o, &in, &g));
    mc_gate_clear(&g);
    rep.strict = true;
    assert_false(mc_migrate_gate(&o, &in, &g));
    assert_true(mc_strv_contains(g.suggest, "--auto-converge"));
    mc_gate_clear(&g);
    for (size_t i = 0; i < f.n_data; i++)
        free(f.data[i].key);
    free(f.data);
    mc_host_facts_free(src);
    mc_host_facts_free(dst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_document),     cmocka_unit_test(test_apply_and_rollback),
        cmocka_unit_test(test_sigkill_then_undo), cmocka_unit_test(test_gate_provisioned),
        cmocka_unit_test(test_gate_convergence),  cmocka_unit_test(test_undo_lost_inode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
