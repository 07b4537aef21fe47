/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The table of what the domain XML makes the destination do (domain-needs.h).
 * Sources: libvirt's "Domain XML format" page (formatdomain), its "Secret XML
 * format" page, the qemu.conf shipped with libvirt 9.0 (stdio_handler,
 * memory_backing_dir, the *_tls_x509_* settings), and QEMU's documentation of
 * -chardev, -blockdev and -object memory-backend-file.
 *
 * Who creates a file matters for "can it be created": with qemu.conf's
 * stdio_handler = "logd" (the default) virtlogd, running as root, opens
 * character device file outputs and <log file> targets and hands QEMU the
 * descriptor; otherwise QEMU opens them itself as its user. Listening UNIX
 * sockets of character devices are created by libvirt and passed to QEMU;
 * graphics sockets by QEMU.
 */
#include "domain-needs.h"

#include <string.h>

#define SHARED  "storage.disk-shared"
#define ACCESS  "storage.qemu-access"
#define CREATED "vm.created-files"
#define PATHS   "vm.host-paths"
#define SECRETS "virt.secrets"

#define ROW(p, w, a, n, r, why)                                                                    \
    {                                                                                              \
        .path = p, .when = w, .action = MC_DST_##a, .needs = n, .rule = r, .reason = why           \
    }

/* The same rows for every character device element (serial, console, parallel, channel,
 * redirdev, smartcard, rng's egd backend), with its place in the schema. */
#define CHARDEV(el)                                                                                \
    ROW(el "/source@path", "type='file'", CREATE,                                                  \
        "the directory exists; the creator may create in it", CREATED,                             \
        "stat of the directory on DST, then a file created and removed there as the creator "      \
        "(virtlogd as root when stdio_handler is logd, else the QEMU user)"),                      \
        ROW(el "/source@path", "type='unix' mode='bind'", BIND,                                    \
            "the directory exists; libvirt may create the socket in it", CREATED,                  \
            "as for files: the directory on DST and a test file created in it"),                   \
        ROW(el "/source@path", "type='unix' mode='connect'", CONNECT,                              \
            "a process on DST listens on the socket", PATHS,                                       \
            "the socket must exist on DST (stat); whether its server accepts QEMU is not "         \
            "probed; with <reconnect enabled='yes'/> QEMU starts without it (a warning)"),         \
        ROW(el "/source@path", "type='pipe'", OPEN,                                                \
            "the FIFOs PATH.in and PATH.out (or PATH) exist", PATHS, "stat on DST"),               \
        ROW(el "/source@path", "type='dev'", DEVICE, "the host device exists (a tty)", PATHS,      \
            "stat on DST; a character device"),                                                    \
        ROW(el "/log@file", "", CREATE, "the directory exists; virtlogd may create the log in it", \
            CREATED, "as for file outputs")

static const struct mc_domain_need table[] = {
    /* ---- boot, firmware, machine ---- */
    ROW("os/loader", "", OPEN, "the firmware image at the same path", SHARED,
        "a read-only file: present on DST at the same path (storage.readonly-copy compares "
        "sizes; virt.rom-size the ROM sizes)"),
    ROW("os/nvram", "", CREATE,
        "the variables file, or its directory and template so libvirt can create it", CREATED,
        "libvirt (root) creates a missing NVRAM file from the template on DST: the directory "
        "must exist there and root create in it (an existing file is used as it is; QEMU's "
        "open of it is storage.qemu-access's, the template's presence storage.disk-shared's); "
        "the variables travel in the migration stream"),
    ROW("os/nvram/source@file", "", CREATE, "as os/nvram", CREATED, "as os/nvram"),
    ROW("os/nvram/source@dev", "", OPEN, "the block device (libvirt 8.5 and later)", SHARED,
        "as devices/disk/source@dev"),
    ROW("os/nvram/source@dir", "", OPEN, "as devices/disk/source@dir", SHARED,
        "as devices/disk/source@dir"),
    ROW("os/nvram/source@path", "", CONNECT, "as devices/disk/source@path", PATHS,
        "as devices/disk/source@path"),
    ROW("os/nvram/source/host@socket", "", CONNECT, "as devices/disk/source/host@socket", PATHS,
        "as devices/disk/source/host@socket"),
    ROW("os/nvram/source/config@file", "", OPEN, "as devices/disk/source/config@file", PATHS,
        "as devices/disk/source/config@file"),
    ROW("os/nvram/source/reservations/source@path", "", CONNECT,
        "as devices/disk/source/reservations/source@path", PATHS,
        "as devices/disk/source/reservations/source@path"),
    ROW("os/nvram/source/auth", "", LOGIN, "as devices/disk/source/auth", SECRETS,
        "as devices/disk/source/auth"),
    ROW("os/nvram/source/auth/secret", "", LOOKUP, "as devices/disk/source/auth/secret", SECRETS,
        "as devices/disk/source/auth/secret"),
    ROW("os/nvram/source/encryption/secret", "", LOOKUP, "as devices/disk/source/encryption/secret",
        SECRETS, "as devices/disk/source/encryption/secret"),
    ROW("os/kernel", "", OPEN, "the kernel at the same path", SHARED, "read-only file on DST"),
    ROW("os/initrd", "", OPEN, "the initrd at the same path", SHARED, "read-only file on DST"),
    ROW("os/dtb", "", OPEN, "the device tree at the same path", SHARED, "read-only file on DST"),
    ROW("os/boot@dev", "", NOTHING, "nothing: the guest's boot order", NULL,
        "names a guest device class"),
    ROW("sysinfo/entry@file", "type='fwcfg'", OPEN, "the fw_cfg blob at the same path", SHARED,
        "read-only file QEMU opens (-fw_cfg file=)"),
    ROW("devices/emulator", "", EXEC, "the same emulator binary", "virt.emulator", "stat on DST"),
    ROW("memoryBacking/source", "type='file'", CREATE,
        "memory_backing_dir of DST's qemu.conf on a file system with room for the guest's RAM",
        CREATED,
        "libvirt (root) makes the per-domain directory there with its parents: a path through a "
        "file or a directory root cannot create in fails, a missing one is UNKNOWN. Room: "
        "statvfs of that file system on DST (df -P -k from the sh agent) against the guest's "
        "RAM: with <allocation mode='immediate'/> QEMU preallocates the file when it starts, so "
        "less room is a FAIL (not measured: UNKNOWN); otherwise the file is sparse and the "
        "migration writes the guest's non-zero pages into it, so less room is a WARN (QEMU on "
        "DST dies of SIGBUS if they do not fit)"),
    ROW("memoryBacking/hugepages", "", OPEN, "free huge pages of the size on DST", "virt.hugepages",
        "compares DST's free huge pages with the guest's memory"),
    ROW("devices/memory/source/path", "model='nvdimm' or 'virtio-pmem'", CREATE,
        "the backing file, or its directory so QEMU can create it", CREATED,
        "QEMU creates a missing backing file (memory-backend-file); the contents travel in the "
        "migration stream, so the file need not be shared"),

    /* ---- disks (and their backing chains) ---- */
    ROW("devices/disk/source@file", "", OPEN, "the image at the same path, on storage both see",
        SHARED,
        "store identity, canary file, stat; storage.disk-path and storage.qemu-access "
        "check the path and the QEMU user's open()"),
    ROW("devices/disk/source@dev", "", OPEN, "the same block device (WWN, multipath WWID)", SHARED,
        "device identity on both hosts"),
    ROW("devices/disk/source@dir", "", OPEN, "the directory (QEMU's vvfat)", SHARED, "as a file"),
    ROW("devices/disk/source@path", "type='vhostuser' or 'vhostvdpa'", CONNECT,
        "the vhost-user socket (a running backend) or the vhost-vdpa device", PATHS,
        "vhost-user: a connection to the socket on DST, closed at once (refused, a stale "
        "socket: FAIL; not tried: UNKNOWN); vhost-vdpa: stat on DST, and such disks block "
        "migration (vm.devices)"),
    ROW("devices/disk/source", "type='network'", LOGIN,
        "the storage server accepts DST (ACL, credentials)", SHARED,
        "NFS: libnfs as the disk's identity user; iSCSI without <auth>: libiscsi login as "
        "QEMU's initiator name; iSCSI with <auth>: a transient iscsi-direct pool with the same "
        "<auth> in DST's libvirt; RBD, gluster and others: a TCP connection from DST to the "
        "server's port (refused: FAIL, as QEMU's would be; no port in the XML: UNKNOWN); their "
        "login (cephx) is not reproduced, so a reached server proves reachability only, and "
        "the credentials are virt.secrets' (the secret on DST with a value, not its value)"),
    ROW("devices/disk/source/host@socket", "", CONNECT,
        "an NBD or gluster server listening on the UNIX socket on DST", PATHS, "stat on DST"),
    ROW("devices/disk/source/config@file", "protocol='rbd'", OPEN,
        "the Ceph configuration file on DST", PATHS, "stat on DST"),
    ROW("devices/disk/source/reservations/source@path", "managed='no'", CONNECT,
        "a qemu-pr-helper listening on the socket on DST", PATHS,
        "stat on DST; with managed='yes' libvirt starts the helper itself"),
    ROW("devices/disk/source/auth", "", LOGIN,
        "the storage server accepts the credentials from DST", SECRETS,
        "the secret on DST (virt.secrets); iSCSI logins are reproduced through DST's libvirt "
        "(storage.disk-shared)"),
    ROW("devices/disk/source/auth/secret", "", LOOKUP,
        "a libvirt secret with the same UUID or usage on DST, with a value", SECRETS,
        "DST's secrets by UUID or usage; a private secret's value is never read, only whether "
        "it has one"),
    ROW("devices/disk/auth", "", LOGIN, "as devices/disk/source/auth (the older place)", SECRETS,
        "as devices/disk/source/auth"),
    ROW("devices/disk/auth/secret", "", LOOKUP, "as devices/disk/source/auth/secret", SECRETS,
        "as devices/disk/source/auth/secret"),
    ROW("devices/disk/source/encryption/secret", "", LOOKUP,
        "the LUKS passphrase secret on DST (same UUID or usage), with a value", SECRETS,
        "DST's secrets"),
    ROW("devices/disk/encryption/secret", "", LOOKUP,
        "as devices/disk/source/encryption/secret (the older place)", SECRETS, "DST's secrets"),
    ROW("devices/disk/source", "protocol='nbd' tls='yes' (or no tls= and nbd_tls)", OPEN,
        "ca-cert.pem in DST's nbd_tls_x509_cert_dir (as libvirt resolves it: the setting, else "
        "/etc/pki/libvirt-nbd, else default_tls_x509_cert_dir), and the key's secret",
        PATHS,
        "stat of the CA certificate on DST (a client's own certificate is optional); the secret "
        "of nbd_tls_x509_secret_uuid (qemu.conf, not the domain) is not checked"),
    ROW("devices/disk/target@dev", "", NOTHING, "nothing: the guest's device name", NULL,
        "guest side"),
    ROW("devices/disk/backingStore/source@file", "", OPEN,
        "each backing image at the same path, on shared storage", SHARED,
        "as the disk's own source, read-only"),
    ROW("devices/disk/backingStore/source@dev", "", OPEN, "as devices/disk/source@dev", SHARED,
        "as the disk's own source"),
    ROW("devices/disk/backingStore/source@dir", "", OPEN, "as devices/disk/source@dir", SHARED,
        "as the disk's own source"),
    ROW("devices/disk/backingStore/source@path", "", CONNECT, "as devices/disk/source@path", PATHS,
        "as the disk's own source"),
    ROW("devices/disk/backingStore/source/host@socket", "", CONNECT,
        "as devices/disk/source/host@socket", PATHS, "as the disk's own source"),
    ROW("devices/disk/backingStore/source/config@file", "", OPEN,
        "as devices/disk/source/config@file", PATHS, "as the disk's own source"),
    ROW("devices/disk/backingStore/source/reservations/source@path", "", CONNECT,
        "as devices/disk/source/reservations/source@path", PATHS, "as the disk's own source"),
    ROW("devices/disk/backingStore/source/auth", "", LOGIN, "as devices/disk/source/auth", SECRETS,
        "as the disk's own source"),
    ROW("devices/disk/backingStore/source/auth/secret", "", LOOKUP,
        "as devices/disk/source/auth/secret", SECRETS, "as the disk's own source"),
    ROW("devices/disk/backingStore/source/encryption/secret", "", LOOKUP,
        "as devices/disk/source/encryption/secret", SECRETS, "as the disk's own source"),
    ROW("devices/disk/mirror/...", "", REFUSED,
        "nothing: a block copy or active commit job is running", "vm.job",
        "libvirt refuses to migrate a domain with a block job; the mirror's files are the job's"),

    /* ---- file systems ---- */
    ROW("devices/filesystem/source@dir", "type='mount'", OPEN,
        "the exported directory at the same path", PATHS,
        "a directory on DST (stat; its contents are DST's own afterwards); QEMU's 9p refuses "
        "to migrate while the guest has the share mounted, which the hosts cannot see "
        "(vm.9p-mount: UNKNOWN); virtiofs: vm.devices, by versions"),
    ROW("devices/filesystem/source@file", "type='file'", OPEN, "the image (LXC; ploop)", SHARED,
        "as a disk image"),
    ROW("devices/filesystem/source@dev", "type='block'", OPEN, "the block device (LXC)", SHARED,
        "as a disk device"),
    ROW("devices/filesystem/source@socket", "driver='virtiofs'", CONNECT,
        "an externally started virtiofsd on DST", "vm.devices",
        "libvirt before 10.5 (libvirt 9 included) or QEMU before 8.2 on either host: FAIL; "
        "newer: UNKNOWN (virtiofsd's migration support and DST's directory contents are not "
        "facts)"),
    ROW("devices/filesystem/binary@path", "driver='virtiofs'", EXEC, "the virtiofsd binary",
        "vm.devices",
        "as the socket: libvirt allows migration when this virtiofsd's vhost-user description "
        "lists migrate-precopy, which is not gathered"),
    ROW("devices/filesystem/target@dir", "", NOTHING, "nothing: the guest's mount tag", NULL,
        "guest side"),

    /* ---- network interfaces ---- */
    ROW("devices/interface/source@dev", "type='direct'", DEVICE, "the host interface for macvtap",
        "net.direct", "DST's links"),
    ROW("devices/interface/source@dev", "type='vdpa'", REFUSED, "the vhost-vdpa device",
        "vm.devices", "libvirt refuses to migrate vDPA interfaces"),
    ROW("devices/interface/source@dev", "type='ethernet' or 'user'", DEVICE,
        "nothing beyond the tap device libvirt creates", NULL,
        "libvirt creates the tap itself unless target managed='no'"),
    ROW("devices/interface/source@path", "type='vhostuser' mode='client'", CONNECT,
        "a vhost-user switch (OVS, DPDK) listening on the socket on DST", PATHS,
        "a connection to the socket on DST, closed at once (refused, a stale socket: FAIL; not "
        "tried: UNKNOWN)"),
    ROW("devices/interface/source@path", "type='vhostuser' mode='server'", BIND,
        "the socket's directory, for QEMU to create the socket", CREATED,
        "the directory on DST, writable by the QEMU user"),
    ROW("devices/interface/target@dev", "managed='no'", DEVICE,
        "an existing tap device of that name on DST", PATHS,
        "DST's links; with libvirt's default (managed) the tap is created and the name is "
        "only a wish"),
    ROW("devices/interface/script@path", "type='ethernet'", EXEC, "the script, executable on DST",
        PATHS, "stat on DST"),
    ROW("devices/interface/downscript@path", "type='ethernet'", EXEC,
        "the script, executable on DST", PATHS, "stat on DST"),
    ROW("devices/interface/portForward@dev", "backend type='passt'", DEVICE,
        "the host interface passt binds forwarded ports on", NULL,
        "passt runs outside QEMU; libvirt 9.0 cannot migrate passt interfaces (vm.devices names "
        "the backend)"),
    ROW("devices/interface/guest@dev", "", NOTHING, "nothing: the container's name for it (LXC)",
        NULL, "guest side"),
    ROW("devices/interface/rom@file", "", OPEN, "the option ROM at the same path", SHARED,
        "read-only file; virt.rom-size compares the ROM sizes"),
    ROW("devices/interface/source", "type='bridge'", LOOKUP, "the bridge", "net.bridge",
        "DST's links"),
    ROW("devices/interface/source", "type='network'", LOOKUP, "the libvirt network, active",
        "net.network", "DST's libvirt networks"),
    ROW("devices/interface", "type='hostdev'", REFUSED, "the VF, unplugged first", "vm.hostdev",
        "PCI passthrough blocks migration unless it is a failover (teaming) VF"),

    /* ---- host devices ---- */
    ROW("devices/hostdev/...", "", REFUSED, "the same host device (PCI, SCSI, mdev)", "vm.hostdev",
        "libvirt refuses to migrate PCI (but a failover VF), SCSI and mdev devices"),
    ROW("devices/hostdev/source", "type='usb'", LOOKUP,
        "the USB device libvirt on DST picks: by vendor and product (exactly one), by address, "
        "or both",
        "vm.hostdev",
        "DST's /sys/bus/usb/devices, as libvirt's lookup reads it; not found is a refusal "
        "unless startupPolicy is optional or requisite (the guest then loses the device), more "
        "than one by vendor and product always is, and no /sys/bus/usb at all always is"),
    ROW("devices/hostdev/source/auth", "protocol='iscsi'", LOGIN,
        "the iSCSI server accepts the credentials from DST", SECRETS, "DST's secrets"),
    ROW("devices/hostdev/source/auth/secret", "protocol='iscsi'", LOOKUP, "the CHAP secret on DST",
        SECRETS, "DST's secrets"),
    ROW("devices/hostdev/rom@file", "", OPEN, "the option ROM", SHARED, "read-only file"),

    /* ---- character devices ---- */
    CHARDEV("devices/serial"),
    CHARDEV("devices/console"),
    CHARDEV("devices/parallel"),
    CHARDEV("devices/channel"),
    CHARDEV("devices/redirdev"),
    CHARDEV("devices/smartcard"),
    CHARDEV("devices/rng/backend"),
    ROW("devices/serial/source", "type='tcp' or 'udp' mode='bind'", BIND,
        "the address and port, free on DST", "net.listen-address",
        "the address must be DST's; a port in use is not probed"),
    ROW("devices/serial/source", "type='tcp' tls='yes' (or no tls= and chardev_tls)", OPEN,
        "DST's chardev_tls_x509_cert_dir (as libvirt resolves it): ca-cert.pem, and for "
        "mode='bind' server-cert.pem and server-key.pem; the key's secret",
        PATHS,
        "stat of each file on DST (the same for serial, console, parallel and channel); the "
        "secret of chardev_tls_x509_secret_uuid (qemu.conf) is not checked"),
    ROW("devices/smartcard", "mode='host'", DEVICE, "smartcard readers and the NSS database", NULL,
        "host hardware migcheck does not inventory; QEMU's ccid cannot migrate it"),
    ROW("devices/rng/backend", "model='random'", DEVICE,
        "the entropy device (/dev/urandom, /dev/random, /dev/hwrng)", PATHS,
        "stat on DST; a character device"),

    /* ---- graphics, audio, input, video ---- */
    ROW("devices/graphics@socket", "type='vnc' or 'spice'", BIND,
        "the socket's directory, for QEMU to create the socket", CREATED,
        "the directory on DST, writable by the QEMU user"),
    ROW("devices/graphics/listen@socket", "type='socket'", BIND, "as devices/graphics@socket",
        CREATED, "as devices/graphics@socket"),
    ROW("devices/graphics/listen", "type='address' or 'network'", BIND, "the listen address on DST",
        "net.listen-address", "DST's addresses"),
    ROW("devices/graphics", "type='vnc' with DST's vnc_tls, type='spice' with spice_tls", OPEN,
        "ca-cert.pem, server-cert.pem and server-key.pem in DST's vnc_tls_x509_cert_dir or "
        "spice_tls_x509_cert_dir (as libvirt resolves it)",
        PATHS, "stat of each file on DST: QEMU loads them when it starts"),
    ROW("devices/graphics/gl@rendernode", "", DEVICE, "the DRM render node", PATHS, "stat on DST"),
    ROW("devices/video/driver", "rendernode", DEVICE, "the DRM render node (virgl)", PATHS,
        "stat on DST"),
    ROW("devices/audio@path", "type='file'", CREATE, "the directory of the audio output file",
        CREATED, "the directory on DST, writable by the QEMU user"),
    ROW("devices/audio/input@dev", "type='oss' or 'alsa'", DEVICE, "the sound device", PATHS,
        "stat on DST for a device path; ALSA names are not paths (not checked)"),
    ROW("devices/audio/output@dev", "type='oss' or 'alsa'", DEVICE, "the sound device", PATHS,
        "as devices/audio/input@dev"),
    ROW("devices/sound", "", DEVICE, "an <audio> backend that works on DST", NULL,
        "the sound card is emulated; its backend is the <audio> element's"),
    ROW("devices/input/source@dev", "type='evdev'", DEVICE, "the input device node", PATHS,
        "stat on DST; a character device (QEMU's input-linux object opens it when it starts)"),
    ROW("devices/input/source@evdev", "type='passthrough'", REFUSED,
        "nothing: virtio-input-host cannot migrate", "vm.devices",
        "QEMU marks the device's state unmigratable"),

    /* ---- other devices ---- */
    ROW("devices/shmem/server@path", "model='ivshmem-doorbell' role='master'", CONNECT,
        "an ivshmem server listening on the socket on DST", PATHS,
        "stat on DST (QEMU connects when it starts, without retrying; <server/> without a path "
        "means /var/lib/libvirt/shmem/NAME-sock); a role other than master, or the legacy "
        "model ivshmem, is refused (vm.devices)"),
    ROW("devices/shmem", "model='ivshmem-plain' role='master'", CREATE,
        "/dev/shm/NAME, which QEMU opens read-write or creates, of the <size> (default 4 MiB)",
        CREATED,
        "/dev/shm on DST and a test file created there as the QEMU user; where /dev/shm/NAME "
        "already exists there, its size and an open for writing as the QEMU user: not empty "
        "and smaller than the size, or not opened, is a FAIL (QEMU does not start), as large "
        "or larger a WARN (QEMU maps it as it is: shared with whatever maps it there); a role "
        "other than master, or the legacy model ivshmem, is refused (vm.devices)"),
    ROW("devices/tpm/backend/device@path", "type='passthrough'", OPEN, "the host TPM", SHARED,
        "the device at the same path on DST (a TPM passthrough gives the guest the host's own "
        "TPM, whose state cannot follow it)"),
    ROW("devices/tpm/backend/source@path", "type='external'", CONNECT,
        "a swtpm listening on the socket on DST", PATHS, "stat on DST"),
    ROW("devices/tpm/backend", "type='emulator'", EXEC,
        "swtpm, which libvirt starts on DST (its state directory /var/lib/libvirt/swtpm is "
        "libvirt's)",
        "vm.devices",
        "DST's domain capabilities list the 'emulator' TPM backend only when libvirt finds "
        "swtpm; without it: FAIL. The state travels in the migration stream (libvirt 9.0 keeps "
        "no TPM state on shared storage)"),
    ROW("devices/tpm/backend/encryption@secret", "type='emulator'", LOOKUP,
        "the vTPM state secret on DST, with a value", SECRETS, "DST's secrets"),
    ROW("devices/vsock", "", DEVICE, "/dev/vhost-vsock and a free guest CID on DST", PATHS,
        "stat of /dev/vhost-vsock on DST; a CID taken by another guest there is not probed"),
    ROW("devices/lease/target@path", "", OPEN, "the lock manager's lease file on shared storage",
        NULL, "leases belong to the lock manager (sanlock), which migcheck does not inspect"),
    ROW("launchSecurity", "", REFUSED, "nothing: SEV, SEV-SNP and s390 PV guests cannot migrate",
        "vm.devices", "QEMU refuses"),

    /* ---- documents beside the domain (domain*.rng) ---- */
    ROW("domainsnapshot/...", "", NOTHING, "nothing: a snapshot document, not the domain",
        "vm.snapshots",
        "libvirt refuses to migrate a domain with snapshots; an external snapshot's overlay is "
        "in the domain's backing chain"),
    ROW("domainbackup/...", "", NOTHING, "nothing: a backup job's document", "vm.job",
        "a running backup is a job; libvirt refuses to migrate during it"),
};

const char *mc_dst_action_name(enum mc_dst_action a)
{
    switch (a) {
    case MC_DST_NOTHING:
        return "nothing";
    case MC_DST_OPEN:
        return "open";
    case MC_DST_CREATE:
        return "create";
    case MC_DST_BIND:
        return "bind";
    case MC_DST_CONNECT:
        return "connect";
    case MC_DST_DEVICE:
        return "device";
    case MC_DST_LOGIN:
        return "login";
    case MC_DST_LOOKUP:
        return "lookup";
    case MC_DST_EXEC:
        return "exec";
    case MC_DST_REFUSED:
        return "refused";
    }
    return "?";
}

const struct mc_domain_need *mc_domain_needs_table(size_t *ret_n)
{
    *ret_n = sizeof(table) / sizeof(table[0]);
    return table;
}

const struct mc_domain_need *mc_domain_needs_find(const char *path)
{
    if (!path)
        return NULL;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        const char *p = table[i].path;
        size_t n = strlen(p);
        if (strcmp(p, path) == 0)
            return &table[i];
        /* "a/b/..." names a/b, a/b@attr and everything below a/b. */
        if (n >= 4 && strcmp(p + n - 4, "/...") == 0 && strncmp(p, path, n - 4) == 0 &&
            (path[n - 4] == '\0' || path[n - 4] == '@' || path[n - 4] == '/'))
            return &table[i];
    }
    return NULL;
}
