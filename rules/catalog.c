/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rule table. Severity follows from what a verdict means (ARCHITECTURE.md
 * §2): FAIL only for what libvirt or QEMU will really refuse or what would
 * break the guest; the support requirements of the Red Hat and Fedora
 * migration guides that real migrations survive are WARN (a site promotes
 * them with its policy or --strict).
 *
 * Each .requirement cites where the requirement is written down: the guide
 * and section, or the libvirt/QEMU function and the error text it produces.
 * It is user-facing text (migcheck rules, migcheck-rules(7)).
 */
#include <assert.h>

#include "rules-internal.h"
#include "rules.h"

enum {
    R_HOST_REACHABLE,
    R_VM_STATE,
    R_VM_DEFINITION,
    R_VM_JOB,
    R_VM_SNAPSHOTS,
    R_VM_HOSTDEV,
    R_VM_DEVICES,
    R_VM_INVTSC,
    R_VM_VIRTIO_VECTORS,
    R_VM_CREATED_FILES,
    R_VM_HOST_PATHS,
    R_VM_9P_MOUNT,
    R_CPU_COMPATIBLE,
    R_CPU_PASSTHROUGH,
    R_VIRT_SAME_HOST,
    R_VIRT_NAME_COLLISION,
    R_VIRT_MACHINE_TYPE,
    R_VIRT_EMULATOR,
    R_VIRT_DOMAIN_TYPE,
    R_VIRT_QEMU_VERSION,
    R_VIRT_ROM_SIZE,
    R_VIRT_MEMORY,
    R_VIRT_HUGEPAGES,
    R_VIRT_SECURITY_MODEL,
    R_VIRT_TLS_REQUIRED,
    R_VIRT_UNSAFE_MIGRATION,
    R_VIRT_SECRETS,
    R_OS_RELEASE,
    R_OS_UPDATES,
    R_STORAGE_DISK_SHARED,
    R_STORAGE_DISK_PATH,
    R_STORAGE_QEMU_ACCESS,
    R_STORAGE_QEMU_IDS,
    R_STORAGE_SEPARATE_HOST,
    R_STORAGE_READONLY_COPY,
    R_STORAGE_COPY_TARGET,
    R_NET_BRIDGE,
    R_NET_NETWORK,
    R_NET_DIRECT,
    R_NET_MTU,
    R_NET_CONFIG_IDENTICAL,
    R_NET_LISTEN_ADDRESS,
    R_NET_MIGRATION_PORT,
    R_NET_DST_HOSTNAME,
    R_NET_LIBVIRTD_PORT,
    R_MIGRATION_CONVERGENCE,
    _R_MAX,
};

#define BOTH_OS     (MC_NEED_SRC_OS | MC_NEED_DST_OS)
#define BOTH_VIRT   (MC_NEED_SRC_VIRT | MC_NEED_DST_VIRT)
#define BOTH_MOUNTS (MC_NEED_SRC_MOUNTS | MC_NEED_DST_MOUNTS)
#define BOTH_NET    (MC_NEED_SRC_NET | MC_NEED_DST_NET)

static const struct mc_rule rules[_R_MAX] = {
    [R_HOST_REACHABLE] = {
        .id = "host.reachable",
        .title = "both hosts answer (ssh session, migcheck or sh agent, libvirt)",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_NO_VM,
        .hint = "check that 'ssh HOST true' works without a prompt (key, known host key) and that "
                "the host's libvirtd runs, then check again",
        .requirement = "libvirt's documentation, Guest migration (migration.rst): the client "
                       "connects to both hosts' libvirt daemons, and the source's hypervisor "
                       "connects to the destination; nothing is judged of a host that cannot be "
                       "reached",
        .explain = "migcheck opens one ssh session to each host and gathers its facts there. A "
                   "host that does not answer (no route, refused, host key unknown, a timeout) "
                   "is UNKNOWN with the cause, and every rule that needs its facts is UNKNOWN "
                   "with the same cause; the rules that need only the other host still judge. "
                   "The report is complete in every format: the verdict is unknown (exit 3) "
                   "unless a FAIL that was judged already blocks the migration.",
        .check = rule_host_reachable,
    },
    [R_VM_STATE] = {
        .id = "vm.state",
        .title = "the domain is running (or paused) for a live migration",
        .severity = MC_SEV_FAIL,
        .needs = 0,
        .hint = "start the domain, or check an offline migration with --offline",
        .requirement = "Red Hat Enterprise Linux 8 Configuring and managing virtualization, "
                       "9.1 (How migrating virtual machines works): live migration moves a "
                       "running guest; a shut-off guest can only be migrated offline (virsh "
                       "migrate --offline --persistent)",
        .explain = "A live migration needs a running or paused domain. A shut-off domain only "
                   "moves its definition (offline migration), which needs --offline; with "
                   "--offline the state check passes for any state. A paused domain is a "
                   "WARN: it arrives paused, and one that arrived paused by a migration and "
                   "has not run since has inactive disks, so QEMU (7.2, seen in the lab) "
                   "fails an assertion at the end of its next migration and the guest is "
                   "lost; libvirt reports it as paused (user) like a domain paused by hand, so "
                   "the two cannot be told apart. Resuming it once first avoids the crash.",
        .check = rule_vm_state,
    },
    [R_VM_DEFINITION] = {
        .id = "vm.definition",
        .title = "the domain stays defined on some host after the migration",
        .severity = MC_SEV_WARN,
        .needs = 0,
        .hint = "add --persistent",
        .requirement = "virsh(1), migrate: --persistent leaves the domain persistent on the "
                       "destination host, --undefinesource undefines it on the source host; "
                       "libvirt's documentation, virDomainMigrate3 (VIR_MIGRATE_PERSIST_DEST, "
                       "VIR_MIGRATE_UNDEFINE_SOURCE)",
        .explain = "A live migration without --persistent runs the domain on the destination as "
                   "a transient domain and leaves the source's definition in place. With "
                   "--undefinesource but without --persistent the domain ends up defined on no "
                   "host: it is gone once it shuts down (WARN). --persistent without "
                   "--undefinesource leaves it defined on both hosts; start it on one only. An "
                   "offline migration always defines it on the destination.",
        .check = rule_vm_definition,
    },
    [R_VM_JOB] = {
        .id = "vm.job",
        .title = "no other job is running on the domain",
        .severity = MC_SEV_FAIL,
        .hint = "wait for the running job (migration, backup, block job) to finish or abort it",
        .requirement = "libvirt: one job at a time ('another migration job is already running', "
                       "'cannot acquire state change lock')",
        .explain = "libvirt refuses to start a migration while another job (a migration, save, "
                   "dump, backup or block job) holds the domain.",
        .check = rule_vm_job,
    },
    [R_VM_SNAPSHOTS] = {
        .id = "vm.snapshots",
        .title = "the domain has no libvirt snapshots",
        .severity = MC_SEV_FAIL,
        .hint = "delete the snapshot metadata (virsh snapshot-delete --metadata) or merge the "
                "snapshots before migrating",
        .requirement = "libvirt qemuMigrationSrcIsAllowed: 'cannot migrate domain with N "
                       "snapshots'",
        .explain = "libvirt refuses to migrate a domain to another host while it has snapshot "
                   "metadata.",
        .check = rule_vm_snapshots,
    },
    [R_VM_HOSTDEV] = {
        .id = "vm.hostdev",
        .title = "no host devices are assigned (PCI, mdev, SCSI); USB devices found on the "
                 "destination",
        .severity = MC_SEV_FAIL,
        .hint = "detach the host device before migrating, or use a failover (teaming) pair for "
                "SR-IOV network devices",
        .requirement = "libvirt qemuMigrationSrcIsAllowedHostdev: 'domain has assigned "
                       "non-USB host devices'; for USB, libvirt's lookup on the destination "
                       "(virHostdevFindUSBDevice: 'Did not find USB device', 'Multiple USB "
                       "devices for VENDOR:PRODUCT, use <address> to specify one')",
        .explain = "A device passed through from the host cannot follow the guest. libvirt "
                   "refuses PCI (except a transient teaming failover device), mdev and SCSI "
                   "host devices, unless QEMU reports its own migration blockers: then QEMU "
                   "decides, and from QEMU 8.1 it migrates a PCI or mdev device whose VFIO "
                   "driver supports migration, which migcheck cannot see (UNKNOWN with libvirt "
                   "9.0 or later and QEMU 8.1 or later on both hosts). USB devices are allowed, and the destination's libvirt looks "
                   "them up in its /sys/bus/usb/devices when it prepares the incoming domain: "
                   "by vendor and product (exactly one such device, whatever the startupPolicy), "
                   "by address, or by both (an address the source's libvirt found by vendor and "
                   "product falls back to a search by them). A device it does not find is an "
                   "error unless the hostdev's startupPolicy is optional or requisite; then "
                   "the domain starts without it and the guest loses the device (a warning). "
                   "A host without /sys/bus/usb makes every USB lookup fail. The device libvirt "
                   "picks must not be in use by another running domain the facts show. The "
                   "destination's USB devices come from its facts; older snapshots without "
                   "them give UNKNOWN. An offline migration (--offline) starts nothing: libvirt "
                   "checks no host device for one, and the device must be there when the domain "
                   "starts.",
        .check = rule_vm_hostdev,
    },
    [R_VM_DEVICES] = {
        .id = "vm.devices",
        .title = "no device that blocks migration (virtiofs, shmem, vDPA, transient disk, ...)",
        .severity = MC_SEV_FAIL,
        .hint = "remove or hot-unplug the device before migrating",
        .requirement = "libvirt qemuMigrationSrcIsAllowed (virtiofs, legacy ivshmem, shmem not "
                       "in master role, vDPA, transient disks, DIMMs without addresses, "
                       "confidential guests); QEMU's unmigratable virtio-input-host; swtpm on "
                       "the destination for an emulated TPM",
        .explain = "QEMU or libvirt refuse to migrate guests with these devices. A virtiofs "
                   "filesystem depends on the versions: libvirt before 10.5 (on the source) "
                   "refuses it, and QEMU migrates a virtiofs device from 8.2 on (on both "
                   "hosts); past both, libvirt migrates it when virtiofsd supports migration "
                   "(its vhost-user description lists migrate-precopy) or was started outside "
                   "libvirt, and the destination must export the same directory contents, "
                   "which no host fact shows: UNKNOWN. Input passthrough (<input "
                   "type='passthrough'>, QEMU's virtio-input-host) is unmigratable. An emulated "
                   "TPM needs swtpm on the destination, where libvirt starts it: the "
                   "destination's domain capabilities list the 'emulator' TPM backend only "
                   "when libvirt finds swtpm (the TPM's state travels in the migration "
                   "stream). A vDPA interface is UNKNOWN where QEMU decides (libvirt 9.0 or later "
                   "and QEMU 8.1 or later on both hosts): QEMU migrates one whose backend "
                   "supports it. An offline migration (--offline) moves only the definition: libvirt "
                   "checks none of these devices for one (PASS).",
        .check = rule_vm_devices,
    },
    [R_VM_INVTSC] = {
        .id = "vm.invtsc",
        .title = "an invariant TSC comes with a pinned TSC frequency",
        .severity = MC_SEV_FAIL,
        .hint = "add <clock><timer name='tsc' frequency='...'/></clock> with the TSC frequency "
                "both hosts support, or drop the invtsc feature",
        .requirement = "libvirt qemuMigrationSrcIsAllowed: 'domain has 'invtsc' CPU feature "
                       "but TSC frequency is not specified'",
        .explain = "QEMU blocks migration of guests with the invtsc CPU feature unless the TSC "
                   "frequency is set explicitly (not checked for an offline migration). With a "
                   "frequency, libvirt on the destination accepts one within 250 ppm of its "
                   "host's TSC, or any where the host CPU scales the TSC; it refuses others only "
                   "where its capabilities say scaling='no'. migcheck does not know whether the "
                   "destination scales its TSC, so a frequency outside the tolerance is UNKNOWN.",
        .check = rule_vm_invtsc,
    },
    [R_VM_VIRTIO_VECTORS] = {
        .id = "vm.virtio-vectors",
        .title = "virtio devices use at most 32 MSI-X vectors",
        .severity = MC_SEV_WARN,
        .hint = "lower the queue count (interface driver queues) or the controller's vectors to "
                "32 or fewer",
        .requirement = "Red Hat Enterprise Linux 7 Virtualization Deployment and Administration Guide, 15.2 "
                       "(Migration Requirements and Limitations): set the number of vectors on any virtio device on either platform to 32 "
                       "or fewer",
        .explain = "Red Hat's guide asks for at most 32 vectors per virtio device for migration. "
                   "A multiqueue virtio-net interface with N queues uses 2N+2 vectors.",
        .check = rule_vm_virtio_vectors,
    },
    [R_VM_CREATED_FILES] = {
        .id = "vm.created-files",
        .title = "the destination can create the files and sockets the domain creates",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_LIVE,
        .hint = "create the directory on the destination, writable by the process that creates "
                "the file",
        .requirement = "libvirt Domain XML format: character device file outputs and <log file>, "
                       "listening UNIX sockets, audio file outputs and memory backing files are "
                       "created when QEMU starts on the destination ('Failed to open file ... "
                       "No such file or directory' ends the migration)",
        .explain = "For each file or socket the destination creates for the domain (character "
                   "device file outputs and logs, UNIX sockets in bind mode, VNC/SPICE sockets, "
                   "vhost-user server sockets, audio files, nvdimm and virtio-pmem backing "
                   "files), migcheck checks on the destination that the directory exists and "
                   "creates and removes a test file there as the process that will create it: "
                   "virtlogd (root) for file outputs and logs when qemu.conf's stdio_handler is "
                   "logd (the default), libvirtd (root) for listening character device sockets, "
                   "QEMU's user for the rest. Paths in libvirt's own per-domain directories are "
                   "left out: libvirt creates those. File-backed guest memory (<memoryBacking> "
                   "<source type='file'/> without huge pages) goes under the destination's "
                   "memory_backing_dir (qemu.conf), where libvirtd (root) makes the domain's "
                   "directory with any missing parents: a missing directory is UNKNOWN (libvirt "
                   "would create it), a path through a file or a directory root cannot create "
                   "in is a FAIL. The RAM file needs room there: migcheck measures the space "
                   "available on that file system (statvfs; df -P -k from the sh agent). With "
                   "<allocation mode='immediate'/> QEMU preallocates the file when it starts, so "
                   "less room than the guest's memory is a FAIL, and space not measured is "
                   "UNKNOWN. Otherwise the file is sparse and the incoming migration writes the "
                   "guest's non-zero pages into it: less room than the guest's memory is a WARN "
                   "(if those pages do not fit, QEMU on the destination dies of SIGBUS during "
                   "the migration, and a post-copy migration loses the guest). The test file "
                   "is created as the creator's user and group, not under the SELinux or "
                   "AppArmor confinement QEMU and virtlogd run under: where the destination's "
                   "security driver is one of those, a PASS says so in its evidence, since the "
                   "confined process may still be refused. An ivshmem-plain <shmem> (role "
                   "master) is a file QEMU's user opens read-write or creates at /dev/shm/NAME, "
                   "of the shmem's <size> (libvirt's default 4 MiB). Where that file already "
                   "exists on the destination (another guest's there, or a leftover: QEMU never "
                   "removes it), migcheck reads its size and opens it for writing as QEMU's "
                   "user: a file QEMU's user cannot open is a FAIL (\"can't open backing store "
                   "... for guest RAM\"), and so is one that is not empty and smaller than the "
                   "size (\"backing store size 0x100000 does not match 'size' option "
                   "0x400000\"); an empty one is a PASS (QEMU grows it), one as large or larger "
                   "a WARN: QEMU maps it as it is, the migration writes the guest's shared "
                   "memory over it, and whatever maps it there shares memory with the guest. A "
                   "size that is not known is UNKNOWN. A directory of that name is a PASS where "
                   "QEMU's user can create in it: QEMU makes an unlinked file there.",
        .check = rule_vm_created_files,
    },
    [R_VM_HOST_PATHS] = {
        .id = "vm.host-paths",
        .title = "the host devices, sockets and programs the domain uses exist on the destination",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_LIVE,
        .hint = "provide the same device, socket, program, directory or tap on the destination",
        .requirement = "libvirt Domain XML format: host devices (serial 'dev', input evdev, rng "
                       "random, render nodes, /dev/vhost-vsock), UNIX sockets of servers QEMU "
                       "connects to, pipes, interface scripts and unmanaged taps must exist where "
                       "QEMU starts",
        .explain = "migcheck stats each such path on the destination (for devices: a character "
                   "or block device) and looks up unmanaged tap devices among its links. A "
                   "socket that exists is not proof that its server accepts QEMU. For the "
                   "vhost-user backends QEMU connects to when it starts (a vhost-user-blk "
                   "disk's, a vhost-user interface's in mode client), the destination's agent "
                   "connects to the socket as QEMU will and closes at once (the native agent "
                   "with connect(2), the sh agent with QEMU's own chardev client, else nc -U): "
                   "a refused connection is a stale socket whose backend is gone, and QEMU "
                   "would not start there: FAIL; an accepted one is a PASS; a socket no "
                   "connection was tried on (the sh agent with neither tool) is UNKNOWN, never "
                   "a PASS on the stat alone. Other servers' sockets (character devices, "
                   "swtpm, ivshmem servers, NBD) are only stat'ed: a probe connection is not "
                   "harmless to every server. A character device's client socket with "
                   "reconnect enabled is connected in the background, so QEMU starts without "
                   "its server: a missing one warns. A stat that fails other than for a missing "
                   "path (EACCES as the agent's user, an I/O error) is UNKNOWN, here and in "
                   "vm.created-files.",
        .check = rule_vm_host_paths,
    },
    [R_VM_9P_MOUNT] = {
        .id = "vm.9p-mount",
        .title = "no 9p file system share is mounted in the guest",
        .severity = MC_SEV_FAIL,
        .hint = "unmount the share in the guest before migrating (or have a site policy "
                "disable this rule for guests that never mount it)",
        .requirement = "QEMU hw/9pfs: 'Migration is disabled when VirtFS export path ... is "
                       "mounted in the guest using mount_tag ...' (a migration blocker set when "
                       "the guest attaches the share, cleared when the device resets)",
        .explain = "QEMU refuses to migrate a guest that has a 9p (<filesystem "
                   "type='mount'>, driver path or handle) share mounted. Whether the guest has "
                   "mounted it cannot be seen from the hosts (QEMU tells only its own monitor), "
                   "so a domain with such a share is UNKNOWN, never migratable by default (an "
                   "offline migration starts no QEMU: PASS). The exported directory itself must "
                   "exist on the destination (vm.host-paths).",
        .check = rule_vm_9p_mount,
    },
    [R_CPU_COMPATIBLE] = {
        .id = "cpu.compatible",
        .title = "the destination accepts the guest CPU",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_LIVE,
        .hint = "use a CPU model both hosts provide (virsh hypervisor-cpu-baseline on both "
                "hosts' domain capabilities)",
        .requirement = "libvirt compares the guest CPU at the destination: 'guest CPU doesn't "
                       "match specification: missing features', 'the CPU is incompatible with "
                       "host CPU'",
        .explain = "The destination's libvirt compares the guest's migratable CPU definition with "
                   "what its hypervisor can provide (virConnectCompareHypervisorCPU). Features "
                   "the source host lacks too are ignored: the guest already runs without them.",
        .check = rule_cpu_compatible,
    },
    [R_CPU_PASSTHROUGH] = {
        .id = "cpu.passthrough",
        .title = "a host-passthrough guest moves between identical host CPUs",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_SRC_VIRT | MC_NEED_DST_VIRT,
        .hint = "use host-model or a named CPU model, or migrate only between identical hosts",
        .requirement = "libvirt: host-passthrough is only safe between identical hosts",
        .explain = "A host-passthrough guest sees every feature of the source host's CPU; on a "
                   "host lacking any of them the guest breaks or QEMU refuses the stream. libvirt "
                   "describes each host CPU as a model plus the features beyond it: between two "
                   "models, a feature listed for the source only may be part of the "
                   "destination's model, which migcheck cannot tell (UNKNOWN).",
        .check = rule_cpu_passthrough,
    },
    [R_VIRT_SAME_HOST] = {
        .id = "virt.same-host",
        .title = "the two hosts have different libvirt host UUIDs",
        .severity = MC_SEV_FAIL,
        .needs = BOTH_VIRT,
        .hint = "set a distinct host_uuid in /etc/libvirt/libvirtd.conf (or "
                "host_uuid_source = \"machine-id\") on one host and restart libvirtd",
        .requirement = "libvirt migration cookie: 'Attempt to migrate guest to the same "
                       "host'",
        .explain = "libvirt compares the host UUIDs of source and destination and refuses when "
                   "they are equal, as happens with cloned machines or boards with a duplicate "
                   "SMBIOS UUID.",
        .check = rule_virt_same_host,
    },
    [R_VIRT_NAME_COLLISION] = {
        .id = "virt.name-collision",
        .title = "no conflicting domain with the same name or UUID on the destination",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_DST_VIRT,
        .hint = "remove or rename the conflicting domain on the destination (virsh undefine)",
        .requirement = "libvirt: 'domain is already active', 'domain already exists with "
                       "uuid'",
        .explain = "The destination refuses an incoming domain when a running domain has its "
                   "UUID, or a domain with its name has another UUID. A persistent, inactive "
                   "definition with the same name and UUID is fine: it becomes the running one.",
        .check = rule_virt_name_collision,
    },
    [R_VIRT_MACHINE_TYPE] = {
        .id = "virt.machine-type",
        .title = "the destination's QEMU has the guest's exact machine type",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_DST_VIRT,
        .hint = "migrate to a host with the same or newer QEMU, which keeps old machine types",
        .requirement = "libvirt qemu_validate: 'Emulator does not support machine type'",
        .explain = "The guest keeps its versioned machine type (pc-q35-7.2, pc-q35-rhel9.4.0) "
                   "across migration. A destination QEMU that does not list it cannot start the "
                   "incoming guest.",
        .check = rule_virt_machine_type,
    },
    [R_VIRT_EMULATOR] = {
        .id = "virt.emulator",
        .title = "the guest's emulator binary exists on the destination",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_DST_VIRT,
        .hint = "rewrite <emulator> in the destination XML (migcheck migrate does), or install "
                "the same emulator path",
        .fix = MC_FIX_REWRITE_EMULATOR,
        .requirement = "libvirt starts the destination QEMU from the domain XML's <emulator>",
        .explain = "Debian installs QEMU as /usr/bin/qemu-system-x86_64, RHEL as "
                   "/usr/libexec/qemu-kvm. The destination starts the emulator named in the "
                   "guest's XML. One that is not among the destination's default emulators is "
                   "judged by a live stat of the path there; without one it is UNKNOWN.",
        .check = rule_virt_emulator,
    },
    [R_VIRT_DOMAIN_TYPE] = {
        .id = "virt.domain-type",
        .title = "the destination supports the guest's virtualisation type (kvm or qemu)",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_DST_VIRT,
        .hint = "enable KVM on the destination (/dev/kvm), or use a host that has it",
        .requirement = "libvirt capabilities: <guest><arch><domain type=...>",
        .explain = "A kvm guest needs KVM on the destination; a host without /dev/kvm only "
                   "offers TCG (type qemu).",
        .check = rule_virt_domain_type,
    },
    [R_VIRT_QEMU_VERSION] = {
        .id = "virt.qemu-version",
        .title = "the destination's QEMU is not older than the source's",
        .severity = MC_SEV_FAIL,
        .needs = BOTH_VIRT,
        .hint = "upgrade the destination first; migrate from older to newer QEMU only",
        .requirement = "QEMU supports forward migration only: an older QEMU fails with "
                       "'Unknown savevm section' or 'Failed to load virtio-net'",
        .explain = "An older QEMU cannot load a migration stream from a newer one (unknown "
                   "sections, virtio features it does not know). Migrations from older to newer "
                   "QEMU are supported, and so are both directions between stable releases of "
                   "one series (8.2.1 and 8.2.2): they keep the series' stream.",
        .check = rule_virt_qemu_version,
    },
    [R_VIRT_ROM_SIZE] = {
        .id = "virt.rom-size",
        .title = "option ROMs the guest uses have the same size on both hosts",
        .severity = MC_SEV_FAIL,
        .needs = BOTH_OS,
        .hint = "install the same ipxe/seabios/qemu firmware packages on both hosts",
        .requirement = "QEMU migrates ROM RAM blocks and needs equal sizes: 'Unknown "
                       "ramblock ... cannot accept migration'",
        .explain = "Option ROMs (NIC boot ROMs, BIOS, VGA BIOS) are RAM blocks of the guest. A "
                   "different size on the destination makes QEMU reject the stream. A PCI option "
                   "ROM's block is its file's size rounded up to a power of two, so files of "
                   "different sizes that round alike pass. A ROM outside the directories the "
                   "facts list, or of a size not known, is UNKNOWN.",
        .check = rule_virt_rom_size,
    },
    [R_VIRT_MEMORY] = {
        .id = "virt.memory",
        .title = "the destination has enough free memory",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_DST_VIRT,
        .hint = "free memory on the destination or pick another host",
        .requirement = "QEMU cannot allocate guest RAM on the destination",
        .explain = "The destination must hold the guest's current memory. libvirt reports free "
                   "memory without the page cache the kernel reclaims for QEMU: less free memory "
                   "than the guest needs is UNKNOWN while the host has that much memory at all, "
                   "and a FAIL when the guest is larger than the host's memory.",
        .check = rule_virt_memory,
    },
    [R_VIRT_HUGEPAGES] = {
        .id = "virt.hugepages",
        .title = "the destination has the hugepages the guest needs",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_DST_VIRT,
        .hint = "reserve more hugepages of that size on the destination (vm.nr_hugepages or "
                "/sys/kernel/mm/hugepages)",
        .requirement = "QEMU on the destination: 'unable to map backing store for guest RAM: "
                       "Cannot allocate memory'",
        .explain = "A guest backed by hugepages needs as many free pages of its page size on the "
                   "destination.",
        .check = rule_virt_hugepages,
    },
    [R_VIRT_SECURITY_MODEL] = {
        .id = "virt.security-model",
        .title = "the destination has the security driver the guest is labelled with",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_DST_VIRT,
        .hint = "use the same security driver (SELinux or AppArmor) on both hosts",
        .requirement = "libvirt: 'Unable to find security driver for model selinux'",
        .explain = "A guest with a static or dynamic SELinux/AppArmor label can only start where "
                   "that security driver is active.",
        .check = rule_virt_security_model,
    },
    [R_VIRT_TLS_REQUIRED] = {
        .id = "virt.tls-required",
        .title = "the source does not insist on TLS migration",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_SRC_VIRT,
        .hint = "migrate with --tls, or clear migrate_tls_force in the source's qemu.conf",
        .requirement = "libvirt: 'this libvirtd instance allows migration only with "
                       "VIR_MIGRATE_TLS flag'",
        .explain = "With migrate_tls_force set in qemu.conf the source refuses a plain "
                   "migration; a tunnelled one (--tunnelled) is exempt.",
        .check = rule_virt_tls_required,
    },
    [R_VIRT_UNSAFE_MIGRATION] = {
        .id = "virt.unsafe-migration",
        .title = "libvirt will not refuse the migration as unsafe",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_SRC_MOUNTS | MC_NEED_SRC_VIRT,
        .hint = "put the disk on storage libvirt knows as shared (NFS, GFS2, ...) or a network "
                "disk, use cache='none', or copy the storage",
        .fix = MC_FIX_COPY_STORAGE,
        .requirement = "libvirt qemuMigrationSrcIsSafe: 'Migration without shared storage is "
                       "unsafe', 'Migration may lead to data corruption if disks use cache "
                       "other than none or directsync'",
        .explain = "libvirt refuses a migration whose writable file disks are on a file system "
                   "not in its list of shared ones, or on a shared but not cluster file system "
                   "with a cache mode other than none/directsync when QEMU cannot drop its "
                   "caches. Network disks are always safe. A directory the source's qemu.conf "
                   "lists in shared_filesystems counts as shared for a libvirt that reads that "
                   "option: from 11.0; a 10.x may (UNKNOWN); one before 10.0 has no such option "
                   "and refuses. "
                   "libvirt does not check an offline migration. When migcheck proved the sharing "
                   "itself (a canary file), migcheck migrate can pass VIR_MIGRATE_UNSAFE.",
        .check = rule_virt_unsafe_migration,
    },
    [R_VIRT_SECRETS] = {
        .id = "virt.secrets",
        .title = "the libvirt secrets the domain refers to exist on the destination, with a value",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_DST_VIRT,
        .hint = "define the secret on the destination with the same UUID (or usage) and set its "
                "value",
        .requirement = "libvirt Secret XML format and Domain XML format (<auth>, <encryption>): "
                       "the destination's libvirt looks the secret up by UUID or usage when QEMU "
                       "starts there",
        .explain = "Disk and host device <auth> secrets (iSCSI CHAP, Ceph), LUKS <encryption> "
                   "passphrases and vTPM state secrets must be defined in the destination's "
                   "libvirt. A secret found by its UUID (or, without one, by its usage) passes "
                   "when it has a value; libvirt never returns a private secret's value, not even "
                   "whether it has one, so for a private secret the finding is UNKNOWN unless a "
                   "login with it succeeded (storage.disk-shared). migcheck never reads a "
                   "secret's value into its facts.",
        .check = rule_virt_secrets,
    },
    [R_OS_RELEASE] = {
        .id = "os.release",
        .title = "both hosts run the same OS release",
        .severity = MC_SEV_WARN,
        .needs = BOTH_OS,
        .hint = "upgrade the older host so both run the same release",
        .requirement = "Red Hat Enterprise Linux Virtualization Guide 22.1 and Fedora Virtualization Guide "
                       "12.1 (Live migration requirements): two or more systems of the same version with the same updates",
        .explain = "Migrations between releases often work, but only same-release pairs are "
                   "supported.",
        .check = rule_os_release,
    },
    [R_OS_UPDATES] = {
        .id = "os.updates",
        .title = "the hypervisor stack has the same package versions on both hosts",
        .severity = MC_SEV_WARN,
        .needs = BOTH_OS,
        .hint = "apply the same updates to both hosts",
        .requirement = "Red Hat Enterprise Linux Virtualization Guide 22.1 and Fedora Virtualization Guide "
                       "12.1 (Live migration requirements): systems of the same version with the same updates",
        .explain = "Compares the installed versions of the kernel, QEMU, libvirt and firmware "
                   "packages.",
        .check = rule_os_updates,
    },
    [R_STORAGE_DISK_SHARED] = {
        .id = "storage.disk-shared",
        .title = "the destination reaches the same storage for every disk and file",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_SRC_MOUNTS | MC_NEED_DST_MOUNTS | MC_NEED_SRC_VIRT,
        .hint = "put the disk on storage both hosts share (NFS, iSCSI, FC, GFS2), provision it "
                "with migcheck, or migrate with --copy-storage-all",
        .fix = MC_FIX_PROVISION_SHARED_STORAGE,
        .requirement = "Red Hat Enterprise Linux 7 Virtualization Deployment and Administration Guide, 15.2 "
                       "(Migration Requirements and Limitations): a guest installed on shared storage (Fibre Channel, iSCSI, NFS, GFS2, "
                       "SRP); libvirt: 'Cannot access storage file'",
        .explain = "For every disk, CD-ROM with media, backing file and other file the guest "
                   "opens, migcheck needs evidence that the destination reaches the same store: "
                   "the same NFS server and export, the same LUN (WWN) or lock table, a network "
                   "disk the destination can reach itself, or a canary file written on the "
                   "source and read on the destination. A matching file system type is not "
                   "evidence. A read-only file needs none: a copy at the same path on the "
                   "destination does, which only a live probe finds (without one: UNKNOWN).",
        .check = rule_storage_disk_shared,
    },
    [R_STORAGE_DISK_PATH] = {
        .id = "storage.disk-path",
        .title = "the destination sees shared storage at the same path",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_SRC_MOUNTS | MC_NEED_DST_MOUNTS,
        .hint = "mount the storage at the same path on both hosts, or let migcheck migrate "
                "rewrite the paths in the destination XML",
        .fix = MC_FIX_REWRITE_PATH,
        .requirement = "Red Hat Enterprise Linux 7 Virtualization Deployment and Administration Guide, 15.2 "
                       "(Migration Requirements and Limitations): shared storage must mount at the same location on source and "
                       "destination systems",
        .explain = "QEMU on the destination opens the paths written in the domain XML.",
        .check = rule_storage_disk_path,
    },
    [R_STORAGE_QEMU_ACCESS] = {
        .id = "storage.qemu-access",
        .title = "the destination's QEMU user can open every disk",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_LIVE,
        .hint = "fix ownership and modes, NFS root_squash/anonuid, or the qemu user's numeric "
                "uid/gid",
        .requirement = "QEMU on the destination: 'Could not open ... Permission denied' "
                       "(NFS root_squash, uid/gid differences)",
        .explain = "On the destination, as the user QEMU runs as, migcheck opens each file "
                   "(read-write unless the disk is read-only).",
        .check = rule_storage_qemu_access,
    },
    [R_STORAGE_QEMU_IDS] = {
        .id = "storage.qemu-ids",
        .title = "the QEMU user has the same numeric uid/gid on both hosts",
        .severity = MC_SEV_WARN,
        .needs = BOTH_OS,
        .hint = "give the qemu user the same uid and gid on both hosts",
        .requirement = "NFS checks numeric uids and gids: QEMU on the destination fails with "
                       "'Could not open ... Permission denied'",
        .explain = "Files on NFS carry numeric owners: a qemu user with another uid on the "
                   "destination may not open them.",
        .check = rule_storage_qemu_ids,
    },
    [R_STORAGE_SEPARATE_HOST] = {
        .id = "storage.separate-host",
        .title = "storage is served by a host other than source and destination",
        .severity = MC_SEV_WARN,
        .needs = BOTH_NET,
        .hint = "serve the storage from a separate host",
        .requirement = "Red Hat Enterprise Linux 7 Virtualization Deployment and Administration Guide, 15.2 "
                       "(Migration Requirements and Limitations): storage should not reside on either of the two host physical machines "
                       "used for the migration",
        .explain = "A hypervisor that also serves the storage cannot be taken down for "
                   "maintenance without its guests' disks.",
        .check = rule_storage_separate_host,
    },
    [R_STORAGE_READONLY_COPY] = {
        .id = "storage.readonly-copy",
        .title = "read-only files present on both hosts as separate copies match",
        .severity = MC_SEV_WARN,
        .needs = MC_NEED_LIVE,
        .hint = "keep installation media and firmware identical on both hosts, or on shared "
                "storage",
        .requirement = "a read-only image that differs between hosts changes under the guest",
        .explain = "CD-ROM images, kernels and firmware that exist on both hosts as local copies "
                   "let the migration succeed, but the guest may see different content after a "
                   "reboot.",
        .check = rule_storage_readonly_copy,
    },
    [R_STORAGE_COPY_TARGET] = {
        .id = "storage.copy-target",
        .title = "with --copy-storage, libvirt can create the disk images on the destination",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_DST_VIRT,
        .hint = "define and start a storage pool on the destination whose target path is the "
                "disk's directory, or pre-create the images (migcheck migrate "
                "--copy-storage-all does)",
        .fix = MC_FIX_COPY_STORAGE,
        .requirement = "libvirt qemuMigrationDstPrecreateDisk: 'pre-creation of storage "
                       "target ... is not supported'",
        .explain = "For storage migration the destination pre-creates missing images only inside "
                   "an active storage pool whose target path holds them; an image that already "
                   "exists there needs no pool (without a live stat of it: UNKNOWN). An "
                   "incremental copy (--copy-storage-inc) needs the image on the destination "
                   "already.",
        .check = rule_storage_copy_target,
    },
    [R_NET_BRIDGE] = {
        .id = "net.bridge",
        .title = "every bridge the guest uses exists and is up on the destination",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_DST_NET,
        .hint = "create the bridge on the destination, or map the interface to an existing "
                "bridge in the destination XML",
        .fix = MC_FIX_REWRITE_BRIDGE,
        .requirement = "Red Hat Enterprise Linux Virtualization Guide 22.1 and Fedora Virtualization Guide "
                       "12.1 (Live migration requirements): identical bridging on both hosts; libvirt: 'Cannot get interface MTU "
                       "on ...: No such device'",
        .explain = "An <interface type='bridge'> attaches a tap device to the named bridge on "
                   "the destination.",
        .check = rule_net_bridge,
    },
    [R_NET_NETWORK] = {
        .id = "net.network",
        .title = "every libvirt network the guest uses is active on the destination",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_DST_VIRT,
        .hint = "define and start the network on the destination (virsh net-start, "
                "net-autostart), or map the interface to an active network in the destination "
                "XML (migcheck migrate --map-network)",
        .fix = MC_FIX_REWRITE_NETWORK,
        .requirement = "libvirt: 'network ... is not active'",
        .explain = "An <interface type='network'> needs that libvirt network defined and active "
                   "on the destination.",
        .check = rule_net_network,
    },
    [R_NET_DIRECT] = {
        .id = "net.direct",
        .title = "every host interface of a direct (macvtap) attachment exists on the "
                 "destination",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_DST_NET,
        .hint = "use the same interface names on both hosts or rewrite the source dev",
        .requirement = "macvtap needs its parent device on the destination",
        .explain = "An <interface type='direct'> creates a macvtap device on the named host "
                   "interface.",
        .check = rule_net_direct,
    },
    [R_NET_MTU] = {
        .id = "net.mtu",
        .title = "bridges and networks the guest uses have the same MTU on both hosts",
        .severity = MC_SEV_WARN,
        .needs = BOTH_NET,
        .hint = "set the same MTU on both hosts",
        .requirement = "Red Hat Enterprise Linux Virtualization Guide 22.1 and Fedora Virtualization Guide "
                       "12.1 (Live migration requirements): identical network configurations",
        .explain = "A smaller MTU on the destination breaks large frames of a guest configured "
                   "for the larger one.",
        .check = rule_net_mtu,
    },
    [R_NET_CONFIG_IDENTICAL] = {
        .id = "net.config-identical",
        .title = "bridging and libvirt networks are configured the same on both hosts",
        .severity = MC_SEV_WARN,
        .needs = BOTH_NET | BOTH_VIRT,
        .hint = "make the bridges, VLANs and libvirt networks identical on both hosts",
        .requirement = "Red Hat Enterprise Linux Virtualization Guide 22.1 and Fedora Virtualization Guide "
                       "12.1 (Live migration requirements): all bridging and network configurations must be exactly the same on "
                       "both hosts",
        .explain = "Lists the bridges (with MTU and VLAN ports) and libvirt networks that exist "
                   "on only one host or differ.",
        .check = rule_net_config_identical,
    },
    [R_NET_LISTEN_ADDRESS] = {
        .id = "net.listen-address",
        .title = "graphics and serial listen addresses exist on the destination",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_DST_NET,
        .hint = "listen on 0.0.0.0, a libvirt network, or rewrite the address for the "
                "destination",
        .fix = MC_FIX_REWRITE_LISTEN,
        .requirement = "QEMU on the destination: 'Failed to bind socket: Cannot assign "
                       "requested address'",
        .explain = "QEMU on the destination binds the VNC/SPICE and TCP serial sockets to the "
                   "addresses in the domain XML.",
        .check = rule_net_listen_address,
    },
    [R_NET_MIGRATION_PORT] = {
        .id = "net.migration-port",
        .title = "the source reaches the destination's migration port range",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_LIVE,
        .hint = "open TCP ports migration_port_min..max (default 49152-49215) on the "
                "destination's firewall for the source",
        .requirement = "Red Hat Enterprise Linux Virtualization Guide 22.1 and Fedora Virtualization Guide "
                       "12.1 (Live migration requirements): both systems must have the appropriate ports open; QEMU: 'unable to "
                       "connect to server'",
        .explain = "A temporary listener in the range on the destination and a connection from "
                   "the source, to the address the migration will use, tell a firewall that "
                   "drops or rejects from an open path.",
        .check = rule_net_migration_port,
    },
    [R_NET_DST_HOSTNAME] = {
        .id = "net.dst-hostname",
        .title = "the destination's host name resolves on the source, not to loopback",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_DST_VIRT,
        .hint = "make the name resolve on the source (DNS or /etc/hosts), or set migration_host "
                "in the destination's qemu.conf",
        .requirement = "libvirt: 'Unable to resolve address', 'hostname on destination "
                       "resolved to localhost, but migration requires an FQDN'",
        .explain = "The destination tells the source to connect to its host name, or to "
                   "migration_host from its qemu.conf. The source must resolve it to a routable "
                   "address of the destination. Where the destination's qemu.conf was not read, "
                   "the name libvirt uses is not known: UNKNOWN.",
        .check = rule_net_dst_hostname,
    },
    [R_NET_LIBVIRTD_PORT] = {
        .id = "net.libvirtd-port",
        .title = "the libvirt daemon port is reachable when the transport needs it",
        .severity = MC_SEV_FAIL,
        .needs = MC_NEED_LIVE,
        .hint = "open TCP 16509 (tcp) or 16514 (tls) on the destination",
        .requirement = "Red Hat Enterprise Linux Virtualization Guide 22.1 and Fedora Virtualization Guide "
                       "12.1 (Live migration requirements): appropriate ports open; libvirt's TCP/TLS transports and "
                       "peer-to-peer mode connect to libvirtd",
        .explain = "With the tcp or tls transport the source connects to the destination's "
                   "libvirtd port (16509, or 16514 for tls); migcheck connects there from the "
                   "source. Peer-to-peer migration over ssh connects over ssh as root on the "
                   "source instead, which migcheck does not try: UNKNOWN.",
        .check = rule_net_libvirtd_port,
    },
    [R_MIGRATION_CONVERGENCE] = {
        .id = "migration.convergence",
        .title = "a live migration converges: the link carries memory faster than the guest "
                 "dirties it",
        .severity = MC_SEV_FAIL,
        .needs = 0,
        .hint = "raise the migration bandwidth or the downtime limit, or use auto-converge, "
                "post-copy, or a pause after a timeout",
        .fix = MC_FIX_AUTO_CONVERGE,
        .requirement = "Red Hat Virtualization Deployment and Administration Guide, Live KVM "
                       "migration: a guest that modifies pages faster than KVM can transfer "
                       "them never completes a live migration; migrate it offline instead",
        .explain = "With --predict, migcheck watches the guest for --predict-time seconds "
                   "(its memory, how much of it is not zero, how many distinct pages it "
                   "dirties in windows of several lengths), measures the bandwidth from the "
                   "source to the destination's migration ports, reads QEMU's downtime limit, "
                   "and simulates QEMU's pre-copy iterations (migcheck(1), PREDICTION). It "
                   "predicts the total time, the iterations and an upper bound of the "
                   "downtime; when pre-copy does not converge it names the bandwidth or "
                   "downtime limit that would make it, and what auto-converge, post-copy or "
                   "pausing the guest would give. Borderline (WARN) means the outcome depends "
                   "on chance or on the measurement's uncertainty.",
        .check = rule_migration_convergence,
    },
};

static_assert(ARRAY_SIZE(rules) == _R_MAX, "every rule has a row");

const struct mc_rule *mc_rules_table(size_t *ret_n)
{
    *ret_n = _R_MAX;
    return rules;
}

const struct mc_rule *mc_rule_find(const char *id)
{
    for (size_t i = 0; id && i < _R_MAX; i++)
        if (strcmp(rules[i].id, id) == 0)
            return &rules[i];
    return NULL;
}

const char *const *mc_rule_ids(void)
{
    static const char *ids[_R_MAX + 1];
    if (!ids[0])
        for (size_t i = 0; i < _R_MAX; i++)
            ids[i] = rules[i].id;
    return ids;
}
