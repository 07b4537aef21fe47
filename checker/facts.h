/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The facts model: plain structs describing one host (and optionally one VM
 * on it), filled by the gatherers (src/virt, storage/, network/, the os
 * probe) or read back from a snapshot file, and read by the rules.
 *
 * Conventions
 *  - Every string is owned by its struct; NULL means "not known/not set".
 *  - Numbers are int64_t; 0 means "not known" unless a field says otherwise
 *    (a count that really is 0 reads the same as unknown, which is how the
 *    snapshot format round-trips).
 *  - Arrays are (pointer, n_<name>) pairs grown with MC_APPEND().
 *  - A gatherer that fails records a struct mc_fact_error in the host facts
 *    (area, errno, message) and never prints.
 *
 * Every struct has a descriptor in facts-schema.c; the snapshot reader and
 * writers (XML, JSON), the destructor and the comparison are driven by those
 * descriptors. Adding a field = adding it here and one row there.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Snapshot format version. Version 2 allows several <domain> elements (facts --all-vms); a
 * writer writes version 1 when the snapshot holds at most one domain, so older readers read
 * every snapshot they could express, and refuse the others with a clear message.
 */
#define MC_FACTS_VERSION 2

/* Fact areas: what a gatherer fills and what a rule needs. */
enum mc_area {
    MC_AREA_OS = 1u << 0,      /* os-release, kernel, packages, ROMs */
    MC_AREA_VIRT = 1u << 1,    /* libvirt: versions, capabilities, pools, networks */
    MC_AREA_MOUNTS = 1u << 2,  /* libmount */
    MC_AREA_STORAGE = 1u << 3, /* FC, iSCSI, SRP, GFS2, block devices */
    MC_AREA_NET = 1u << 4,     /* links, addresses, routes, listening sockets */
    MC_AREA_VM = 1u << 5,      /* the domain */
    MC_AREA_CPU = 1u << 6,     /* part of virt: host CPU (split so a rule can need just it) */
};

/* "os", "virt", ... for an area bit; NULL for combinations. */
const char *mc_area_name(unsigned area);
/* The bit for "os", "virt", ...; 0 when unknown. */
unsigned mc_area_from_name(const char *name);

struct mc_fact_error {
    char *area;    /* "os", "virt", "mounts", "storage", "net", "vm", or "area/detail" */
    int64_t err;   /* positive errno; written as its name (ENOENT) */
    char *message; /* "cannot read '/etc/os-release': No such file or directory" */
};

/* ---- OS and updates ------------------------------------------------------ */

struct mc_package {
    char *name;
    char *version; /* dpkg: 1:7.2+dfsg-7+deb12u18; rpm: [epoch:]version-release */
    char *arch;
};

struct mc_rom {
    char *path;   /* /usr/share/qemu/efi-virtio.rom (link target resolved in 'target') */
    char *target; /* realpath when path is a symlink */
    int64_t size; /* bytes */
    char *sha256; /* only for ROMs the VM uses */
};

struct mc_os_facts {
    char *id; /* os-release ID: debian, rhel, fedora, centos, ubuntu */
    char *id_like;
    char *version_id;
    char *pretty_name;
    char *variant_id;
    char *kernel_release; /* uname -r */
    char *kernel_version; /* uname -v */
    char *arch;           /* uname -m */
    char *machine_id;
    char *hostname;      /* short */
    char *fqdn;          /* canonical name from the host's resolver, when it has one */
    char *pkg_format;    /* "dpkg" or "rpm" */
    char *security;      /* "selinux", "apparmor" or "none" */
    char *selinux_mode;  /* enforcing, permissive; disabled when only /etc/selinux/config exists */
    char *qemu_user;     /* the user QEMU runs as (qemu.conf user, or the distro default) */
    int64_t qemu_uid;    /* -1 when the user does not exist; 0 is root */
    int64_t qemu_gid;    /* qemu.conf's group (or the distro default), else the user's */
    bool qemu_uid_known; /* uid/gid found in /etc/passwd and /etc/group (else both -1) */
    struct mc_package *packages; /* the hypervisor stack only */
    size_t n_packages;
    struct mc_rom *roms; /* *.rom, *.bin, *.fd in QEMU's firmware directories */
    size_t n_roms;
};

/* ---- libvirt ------------------------------------------------------------- */

struct mc_machine {
    char *name;      /* as listed: pc, q35, pc-q35-7.2 */
    char *canonical; /* for aliases: the versioned machine */
    char *arch;
    int64_t maxcpus;
    bool deprecated;
};

struct mc_guest_arch {
    char *arch;          /* x86_64 */
    char *os_type;       /* hvm */
    char *emulator;      /* /usr/bin/qemu-system-x86_64, /usr/libexec/qemu-kvm */
    char **domain_types; /* qemu, kvm */
};

struct mc_hugepages {
    int64_t size_kib;
    int64_t total; /* pages */
    int64_t free;  /* pages */
};

struct mc_pool {
    char *name;
    char *uuid;
    char *type; /* dir, fs, netfs, iscsi, iscsi-direct, logical, rbd, gluster, ... */
    bool active;
    bool autostart;
    bool persistent;
    char *target_path;
    char *source_host;
    int64_t source_port;
    char *source_dir;    /* netfs export */
    char *source_device; /* iSCSI IQN, block device */
    char *source_name;   /* rbd pool, gluster volume, logical VG */
    char *source_format; /* nfs, ext4, ... */
    char *initiator_iqn;
    int64_t capacity;
    int64_t allocation;
    int64_t available;
};

struct mc_vnet {
    char *name;
    char *uuid;
    bool active;
    bool autostart;
    bool persistent;
    char *bridge;
    char *forward_mode; /* none (isolated), nat, route, bridge, open, hostdev, ... */
    char *forward_dev;
    int64_t mtu;
};

struct mc_domain_ref {
    char *name;
    char *uuid;
    char *state; /* running, paused, shutoff, ... */
    bool persistent;
    bool active;
};

struct mc_qemu_conf {
    bool readable; /* false when qemu.conf could not be read (facts then hold defaults) */
    char *migration_address;
    char *migration_host;
    int64_t migration_port_min; /* default 49152 */
    int64_t migration_port_max; /* default 49215 */
    char *user;
    char *group;
    char *security_driver;
    bool migrate_tls_force;
    char **shared_filesystems;
    char *stdio_handler; /* logd (default): virtlogd opens chardev files and logs; file: QEMU */
    /* memory_backing_dir: where libvirt puts file-backed guest RAM (NULL: libvirt's default,
     * MC_MEMORY_BACKING_DIR_DEFAULT) */
    char *memory_backing_dir;
    /* TLS certificate directories QEMU loads at start, as libvirt resolves them (the setting,
     * else /etc/pki/libvirt-KIND when it exists, else default_tls_x509_cert_dir, itself
     * /etc/pki/qemu by default); NULL where not resolved (no access to the host's files). */
    char *default_tls_dir;
    bool vnc_tls; /* every VNC display uses TLS */
    char *vnc_tls_dir;
    bool spice_tls; /* SPICE displays get a TLS port */
    char *spice_tls_dir;
    bool chardev_tls; /* TCP character devices without tls= use TLS */
    char *chardev_tls_dir;
    bool nbd_tls; /* NBD disks without tls= use TLS */
    char *nbd_tls_dir;
};

/* libvirt's memory_backing_dir when qemu.conf does not set it (the system daemon's). */
#define MC_MEMORY_BACKING_DIR_DEFAULT "/var/lib/libvirt/qemu/ram"

/* A libvirt secret defined on a host. Its value is never read into the facts. */
struct mc_secret {
    char *uuid;
    char *usage_type; /* volume, ceph, iscsi, tls, vtpm (libvirt's <usage type=>) */
    char *usage_id;   /* the volume path, ceph name, iSCSI target, tls or vtpm name */
    bool ephemeral;
    bool private_; /* "private" in the XML: the value cannot be read back */
    char *value;   /* "set", "unset" or "unknown": whether it has a value (never the value) */
};

struct mc_virt_facts {
    char *uri;               /* the URI the facts came from */
    char *hostname;          /* virConnectGetHostname: what the destination advertises */
    char *hv_type;           /* QEMU */
    int64_t libvirt_version; /* of the daemon: major * 1000000 + minor * 1000 + micro */
    int64_t hv_version;      /* QEMU */
    char *host_uuid;
    /* Host CPU from the capabilities */
    char *cpu_arch;
    char *cpu_vendor;
    char *cpu_model;
    char **cpu_features;
    char *host_cpu_xml;   /* <cpu> element of the capabilities, for offline comparison */
    char *host_model_xml; /* domcapabilities host-model CPU, when available */
    bool live_migration;
    char **migration_transports;
    char **secmodels; /* selinux, apparmor, dac, none */
    struct mc_guest_arch *guests;
    size_t n_guests;
    struct mc_machine *machines;
    size_t n_machines;
    /* Node */
    int64_t memory_kib;
    int64_t free_memory_kib;
    int64_t cpus;
    int64_t mhz;
    int64_t numa_nodes;
    int64_t sockets;
    int64_t cores;
    int64_t threads;
    int64_t tsc_khz; /* host TSC frequency, when the capabilities give it */
    struct mc_hugepages *hugepages;
    size_t n_hugepages;
    struct mc_pool *pools;
    size_t n_pools;
    struct mc_vnet *networks;
    size_t n_networks;
    struct mc_domain_ref *domains;
    size_t n_domains;
    bool secrets_listed; /* the secrets were listed (an empty list then means none) */
    /* The TPM backends DST's libvirt can start, from the domain capabilities' <tpm>
     * backendModel enum (passthrough, emulator, external). libvirt lists 'emulator' only when it
     * finds swtpm. tpm_backends_listed: the domain capabilities had a <tpm> element. */
    bool tpm_backends_listed;
    char **tpm_backend_models;
    struct mc_secret *secrets;
    size_t n_secrets;
    struct mc_qemu_conf qemu_conf;
};

/* ---- mounts -------------------------------------------------------------- */

struct mc_mount {
    int64_t id;
    int64_t parent_id;
    char *devno; /* "major:minor" */
    char *root;  /* root of the mount within the file system (bind mounts) */
    char *target;
    char *source;
    char *fstype;
    char *options;    /* VFS options */
    char *fs_options; /* file system specific options */
    bool netfs;       /* network file system (nfs, cifs, ceph, glusterfs, 9p, ...) */
    bool clusterfs;   /* cluster file system (gfs2, ocfs2) */
    bool shared;      /* in libvirt's list of shared file systems */
    /* Derived for network/cluster file systems */
    char *server;      /* nfs: server name or address from the source */
    char *export_path; /* nfs: the export; cifs: share; ceph: path */
    char *server_addr; /* nfs: addr= option (the address the client really uses) */
    char *locktable;   /* gfs2 lock table (cluster:fsname) */
};

/* ---- storage transports ---------------------------------------------------- */

struct mc_fc_rport {
    char *name;      /* rport-0:0-1 */
    char *port_name; /* WWPN, 0x... */
    char *node_name;
    char *port_state;
    char *roles;
    int64_t scsi_target_id;
};

struct mc_fc_host {
    char *name; /* host3 */
    char *port_name;
    char *node_name;
    char *port_state;
    char *fabric_name;
    char *speed;
    struct mc_fc_rport *rports;
    size_t n_rports;
};

struct mc_iscsi_session {
    char *name;   /* session1 */
    char *target; /* IQN */
    char *portal; /* address:port */
    char *state;
    char *initiator; /* initiator name used by the session */
    int64_t tpgt;
    char **devices; /* sdb, sdc */
};

struct mc_srp_host {
    char *name;
    char *ib_device;
    char *ib_port;
    char **rports; /* remote port ids */
};

struct mc_gfs2 {
    char *locktable; /* cluster:fsname, from /sys/fs/gfs2 */
    char *devno;     /* major:minor of the block device, to join with mounts */
};

struct mc_blockdev {
    char *name; /* sdb, dm-3, nvme0n1 */
    char *path; /* the path the VM uses, when the device was looked up for a VM */
    char *devno;
    char *wwn;    /* /sys/block/X/device/wwid or wwn */
    char *serial; /* vpd_pg80 / serial */
    char *vendor;
    char *model;
    char *dm_uuid; /* mpath-<WWID> for multipath maps */
    char *dm_name;
    char *transport; /* iscsi, fc, srp, sas, virtio, nvme, ... */
    int64_t size_bytes;
    char **slaves;
};

struct mc_storage_facts {
    char *iscsi_initiator; /* /etc/iscsi/initiatorname.iscsi */
    struct mc_iscsi_session *iscsi_sessions;
    size_t n_iscsi_sessions;
    struct mc_fc_host *fc_hosts;
    size_t n_fc_hosts;
    struct mc_srp_host *srp_hosts;
    size_t n_srp_hosts;
    struct mc_gfs2 *gfs2;
    size_t n_gfs2;
    struct mc_blockdev *blockdevs;
    size_t n_blockdevs;
};

/* ---- network ------------------------------------------------------------- */

struct mc_link {
    int64_t ifindex;
    char *name;
    char *kind;       /* bridge, bond, vlan, veth, tun, macvtap, "" for physical */
    char *slave_kind; /* bridge, bond when enslaved */
    int64_t mtu;
    char *operstate; /* up, down, unknown, lowerlayerdown */
    bool up;         /* IFF_UP */
    bool carrier;    /* IFF_LOWER_UP */
    char *master;    /* bridge or bond name */
    char *mac;
    int64_t vlan_id;
    char *link;      /* parent of a vlan/macvlan */
    char *bond_mode; /* bonds: balance-rr, active-backup, 802.3ad, ... */
};

struct mc_addr {
    char *ifname;
    char *family; /* inet, inet6 */
    char *address;
    int64_t prefixlen;
    char *scope; /* global, link, host */
};

struct mc_route {
    char *family;
    char *dst; /* "default" or address/prefix */
    char *gateway;
    char *dev;
    char *prefsrc;
    int64_t table;
    int64_t metric;
};

struct mc_listen {
    char *proto; /* tcp, tcp6 */
    char *address;
    int64_t port;
};

struct mc_net_facts {
    struct mc_link *links;
    size_t n_links;
    struct mc_addr *addrs;
    size_t n_addrs;
    struct mc_route *routes;
    size_t n_routes;
    struct mc_listen *listens;
    size_t n_listens;
};

/* ---- a VM ---------------------------------------------------------------- */

struct mc_netaddr {
    char *name; /* host name or address */
    int64_t port;
    char *transport; /* tcp, rdma, unix */
};

struct mc_disk {
    char *target;      /* vda */
    char *bus;         /* virtio, scsi, sata, ide */
    char *type;        /* file, block, network, volume, dir, nvme */
    char *device;      /* disk, cdrom, floppy, lun */
    char *source;      /* file or block path, dir path; NULL for an empty CD-ROM */
    char *protocol;    /* network disks: nfs, iscsi, rbd, gluster, nbd, http, ... */
    char *source_name; /* network disks: export path, IQN/LUN, pool/image */
    struct mc_netaddr *hosts;
    size_t n_hosts;
    char *pool; /* volume disks */
    char *volume;
    char *format; /* raw, qcow2 */
    char *cache;  /* none, writeback, writethrough, directsync, unsafe; NULL = default */
    char *io;
    bool readonly;
    bool shareable;
    bool transient;
    char *startup_policy;
    char *serial;
    char *wwn;
    char *initiator_iqn; /* iSCSI network disks */
    char *identity_user; /* NFS network disks */
    char *identity_group;
    char *tls;       /* network disks: the source's tls= (yes, no), NULL when absent (nbd_tls) */
    char **backing;  /* backing chain paths (or protocol:name for network backing) */
    char *auth_user; /* <auth username=>: iSCSI CHAP user, RBD client */
    char *auth_type; /* <auth><secret type=>: iscsi, ceph */
    char *auth_secret_uuid;
    char *auth_secret_usage;
    int64_t capacity; /* virtual size in bytes (virDomainGetBlockInfo); 0 when not known */
};

struct mc_iface {
    char *type;        /* bridge, network, direct, user, ethernet, vhostuser, hostdev */
    char *source;      /* bridge name, network name, direct dev, socket path */
    char *source_mode; /* direct: bridge, vepa, passthrough, private */
    char *portgroup;
    char *model;
    char *mac;
    char *target_dev;
    int64_t mtu;
    int64_t queues;
    char *vport_type; /* openvswitch, 802.1Qbh, ... */
};

struct mc_graphics {
    char *type;        /* vnc, spice, sdl, egl-headless, rdp */
    char *listen_type; /* address, network, socket, none */
    char *listen;      /* listen address */
    char *listen_network;
    int64_t port;
    bool autoport;
};

struct mc_chardev {
    char *kind; /* serial, console, channel, parallel */
    char *type; /* pty, tcp, udp, unix, file, spicevmc, ... */
    char *host; /* tcp/udp bind host */
    char *service;
    char *mode; /* bind, connect */
    char *path; /* file, unix socket */
    char *target_type;
    char *target_name;
    char *tls; /* tcp: the source's tls= (yes, no), NULL when absent (qemu.conf chardev_tls) */
};

struct mc_hostdev {
    char *mode;    /* subsystem, capabilities */
    char *type;    /* pci, usb, scsi, scsi_host, mdev */
    char *address; /* pci 0000:65:00.1; usb bus.device or vendor:product; mdev uuid */
    bool managed;
    char *teaming; /* persistent, transient: PCI failover */
    /* USB: the <source> as libvirt on DST looks the device up with it */
    char *usb_vendor;      /* <vendor id=>, 4 lower-case hex digits; NULL when not given */
    char *usb_product;     /* <product id=> */
    int64_t usb_bus;       /* <address bus=>; 0 when not given */
    int64_t usb_device;    /* <address device=> */
    bool usb_auto_address; /* autoAddress='yes': the address is where SRC's libvirt found the
                              vendor:product, and DST falls back to a search by vendor:product */
    bool usb_missing;      /* missing='yes': SRC's libvirt did not find it (startupPolicy) */
    char *startup_policy;  /* mandatory, requisite, optional; NULL: the default (mandatory) */
};

struct mc_controller {
    char *type; /* pci, virtio-serial, scsi, usb */
    char *model;
    int64_t index;
    int64_t vectors;
    int64_t queues;
};

/*
 * A path on the host the VM's QEMU or libvirt uses besides its disks, and what it does with
 * it (rules/domain-needs.c has the table): firmware, NVRAM, kernel, initrd (opened); chardev
 * outputs and logs, listening sockets, memory backing files (created); sockets other
 * processes listen on, host devices, scripts (must exist).
 */
struct mc_vm_file {
    char *role; /* loader, nvram, kernel, initrd, dtb, tpm-state, shmem, chardev-log, ... */
    char *path;
    bool readonly;
    char *action;  /* NULL or "open": opened as it is; "create", "bind": created on the host;
                      "connect", "device", "exec": must exist there */
    char *creator; /* for create/bind: "logd" (virtlogd, or QEMU when stdio_handler is file),
                      "libvirt" (the daemon), "qemu" (the QEMU user) */
    char *subject; /* "serial 0", "channel org.qemu.guest_agent.0", "graphics vnc" */
    int64_t size;  /* shmem: the size QEMU maps the file with, in bytes (0: none) */
};

/* A libvirt secret the domain refers to (disk auth, LUKS encryption, vTPM state). */
struct mc_secret_ref {
    char *subject;    /* "disk vda", "disk vda backing 1", "tpm" */
    char *purpose;    /* auth, encryption, vtpm */
    char *usage_type; /* the <secret type=>: iscsi, ceph, passphrase (volume), vtpm */
    char *uuid;
    char *usage;
};

struct mc_cpu_feature {
    char *name;
    char *policy; /* require, force, optional, disable, forbid */
};

struct mc_vm_facts {
    char *name;
    char *uuid;
    int64_t id;
    char *state;        /* running, paused, shutoff, ... */
    char *state_reason; /* migrating, user, ... */
    bool persistent;
    bool autostart;
    bool has_managed_save;
    int64_t snapshots;
    char *job;         /* running job: none when idle; its operation when libvirt names it
                          (migration-out, save, dump, backup, ...), else its type (unbounded) */
    char *domain_type; /* kvm, qemu */
    char *os_type;     /* hvm */
    char *arch;
    char *machine; /* exact machine type: pc-q35-7.2 */
    char *emulator;
    char *firmware; /* bios, efi */
    int64_t memory_kib;
    int64_t current_memory_kib;
    int64_t max_memory_kib;
    int64_t vcpus;
    int64_t hugepage_kib; /* 0: no hugepages */
    char *hugepage_nodeset;
    bool hugepages; /* <memoryBacking><hugepages>; hugepage_kib 0 then means the default size */
    bool memory_locked;
    char *memory_source;     /* file, anonymous, memfd */
    char *memory_allocation; /* <memoryBacking><allocation mode=>: immediate (QEMU preallocates
                                the guest's RAM when it starts), ondemand */
    char *cpu_mode;          /* custom, host-model, host-passthrough, maximum */
    char *cpu_model;
    char *cpu_match;
    char *cpu_check;
    char *cpu_vendor;
    bool cpu_migratable; /* host-passthrough migratable='on' */
    struct mc_cpu_feature *cpu_features;
    size_t n_cpu_features;
    char *cpu_xml;         /* the <cpu> element of the migratable XML */
    int64_t tsc_frequency; /* <timer name='tsc' frequency=...> */
    char *tsc_mode;
    struct mc_disk *disks;
    size_t n_disks;
    struct mc_iface *ifaces;
    size_t n_ifaces;
    struct mc_graphics *graphics;
    size_t n_graphics;
    struct mc_chardev *chardevs;
    size_t n_chardevs;
    struct mc_hostdev *hostdevs;
    size_t n_hostdevs;
    struct mc_controller *controllers;
    size_t n_controllers;
    struct mc_vm_file *files;
    size_t n_files;
    struct mc_secret_ref *secret_refs;
    size_t n_secret_refs;
    /* Devices and features that block migration, by XML element (virtiofs, shmem, vdpa,
     * launchSecurity, ...) */
    char **blockers;
    /* Target tags of virtiofs filesystems: whether they block depends on the versions of
     * libvirt and QEMU (vm.devices), so they are not blockers by themselves. */
    char **virtiofs;
    char **seclabels; /* security driver models of the domain's <seclabel>s (selinux, apparmor) */
    char **tpm_backends; /* <tpm><backend type=>: emulator, passthrough, external (one per TPM) */
    char *xml;           /* the migratable domain XML the facts were read from */
    /* <video><model type=>: vga, cirrus, qxl, virtio, bochs, ramfb, vmvga, none; in device
     * order, so the first is the primary (the one with a VGA BIOS). For the ROM hashes. */
    char **video_models;
    /* The paths of the ROMs the domain loads on its host (firmware, option ROMs), resolved
     * when its host's ROMs were hashed; NULL when not known (then every hashed ROM of the
     * host is the domain's, as in a snapshot of one domain). */
    char **roms;
};

/* ---- USB devices ------------------------------------------------------------ */

/* One entry of /sys/bus/usb/devices (interfaces, names with ':', are not devices). */
struct mc_usb_device {
    char *name;     /* 1-1.4, usb2 */
    int64_t bus;    /* busnum */
    int64_t device; /* devnum */
    char *vendor;   /* idVendor, 4 lower-case hex digits */
    char *product;  /* idProduct */
};

/*
 * The host's USB devices, where libvirt looks a USB host device up (virUSBDeviceSearch reads
 * /sys/bus/usb/devices). Gathered when the host facts are: NULL in mc_host_facts when not known
 * (a snapshot from before, or the directory could not be read: an error of area "usb").
 */
struct mc_usb_facts {
    bool no_sysfs; /* /sys/bus/usb/devices does not exist (no USB bus): libvirt fails to look up
                      any USB device, whatever its startupPolicy */
    struct mc_usb_device *devices;
    size_t n_devices;
};

/* ---- one host ------------------------------------------------------------ */

struct mc_host_facts {
    char *name;      /* how the operator named the host: kvm1, root@kvm1:2222, local */
    char *generated; /* RFC 3339 UTC */
    char *generator; /* migcheck <version> */
    char *collector; /* local, migcheck (remote binary), sh-probe, snapshot */
    int64_t version; /* snapshot format version */
    unsigned areas;  /* enum mc_area bits that were gathered (even if with errors) */
    struct mc_os_facts os;
    struct mc_virt_facts virt;
    struct mc_mount *mounts;
    size_t n_mounts;
    struct mc_storage_facts storage;
    struct mc_net_facts net;
    struct mc_usb_facts *usb; /* NULL when not known */
    struct mc_vm_facts *vm;   /* the domain asked for (the first of several); NULL when none */
    /* The host's other domains (facts --all-vms, several --vm), in the order gathered. */
    struct mc_vm_facts *other_vms;
    size_t n_other_vms;
    struct mc_fact_error *errors;
    size_t n_errors;
};

/* ---- helpers --------------------------------------------------------------- */

/* Every domain of the host facts: vm first, then other_vms. */
static inline size_t mc_host_n_vms(const struct mc_host_facts *h)
{
    return (h->vm ? 1 : 0) + h->n_other_vms;
}
static inline struct mc_vm_facts *mc_host_vm_at(const struct mc_host_facts *h, size_t i)
{
    if (h->vm) {
        if (i == 0)
            return h->vm;
        i--;
    }
    return i < h->n_other_vms ? &h->other_vms[i] : NULL;
}
#define MC_HOST_FOREACH_VM(v, h)                                                                   \
    for (size_t _i_##v = 0; _i_##v < mc_host_n_vms(h); _i_##v++)                                   \
        for (struct mc_vm_facts *v = mc_host_vm_at(h, _i_##v); v; v = NULL)
/* The domain named name (or with that UUID), NULL when the facts have none. */
struct mc_vm_facts *mc_host_find_vm(const struct mc_host_facts *h, const char *name);
/*
 * Make the domain named name (or with that UUID) h->vm, the one a check is about: it trades
 * places with the first. -ENOENT when the facts have no such domain.
 */
int mc_host_select_vm(struct mc_host_facts *h, const char *name);
/* Add a domain, taking ownership of vm (allocated): h->vm when there is none yet, else one
 * more of other_vms. */
void mc_host_add_vm(struct mc_host_facts *h, struct mc_vm_facts *vm);

struct mc_host_facts *mc_host_facts_new(void);
void mc_host_facts_free(struct mc_host_facts *h);
static inline void mc_host_facts_freep(struct mc_host_facts **h)
{
    mc_host_facts_free(*h);
}
void mc_vm_facts_free(struct mc_vm_facts *vm);
static inline void mc_vm_facts_freep(struct mc_vm_facts **vm)
{
    mc_vm_facts_free(*vm);
}
/* Free what the struct holds (not the struct itself) and zero it. */
void mc_os_facts_clear(struct mc_os_facts *o);
void mc_virt_facts_clear(struct mc_virt_facts *v);
void mc_storage_facts_clear(struct mc_storage_facts *s);
void mc_net_facts_clear(struct mc_net_facts *n);
void mc_mounts_free(struct mc_mount *m, size_t n);

/* Append a failure to an error array (host facts, pair facts). */
void mc_fact_errors_addv(struct mc_fact_error **arr, size_t *n, const char *area, int err,
                         const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
/* Record a gathering failure. err is a positive or negative errno. */
void mc_facts_add_error(struct mc_host_facts *h, const char *area, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Forget the errors recorded for exactly this area (before gathering it again). */
void mc_facts_drop_errors(struct mc_host_facts *h, const char *area);
/* Does any recorded error belong to an area in the mask? ("virt/pools" belongs to virt) */
bool mc_facts_area_failed(const struct mc_host_facts *h, unsigned areas);
/* The first recorded error of an area in the mask, or NULL. */
const struct mc_fact_error *mc_facts_area_error(const struct mc_host_facts *h, unsigned areas);
/* The area of the error a host set records for a host it could not reach at all (no session,
 * so no facts of any area): host.reachable reports it, and every rule that needs that host's
 * facts is UNKNOWN with it as the reason. */
#define MC_HOST_ERROR_AREA "host"
/* That error, or NULL when the host was reached (h may be NULL). */
const struct mc_fact_error *mc_facts_host_error(const struct mc_host_facts *h);

/* Lookups used by rules and gatherers. NULL when absent. */
const struct mc_link *mc_net_find_link(const struct mc_net_facts *n, const char *name);
const struct mc_vnet *mc_virt_find_network(const struct mc_virt_facts *v, const char *name);
const struct mc_pool *mc_virt_find_pool(const struct mc_virt_facts *v, const char *name);
const struct mc_machine *mc_virt_find_machine(const struct mc_virt_facts *v, const char *name);
const struct mc_package *mc_os_find_package(const struct mc_os_facts *o, const char *name);
/* The mount that holds path (longest matching target prefix, last mounted wins). */
const struct mc_mount *mc_mounts_find_for_path(const struct mc_mount *m, size_t n,
                                               const char *path);
const char *mc_vm_iface_label(const struct mc_iface *i); /* mac or source, for messages */

/* libvirt's list of shared file systems (virFileIsSharedFS) and cluster ones. */
bool mc_fstype_is_shared(const char *fstype);
bool mc_fstype_is_cluster(const char *fstype);
bool mc_fstype_is_netfs(const char *fstype);
