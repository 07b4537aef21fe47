/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Host lists for the cluster verb: plain lists, Ansible INI and YAML inventories. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hosts/hostspec.h"
#include "hosts/inventory.h"
#include "util/xalloc.h"

static struct mc_inventory parse_ok(const char *text, const char *format)
{
    struct mc_inventory inv = { 0 };
    struct mc_error err = { 0 };
    int r = mc_inventory_parse(text, strlen(text), "inventory 't'", &inv, &err);
    if (r < 0)
        fail_msg("%s", err.message);
    assert_string_equal(inv.format, format);
    return inv;
}

/* Parsing text fails with a message that names the input and says needle. */
static void parse_err(const char *text, const char *needle)
{
    struct mc_inventory inv = { 0 };
    _cleanup_error_ struct mc_error err = { 0 };
    assert_true(mc_inventory_parse(text, strlen(text), "inventory 't'", &inv, &err) < 0);
    assert_non_null(err.message);
    assert_non_null(strstr(err.message, "inventory 't'"));
    if (!strstr(err.message, needle))
        fail_msg("'%s' does not say '%s'", err.message, needle);
    assert_int_equal(inv.n_hosts, 0);
}

/* The spec of the host named name. */
static const char *spec(const struct mc_inventory *inv, const char *name)
{
    for (size_t i = 0; i < inv->n_hosts; i++)
        if (strcmp(inv->hosts[i].name, name) == 0)
            return inv->hosts[i].spec;
    fail_msg("no host '%s'", name);
    return NULL;
}

static void test_plain(void **state)
{
    (void)state;
    struct mc_inventory inv = parse_ok("# the cluster\n"
                                       "kvm1\n"
                                       "  root@kvm2:2222  \r\n"
                                       "\n"
                                       "qemu+ssh://admin@kvm3/system\n"
                                       "root@[fd00::5]:22\n"
                                       "kvm1\n"
                                       "local",
                                       "plain");
    assert_int_equal(inv.n_hosts, 5); /* kvm1 once */
    assert_string_equal(inv.hosts[0].name, "kvm1");
    assert_string_equal(spec(&inv, "root@kvm2:2222"), "root@kvm2:2222");
    assert_string_equal(inv.hosts[2].spec, "qemu+ssh://admin@kvm3/system");
    assert_string_equal(inv.hosts[3].spec, "root@[fd00::5]:22");
    assert_string_equal(inv.hosts[4].spec, "local");
    /* Every spec is one check accepts. */
    for (size_t i = 0; i < inv.n_hosts; i++) {
        struct mc_hostspec h;
        struct mc_error err = { 0 };
        assert_int_equal(mc_hostspec_parse(inv.hosts[i].spec, "ssh", &h, &err), 0);
        mc_hostspec_clear(&h);
    }
    mc_inventory_clear(&inv);
}

static void test_ini(void **state)
{
    (void)state;
    struct mc_inventory inv =
        parse_ok("standalone ansible_host=169.254.42.20\n"
                 "[compute]\n"
                 "kvm[01:03] ansible_user=root\n"
                 "kvm-edge.example.org:2222\n"
                 "\n"
                 "[storage]\n"
                 "nas-[a:b]\n"
                 "kvm02 ansible_host=\"169.254.42.12\" ansible_port=2200  # comment\n"
                 "\n"
                 "[dc1:children]\n"
                 "compute\n"
                 "storage\n"
                 "[dc1:vars]\n"
                 "ansible_user = admin\n"
                 "[compute:vars]\n"
                 "ansible_port=2201\n"
                 "[all:vars]\n"
                 "ansible_user=nobody\n"
                 "ansible_port=22\n"
                 "[local]\n"
                 "me ansible_connection=local\n",
                 "ini");
    assert_int_equal(inv.n_hosts, 8);
    assert_string_equal(inv.hosts[0].name, "standalone");
    /* all:vars, the host's own address */
    assert_string_equal(spec(&inv, "standalone"), "nobody@169.254.42.20:22");
    /* host vars > compute:vars (child) > dc1:vars (parent) > all */
    assert_string_equal(spec(&inv, "kvm01"), "root@kvm01:2201");
    assert_string_equal(spec(&inv, "kvm03"), "root@kvm03:2201");
    /* kvm02: in compute and storage; its own port on the storage line wins */
    assert_string_equal(spec(&inv, "kvm02"), "root@169.254.42.12:2200");
    /* a port on the host line is the host's own: it wins over the groups' */
    assert_string_equal(spec(&inv, "kvm-edge.example.org"), "admin@kvm-edge.example.org:2222");
    assert_string_equal(spec(&inv, "nas-a"), "admin@nas-a:22");
    assert_string_equal(spec(&inv, "nas-b"), "admin@nas-b:22");
    assert_string_equal(spec(&inv, "me"), "local");
    mc_inventory_clear(&inv);

    /* Numeric ranges keep leading zeros and take a stride. */
    inv = parse_ok("[g]\nh[1:9:4]\nw[08:10].x\n", "ini");
    assert_int_equal(inv.n_hosts, 6);
    assert_string_equal(inv.hosts[0].name, "h1");
    assert_string_equal(inv.hosts[2].name, "h9");
    assert_string_equal(inv.hosts[3].name, "w08.x");
    assert_string_equal(inv.hosts[5].name, "w10.x");
    mc_inventory_clear(&inv);
}

static void test_yaml(void **state)
{
    (void)state;
    struct mc_inventory inv =
        parse_ok("---\n"
                 "all:\n"
                 "  vars:\n"
                 "    ansible_user: nobody\n"
                 "  hosts:\n"
                 "    lab-a:\n"
                 "      ansible_host: 169.254.42.11\n"
                 "      ansible_user: root\n"
                 "  children:\n"
                 "    compute:\n"
                 "      hosts:\n"
                 "        kvm[1:2]:\n"
                 "        lab-b: {ansible_host: 169.254.42.12, ansible_port: 2222}\n"
                 "      vars:\n"
                 "        ansible_user: admin\n"
                 "      children:\n"
                 "        gpu:\n"
                 "          hosts:\n"
                 "            kvm2:\n"
                 "              ansible_host: fd00::7\n"
                 "          vars:\n"
                 "            ansible_user: gpuadmin\n"
                 "    empty:\n",
                 "yaml");
    assert_int_equal(inv.n_hosts, 4);
    assert_string_equal(inv.hosts[0].name, "lab-a");
    assert_string_equal(spec(&inv, "lab-a"), "root@169.254.42.11");
    assert_string_equal(spec(&inv, "kvm1"), "admin@kvm1");
    /* gpu is deeper than compute: its vars win */
    assert_string_equal(spec(&inv, "kvm2"), "gpuadmin@[fd00::7]");
    assert_string_equal(spec(&inv, "lab-b"), "admin@169.254.42.12:2222");
    mc_inventory_clear(&inv);

    /* Without the document start: a group at column 0 ending with ':' */
    inv = parse_ok("compute:\n  hosts:\n    kvm9:\n", "yaml");
    assert_int_equal(inv.n_hosts, 1);
    assert_string_equal(inv.hosts[0].spec, "kvm9");
    mc_inventory_clear(&inv);
}

/* The largest inventory: hosts, groups and children are looked up by hash, and each lookup
 * must still find the name given before (a host in two groups, a child named twice). */
static void test_large(void **state)
{
    (void)state;
    struct mc_inventory inv = parse_ok("[even]\n"
                                       "n[0002:5000:2]\n"
                                       "[low]\n"
                                       "n[0001:2500]\n"
                                       "n0002 ansible_port=2202\n"
                                       "[mid:children]\n"
                                       "low\n"
                                       "low\n"
                                       "[low:vars]\n"
                                       "ansible_user=lo\n"
                                       "[even:vars]\n"
                                       "ansible_user=ev\n",
                                       "ini");
    /* 2500 even hosts, and the 1250 odd ones of 1..2500 */
    assert_int_equal(inv.n_hosts, 3750);
    assert_string_equal(inv.hosts[0].name, "n0002");
    assert_string_equal(inv.hosts[2499].name, "n5000");
    assert_string_equal(inv.hosts[2500].name, "n0001");
    /* low, a child of mid, is deeper than even: its variables win for hosts in both */
    assert_string_equal(spec(&inv, "n0002"), "lo@n0002:2202");
    assert_string_equal(spec(&inv, "n2500"), "lo@n2500");
    assert_string_equal(spec(&inv, "n2502"), "ev@n2502");
    assert_string_equal(spec(&inv, "n2499"), "lo@n2499");
    mc_inventory_clear(&inv);

    /* A plain list names each host once, however often it repeats. */
    _cleanup_free_ char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    for (int round = 0; round < 3; round++)
        for (int i = 1; i <= 5000; i++)
            fprintf(f, "h%d\n", i);
    assert_int_equal(fclose(f), 0);
    inv = parse_ok(text, "plain");
    assert_int_equal(inv.n_hosts, 5000);
    assert_string_equal(inv.hosts[4999].name, "h5000");
    mc_inventory_clear(&inv);
}

static void test_bad(void **state)
{
    (void)state;
    parse_err("", "names no host");
    parse_err("# only a comment\n", "names no host");
    parse_err("-oProxyCommand=x\n", "invalid host");
    parse_err("[g]\nkvm1 novalue\n", "line 2");
    parse_err("[g\nkvm1\n", "invalid section header");
    parse_err("[g:other]\nkvm1\n", "unknown section kind");
    parse_err("[g]\nkvm[9:1]\n", "runs backwards");
    parse_err("[g]\nkvm[1:999999]\n", "more than");
    parse_err("[g]\nkvm[11:99999]\n", "more than 5000 hosts"); /* was minutes, not an error */
    parse_err("[g]\nkvm[a:9]\n", "invalid range");
    parse_err("[g]\nkvm1 ansible_port=99999\n", "invalid port");
    parse_err("[g]\nkvm1 ansible_host='{{ ip }}'\n", "template");
    parse_err("[g]\nkvm1 ansible_host=\"x\n", "unterminated quote");
    parse_err("[a:children]\nb\n[b:children]\na\n[a]\nh\n", "cycle");
    parse_err("[a:children]\na\n", "its own child");
    parse_err("all:\n  hosts: [a, b]\n", "not a mapping");
    parse_err("all:\n  host:\n    a:\n", "unknown key 'host'");
    parse_err("all:\n  hosts:\n    a:\n   b: c\n", "not valid YAML");
    parse_err("all:\n  hosts:\n    a:\n      ansible_host: [1, 2]\n", "plain value");
    /* A NUL inside the buffer */
    struct mc_inventory inv = { 0 };
    struct mc_error err = { 0 };
    assert_int_equal(mc_inventory_parse("kvm1\0kvm2\n", 10, "inventory 't'", &inv, &err), -EBADMSG);
    assert_non_null(strstr(err.message, "NUL"));
    mc_error_clear(&err);
    /* Aliases do not multiply work without bound. */
    const char *bomb = "a: &a {hosts: {h: }}\n"
                       "b: &b {children: {x1: *a, x2: *a, x3: *a, x4: *a}}\n"
                       "c: &c {children: {y1: *b, y2: *b, y3: *b, y4: *b}}\n";
    assert_int_equal(mc_inventory_parse(bomb, strlen(bomb), "inventory 't'", &inv, &err), 0);
    assert_int_equal(inv.n_hosts, 1);
    mc_inventory_clear(&inv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain), cmocka_unit_test(test_ini), cmocka_unit_test(test_yaml),
        cmocka_unit_test(test_large), cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
