/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "facts-schema.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "pair.h"
#include "plan.h"
#include "util/strv.h"
#include "util/xalloc.h"

#define F_STR(T, f, n)                                                                             \
    {                                                                                              \
        n, NULL, MC_FT_STR, offsetof(T, f), 0, NULL                                                \
    }
#define F_INT(T, f, n)                                                                             \
    {                                                                                              \
        n, NULL, MC_FT_INT, offsetof(T, f), 0, NULL                                                \
    }
#define F_BOOL(T, f, n)                                                                            \
    {                                                                                              \
        n, NULL, MC_FT_BOOL, offsetof(T, f), 0, NULL                                               \
    }
#define F_ERRNO(T, f, n)                                                                           \
    {                                                                                              \
        n, NULL, MC_FT_ERRNO, offsetof(T, f), 0, NULL                                              \
    }
#define F_AREAS(T, f, n)                                                                           \
    {                                                                                              \
        n, NULL, MC_FT_AREAS, offsetof(T, f), 0, NULL                                              \
    }
#define F_TEXT(T, f, n)                                                                            \
    {                                                                                              \
        n, NULL, MC_FT_TEXT, offsetof(T, f), 0, NULL                                               \
    }
#define F_STRV(T, f, n, j)                                                                         \
    {                                                                                              \
        n, j, MC_FT_STRV, offsetof(T, f), 0, NULL                                                  \
    }
#define F_OBJ(T, f, n, d)                                                                          \
    {                                                                                              \
        n, NULL, MC_FT_STRUCT, offsetof(T, f), 0, &d                                               \
    }
#define F_PTR(T, f, n, j, d)                                                                       \
    {                                                                                              \
        n, j, MC_FT_PTR, offsetof(T, f), 0, &d                                                     \
    }
#define F_ARR(T, f, n, j, d)                                                                       \
    {                                                                                              \
        n, j, MC_FT_ARRAY, offsetof(T, f), offsetof(T, n_##f), &d                                  \
    }

#define F_ENUM(T, f, n, tbl)                                                                       \
    {                                                                                              \
        n, NULL, MC_FT_ENUM, offsetof(T, f), 0, NULL, &tbl                                         \
    }

#define DESC(var, T, elem, tbl)                                                                    \
    const struct mc_struct_desc var = { elem, sizeof(T), tbl, ARRAY_SIZE(tbl) }

/* ---- os ---- */
static const struct mc_field package_fields[] = {
    F_STR(struct mc_package, name, "name"),
    F_STR(struct mc_package, version, "version"),
    F_STR(struct mc_package, arch, "arch"),
};
static DESC(desc_package, struct mc_package, "package", package_fields);

static const struct mc_field rom_fields[] = {
    F_STR(struct mc_rom, path, "path"),
    F_STR(struct mc_rom, target, "target"),
    F_INT(struct mc_rom, size, "size"),
    F_STR(struct mc_rom, sha256, "sha256"),
};
static DESC(desc_rom, struct mc_rom, "rom", rom_fields);

static const struct mc_field os_fields[] = {
    F_STR(struct mc_os_facts, id, "id"),
    F_STR(struct mc_os_facts, id_like, "id-like"),
    F_STR(struct mc_os_facts, version_id, "version-id"),
    F_STR(struct mc_os_facts, pretty_name, "pretty-name"),
    F_STR(struct mc_os_facts, variant_id, "variant-id"),
    F_STR(struct mc_os_facts, kernel_release, "kernel-release"),
    F_STR(struct mc_os_facts, kernel_version, "kernel-version"),
    F_STR(struct mc_os_facts, arch, "arch"),
    F_STR(struct mc_os_facts, machine_id, "machine-id"),
    F_STR(struct mc_os_facts, hostname, "hostname"),
    F_STR(struct mc_os_facts, fqdn, "fqdn"),
    F_STR(struct mc_os_facts, pkg_format, "pkg-format"),
    F_STR(struct mc_os_facts, security, "security"),
    F_STR(struct mc_os_facts, selinux_mode, "selinux-mode"),
    F_STR(struct mc_os_facts, qemu_user, "qemu-user"),
    F_INT(struct mc_os_facts, qemu_uid, "qemu-uid"),
    F_INT(struct mc_os_facts, qemu_gid, "qemu-gid"),
    F_BOOL(struct mc_os_facts, qemu_uid_known, "qemu-uid-known"),
    F_ARR(struct mc_os_facts, packages, "package", "packages", desc_package),
    F_ARR(struct mc_os_facts, roms, "rom", "roms", desc_rom),
};
DESC(mc_desc_os_facts, struct mc_os_facts, "os", os_fields);

/* ---- virt ---- */
static const struct mc_field machine_fields[] = {
    F_STR(struct mc_machine, name, "name"),
    F_STR(struct mc_machine, canonical, "canonical"),
    F_STR(struct mc_machine, arch, "arch"),
    F_INT(struct mc_machine, maxcpus, "maxcpus"),
    F_BOOL(struct mc_machine, deprecated, "deprecated"),
};
static DESC(desc_machine, struct mc_machine, "machine", machine_fields);

static const struct mc_field guest_fields[] = {
    F_STR(struct mc_guest_arch, arch, "arch"),
    F_STR(struct mc_guest_arch, os_type, "os-type"),
    F_STR(struct mc_guest_arch, emulator, "emulator"),
    F_STRV(struct mc_guest_arch, domain_types, "domain-type", "domain_types"),
};
static DESC(desc_guest, struct mc_guest_arch, "guest", guest_fields);

static const struct mc_field hugepages_fields[] = {
    F_INT(struct mc_hugepages, size_kib, "size-kib"),
    F_INT(struct mc_hugepages, total, "total"),
    F_INT(struct mc_hugepages, free, "free"),
};
static DESC(desc_hugepages, struct mc_hugepages, "hugepages", hugepages_fields);

static const struct mc_field pool_fields[] = {
    F_STR(struct mc_pool, name, "name"),
    F_STR(struct mc_pool, uuid, "uuid"),
    F_STR(struct mc_pool, type, "type"),
    F_BOOL(struct mc_pool, active, "active"),
    F_BOOL(struct mc_pool, autostart, "autostart"),
    F_BOOL(struct mc_pool, persistent, "persistent"),
    F_STR(struct mc_pool, target_path, "target-path"),
    F_STR(struct mc_pool, source_host, "source-host"),
    F_INT(struct mc_pool, source_port, "source-port"),
    F_STR(struct mc_pool, source_dir, "source-dir"),
    F_STR(struct mc_pool, source_device, "source-device"),
    F_STR(struct mc_pool, source_name, "source-name"),
    F_STR(struct mc_pool, source_format, "source-format"),
    F_STR(struct mc_pool, initiator_iqn, "initiator-iqn"),
    F_INT(struct mc_pool, capacity, "capacity"),
    F_INT(struct mc_pool, allocation, "allocation"),
    F_INT(struct mc_pool, available, "available"),
};
static DESC(desc_pool, struct mc_pool, "pool", pool_fields);

static const struct mc_field vnet_fields[] = {
    F_STR(struct mc_vnet, name, "name"),
    F_STR(struct mc_vnet, uuid, "uuid"),
    F_BOOL(struct mc_vnet, active, "active"),
    F_BOOL(struct mc_vnet, autostart, "autostart"),
    F_BOOL(struct mc_vnet, persistent, "persistent"),
    F_STR(struct mc_vnet, bridge, "bridge"),
    F_STR(struct mc_vnet, forward_mode, "forward-mode"),
    F_STR(struct mc_vnet, forward_dev, "forward-dev"),
    F_INT(struct mc_vnet, mtu, "mtu"),
};
static DESC(desc_vnet, struct mc_vnet, "network", vnet_fields);

static const struct mc_field domref_fields[] = {
    F_STR(struct mc_domain_ref, name, "name"),
    F_STR(struct mc_domain_ref, uuid, "uuid"),
    F_STR(struct mc_domain_ref, state, "state"),
    F_BOOL(struct mc_domain_ref, persistent, "persistent"),
    F_BOOL(struct mc_domain_ref, active, "active"),
};
static DESC(desc_domref, struct mc_domain_ref, "defined-domain", domref_fields);

static const struct mc_field qemu_conf_fields[] = {
    F_BOOL(struct mc_qemu_conf, readable, "readable"),
    F_STR(struct mc_qemu_conf, migration_address, "migration-address"),
    F_STR(struct mc_qemu_conf, migration_host, "migration-host"),
    F_INT(struct mc_qemu_conf, migration_port_min, "migration-port-min"),
    F_INT(struct mc_qemu_conf, migration_port_max, "migration-port-max"),
    F_STR(struct mc_qemu_conf, user, "user"),
    F_STR(struct mc_qemu_conf, group, "group"),
    F_STR(struct mc_qemu_conf, security_driver, "security-driver"),
    F_BOOL(struct mc_qemu_conf, migrate_tls_force, "migrate-tls-force"),
    F_STRV(struct mc_qemu_conf, shared_filesystems, "shared-filesystem", "shared_filesystems"),
    F_STR(struct mc_qemu_conf, stdio_handler, "stdio-handler"),
    F_STR(struct mc_qemu_conf, memory_backing_dir, "memory-backing-dir"),
    F_STR(struct mc_qemu_conf, default_tls_dir, "default-tls-dir"),
    F_BOOL(struct mc_qemu_conf, vnc_tls, "vnc-tls"),
    F_STR(struct mc_qemu_conf, vnc_tls_dir, "vnc-tls-dir"),
    F_BOOL(struct mc_qemu_conf, spice_tls, "spice-tls"),
    F_STR(struct mc_qemu_conf, spice_tls_dir, "spice-tls-dir"),
    F_BOOL(struct mc_qemu_conf, chardev_tls, "chardev-tls"),
    F_STR(struct mc_qemu_conf, chardev_tls_dir, "chardev-tls-dir"),
    F_BOOL(struct mc_qemu_conf, nbd_tls, "nbd-tls"),
    F_STR(struct mc_qemu_conf, nbd_tls_dir, "nbd-tls-dir"),
};
static DESC(desc_qemu_conf, struct mc_qemu_conf, "qemu-conf", qemu_conf_fields);

static const struct mc_field secret_fields[] = {
    F_STR(struct mc_secret, uuid, "uuid"),
    F_STR(struct mc_secret, usage_type, "usage-type"),
    F_STR(struct mc_secret, usage_id, "usage-id"),
    F_BOOL(struct mc_secret, ephemeral, "ephemeral"),
    F_BOOL(struct mc_secret, private_, "private"),
    F_STR(struct mc_secret, value, "value"),
};
static DESC(desc_secret, struct mc_secret, "secret", secret_fields);

static const struct mc_field virt_fields[] = {
    F_STR(struct mc_virt_facts, uri, "uri"),
    F_STR(struct mc_virt_facts, hostname, "hostname"),
    F_STR(struct mc_virt_facts, hv_type, "hv-type"),
    F_INT(struct mc_virt_facts, libvirt_version, "libvirt-version"),
    F_INT(struct mc_virt_facts, hv_version, "hv-version"),
    F_STR(struct mc_virt_facts, host_uuid, "host-uuid"),
    F_STR(struct mc_virt_facts, cpu_arch, "cpu-arch"),
    F_STR(struct mc_virt_facts, cpu_vendor, "cpu-vendor"),
    F_STR(struct mc_virt_facts, cpu_model, "cpu-model"),
    F_BOOL(struct mc_virt_facts, live_migration, "live-migration"),
    F_INT(struct mc_virt_facts, memory_kib, "memory-kib"),
    F_INT(struct mc_virt_facts, free_memory_kib, "free-memory-kib"),
    F_INT(struct mc_virt_facts, cpus, "cpus"),
    F_INT(struct mc_virt_facts, mhz, "mhz"),
    F_INT(struct mc_virt_facts, numa_nodes, "numa-nodes"),
    F_INT(struct mc_virt_facts, sockets, "sockets"),
    F_INT(struct mc_virt_facts, cores, "cores"),
    F_INT(struct mc_virt_facts, threads, "threads"),
    F_INT(struct mc_virt_facts, tsc_khz, "tsc-khz"),
    F_STRV(struct mc_virt_facts, cpu_features, "cpu-feature", "cpu_features"),
    F_TEXT(struct mc_virt_facts, host_cpu_xml, "host-cpu-xml"),
    F_TEXT(struct mc_virt_facts, host_model_xml, "host-model-xml"),
    F_STRV(struct mc_virt_facts, migration_transports, "migration-transport",
           "migration_transports"),
    F_STRV(struct mc_virt_facts, secmodels, "secmodel", "secmodels"),
    F_ARR(struct mc_virt_facts, guests, "guest", "guests", desc_guest),
    F_ARR(struct mc_virt_facts, machines, "machine", "machines", desc_machine),
    F_ARR(struct mc_virt_facts, hugepages, "hugepages", "hugepages", desc_hugepages),
    F_ARR(struct mc_virt_facts, pools, "pool", "pools", desc_pool),
    F_ARR(struct mc_virt_facts, networks, "network", "networks", desc_vnet),
    F_ARR(struct mc_virt_facts, domains, "defined-domain", "domains", desc_domref),
    F_BOOL(struct mc_virt_facts, secrets_listed, "secrets-listed"),
    F_ARR(struct mc_virt_facts, secrets, "secret", "secrets", desc_secret),
    F_BOOL(struct mc_virt_facts, tpm_backends_listed, "tpm-backends-listed"),
    F_STRV(struct mc_virt_facts, tpm_backend_models, "tpm-backend-model", "tpm_backend_models"),
    F_OBJ(struct mc_virt_facts, qemu_conf, "qemu-conf", desc_qemu_conf),
};
DESC(mc_desc_virt_facts, struct mc_virt_facts, "virt", virt_fields);

/* ---- mounts ---- */
static const struct mc_field mount_fields[] = {
    F_INT(struct mc_mount, id, "id"),
    F_INT(struct mc_mount, parent_id, "parent-id"),
    F_STR(struct mc_mount, devno, "devno"),
    F_STR(struct mc_mount, root, "root"),
    F_STR(struct mc_mount, target, "target"),
    F_STR(struct mc_mount, source, "source"),
    F_STR(struct mc_mount, fstype, "fstype"),
    F_STR(struct mc_mount, options, "options"),
    F_STR(struct mc_mount, fs_options, "fs-options"),
    F_BOOL(struct mc_mount, netfs, "netfs"),
    F_BOOL(struct mc_mount, clusterfs, "clusterfs"),
    F_BOOL(struct mc_mount, shared, "shared"),
    F_STR(struct mc_mount, server, "server"),
    F_STR(struct mc_mount, export_path, "export"),
    F_STR(struct mc_mount, server_addr, "server-addr"),
    F_STR(struct mc_mount, locktable, "locktable"),
};
DESC(mc_desc_mount, struct mc_mount, "mount", mount_fields);

/* ---- storage ---- */
static const struct mc_field rport_fields[] = {
    F_STR(struct mc_fc_rport, name, "name"),
    F_STR(struct mc_fc_rport, port_name, "port-name"),
    F_STR(struct mc_fc_rport, node_name, "node-name"),
    F_STR(struct mc_fc_rport, port_state, "port-state"),
    F_STR(struct mc_fc_rport, roles, "roles"),
    F_INT(struct mc_fc_rport, scsi_target_id, "scsi-target-id"),
};
static DESC(desc_rport, struct mc_fc_rport, "rport", rport_fields);

static const struct mc_field fc_host_fields[] = {
    F_STR(struct mc_fc_host, name, "name"),
    F_STR(struct mc_fc_host, port_name, "port-name"),
    F_STR(struct mc_fc_host, node_name, "node-name"),
    F_STR(struct mc_fc_host, port_state, "port-state"),
    F_STR(struct mc_fc_host, fabric_name, "fabric-name"),
    F_STR(struct mc_fc_host, speed, "speed"),
    F_ARR(struct mc_fc_host, rports, "rport", "rports", desc_rport),
};
static DESC(desc_fc_host, struct mc_fc_host, "fc-host", fc_host_fields);

static const struct mc_field iscsi_fields[] = {
    F_STR(struct mc_iscsi_session, name, "name"),
    F_STR(struct mc_iscsi_session, target, "target"),
    F_STR(struct mc_iscsi_session, portal, "portal"),
    F_STR(struct mc_iscsi_session, state, "state"),
    F_STR(struct mc_iscsi_session, initiator, "initiator"),
    F_INT(struct mc_iscsi_session, tpgt, "tpgt"),
    F_STRV(struct mc_iscsi_session, devices, "device", "devices"),
};
static DESC(desc_iscsi, struct mc_iscsi_session, "iscsi-session", iscsi_fields);

static const struct mc_field srp_fields[] = {
    F_STR(struct mc_srp_host, name, "name"),
    F_STR(struct mc_srp_host, ib_device, "ib-device"),
    F_STR(struct mc_srp_host, ib_port, "ib-port"),
    F_STRV(struct mc_srp_host, rports, "rport", "rports"),
};
static DESC(desc_srp, struct mc_srp_host, "srp-host", srp_fields);

static const struct mc_field gfs2_fields[] = {
    F_STR(struct mc_gfs2, locktable, "locktable"),
    F_STR(struct mc_gfs2, devno, "devno"),
};
static DESC(desc_gfs2, struct mc_gfs2, "gfs2", gfs2_fields);

static const struct mc_field blockdev_fields[] = {
    F_STR(struct mc_blockdev, name, "name"),
    F_STR(struct mc_blockdev, path, "path"),
    F_STR(struct mc_blockdev, devno, "devno"),
    F_STR(struct mc_blockdev, wwn, "wwn"),
    F_STR(struct mc_blockdev, serial, "serial"),
    F_STR(struct mc_blockdev, vendor, "vendor"),
    F_STR(struct mc_blockdev, model, "model"),
    F_STR(struct mc_blockdev, dm_uuid, "dm-uuid"),
    F_STR(struct mc_blockdev, dm_name, "dm-name"),
    F_STR(struct mc_blockdev, transport, "transport"),
    F_INT(struct mc_blockdev, size_bytes, "size-bytes"),
    F_STRV(struct mc_blockdev, slaves, "slave", "slaves"),
};
static DESC(desc_blockdev, struct mc_blockdev, "blockdev", blockdev_fields);

static const struct mc_field storage_fields[] = {
    F_STR(struct mc_storage_facts, iscsi_initiator, "iscsi-initiator"),
    F_ARR(struct mc_storage_facts, iscsi_sessions, "iscsi-session", "iscsi_sessions", desc_iscsi),
    F_ARR(struct mc_storage_facts, fc_hosts, "fc-host", "fc_hosts", desc_fc_host),
    F_ARR(struct mc_storage_facts, srp_hosts, "srp-host", "srp_hosts", desc_srp),
    F_ARR(struct mc_storage_facts, gfs2, "gfs2", "gfs2", desc_gfs2),
    F_ARR(struct mc_storage_facts, blockdevs, "blockdev", "blockdevs", desc_blockdev),
};
DESC(mc_desc_storage_facts, struct mc_storage_facts, "storage", storage_fields);

/* ---- net ---- */
static const struct mc_field link_fields[] = {
    F_INT(struct mc_link, ifindex, "ifindex"),
    F_STR(struct mc_link, name, "name"),
    F_STR(struct mc_link, kind, "kind"),
    F_STR(struct mc_link, slave_kind, "slave-kind"),
    F_INT(struct mc_link, mtu, "mtu"),
    F_STR(struct mc_link, operstate, "operstate"),
    F_BOOL(struct mc_link, up, "up"),
    F_BOOL(struct mc_link, carrier, "carrier"),
    F_STR(struct mc_link, master, "master"),
    F_STR(struct mc_link, mac, "mac"),
    F_INT(struct mc_link, vlan_id, "vlan-id"),
    F_STR(struct mc_link, link, "link"),
    F_STR(struct mc_link, bond_mode, "bond-mode"),
};
static DESC(desc_link, struct mc_link, "link", link_fields);

static const struct mc_field addr_fields[] = {
    F_STR(struct mc_addr, ifname, "ifname"),   F_STR(struct mc_addr, family, "family"),
    F_STR(struct mc_addr, address, "address"), F_INT(struct mc_addr, prefixlen, "prefixlen"),
    F_STR(struct mc_addr, scope, "scope"),
};
static DESC(desc_addr, struct mc_addr, "address", addr_fields);

static const struct mc_field route_fields[] = {
    F_STR(struct mc_route, family, "family"),   F_STR(struct mc_route, dst, "dst"),
    F_STR(struct mc_route, gateway, "gateway"), F_STR(struct mc_route, dev, "dev"),
    F_STR(struct mc_route, prefsrc, "prefsrc"), F_INT(struct mc_route, table, "table"),
    F_INT(struct mc_route, metric, "metric"),
};
static DESC(desc_route, struct mc_route, "route", route_fields);

static const struct mc_field listen_fields[] = {
    F_STR(struct mc_listen, proto, "proto"),
    F_STR(struct mc_listen, address, "address"),
    F_INT(struct mc_listen, port, "port"),
};
static DESC(desc_listen, struct mc_listen, "listen", listen_fields);

static const struct mc_field net_fields[] = {
    F_ARR(struct mc_net_facts, links, "link", "links", desc_link),
    F_ARR(struct mc_net_facts, addrs, "address", "addresses", desc_addr),
    F_ARR(struct mc_net_facts, routes, "route", "routes", desc_route),
    F_ARR(struct mc_net_facts, listens, "listen", "listening", desc_listen),
};
DESC(mc_desc_net_facts, struct mc_net_facts, "net", net_fields);

/* ---- vm ---- */
static const struct mc_field netaddr_fields[] = {
    F_STR(struct mc_netaddr, name, "name"),
    F_INT(struct mc_netaddr, port, "port"),
    F_STR(struct mc_netaddr, transport, "transport"),
};
static DESC(desc_netaddr, struct mc_netaddr, "host", netaddr_fields);

static const struct mc_field disk_fields[] = {
    F_STR(struct mc_disk, target, "target"),
    F_STR(struct mc_disk, bus, "bus"),
    F_STR(struct mc_disk, type, "type"),
    F_STR(struct mc_disk, device, "device"),
    F_STR(struct mc_disk, source, "source"),
    F_STR(struct mc_disk, protocol, "protocol"),
    F_STR(struct mc_disk, source_name, "source-name"),
    F_STR(struct mc_disk, pool, "pool"),
    F_STR(struct mc_disk, volume, "volume"),
    F_STR(struct mc_disk, format, "format"),
    F_STR(struct mc_disk, cache, "cache"),
    F_STR(struct mc_disk, io, "io"),
    F_BOOL(struct mc_disk, readonly, "readonly"),
    F_BOOL(struct mc_disk, shareable, "shareable"),
    F_BOOL(struct mc_disk, transient, "transient"),
    F_STR(struct mc_disk, startup_policy, "startup-policy"),
    F_STR(struct mc_disk, serial, "serial"),
    F_STR(struct mc_disk, wwn, "wwn"),
    F_STR(struct mc_disk, initiator_iqn, "initiator-iqn"),
    F_STR(struct mc_disk, identity_user, "identity-user"),
    F_STR(struct mc_disk, identity_group, "identity-group"),
    F_INT(struct mc_disk, capacity, "capacity"),
    F_STR(struct mc_disk, tls, "tls"),
    F_ARR(struct mc_disk, hosts, "host", "hosts", desc_netaddr),
    F_STRV(struct mc_disk, backing, "backing", "backing"),
    F_STR(struct mc_disk, auth_user, "auth-user"),
    F_STR(struct mc_disk, auth_type, "auth-type"),
    F_STR(struct mc_disk, auth_secret_uuid, "auth-secret-uuid"),
    F_STR(struct mc_disk, auth_secret_usage, "auth-secret-usage"),
};
static DESC(desc_disk, struct mc_disk, "disk", disk_fields);

static const struct mc_field iface_fields[] = {
    F_STR(struct mc_iface, type, "type"),
    F_STR(struct mc_iface, source, "source"),
    F_STR(struct mc_iface, source_mode, "source-mode"),
    F_STR(struct mc_iface, portgroup, "portgroup"),
    F_STR(struct mc_iface, model, "model"),
    F_STR(struct mc_iface, mac, "mac"),
    F_STR(struct mc_iface, target_dev, "target-dev"),
    F_INT(struct mc_iface, mtu, "mtu"),
    F_INT(struct mc_iface, queues, "queues"),
    F_STR(struct mc_iface, vport_type, "vport-type"),
};
static DESC(desc_iface, struct mc_iface, "interface", iface_fields);

static const struct mc_field graphics_fields[] = {
    F_STR(struct mc_graphics, type, "type"),
    F_STR(struct mc_graphics, listen_type, "listen-type"),
    F_STR(struct mc_graphics, listen, "listen"),
    F_STR(struct mc_graphics, listen_network, "listen-network"),
    F_INT(struct mc_graphics, port, "port"),
    F_BOOL(struct mc_graphics, autoport, "autoport"),
};
static DESC(desc_graphics, struct mc_graphics, "graphics", graphics_fields);

static const struct mc_field chardev_fields[] = {
    F_STR(struct mc_chardev, kind, "kind"),
    F_STR(struct mc_chardev, type, "type"),
    F_STR(struct mc_chardev, host, "host"),
    F_STR(struct mc_chardev, service, "service"),
    F_STR(struct mc_chardev, mode, "mode"),
    F_STR(struct mc_chardev, path, "path"),
    F_STR(struct mc_chardev, target_type, "target-type"),
    F_STR(struct mc_chardev, target_name, "target-name"),
    F_STR(struct mc_chardev, tls, "tls"),
};
static DESC(desc_chardev, struct mc_chardev, "chardev", chardev_fields);

static const struct mc_field hostdev_fields[] = {
    F_STR(struct mc_hostdev, mode, "mode"),
    F_STR(struct mc_hostdev, type, "type"),
    F_STR(struct mc_hostdev, address, "address"),
    F_BOOL(struct mc_hostdev, managed, "managed"),
    F_STR(struct mc_hostdev, teaming, "teaming"),
    F_STR(struct mc_hostdev, usb_vendor, "usb-vendor"),
    F_STR(struct mc_hostdev, usb_product, "usb-product"),
    F_INT(struct mc_hostdev, usb_bus, "usb-bus"),
    F_INT(struct mc_hostdev, usb_device, "usb-device"),
    F_BOOL(struct mc_hostdev, usb_auto_address, "usb-auto-address"),
    F_BOOL(struct mc_hostdev, usb_missing, "usb-missing"),
    F_STR(struct mc_hostdev, startup_policy, "startup-policy"),
};
static DESC(desc_hostdev, struct mc_hostdev, "hostdev", hostdev_fields);

static const struct mc_field controller_fields[] = {
    F_STR(struct mc_controller, type, "type"),     F_STR(struct mc_controller, model, "model"),
    F_INT(struct mc_controller, index, "index"),   F_INT(struct mc_controller, vectors, "vectors"),
    F_INT(struct mc_controller, queues, "queues"),
};
static DESC(desc_controller, struct mc_controller, "controller", controller_fields);

static const struct mc_field vm_file_fields[] = {
    F_STR(struct mc_vm_file, role, "role"),          F_STR(struct mc_vm_file, path, "path"),
    F_BOOL(struct mc_vm_file, readonly, "readonly"), F_STR(struct mc_vm_file, action, "action"),
    F_STR(struct mc_vm_file, creator, "creator"),    F_STR(struct mc_vm_file, subject, "subject"),
    F_INT(struct mc_vm_file, size, "size"),
};
static DESC(desc_vm_file, struct mc_vm_file, "file", vm_file_fields);

static const struct mc_field secret_ref_fields[] = {
    F_STR(struct mc_secret_ref, subject, "subject"),
    F_STR(struct mc_secret_ref, purpose, "purpose"),
    F_STR(struct mc_secret_ref, usage_type, "usage-type"),
    F_STR(struct mc_secret_ref, uuid, "uuid"),
    F_STR(struct mc_secret_ref, usage, "usage"),
};
static DESC(desc_secret_ref, struct mc_secret_ref, "secret-ref", secret_ref_fields);

static const struct mc_field cpu_feature_fields[] = {
    F_STR(struct mc_cpu_feature, name, "name"),
    F_STR(struct mc_cpu_feature, policy, "policy"),
};
static DESC(desc_cpu_feature, struct mc_cpu_feature, "cpu-feature", cpu_feature_fields);

static const struct mc_field vm_fields[] = {
    F_STR(struct mc_vm_facts, name, "name"),
    F_STR(struct mc_vm_facts, uuid, "uuid"),
    F_INT(struct mc_vm_facts, id, "id"),
    F_STR(struct mc_vm_facts, state, "state"),
    F_STR(struct mc_vm_facts, state_reason, "state-reason"),
    F_BOOL(struct mc_vm_facts, persistent, "persistent"),
    F_BOOL(struct mc_vm_facts, autostart, "autostart"),
    F_BOOL(struct mc_vm_facts, has_managed_save, "has-managed-save"),
    F_INT(struct mc_vm_facts, snapshots, "snapshots"),
    F_STR(struct mc_vm_facts, job, "job"),
    F_STR(struct mc_vm_facts, domain_type, "domain-type"),
    F_STR(struct mc_vm_facts, os_type, "os-type"),
    F_STR(struct mc_vm_facts, arch, "arch"),
    F_STR(struct mc_vm_facts, machine, "machine"),
    F_STR(struct mc_vm_facts, emulator, "emulator"),
    F_STR(struct mc_vm_facts, firmware, "firmware"),
    F_INT(struct mc_vm_facts, memory_kib, "memory-kib"),
    F_INT(struct mc_vm_facts, current_memory_kib, "current-memory-kib"),
    F_INT(struct mc_vm_facts, max_memory_kib, "max-memory-kib"),
    F_INT(struct mc_vm_facts, vcpus, "vcpus"),
    F_INT(struct mc_vm_facts, hugepage_kib, "hugepage-kib"),
    F_STR(struct mc_vm_facts, hugepage_nodeset, "hugepage-nodeset"),
    F_BOOL(struct mc_vm_facts, hugepages, "hugepages"),
    F_BOOL(struct mc_vm_facts, memory_locked, "memory-locked"),
    F_STR(struct mc_vm_facts, memory_source, "memory-source"),
    F_STR(struct mc_vm_facts, memory_allocation, "memory-allocation"),
    F_STR(struct mc_vm_facts, cpu_mode, "cpu-mode"),
    F_STR(struct mc_vm_facts, cpu_model, "cpu-model"),
    F_STR(struct mc_vm_facts, cpu_match, "cpu-match"),
    F_STR(struct mc_vm_facts, cpu_check, "cpu-check"),
    F_STR(struct mc_vm_facts, cpu_vendor, "cpu-vendor"),
    F_BOOL(struct mc_vm_facts, cpu_migratable, "cpu-migratable"),
    F_INT(struct mc_vm_facts, tsc_frequency, "tsc-frequency"),
    F_STR(struct mc_vm_facts, tsc_mode, "tsc-mode"),
    F_ARR(struct mc_vm_facts, cpu_features, "cpu-feature", "cpu_features", desc_cpu_feature),
    F_TEXT(struct mc_vm_facts, cpu_xml, "cpu-xml"),
    F_ARR(struct mc_vm_facts, disks, "disk", "disks", desc_disk),
    F_ARR(struct mc_vm_facts, ifaces, "interface", "interfaces", desc_iface),
    F_ARR(struct mc_vm_facts, graphics, "graphics", "graphics", desc_graphics),
    F_ARR(struct mc_vm_facts, chardevs, "chardev", "chardevs", desc_chardev),
    F_ARR(struct mc_vm_facts, hostdevs, "hostdev", "hostdevs", desc_hostdev),
    F_ARR(struct mc_vm_facts, controllers, "controller", "controllers", desc_controller),
    F_ARR(struct mc_vm_facts, files, "file", "files", desc_vm_file),
    F_ARR(struct mc_vm_facts, secret_refs, "secret-ref", "secret_refs", desc_secret_ref),
    F_STRV(struct mc_vm_facts, blockers, "blocker", "blockers"),
    F_STRV(struct mc_vm_facts, virtiofs, "virtiofs", "virtiofs"),
    F_STRV(struct mc_vm_facts, seclabels, "seclabel", "seclabels"),
    F_STRV(struct mc_vm_facts, tpm_backends, "tpm-backend", "tpm_backends"),
    F_TEXT(struct mc_vm_facts, xml, "xml"),
    F_STRV(struct mc_vm_facts, video_models, "video-model", "video_models"),
    F_STRV(struct mc_vm_facts, roms, "rom", "roms"),
};
DESC(mc_desc_vm_facts, struct mc_vm_facts, "domain", vm_fields);

/* ---- USB devices ---- */
static const struct mc_field usb_device_fields[] = {
    F_STR(struct mc_usb_device, name, "name"),       F_INT(struct mc_usb_device, bus, "bus"),
    F_INT(struct mc_usb_device, device, "device"),   F_STR(struct mc_usb_device, vendor, "vendor"),
    F_STR(struct mc_usb_device, product, "product"),
};
static DESC(desc_usb_device, struct mc_usb_device, "device", usb_device_fields);

static const struct mc_field usb_fields[] = {
    F_BOOL(struct mc_usb_facts, no_sysfs, "no-sysfs"),
    F_ARR(struct mc_usb_facts, devices, "device", "devices", desc_usb_device),
};
DESC(mc_desc_usb_facts, struct mc_usb_facts, "usb", usb_fields);

/* ---- host ---- */
static const struct mc_field host_fields[] = {
    F_STR(struct mc_host_facts, name, "name"),
    F_STR(struct mc_host_facts, generated, "generated"),
    F_STR(struct mc_host_facts, generator, "generator"),
    F_STR(struct mc_host_facts, collector, "collector"),
    F_AREAS(struct mc_host_facts, areas, "areas"),
    F_OBJ(struct mc_host_facts, os, "os", mc_desc_os_facts),
    F_OBJ(struct mc_host_facts, virt, "virt", mc_desc_virt_facts),
    F_ARR(struct mc_host_facts, mounts, "mount", "mounts", mc_desc_mount),
    F_OBJ(struct mc_host_facts, storage, "storage", mc_desc_storage_facts),
    F_OBJ(struct mc_host_facts, net, "net", mc_desc_net_facts),
    F_PTR(struct mc_host_facts, usb, "usb", "usb", mc_desc_usb_facts),
    F_PTR(struct mc_host_facts, vm, "domain", "domain", mc_desc_vm_facts),
    /* Same element: the first <domain> fills vm, the others this array (version 2). */
    F_ARR(struct mc_host_facts, other_vms, "domain", "other_domains", mc_desc_vm_facts),
    F_ARR(struct mc_host_facts, errors, "fact-error", "errors", mc_desc_fact_error),
};
DESC(mc_desc_host_facts, struct mc_host_facts, "migcheck-facts", host_fields);

static const struct mc_field error_fields[] = {
    F_STR(struct mc_fact_error, area, "area"),
    F_ERRNO(struct mc_fact_error, err, "errno"),
    F_STR(struct mc_fact_error, message, "message"),
};
DESC(mc_desc_fact_error, struct mc_fact_error, "fact-error", error_fields);

/* ---- pair facts (pair.h) ---- */
static const struct mc_field cpu_compare_fields[] = {
    F_ENUM(struct mc_pair_cpu, probe, "probe", mc_probe_names),
    F_ENUM(struct mc_pair_cpu, result, "result", mc_cpu_result_names),
    F_STR(struct mc_pair_cpu, message, "message"),
    F_STR(struct mc_pair_cpu, detail, "detail"),
    F_STRV(struct mc_pair_cpu, missing, "missing", "missing"),
    F_STRV(struct mc_pair_cpu, missing_src, "missing-on-source", "missing_on_source"),
};
static DESC(desc_cpu_compare, struct mc_pair_cpu, "cpu", cpu_compare_fields);

static const struct mc_field store_fields[] = {
    F_STR(struct mc_store, kind, "kind"),
    F_STR(struct mc_store, identity, "identity"),
    F_STR(struct mc_store, mount_target, "mount-target"),
    F_STR(struct mc_store, mount_root, "mount-root"),
    F_STR(struct mc_store, fstype, "fstype"),
    F_STR(struct mc_store, server, "server"),
    F_BOOL(struct mc_store, shared_fs, "shared-fs"),
    F_BOOL(struct mc_store, cluster_fs, "cluster-fs"),
};
DESC(mc_desc_store, struct mc_store, "store", store_fields);

static const struct mc_field vm_path_fields[] = {
    F_STR(struct mc_vm_path, subject, "subject"),
    F_STR(struct mc_vm_path, role, "role"),
    F_STR(struct mc_vm_path, target, "target"),
    F_STR(struct mc_vm_path, src_path, "src-path"),
    F_STR(struct mc_vm_path, disk_type, "disk-type"),
    F_STR(struct mc_vm_path, protocol, "protocol"),
    F_BOOL(struct mc_vm_path, readonly, "readonly"),
    F_BOOL(struct mc_vm_path, shareable, "shareable"),
    F_STR(struct mc_vm_path, cache, "cache"),
    F_STR(struct mc_vm_path, dst_path, "dst-path"),
    F_ENUM(struct mc_vm_path, evidence, "evidence", mc_evidence_names),
    F_STR(struct mc_vm_path, evidence_detail, "evidence-detail"),
    F_ENUM(struct mc_vm_path, exists_probe, "exists-probe", mc_probe_names),
    F_STR(struct mc_vm_path, exists_detail, "exists-detail"),
    F_ENUM(struct mc_vm_path, open_probe, "open-probe", mc_probe_names),
    F_STR(struct mc_vm_path, open_detail, "open-detail"),
    F_INT(struct mc_vm_path, dst_size, "dst-size"),
    F_INT(struct mc_vm_path, src_size, "src-size"),
    F_OBJ(struct mc_vm_path, src_store, "src-store", mc_desc_store),
    F_OBJ(struct mc_vm_path, dst_store, "dst-store", mc_desc_store),
    F_STRV(struct mc_vm_path, candidates, "candidate", "candidates"),
};
DESC(mc_desc_vm_path, struct mc_vm_path, "path", vm_path_fields);

static const struct mc_field port_probe_fields[] = {
    F_ENUM(struct mc_port_probe, probe, "probe", mc_probe_names),
    F_STR(struct mc_port_probe, host, "host"),
    F_STR(struct mc_port_probe, address, "address"),
    F_INT(struct mc_port_probe, port, "port"),
    F_ENUM(struct mc_port_probe, result, "result", mc_port_result_names),
    F_STR(struct mc_port_probe, detail, "detail"),
};
static DESC(desc_port_probe, struct mc_port_probe, "port", port_probe_fields);

static const struct mc_field name_probe_fields[] = {
    F_ENUM(struct mc_name_probe, probe, "probe", mc_probe_names),
    F_STR(struct mc_name_probe, name, "name"),
    F_STR(struct mc_name_probe, detail, "detail"),
    F_STRV(struct mc_name_probe, addresses, "address", "addresses"),
};
static DESC(desc_name_probe, struct mc_name_probe, "name", name_probe_fields);

static const struct mc_field host_path_fields[] = {
    F_STR(struct mc_host_path, subject, "subject"),
    F_STR(struct mc_host_path, role, "role"),
    F_STR(struct mc_host_path, action, "action"),
    F_STR(struct mc_host_path, creator, "creator"),
    F_INT(struct mc_host_path, uid, "uid"),
    F_INT(struct mc_host_path, gid, "gid"),
    F_STR(struct mc_host_path, path, "path"),
    F_STR(struct mc_host_path, dir, "dir"),
    F_ENUM(struct mc_host_path, probe, "probe", mc_probe_names),
    F_STR(struct mc_host_path, type, "type"),
    F_STR(struct mc_host_path, detail, "detail"),
    F_STR(struct mc_host_path, probe_error, "probe-error"),
    F_ENUM(struct mc_host_path, file_probe, "file-probe", mc_probe_names),
    F_STR(struct mc_host_path, file_type, "file-type"),
    F_BOOL(struct mc_host_path, file_size_known, "file-size-known"),
    F_INT(struct mc_host_path, file_size, "file-size"),
    F_INT(struct mc_host_path, size, "size"),
    F_ENUM(struct mc_host_path, create_probe, "create-probe", mc_probe_names),
    F_STR(struct mc_host_path, create_detail, "create-detail"),
    F_ENUM(struct mc_host_path, space_probe, "space-probe", mc_probe_names),
    F_INT(struct mc_host_path, space_total_kib, "space-total-kib"),
    F_INT(struct mc_host_path, space_avail_kib, "space-avail-kib"),
    F_STR(struct mc_host_path, space_detail, "space-detail"),
    F_ENUM(struct mc_host_path, connect_probe, "connect-probe", mc_probe_names),
    F_STR(struct mc_host_path, connect_error, "connect-error"),
    F_STR(struct mc_host_path, connect_detail, "connect-detail"),
};
DESC(mc_desc_host_path, struct mc_host_path, "host-path", host_path_fields);

static const struct mc_field dirty_window_fields[] = {
    F_STR(struct mc_dirty_window, source, "source"),
    F_INT(struct mc_dirty_window, window_us, "window-us"),
    F_INT(struct mc_dirty_window, bytes, "bytes"),
    F_INT(struct mc_dirty_window, samples, "samples"),
    F_INT(struct mc_dirty_window, changed_milli, "changed-milli"),
    F_INT(struct mc_dirty_window, windows, "windows"),
};
static DESC(desc_dirty_window, struct mc_dirty_window, "dirty", dirty_window_fields);

static const struct mc_field predict_fields[] = {
    F_ENUM(struct mc_predict_facts, probe, "probe", mc_probe_names),
    F_STR(struct mc_predict_facts, detail, "detail"),
    F_INT(struct mc_predict_facts, measure_ms, "measure-ms"),
    F_INT(struct mc_predict_facts, ram_bytes, "ram-bytes"),
    F_INT(struct mc_predict_facts, nonzero_bytes, "nonzero-bytes"),
    F_STR(struct mc_predict_facts, nonzero_source, "nonzero-source"),
    F_INT(struct mc_predict_facts, rss_bytes, "rss-bytes"),
    F_STR(struct mc_predict_facts, sampling_detail, "sampling-detail"),
    F_STR(struct mc_predict_facts, libvirt_detail, "libvirt-detail"),
    F_INT(struct mc_predict_facts, vcpus, "vcpus"),
    F_INT(struct mc_predict_facts, vcpu_time_ns, "vcpu-time-ns"),
    F_INT(struct mc_predict_facts, elapsed_ns, "elapsed-ns"),
    F_INT(struct mc_predict_facts, downtime_limit_ms, "downtime-limit-ms"),
    F_INT(struct mc_predict_facts, max_speed_mib, "max-speed-mib"),
    F_INT(struct mc_predict_facts, src_rtt_us, "src-rtt-us"),
    F_INT(struct mc_predict_facts, dst_rtt_us, "dst-rtt-us"),
    F_INT(struct mc_predict_facts, dst_start_us, "dst-start-us"),
    F_INT(struct mc_predict_facts, dst_stop_us, "dst-stop-us"),
    F_INT(struct mc_predict_facts, dst_starts, "dst-starts"),
    F_ENUM(struct mc_predict_facts, bandwidth_probe, "bandwidth-probe", mc_probe_names),
    F_STR(struct mc_predict_facts, bandwidth_detail, "bandwidth-detail"),
    F_STR(struct mc_predict_facts, bandwidth_path, "bandwidth-path"),
    F_INT(struct mc_predict_facts, bandwidth_bps, "bandwidth-bps"),
    F_INT(struct mc_predict_facts, bandwidth_min_bps, "bandwidth-min-bps"),
    F_INT(struct mc_predict_facts, bandwidth_max_bps, "bandwidth-max-bps"),
    F_INT(struct mc_predict_facts, bandwidth_bytes, "bandwidth-bytes"),
    F_INT(struct mc_predict_facts, bandwidth_us, "bandwidth-us"),
    F_ARR(struct mc_predict_facts, dirty, "dirty", "dirty", desc_dirty_window),
};
DESC(mc_desc_predict_facts, struct mc_predict_facts, "predict", predict_fields);

static const struct mc_field pair_fields[] = {
    F_BOOL(struct mc_pair_facts, live, "live"),
    F_STR(struct mc_pair_facts, src_agent, "src-agent"),
    F_STR(struct mc_pair_facts, dst_agent, "dst-agent"),
    F_OBJ(struct mc_pair_facts, cpu, "cpu", desc_cpu_compare),
    F_OBJ(struct mc_pair_facts, cpu_src, "cpu-on-source", desc_cpu_compare),
    F_ARR(struct mc_pair_facts, paths, "path", "paths", mc_desc_vm_path),
    F_ARR(struct mc_pair_facts, host_paths, "host-path", "host_paths", mc_desc_host_path),
    F_OBJ(struct mc_pair_facts, migration_port, "migration-port", desc_port_probe),
    F_OBJ(struct mc_pair_facts, libvirtd_port, "libvirtd-port", desc_port_probe),
    F_OBJ(struct mc_pair_facts, dst_name, "destination-name", desc_name_probe),
    F_OBJ(struct mc_pair_facts, predict, "predict", mc_desc_predict_facts),
    F_ARR(struct mc_pair_facts, errors, "probe-error", "errors", mc_desc_fact_error),
};
DESC(mc_desc_pair_facts, struct mc_pair_facts, "migcheck-pair", pair_fields);

/* ---- plans and journals (plan.h) ---- */
static const struct mc_field param_fields[] = {
    F_STR(struct mc_plan_param, name, "name"),
    F_TEXT(struct mc_plan_param, value, "value"),
};
static DESC(desc_param, struct mc_plan_param, "param", param_fields);

static const struct mc_field step_fields[] = {
    F_ENUM(struct mc_plan_step, kind, "kind", mc_step_kind_names),
    F_STR(struct mc_plan_step, host, "host"),
    F_STR(struct mc_plan_step, subject, "subject"),
    F_ENUM(struct mc_plan_step, state, "state", mc_step_state_names),
    F_STR(struct mc_plan_step, started, "started"),
    F_STR(struct mc_plan_step, finished, "finished"),
    F_TEXT(struct mc_plan_step, summary, "summary"),
    F_ARR(struct mc_plan_step, params, "param", "params", desc_param),
    F_ARR(struct mc_plan_step, results, "result", "results", desc_param),
    F_TEXT(struct mc_plan_step, error, "error"),
};
static DESC(desc_step, struct mc_plan_step, "step", step_fields);

static const struct mc_field plan_fields[] = {
    F_STR(struct mc_plan, verb, "verb"),
    F_STR(struct mc_plan, run_id, "run-id"),
    F_STR(struct mc_plan, created, "created"),
    F_STR(struct mc_plan, generator, "generator"),
    F_STR(struct mc_plan, source, "source"),
    F_STR(struct mc_plan, destination, "destination"),
    F_STR(struct mc_plan, domain, "domain"),
    F_STR(struct mc_plan, uuid, "uuid"),
    F_ENUM(struct mc_plan, state, "state", mc_plan_state_names),
    F_ARR(struct mc_plan, settings, "setting", "settings", desc_param),
    F_TEXT(struct mc_plan, source_xml, "source-xml"),
    F_TEXT(struct mc_plan, dest_xml, "destination-xml"),
    F_ARR(struct mc_plan, steps, "step", "steps", desc_step),
    F_TEXT(struct mc_plan, error, "error"),
};
DESC(mc_desc_plan, struct mc_plan, "migcheck-plan", plan_fields);

/* ---- generic walks ---- */

#define AT(p, off) ((char *)(p) + (off))

void mc_struct_clear(const struct mc_struct_desc *d, void *p)
{
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct mc_field *f = &d->fields[i];
        switch (f->type) {
        case MC_FT_STR:
        case MC_FT_TEXT:
            free(*(char **)AT(p, f->offset));
            break;
        case MC_FT_STRV:
            mc_strv_free(*(char ***)AT(p, f->offset));
            break;
        case MC_FT_STRUCT:
            mc_struct_clear(f->sub, AT(p, f->offset));
            break;
        case MC_FT_PTR: {
            void *q = *(void **)AT(p, f->offset);
            if (q) {
                mc_struct_clear(f->sub, q);
                free(q);
            }
            break;
        }
        case MC_FT_ARRAY: {
            char *arr = *(char **)AT(p, f->offset);
            size_t n = *(size_t *)AT(p, f->count_offset);
            for (size_t k = 0; k < n; k++)
                mc_struct_clear(f->sub, arr + k * f->sub->size);
            free(arr);
            break;
        }
        case MC_FT_INT:
        case MC_FT_BOOL:
        case MC_FT_ERRNO:
        case MC_FT_AREAS:
        case MC_FT_ENUM:
            break;
        }
    }
    memset(p, 0, d->size);
}

void mc_struct_copy(const struct mc_struct_desc *d, void *dst, const void *src)
{
    memcpy(dst, src, d->size);
    for (size_t i = 0; i < d->n_fields; i++) {
        const struct mc_field *f = &d->fields[i];
        switch (f->type) {
        case MC_FT_STR:
        case MC_FT_TEXT: {
            char **s = (char **)AT(dst, f->offset);
            *s = mc_xstrdup_or_null(*s);
            break;
        }
        case MC_FT_STRV: {
            char ***v = (char ***)AT(dst, f->offset);
            *v = mc_strv_copy(*v);
            break;
        }
        case MC_FT_STRUCT:
            mc_struct_copy(f->sub, AT(dst, f->offset), AT(src, f->offset));
            break;
        case MC_FT_PTR: {
            void **q = (void **)AT(dst, f->offset);
            if (*q) {
                void *n = mc_xcalloc(1, f->sub->size);
                mc_struct_copy(f->sub, n, *q);
                *q = n;
            }
            break;
        }
        case MC_FT_ARRAY: {
            char **arr = (char **)AT(dst, f->offset);
            size_t n = *(size_t *)AT(dst, f->count_offset);
            if (*arr && n) {
                char *na = mc_xcalloc(n, f->sub->size);
                for (size_t k = 0; k < n; k++)
                    mc_struct_copy(f->sub, na + k * f->sub->size, *arr + k * f->sub->size);
                *arr = na;
            } else {
                *arr = NULL;
                *(size_t *)AT(dst, f->count_offset) = 0;
            }
            break;
        }
        case MC_FT_INT:
        case MC_FT_BOOL:
        case MC_FT_ERRNO:
        case MC_FT_AREAS:
        case MC_FT_ENUM:
            break;
        }
    }
}

const char *mc_field_json_name(const struct mc_field *f, char *buf, size_t len)
{
    if (f->json)
        return f->json;
    size_t i = 0;
    for (; f->name[i] && i + 1 < len; i++)
        buf[i] = f->name[i] == '-' ? '_' : f->name[i];
    buf[i] = '\0';
    return buf;
}
