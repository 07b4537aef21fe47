#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Derive the golden cases (tests/golden/cases/) from the recorded snapshots.

The recordings in recorded/ are real: `migcheck SRC DST VM --save-facts DIR`
on the lab (tests/lab, Debian 12 hosts lab-a and lab-b, guests on NFS), plus
`migcheck facts --root tests/data/hosts/rhel9 --no-virt` for the RHEL host.
Every case is a recording plus small, named edits; each edit is written down
here and in the case's README. Run it after changing a recording or a case,
then regenerate the expected output (MIGCHECK_TEST_REGENERATE=1) and review
the diff:

    tests/golden/derive-cases.py
    MIGCHECK_TEST_REGENERATE=1 ctest --test-dir BUILD -L golden

Only the Python standard library is needed. The tests themselves do not run
this script; they read the files it wrote (checked in).
"""
import copy
import os
import shutil
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REC = os.path.join(HERE, "recorded")
CASES = os.path.join(HERE, "cases")
CAPS_RHEL = os.path.join(HERE, "..", "data", "virt", "caps", "rhel94.xml")


def load(path):
    return ET.parse(path).getroot()


def text(root):
    r = copy.deepcopy(root)
    ET.indent(r, space="  ")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(r, encoding="unicode") + "\n").encode()


# ---- edits shared by many cases -------------------------------------------------------------


def scrub_machine(host):
    """Drop this build machine's sandbox mounts (and the lab sandbox's, tests/lab/sandbox): an
    artefact of where the lab ran, not a fact of the lab hosts."""
    for m in list(host.findall("mount")):
        t = m.get("target", "")
        if t.startswith("/mnt/sandboxing") or t.startswith("/tmp/migcheck-sandbox-"):
            host.remove(m)


def drop_serial_logs(host):
    """The lab guests log their serial console to a file; relate turns that file into a path the
    destination must reach, which wrongly blocks (libvirt creates the log on the destination;
    reported to the lead). Removed so that the base case is migratable, as the real migration
    is."""
    dom = host.find("domain")
    if dom is None:
        return
    for f in list(dom.findall("file")):
        if f.get("role") == "serial-log":
            dom.remove(f)


def pair_base(pair, dst_name="lab-b", dst_addr="169.254.42.12"):
    """The agent of the recording could not probe NFS from the destination nor listen on it; fill
    in what the live probes will answer on the lab (the lab migrates these guests)."""
    for p in list(pair.findall("path")):
        if p.get("role") == "serial-log":
            pair.remove(p)
        elif p.get("disk-type") == "network":
            p.set("exists-probe", "ok")
            p.set("exists-detail", "%s reached %s" % (dst_name, p.get("src-path", "")))
            p.set("evidence", "network")
            p.set("evidence-detail", "%s listed the export on lab-storage" % dst_name)
    mp = pair.find("migration-port")
    mp.attrib.clear()
    mp.set("probe", "ok")
    mp.set("host", dst_name)
    mp.set("address", dst_addr)
    mp.set("port", "49152")
    mp.set("result", "open")
    mp.set("detail", "a temporary listener on %s:49152 accepted the connection" % dst_addr)


def dom(host):
    return host.find("domain")


def sub(parent, tag, **attrs):
    e = ET.SubElement(parent, tag)
    for k, v in attrs.items():
        e.set(k.replace("_", "-"), str(v))
    return e


def insert_after(parent, tag_names, new):
    """Insert new after the last child named one of tag_names (keeps the table order)."""
    idx = 0
    for i, c in enumerate(list(parent)):
        if c.tag in tag_names:
            idx = i + 1
    parent.insert(idx, new)
    return new


def usb_devices(host, devices, no_sysfs=False):
    """The host's USB devices as the facts list them (name, bus, device, vendor, product).
    The lab hosts have no USB bus: every USB list in a case is written here."""
    u = ET.Element("usb")
    if no_sysfs:
        u.set("no-sysfs", "yes")
    for name, bus, dev, vendor, product in devices:
        e = ET.SubElement(u, "device")
        for k, v in (("name", name), ("bus", str(bus)), ("device", str(dev)), ("vendor", vendor),
                     ("product", product)):
            e.set(k, v)
    insert_after(host, ("net",), u)
    return u


def link(host, name):
    for l in host.find("net").findall("link"):
        if l.get("name") == name:
            return l
    return None


def mount_images(host, export, target="/var/lib/libvirt/images", server="lab-storage",
                 addr="169.254.42.10"):
    """An NFS mount as libmount reports it (fstype nfs4, server, export, addr=)."""
    m = ET.Element("mount")
    for k, v in (("id", "200"), ("parent-id", "76"), ("devno", "0:52"), ("root", "/"),
                 ("target", target), ("source", "%s:%s" % (server, export)), ("fstype", "nfs4"),
                 ("options", "rw,relatime"),
                 ("fs-options", "rw,vers=4.2,rsize=1048576,wsize=1048576,hard,proto=tcp,"
                                "sec=sys,clientaddr=169.254.42.11,addr=%s" % addr),
                 ("netfs", "yes"), ("shared", "yes"), ("server", server), ("export", export),
                 ("server-addr", addr)):
        m.set(k, v)
    insert_after(host, ("mount",), m)


def file_disk(host, path, cache="none"):
    """Turn the guest's NFS network disk into a file disk at path."""
    d = dom(host).find("disk")
    for k in list(d.attrib):
        del d.attrib[k]
    for c in list(d):
        d.remove(c)
    for k, v in (("target", "vda"), ("bus", "virtio"), ("type", "file"), ("device", "disk"),
                 ("source", path), ("format", "qcow2"), ("cache", cache)):
        d.set(k, v)


def rename_host(host, pair, old, new, role):
    host.set("name", new)
    host.find("os").set("hostname", new)
    host.find("os").set("fqdn", new)
    host.find("virt").set("hostname", new)
    if pair is not None and role == "dst":
        pair.find("destination-name").set("name", new)


def rhel(host, name):
    """The RHEL 9.4 host: os, mounts and storage facts as `migcheck facts --root
    tests/data/hosts/rhel9 --no-virt` reads them from the hand-recorded fixture; the virt facts
    from the hand-made capabilities tests/data/virt/caps/rhel94.xml (emulator
    /usr/libexec/qemu-kvm, pc-q35-rhel* machines, SELinux, QEMU 8.2, libvirt 10.0); network and
    the rest from the lab recording."""
    r = load(os.path.join(REC, "rhel9-root.xml"))
    host.remove(host.find("os"))
    host.insert(0, r.find("os"))
    host.find("os").set("hostname", name)
    host.find("os").set("fqdn", name + ".example.com")
    v = host.find("virt")
    v.set("hostname", name + ".example.com")
    v.set("libvirt-version", "10000000")
    v.set("hv-version", "8002000")
    caps = load(CAPS_RHEL)
    cpu = caps.find("host/cpu")
    v.set("cpu-model", cpu.find("model").text)
    v.set("cpu-vendor", cpu.find("vendor").text)
    v.set("tsc-khz", "2294609")
    for tag in ("cpu-feature", "guest", "machine", "secmodel"):
        for e in list(v.findall(tag)):
            v.remove(e)
    feats = [ET.Element("cpu-feature") for _ in cpu.findall("feature")]
    for e, f in zip(feats, cpu.findall("feature")):
        e.text = f.get("name")
    pos = list(v).index(v.find("host-cpu-xml"))
    for i, e in enumerate(feats):
        v.insert(pos + i, e)
    for sm in caps.findall("host/secmodel"):
        insert_after(v, ("migration-transport", "secmodel"), ET.Element("secmodel")).text = \
            sm.find("model").text
    arch = caps.find("guest/arch")
    g = insert_after(v, ("secmodel",), ET.Element("guest"))
    g.set("arch", arch.get("name"))
    g.set("os-type", caps.find("guest/os_type").text)
    g.set("emulator", arch.find("emulator").text)
    for dt in arch.findall("domain"):
        ET.SubElement(g, "domain-type").text = dt.get("type")
    last = g
    for m in arch.findall("machine"):
        e = ET.Element("machine")
        e.set("name", m.text)
        if m.get("canonical"):
            e.set("canonical", m.get("canonical"))
        e.set("arch", arch.get("name"))
        e.set("maxcpus", m.get("maxCpus"))
        if m.get("deprecated") == "yes":
            e.set("deprecated", "yes")
        v.insert(list(v).index(last) + 1, e)
        last = e
    qc = v.find("qemu-conf")
    qc.set("user", "qemu")
    qc.set("group", "qemu")
    qc.set("security-driver", "selinux")


def rhel_guest(host):
    d = dom(host)
    d.set("machine", "pc-q35-rhel9.4.0")
    d.set("emulator", "/usr/libexec/qemu-kvm")
    sl = ET.Element("seclabel")
    sl.text = "selinux"
    insert_after(d, ("blocker", "file", "chardev", "interface", "disk"), sl)


# ---- the cases ----------------------------------------------------------------------------

CASE_LIST = []


def case(name, readme, recording="lab-bridge-present", args="", pair=False, base=True):
    def deco(fn):
        CASE_LIST.append(dict(name=name, readme=readme, recording=recording, args=args,
                              pair=pair, base=base, edit=fn))
        return fn
    return deco


@case("base", "recorded lab pair (NFS network disk, bridge br-vm on both hosts); the sandbox "
      "mount and the guest's serial log removed; the NFS and port probes filled in as the "
      "lab answers them: migratable", pair=True)
def _(s, d, p, c):
    pass


@case("base-offline", "base without pair facts: the live-only rules are skipped")
def _(s, d, p, c):
    pass


@case("base-quiet", "base with -q: only problems and the verdict", args="-q", pair=True)
def _(s, d, p, c):
    pass


@case("base-verbose", "base with -v: the evidence of every finding", args="-v", pair=True)
def _(s, d, p, c):
    pass


@case("dst-unreachable", "the destination did not answer (dst.xml as --save-facts writes it when "
      "ssh to the host fails): host.reachable UNKNOWN with the cause, every rule that needs the "
      "destination's facts UNKNOWN with it, the domain's own rules still judged; verdict unknown "
      "(exit 3), and every format is a whole report")
def _(s, d, p, c):
    name = d.get("name")
    for k in list(d.attrib):
        if k != "version":
            del d.attrib[k]
    for child in list(d):
        d.remove(child)
    d.set("name", name)
    d.set("collector", "unreachable")
    sub(d, "fact-error", area="host", errno="EHOSTUNREACH",
        message="cannot reach '%s': ssh: connect to host %s port 22: No route to host"
        % (name, name))


@case("undefinesource", "base with virsh's --undefinesource and without --persistent: the "
      "persistent domain would be defined on no host afterwards: vm.definition WARN (migratable)",
      args="--undefinesource")
def _(s, d, p, c):
    pass


@case("shutoff", "the guest is shut off: vm.state FAIL for a live migration")
def _(s, d, p, c):
    g = dom(s)
    g.set("state", "shutoff")
    g.set("state-reason", "shutdown")
    del g.attrib["id"]


@case("shutoff-offline", "the guest is shut off and --offline is given: vm.state PASS",
      args="--offline")
def _(s, d, p, c):
    g = dom(s)
    g.set("state", "shutoff")
    g.set("state-reason", "shutdown")
    del g.attrib["id"]


@case("vm-blockers", "a backup job, 2 snapshots, a PCI host device, virtiofs, invtsc without a "
      "TSC frequency, 16 virtio-net queues: vm.* FAIL, vm.virtio-vectors WARN")
def _(s, d, p, c):
    g = dom(s)
    g.set("job", "backup")
    g.set("snapshots", "2")
    f = ET.Element("cpu-feature")
    f.set("name", "invtsc")
    f.set("policy", "require")
    insert_after(g, ("cpu-xml",), f)
    g.find("interface").set("queues", "16")
    h = ET.Element("hostdev")
    for k, v in (("mode", "subsystem"), ("type", "pci"), ("address", "0000:65:00.1"),
                 ("managed", "yes")):
        h.set(k, v)
    insert_after(g, ("chardev", "interface"), h)
    b = ET.Element("virtiofs")
    b.text = "hostshare"
    insert_after(g, ("file", "hostdev", "chardev"), b)


@case("serial-console-listen", "a TCP serial port bound to the source's address, and the "
      "console libvirt writes for serial port 0 (the same socket, target type serial): "
      "net.listen-address FAILs once, for the serial port, not twice")
def _(s, d, p, c):
    g = dom(s)
    for kind, tt in (("serial", "isa-serial"), ("console", "serial")):
        ch = ET.Element("chardev")
        for k, v in (("kind", kind), ("type", "tcp"), ("host", "169.254.42.11"),
                     ("service", "4555"), ("mode", "bind"), ("target-type", tt)):
            ch.set(k, v)
        insert_after(g, ("chardev",), ch)


def vm_xml_of(s, running=False):
    """The domain XML recorded in the snapshot (the migratable XML: no id), as a file for
    --vm-xml; running: with the id='N' that 'virsh dumpxml' writes for a running domain."""
    x = dom(s).find("xml").text
    if running:
        x = x.replace("<domain type='kvm'>", "<domain type='kvm' id='7'>", 1)
    return x


@case("vm-xml", "the domain given as XML (--vm-xml) without id='N': a template or a record, "
      "so vm.state, vm.job and vm.snapshots do not apply (SKIP): migratable")
def _(s, d, p, c):
    c["vm_xml"] = vm_xml_of(s)


@case("vm-xml-offline", "the same domain XML with --offline: the XML is the definition an "
      "offline migration moves; vm.state does not apply (SKIP), not 'transient'",
      args="--offline")
def _(s, d, p, c):
    c["vm_xml"] = vm_xml_of(s)


@case("vm-xml-running", "the domain XML as 'virsh dumpxml' writes it for a running domain "
      "(id='7'): vm.state PASS; jobs and snapshots still not known (SKIP)")
def _(s, d, p, c):
    c["vm_xml"] = vm_xml_of(s, running=True)


@case("devices-ok", "a USB host device, invtsc with the destination's TSC frequency, 4 queues, "
      "VNC and a TCP serial port on 0.0.0.0, a direct interface on eth0, 2 MiB hugepages the "
      "destination has, a ROM of the same size on both: every device rule PASS")
def _(s, d, p, c):
    g = dom(s)
    g.set("tsc-frequency", "2000000000")
    g.set("hugepage-kib", "2048")
    g.set("hugepages", "yes")
    f = ET.Element("cpu-feature")
    f.set("name", "invtsc")
    f.set("policy", "require")
    insert_after(g, ("cpu-xml",), f)
    g.find("interface").set("queues", "4")
    direct = ET.Element("interface")
    for k, v in (("type", "direct"), ("source", "eth0"), ("source-mode", "bridge"),
                 ("model", "virtio"), ("mac", "52:54:00:0d:4d:f7")):
        direct.set(k, v)
    insert_after(g, ("interface",), direct)
    gr = ET.Element("graphics")
    for k, v in (("type", "vnc"), ("listen-type", "address"), ("listen", "0.0.0.0"),
                 ("autoport", "yes")):
        gr.set(k, v)
    insert_after(g, ("interface",), gr)
    ch = ET.Element("chardev")
    for k, v in (("kind", "serial"), ("type", "tcp"), ("host", "0.0.0.0"), ("service", "4555"),
                 ("mode", "bind"), ("target-type", "isa-serial")):
        ch.set(k, v)
    insert_after(g, ("chardev",), ch)
    h = ET.Element("hostdev")
    for k, v in (("mode", "subsystem"), ("type", "usb"), ("address", "046d:c52b"),
                 ("usb-vendor", "046d"), ("usb-product", "c52b")):
        h.set(k, v)
    insert_after(g, ("chardev",), h)
    usb_devices(d, [("usb1", 1, 1, "1d6b", "0002"), ("1-2", 1, 3, "046d", "c52b")])
    for host in (s, d):
        for hp in host.find("virt").findall("hugepages"):
            if hp.get("size-kib") == "2048":
                hp.set("total", "64")
                hp.set("free", "64")
        for r in host.find("os").findall("rom"):
            if r.get("path", "").endswith("efi-virtio.rom"):
                r.set("sha256", "5f5d4e3c2b1a09f8e7d6c5b4a392817060f5e4d3c2b1a09f8e7d6c5b4a392817")


@case("devices-differ", "the option ROM's RAM block differs in size, too few free hugepages, VNC on the source's "
      "address, SPICE on a network the destination lacks, a direct interface on eth1: FAIL "
      "each; invtsc at 2.1 GHz against a 2.0 GHz TSC: UNKNOWN (libvirt refuses it only where "
      "the destination cannot scale its TSC, which no fact shows)")
def _(s, d, p, c):
    g = dom(s)
    g.set("tsc-frequency", "2100000000")
    g.set("hugepage-kib", "2048")
    g.set("hugepages", "yes")
    f = ET.Element("cpu-feature")
    f.set("name", "invtsc")
    f.set("policy", "require")
    insert_after(g, ("cpu-xml",), f)
    direct = ET.Element("interface")
    for k, v in (("type", "direct"), ("source", "eth1"), ("source-mode", "vepa"),
                 ("model", "virtio"), ("mac", "52:54:00:0d:4d:f7")):
        direct.set(k, v)
    insert_after(g, ("interface",), direct)
    for gt, lt, attr in (("vnc", "address", ("listen", "169.254.42.11")),
                         ("spice", "network", ("listen-network", "mgmt"))):
        gr = ET.Element("graphics")
        gr.set("type", gt)
        gr.set("listen-type", lt)
        gr.set(*attr)
        gr.set("autoport", "yes")
        insert_after(g, ("graphics", "interface"), gr)
    for hp in d.find("virt").findall("hugepages"):
        if hp.get("size-kib") == "2048":
            hp.set("total", "16")
            hp.set("free", "10")
    # 512 KiB: a RAM block of another size (QEMU rounds the source's 249344 bytes up to 256 KiB;
    # a file of 262144 bytes there would map the same and migrate).
    for host, size in ((s, None), (d, "524288")):
        for r in host.find("os").findall("rom"):
            if r.get("path", "").endswith("efi-virtio.rom"):
                r.set("sha256", "5f5d4e3c2b1a09f8e7d6c5b4a392817060f5e4d3c2b1a09f8e7d6c5b4a392817")
                if size:
                    r.set("size", size)


@case("cpu-missing", "the destination's libvirt finds the guest CPU incompatible: amx-tile is "
      "missing there but not on the source: cpu.compatible FAIL", pair=True)
def _(s, d, p, c):
    cpu = p.find("cpu")
    cpu.set("message", "the CPU is incompatible with host CPU: Host CPU does not provide "
                       "required features: pni, svm, amx-tile")
    m = ET.Element("missing")
    m.text = "amx-tile"
    cpu.insert(2, m)


@case("cpu-passthrough", "a host-passthrough guest between hosts with the same CPU: "
      "cpu.passthrough PASS, cpu.compatible SKIP")
def _(s, d, p, c):
    g = dom(s)
    g.set("cpu-mode", "host-passthrough")
    g.set("cpu-migratable", "yes")
    for k in ("cpu-model", "cpu-match"):
        g.attrib.pop(k, None)


@case("cpu-passthrough-differs", "a host-passthrough guest; the destination's CPU lacks "
      "avx512f and amx-tile: cpu.passthrough FAIL")
def _(s, d, p, c):
    g = dom(s)
    g.set("cpu-mode", "host-passthrough")
    g.set("cpu-migratable", "yes")
    for k in ("cpu-model", "cpu-match"):
        g.attrib.pop(k, None)
    v = d.find("virt")
    for f in list(v.findall("cpu-feature")):
        if f.text in ("avx512f", "amx-tile"):
            v.remove(f)


@case("hypervisor-config", "the destination is a clone (same host UUID and machine-id), has no "
      "KVM, 48 MiB of memory (32 MiB free) for a 64 MiB guest and calls itself localhost; the "
      "source forces TLS: FAIL each")
def _(s, d, p, c):
    sv, dv = s.find("virt"), d.find("virt")
    dv.set("host-uuid", sv.get("host-uuid"))
    d.find("os").set("machine-id", s.find("os").get("machine-id"))
    dv.set("memory-kib", "49152")
    dv.set("free-memory-kib", "32768")
    dv.set("hostname", "localhost.localdomain")
    sv.find("qemu-conf").set("migrate-tls-force", "yes")
    for g in dv.findall("guest"):
        for t in list(g.findall("domain-type")):
            if t.text == "kvm":
                g.remove(t)


@case("name-collision", "the destination has another domain named present-br: "
      "virt.name-collision FAIL")
def _(s, d, p, c):
    e = ET.Element("defined-domain")
    for k, v in (("name", "present-br"), ("uuid", "0d1f6a7e-3c55-4b1e-9a51-7f2e9c4d8b10"),
                 ("state", "shutoff"), ("persistent", "yes")):
        e.set(k, v)
    insert_after(d.find("virt"), ("defined-domain", "network", "pool", "hugepages"), e)


@case("name-inactive-same-uuid", "the destination has an inactive definition of the same "
      "domain (same UUID): virt.name-collision PASS")
def _(s, d, p, c):
    e = ET.Element("defined-domain")
    for k, v in (("name", "present-br"), ("uuid", dom(s).get("uuid")), ("state", "shutoff"),
                 ("persistent", "yes")):
        e.set(k, v)
    insert_after(d.find("virt"), ("defined-domain", "network", "pool", "hugepages"), e)


def older_debian(d):
    o = d.find("os")
    o.set("version-id", "11")
    o.set("pretty-name", "Debian GNU/Linux 11 (bullseye)")
    o.set("kernel-release", "5.10.0-32-amd64")
    for pk in o.findall("package"):
        if pk.get("name", "").startswith("qemu-"):
            pk.set("version", pk.get("version").replace("+deb12u18", "+deb12u17"))


@case("os-differs", "the destination runs Debian 11 with an older QEMU package build: "
      "os.release and os.updates WARN, still migratable")
def _(s, d, p, c):
    older_debian(d)


@case("os-differs-strict", "os-differs with --strict: the warnings block", args="--strict")
def _(s, d, p, c):
    older_debian(d)


@case("rhel-pair", "two RHEL 9.4 hosts (rpm, /usr/libexec/qemu-kvm, pc-q35-rhel9.4.0, "
      "SELinux, qemu uid 107) from the rhel9 fixture and the RHEL capabilities: migratable",
      pair=True)
def _(s, d, p, c):
    rhel(s, "rhel-a")
    rhel(d, "rhel-b")
    rename_host(s, p, "lab-a", "rhel-a", "src")
    rename_host(d, p, "lab-b", "rhel-b", "dst")
    rhel_guest(s)
    for path in p.findall("path"):
        if path.get("role") == "emulator":
            path.set("src-path", "/usr/libexec/qemu-kvm")
            path.set("exists-detail", "'/usr/libexec/qemu-kvm' exists on rhel-b (file, "
                                      "17219856 bytes)")
            path.set("dst-size", "17219856")
            path.set("src-size", "17219856")
            path.find("candidate").text = "/usr/libexec/qemu-kvm"
        else:
            path.set("exists-detail", path.get("exists-detail").replace("lab-b", "rhel-b"))
            path.set("evidence-detail", path.get("evidence-detail").replace("lab-b", "rhel-b"))
    p.find("migration-port").set("host", "rhel-b")
    p.find("destination-name").set("name", "rhel-b.example.com")


@case("rhel-to-debian", "a RHEL 9.4 guest (pc-q35-rhel9.4.0, /usr/libexec/qemu-kvm, SELinux, "
      "QEMU 8.2) to the Debian lab host: machine type, emulator, QEMU version, security driver "
      "FAIL; release, updates, qemu ids WARN", pair=True)
def _(s, d, p, c):
    rhel(s, "rhel-a")
    rename_host(s, None, "lab-a", "rhel-a", "src")
    rhel_guest(s)
    for path in p.findall("path"):
        if path.get("role") == "emulator":
            for k in ("dst-size", "exists-detail"):
                path.attrib.pop(k, None)
            path.set("src-path", "/usr/libexec/qemu-kvm")
            path.set("exists-probe", "failed")
            path.set("exists-detail", "'/usr/libexec/qemu-kvm' does not exist on lab-b")
            path.set("src-size", "17219856")
            path.find("candidate").text = "/usr/libexec/qemu-kvm"


def nfs_pair(s, d, export_src, export_dst, dst_target="/var/lib/libvirt/images",
             src_addr="169.254.42.10"):
    mount_images(s, export_src, addr=src_addr)
    mount_images(d, export_dst, target=dst_target)
    file_disk(s, "/var/lib/libvirt/images/present-br.qcow2")


@case("nfs-export-differs", "both hosts mount NFS (nfs4) from lab-storage at "
      "/var/lib/libvirt/images, the source /srv/nfs and the destination /srv/nfs2; the disk is "
      "a file there: the same file system type is not evidence, storage.disk-shared FAIL")
def _(s, d, p, c):
    nfs_pair(s, d, "/srv/nfs", "/srv/nfs2")


@case("nfs-shared", "both hosts mount lab-storage:/srv/nfs at /var/lib/libvirt/images; the disk "
      "is a file there: storage.disk-shared and storage.disk-path PASS")
def _(s, d, p, c):
    nfs_pair(s, d, "/srv/nfs", "/srv/nfs")


@case("nfs-other-path", "the destination mounts the same export at /srv/images: "
      "storage.disk-path FAIL (fix: rewrite-path)")
def _(s, d, p, c):
    nfs_pair(s, d, "/srv/nfs", "/srv/nfs", dst_target="/srv/images")


@case("nfs-on-source", "the NFS server is the source itself (169.254.42.11): "
      "storage.separate-host WARN")
def _(s, d, p, c):
    nfs_pair(s, d, "/srv/nfs", "/srv/nfs", src_addr="169.254.42.11")
    for m in d.findall("mount"):
        if m.get("fstype") == "nfs4":
            m.set("server-addr", "169.254.42.11")
            m.set("fs-options", m.get("fs-options").replace("addr=169.254.42.10",
                                                            "addr=169.254.42.11"))


@case("nfs-root-squash", "the disk is on NFS shared by both; the destination's QEMU runs as "
      "uid 107 and the live open probe was refused (root_squash): storage.qemu-access FAIL, "
      "storage.qemu-ids WARN", pair=True)
def _(s, d, p, c):
    nfs_pair(s, d, "/srv/nfs", "/srv/nfs")
    o = d.find("os")
    o.set("qemu-user", "qemu")
    o.set("qemu-uid", "107")
    o.set("qemu-gid", "107")
    for path in p.findall("path"):
        if path.get("role") == "disk":
            for k in list(path.attrib):
                del path.attrib[k]
            for ch in list(path):
                path.remove(ch)
            src = "/var/lib/libvirt/images/present-br.qcow2"
            for k, v in (("subject", "disk vda"), ("role", "disk"), ("target", "vda"),
                         ("src-path", src), ("disk-type", "file"), ("cache", "none"),
                         ("dst-path", src), ("evidence", "identity"),
                         ("evidence-detail", "both mount nfs:169.254.42.10:/srv/nfs"),
                         ("exists-probe", "ok"),
                         ("exists-detail", "'%s' exists on lab-b (file, 196616 bytes)" % src),
                         ("open-probe", "failed"),
                         ("open-detail", "EACCES as uid 107 gid 107 (the export squashes root "
                                         "and the file belongs to 995:994)"),
                         ("dst-size", "196616"), ("src-size", "196616")):
                path.set(k, v)
            for tag, target in (("src-store", "/var/lib/libvirt/images"),
                                ("dst-store", "/var/lib/libvirt/images")):
                st = ET.SubElement(path, tag)
                for k, v in (("kind", "nfs"), ("identity", "nfs:169.254.42.10:/srv/nfs"),
                             ("mount-target", target), ("mount-root", "/"), ("fstype", "nfs4"),
                             ("server", "169.254.42.10"), ("shared-fs", "yes")):
                    st.set(k, v)
            ET.SubElement(path, "candidate").text = src


@case("local-disk", "recorded lab pair with the disk and an ISO in the source's "
      "/var/lib/libvirt/images (local ext4): virt.unsafe-migration and storage.disk-shared FAIL",
      recording="lab-local")
def _(s, d, p, c):
    pass


@case("copy-storage", "local-disk with --copy-storage; the destination has an active dir pool "
      "at /var/lib/libvirt/images: storage.copy-target PASS", recording="lab-local",
      args="--copy-storage")
def _(s, d, p, c):
    pool = ET.Element("pool")
    for k, v in (("name", "default"), ("uuid", "6b1f1c3e-5a7d-4d7e-9a43-0f5e2d6c8b21"),
                 ("type", "dir"), ("active", "yes"), ("autostart", "yes"), ("persistent", "yes"),
                 ("target-path", "/var/lib/libvirt/images"), ("capacity", "52521566208"),
                 ("allocation", "13468254208"), ("available", "39053312000")):
        pool.set(k, v)
    insert_after(d.find("virt"), ("hugepages",), pool)


@case("copy-storage-no-pool", "local-disk with --copy-storage, no storage pool on the "
      "destination, and the live probes finding neither the image nor the ISO there (the "
      "recording's sandbox showed lab-a's files to lab-b; a real pair does not): "
      "storage.copy-target FAIL", recording="lab-local", args="--copy-storage", pair=True)
def _(s, d, p, c):
    for path in p.findall("path"):
        if path.get("role") not in ("disk", "cdrom"):
            continue
        for k in ("dst-path", "open-probe", "open-detail", "dst-size"):
            path.attrib.pop(k, None)
        path.set("evidence", "absent")
        path.set("evidence-detail", "a canary file written in '/var/lib/libvirt/images' on "
                                    "lab-a was not seen on lab-b")
        path.set("exists-probe", "failed")
        path.set("exists-detail", "'%s' on lab-b: ENOENT" % path.get("src-path"))
        ds = path.find("dst-store")
        if ds is not None:
            path.remove(ds)


def add_cdrom(s, path="/var/lib/libvirt/images/install.iso"):
    cd = ET.Element("disk")
    for k, v in (("target", "hdc"), ("bus", "ide"), ("type", "file"), ("device", "cdrom"),
                 ("source", path), ("format", "raw"), ("readonly", "yes")):
        cd.set(k, v)
    insert_after(dom(s), ("disk",), cd)


def cdrom_path(p, exists, dst_size=None):
    src = "/var/lib/libvirt/images/install.iso"
    path = ET.Element("path")
    attrs = [("subject", "cdrom hdc"), ("role", "cdrom"), ("target", "hdc"), ("src-path", src),
             ("disk-type", "file"), ("readonly", "yes")]
    if exists:
        attrs += [("dst-path", src), ("evidence", "none"),
                  ("evidence-detail", "a canary file written in '/var/lib/libvirt/images' on "
                                      "lab-a was not seen on lab-b"),
                  ("exists-probe", "ok"),
                  ("exists-detail", "'%s' exists on lab-b (file, %s bytes)" % (src, dst_size)),
                  ("open-probe", "ok"), ("open-detail", "opened read-only as uid 995 gid 994"),
                  ("dst-size", dst_size), ("src-size", "358400")]
    else:
        attrs += [("evidence", "absent"),
                  ("evidence-detail", "a canary file written in '/var/lib/libvirt/images' on "
                                      "lab-a was not seen on lab-b"),
                  ("exists-probe", "failed"),
                  ("exists-detail", "'%s' does not exist on lab-b" % src),
                  ("src-size", "358400")]
    for k, v in attrs:
        path.set(k, v)
    st = ET.SubElement(path, "src-store")
    for k, v in (("kind", "local"), ("identity", "local:ext4:/dev/vda"),
                 ("mount-target", "/"), ("mount-root", "/"), ("fstype", "ext4")):
        st.set(k, v)
    ET.SubElement(path, "candidate").text = src
    insert_after(p, ("path",), path)


@case("cdrom-only-on-source", "an ISO in the source's /var/lib/libvirt/images that the "
      "destination does not have (lab scenario 'CD-ROM image only on SRC'): storage.disk-shared "
      "FAIL", pair=True)
def _(s, d, p, c):
    add_cdrom(s)
    cdrom_path(p, exists=False)


@case("cdrom-only-on-source-copy-storage", "cdrom-only-on-source with --copy-storage: libvirt "
      "copies writable disks only, so the CD-ROM still FAILs, and its hint says to copy the image "
      "or eject the media, never to migrate with --copy-storage-all", pair=True,
      args="--copy-storage")
def _(s, d, p, c):
    add_cdrom(s)
    cdrom_path(p, exists=False)


@case("cdrom-copies", "the ISO exists on both hosts as separate copies of the same size: "
      "storage.disk-shared and storage.readonly-copy PASS", pair=True)
def _(s, d, p, c):
    add_cdrom(s)
    cdrom_path(p, exists=True, dst_size="358400")


@case("cdrom-copies-differ", "the copies differ in size: storage.readonly-copy WARN", pair=True)
def _(s, d, p, c):
    add_cdrom(s)
    cdrom_path(p, exists=True, dst_size="360448")


@case("bridge-missing", "recorded lab pair: the guest's bridge br-vm exists only on the source: "
      "net.bridge FAIL, net.config-identical WARN", recording="lab-bridge-missing")
def _(s, d, p, c):
    pass


@case("bridge-mtu-differs", "br-vm has MTU 9000 on the destination: net.mtu and "
      "net.config-identical WARN")
def _(s, d, p, c):
    link(d, "br-vm").set("mtu", "9000")


@case("network-missing", "recorded lab pair: the guest's libvirt network vmnet exists only on "
      "the source: net.network FAIL", recording="lab-network-missing")
def _(s, d, p, c):
    pass


@case("network-present", "recorded lab pair: vmnet is active on both hosts: net.network PASS",
      recording="lab-network-present")
def _(s, d, p, c):
    pass


@case("migration-port-firewalled", "the destination's firewall rejects the migration port "
      "range (connection refused while migcheck listened): net.migration-port FAIL", pair=True)
def _(s, d, p, c):
    mp = p.find("migration-port")
    mp.set("result", "refused")
    mp.set("detail", "connection to 169.254.42.12:49152 refused while a temporary listener ran "
                     "there")


@case("dst-name-loopback", "the destination's name resolves to 127.0.1.1 on the source: "
      "net.dst-hostname FAIL", pair=True)
def _(s, d, p, c):
    p.find("destination-name/address").text = "127.0.1.1"


@case("dst-name-unresolvable", "the source cannot resolve the destination's name: "
      "net.dst-hostname FAIL", pair=True)
def _(s, d, p, c):
    dn = p.find("destination-name")
    dn.set("probe", "failed")
    dn.set("detail", "Name or service not known")
    dn.remove(dn.find("address"))


def libvirtd_port(p, result):
    lp = ET.Element("libvirtd-port")
    for k, v in (("probe", "ok"), ("host", "lab-b"), ("address", "169.254.42.12"),
                 ("port", "16509"), ("result", result)):
        lp.set(k, v)
    insert_after(p, ("migration-port",), lp)


@case("tcp-transport", "--transport tcp; the source reaches libvirtd on 16509: "
      "net.libvirtd-port PASS", args="--transport tcp", pair=True)
def _(s, d, p, c):
    libvirtd_port(p, "open")


@case("tcp-transport-firewalled", "--transport tcp; the destination drops 16509: "
      "net.libvirtd-port FAIL", args="--transport tcp", pair=True)
def _(s, d, p, c):
    libvirtd_port(p, "timeout")


@case("unknown-facts", "the destination's libvirt could not be reached when its snapshot was "
      "taken: rules that need it are UNKNOWN, the verdict is unknown (exit 3)")
def _(s, d, p, c):
    e = ET.Element("fact-error")
    e.set("area", "virt")
    e.set("errno", "ECONNREFUSED")
    e.set("message", "cannot connect to 'qemu:///system': Failed to connect socket to "
                     "'/var/run/libvirt/libvirt-sock': Connection refused")
    d.append(e)


def jumbo(host, mtu):
    l = ET.Element("link")
    for k, v in (("ifindex", "7"), ("name", "br-storage"), ("kind", "bridge"), ("mtu", mtu),
                 ("operstate", "up"), ("up", "yes"), ("carrier", "yes"),
                 ("mac", "52:54:00:aa:bb:cc")):
        l.set(k, v)
    insert_after(host.find("net"), ("link",), l)


@case("site-policy", "the example policy of migcheck-policy(5): br-storage has MTU 1500 on "
      "the destination and the destination runs Debian 11: os.release (promoted) and "
      "site.jumbo-frames FAIL", args="-q")
def _(s, d, p, c):
    jumbo(s, "9000")
    jumbo(d, "1500")
    older_debian(d)
    c["policy"] = "man:site-policy"


@case("site-policy-met", "the example policy; br-storage has MTU 9000 on both hosts: every "
      "site requirement PASS")
def _(s, d, p, c):
    jumbo(s, "9000")
    jumbo(d, "9000")
    c["policy"] = "man:site-policy"


@case("site-policy-more", "the further expressions of migcheck-policy(5) EXAMPLES as warn "
      "requirements: three hold on the base pair, the TLS one does not (WARN)", pair=True)
def _(s, d, p, c):
    c["policy"] = "man-expressions"


@case("hostile-strings", "names and paths carrying an 8-bit CSI (U+009B), DEL, a right-to-left "
      "override, quotes and markup: the text output escapes them, JSON and JUnit stay valid")
def _(s, d, p, c):
    g = dom(s)
    g.set("name", "web\u009b31m\u202eevil\u007f\"<&>'")
    g.find("interface").set("source", "br\u009b2J")
    s.set("name", "lab-a\u202e")


# ---- bad input --------------------------------------------------------------------------------


# ---- the convergence prediction (check --predict) -------------------------------------------
# lab-predict: `migcheck --predict --bandwidth 32 --save-facts DIR lab-a lab-b predict-nfs`, the
# lab's Linux guest dirtying 8 MiB/s of a 64 MiB working set (labctl define-vm lab-a
# predict-nfs --disk nfs --dirty-rate 8 --start). The measurement is replayed with other
# migration options: the model runs offline on the recorded pair facts.

@case("predict-converges", "the recorded prediction: the guest dirties about 8 MiB/s, the "
      "migration may send 32 MiB/s: migration.convergence PASS with the time, iterations and "
      "downtime bound", recording="lab-predict", args="--bandwidth 32", pair=True)
def _(s, d, p, c):
    pass


@case("predict-does-not-converge", "the same measurement with the migration limited to "
      "4 MiB/s, half the dirty rate: migration.convergence FAIL, with the bandwidth, downtime "
      "limit, post-copy and pause that would finish it", recording="lab-predict",
      args="--bandwidth 4", pair=True)
def _(s, d, p, c):
    pass


@case("predict-borderline", "the same measurement at 8 MiB/s, the dirty rate itself: "
      "migration.convergence WARN (borderline), naming the working set the watch did not see "
      "the end of", recording="lab-predict", args="--bandwidth 8", pair=True)
def _(s, d, p, c):
    pass


@case("predict-timeout-suspend", "4 MiB/s with --migration-timeout 30 --timeout-suspend: it "
      "does not converge live, but ends by pausing the guest: WARN with the downtime that "
      "costs", recording="lab-predict",
      args="--bandwidth 4 --migration-timeout 30 --timeout-suspend", pair=True)
def _(s, d, p, c):
    pass


@case("predict-sh-agent", "the recorded prediction as the sh agent makes it (no migcheck on "
      "the hosts): no sampling (libvirt's dirty-rate windows only, the resident memory as the "
      "non-zero estimate) and no bandwidth probe: migration.convergence UNKNOWN with the "
      "reason, and what it would do if the link carries the 32 MiB/s limit",
      recording="lab-predict", args="--bandwidth 32", pair=True)
def _(s, d, p, c):
    pr = p.find("predict")
    for w in list(pr.findall("dirty")):
        if w.get("source") == "sampled":
            pr.remove(w)
    pr.set("nonzero-source", "rss")
    pr.set("nonzero-bytes", pr.get("rss-bytes"))
    pr.set("sampling-detail", "sampling the guest's memory needs migcheck on lab-a (the sh "
           "agent cannot)")
    for k in ("bandwidth-path", "bandwidth-bps", "bandwidth-min-bps", "bandwidth-max-bps",
              "bandwidth-bytes", "bandwidth-us"):
        del pr.attrib[k]
    pr.set("bandwidth-probe", "unsupported")
    pr.set("bandwidth-detail", "measuring the bandwidth needs migcheck on lab-b to listen (the "
           "sh agent cannot)")

# ---- what the domain needs on the destination, per class the lab cannot build ---------------
#
# Each pair is the base recording with the class's device added to the domain XML (given as
# --vm-xml, so the domain parser reads it as it reads libvirt's) and the live probes' answers in
# pair.xml as the agents record them (host-path entries: a stat of the path or its directory on
# the destination and, for what is created there, a test file created and removed as its
# creator). The lab cannot build these classes: it has no swtpm, no vhost-user switch, no input
# devices, no mediated devices, no Ceph, and TLS is not set up for character devices or NBD.
# "-met" is a destination that has what the class needs, "-missing" one that lacks it.

DOMAIN_UUID = "095baaa2-cf7a-4da8-ab92-54b9d0b01046"
QEMU_USER = ("libvirt-qemu", "995", "994")  # the recorded destination's QEMU user


def with_devices(s, xml, before_devices=""):
    """The recorded domain XML with device elements appended to <devices> (and optionally
    elements placed before <devices>, e.g. a <memoryBacking>)."""
    x = vm_xml_of(s)
    x = x.replace("  </devices>", xml + "  </devices>", 1)
    if before_devices:
        x = x.replace("  <devices>", before_devices + "  <devices>", 1)
    return x


def host_path(p, subject, role, action, path, probe, detail, dir=None, creator=None,
              type=None, create_probe=None, create_detail=None, errno=None, file_type=None,
              file_size=None, size=None):
    """A host-path entry as the live probes record it (attributes in the snapshot's order)."""
    e = ET.Element("host-path")
    e.set("subject", subject)
    e.set("role", role)
    e.set("action", action)
    if creator:
        e.set("creator", creator[0])
    e.set("uid", creator[1] if creator else "-1")
    e.set("gid", creator[2] if creator else "-1")
    e.set("path", path)
    if dir:
        e.set("dir", dir)
    e.set("probe", probe)
    if type:
        e.set("type", type)
    e.set("detail", detail)
    if errno:
        e.set("probe-error", errno)
    if dir and file_type:
        e.set("file-probe", "ok")
        e.set("file-type", file_type)
    if file_size is not None:
        e.set("file-size-known", "yes")
        e.set("file-size", str(file_size))
    if size:
        e.set("size", str(size))
    if create_probe:
        e.set("create-probe", create_probe)
        e.set("create-detail", create_detail)
    insert_after(p, ("path", "host-path"), e)
    return e


def serial_log_ok(p):
    """The recorded guest logs its serial console to /var/log/libvirt/qemu (virtlogd creates the
    log there on the destination, as on every lab host)."""
    host_path(p, "serial 0", "chardev-log", "create",
              "/var/log/libvirt/qemu/present-br-serial.log", "ok",
              "'/var/log/libvirt/qemu' exists on lab-b (dir)", dir="/var/log/libvirt/qemu",
              creator=("root (virtlogd)", "0", "0"), type="dir", create_probe="ok",
              create_detail="a test file was created and removed in '/var/log/libvirt/qemu' on "
              "lab-b as uid 0 gid 0")


def exists(p, subject, role, action, path, type):
    return host_path(p, subject, role, action, path, "ok",
                     "'%s' exists on lab-b (%s)" % (path, type), type=type)


def connected(p, subject, role, path, refused=False):
    """A vhost-user backend's socket that exists on the destination (the stat answers "other"
    for a socket, as both agents do), and the agent's connection to it, as QEMU's chardev client
    makes it (the native agent: connect(2)): accepted, or refused (a stale socket)."""
    e = exists(p, subject, role, "connect", path, "other")
    if refused:
        e.set("connect-probe", "failed")
        e.set("connect-error", "ECONNREFUSED")
        e.set("connect-detail", "a connection to '%s' on lab-b failed: ECONNREFUSED (connect(2) "
              "by migcheck's agent)" % path)
    else:
        e.set("connect-probe", "ok")
        e.set("connect-detail", "a connection to '%s' on lab-b was accepted (connect(2) by "
              "migcheck's agent), then closed" % path)


def missing(p, subject, role, action, path):
    host_path(p, subject, role, action, path, "failed", "'%s' on lab-b: ENOENT" % path,
              errno="ENOENT")


def creatable(p, subject, role, action, path, dir, creator=QEMU_USER):
    host_path(p, subject, role, action, path, "ok", "'%s' exists on lab-b (dir)" % dir, dir=dir,
              creator=creator, type="dir", create_probe="ok",
              create_detail="a test file was created and removed in '%s' on lab-b as uid %s "
              "gid %s" % (dir, creator[1], creator[2]))


def no_dir(p, subject, role, action, path, dir, creator=QEMU_USER):
    host_path(p, subject, role, action, path, "failed", "'%s' on lab-b: ENOENT" % dir, dir=dir,
              creator=creator, errno="ENOENT")


def secret(d, **attrs):
    v = d.find("virt")
    v.set("secrets-listed", "yes")
    e = ET.Element("secret")
    for k, val in attrs.items():
        e.set(k.replace("_", "-"), val)
    insert_after(v, ("defined-domain", "secret"), e)


def tpm_backends(d, *models):
    """The destination's domain capabilities: its <tpm> backendModel values."""
    v = d.find("virt")
    v.set("tpm-backends-listed", "yes")
    for m in models:
        e = ET.Element("tpm-backend-model")
        e.text = m
        insert_after(v, ("defined-domain", "secret", "tpm-backend-model"), e)


def network_disk_path(p, target, url, protocol, fstype, server, detail):
    """A network disk's path as relate records it, answered by a TCP connection from the
    destination to its server's port (what the probe does for protocols it cannot log in to)."""
    e = ET.Element("path")
    for k, v in (("subject", "disk " + target), ("role", "disk"), ("target", target),
                 ("src-path", url), ("disk-type", "network"), ("protocol", protocol),
                 ("exists-probe", "ok"), ("evidence", "network"), ("evidence-detail", detail)):
        e.set(k, v)
    st = ET.SubElement(e, "src-store")
    st.set("kind", "network")
    st.set("identity", url)
    st.set("fstype", fstype)
    st.set("server", server)
    insert_after(p, ("path",), e)


def need(name, readme, xml, before_devices=""):
    """A golden pair for a class of domain XML the lab cannot build: the recorded pair, with the
    domain XML given as the recorded one plus xml in <devices> (and before_devices before it),
    and the guest's serial log creatable on the destination. The decorated function records
    what the destination answers for the class: d its facts, p the live probes' answers."""
    def deco(answers):
        def edit(s, d, p, c):
            c["vm_xml"] = with_devices(s, xml, before_devices)
            serial_log_ok(p)
            answers(d, p)
        return case(name, readme, pair=True)(edit)
    return deco


VTPM_SECRET = "5b3e1c2a-7d4f-4e8a-9b6c-0d1e2f3a4b5c"
TPM_XML = """    <tpm model='tpm-crb'>
      <backend type='emulator' version='2.0'>
        <encryption secret='%s'/>
      </backend>
    </tpm>
""" % VTPM_SECRET


@need("tpm-met", "base, as domain XML with an emulated TPM 2.0 (swtpm) whose state is encrypted "
      "with a vTPM secret; the destination's domain capabilities list the 'emulator' TPM backend "
      "(libvirt finds swtpm there) and it has the secret with a value: vm.devices and "
      "virt.secrets PASS (recorded pair: the lab has no swtpm)", TPM_XML)
def _(d, p):
    tpm_backends(d, "passthrough", "emulator")
    secret(d, uuid=VTPM_SECRET, usage_type="vtpm", usage_id="VTPM_present-br", private="yes",
           value="set")


@need("tpm-missing", "tpm-met's domain; the destination's domain capabilities list only the "
      "passthrough TPM backend, as the lab's libvirt 9.0 does without swtpm, and the vTPM "
      "secret is not defined there: vm.devices FAIL (libvirt cannot start swtpm), virt.secrets "
      "FAIL", TPM_XML)
def _(d, p):
    tpm_backends(d, "passthrough")
    d.find("virt").set("secrets-listed", "yes")


VHOST_USER_XML = """    <interface type='vhostuser'>
      <mac address='52:54:00:3b:83:1a'/>
      <source type='unix' path='/run/openvswitch/vhu0.sock' mode='client'/>
      <model type='virtio'/>
    </interface>
    <interface type='vhostuser'>
      <mac address='52:54:00:3b:83:1b'/>
      <source type='unix' path='/run/vhost/present-br-vhu1.sock' mode='server'/>
      <model type='virtio'/>
    </interface>
"""
SHARED_MEMORY = """  <memoryBacking>
    <source type='memfd'/>
    <access mode='shared'/>
  </memoryBacking>
"""


@need("vhost-user-met", "base, as domain XML with shared memory and two vhost-user interfaces: "
      "one whose switch listens (mode client: QEMU connects to /run/openvswitch/vhu0.sock), one "
      "where QEMU listens (mode server: it creates its socket in /run/vhost); on the destination "
      "the switch's socket exists and accepts the agent's connection, and the QEMU user can "
      "create in /run/vhost: vm.host-paths and vm.created-files PASS (recorded pair: the lab "
      "has no vhost-user switch)", VHOST_USER_XML, before_devices=SHARED_MEMORY)
def _(d, p):
    creatable(p, "interface 52:54:00:3b:83:1b", "vhostuser-socket", "bind",
              "/run/vhost/present-br-vhu1.sock", "/run/vhost")
    connected(p, "interface 52:54:00:3b:83:1a", "vhostuser-connect",
              "/run/openvswitch/vhu0.sock")


VHOST_USER_BLK_XML = """    <disk type='vhostuser' device='disk'>
      <driver name='qemu' type='raw'/>
      <source type='unix' path='/run/qsd/present-br-vdb.sock'>
        <reconnect enabled='no'/>
      </source>
      <target dev='vdb' bus='virtio'/>
    </disk>
"""


@need("vhost-user-stale", "vhost-user-met's domain plus a vhost-user-blk disk vdb (QEMU connects "
      "to its backend, e.g. qemu-storage-daemon, at /run/qsd/present-br-vdb.sock); on the "
      "destination that socket exists but refuses the agent's connection (a stale socket: its "
      "backend was killed, the file left), as QEMU's would be refused (\"Failed to connect to "
      "'...': Connection refused\", QEMU 7.2): vm.host-paths FAIL with the fix; the switch's "
      "socket accepts: PASS", VHOST_USER_XML + VHOST_USER_BLK_XML,
      before_devices=SHARED_MEMORY)
def _(d, p):
    creatable(p, "interface 52:54:00:3b:83:1b", "vhostuser-socket", "bind",
              "/run/vhost/present-br-vhu1.sock", "/run/vhost")
    connected(p, "interface 52:54:00:3b:83:1a", "vhostuser-connect",
              "/run/openvswitch/vhu0.sock")
    connected(p, "disk vdb", "vhostuser-blk", "/run/qsd/present-br-vdb.sock", refused=True)


@need("vhost-user-missing", "vhost-user-met's domain; on the destination nothing listens at "
      "/run/openvswitch/vhu0.sock (QEMU waits for its vhost-user backend when it starts, with or "
      "without reconnect) and /run/vhost does not exist: vm.host-paths and vm.created-files "
      "FAIL", VHOST_USER_XML, before_devices=SHARED_MEMORY)
def _(d, p):
    no_dir(p, "interface 52:54:00:3b:83:1b", "vhostuser-socket", "bind",
           "/run/vhost/present-br-vhu1.sock", "/run/vhost")
    missing(p, "interface 52:54:00:3b:83:1a", "vhostuser-connect", "connect",
            "/run/openvswitch/vhu0.sock")


SHMEM_MASTERS = """    <shmem name='shm0' role='master'>
      <model type='ivshmem-plain'/>
      <size unit='M'>4</size>
    </shmem>
    <shmem name='bell0' role='master'>
      <model type='ivshmem-doorbell'/>
      <server path='/run/ivshmem/bell0.sock'/>
    </shmem>
"""


@need("shmem-met", "base, as domain XML with two <shmem> devices in role master: ivshmem-plain "
      "shm0 (QEMU opens or creates /dev/shm/shm0 on the destination) and ivshmem-doorbell bell0 "
      "(QEMU connects to the ivshmem server's socket); the destination has /dev/shm, where the "
      "QEMU user can create, and the server's socket: vm.devices, vm.created-files and "
      "vm.host-paths PASS (recorded pair: ivshmem-plain runs under the lab's TCG, but the lab "
      "has no ivshmem server and cannot take /dev/shm away from one host)", SHMEM_MASTERS)
def _(d, p):
    creatable(p, "shmem shm0", "shmem", "create", "/dev/shm/shm0", "/dev/shm")
    exists(p, "shmem bell0", "shmem-server", "connect", "/run/ivshmem/bell0.sock", "socket")


def shmem_exists(p, size, file_size):
    """/dev/shm/shm0 already exists on the destination, of file_size bytes (another guest's, or
    a leftover: QEMU never removes it), and opens read-write as the QEMU user."""
    host_path(p, "shmem shm0", "shmem", "create", "/dev/shm/shm0", "ok",
              "'/dev/shm' exists on lab-b (dir)", dir="/dev/shm", creator=QEMU_USER, type="dir",
              file_type="file", file_size=file_size, size=size, create_probe="ok",
              create_detail="'/dev/shm/shm0' exists on lab-b and opens for writing as uid %s gid "
              "%s" % (QEMU_USER[1], QEMU_USER[2]))
    exists(p, "shmem bell0", "shmem-server", "connect", "/run/ivshmem/bell0.sock", "socket")


@need("shmem-stale", "shmem-met, but /dev/shm/shm0 already exists on the destination with 1 MiB "
      "(a leftover of a smaller shmem of that name), where the guest's is 4 MiB: vm.created-files "
      "FAIL with QEMU's own words (\"backing store size 0x100000 does not match 'size' option "
      "0x400000\"), as the lab's e2e.shmem-size measures", SHMEM_MASTERS)
def _(d, p):
    shmem_exists(p, 4 << 20, 1 << 20)


@need("shmem-shared", "shmem-met, but /dev/shm/shm0 already exists on the destination with 8 MiB "
      "(another guest's there, or a leftover): QEMU maps it as it is and the migration writes "
      "the guest's 4 MiB over it, shared with whatever maps it there: vm.created-files WARN, "
      "migratable", SHMEM_MASTERS)
def _(d, p):
    shmem_exists(p, 4 << 20, 8 << 20)


@need("shmem-missing", "shmem-met's two masters plus ivshmem-plain shm1 in role peer; on the "
      "destination no ivshmem server listens at /run/ivshmem/bell0.sock: vm.devices FAIL "
      "(libvirt migrates only role master), vm.host-paths FAIL (QEMU connects to the server "
      "without retrying)", SHMEM_MASTERS + """    <shmem name='shm1' role='peer'>
      <model type='ivshmem-plain'/>
      <size unit='M'>4</size>
    </shmem>
""")
def _(d, p):
    creatable(p, "shmem shm0", "shmem", "create", "/dev/shm/shm0", "/dev/shm")
    missing(p, "shmem bell0", "shmem-server", "connect", "/run/ivshmem/bell0.sock")


EVDEV_XML = """    <input type='evdev'>
      <source dev='/dev/input/by-id/usb-kbd-event-kbd' grab='all' repeat='on'/>
    </input>
"""


@need("evdev-met", "base, as domain XML with an evdev input passthrough (QEMU's input-linux "
      "object opens /dev/input/by-id/usb-kbd-event-kbd when it starts); the destination has "
      "that device node: vm.host-paths PASS (recorded pair: the lab hosts have no input "
      "devices)", EVDEV_XML)
def _(d, p):
    exists(p, "input", "input-dev", "device", "/dev/input/by-id/usb-kbd-event-kbd", "char")


@need("evdev-missing", "evdev-met's domain plus a virtio input passthrough of "
      "/dev/input/event2 (<input type='passthrough'>); the destination lacks the evdev node: "
      "vm.host-paths FAIL, vm.devices FAIL (QEMU marks virtio-input-host unmigratable)",
      EVDEV_XML + """    <input type='passthrough' bus='virtio'>
      <source evdev='/dev/input/event2'/>
    </input>
""")
def _(d, p):
    missing(p, "input", "input-dev", "device", "/dev/input/by-id/usb-kbd-event-kbd")


FAILOVER_XML = """    <interface type='bridge'>
      <mac address='52:54:00:3b:83:1c'/>
      <source bridge='br-vm'/>
      <model type='virtio'/>
      <teaming type='persistent'/>
      <alias name='ua-backup0'/>
    </interface>
    <interface type='hostdev' managed='yes'>
      <mac address='52:54:00:3b:83:1c'/>
      <source>
        <address type='pci' domain='0x0000' bus='0x3b' slot='0x02' function='0x3'/>
      </source>
      <teaming type='transient' persistent='ua-backup0'/>
    </interface>
"""


@need("hostdev-failover", "base, as domain XML with a failover pair: a virtio interface on "
      "br-vm (teaming persistent) and a PCI VF 0000:3b:02.3 as its transient half, which libvirt "
      "unplugs for the migration: vm.hostdev PASS (recorded pair: the lab has no SR-IOV "
      "devices)", FAILOVER_XML)
def _(d, p):
    pass


MDEV_XML = """    <hostdev mode='subsystem' type='mdev' managed='no' model='vfio-pci'>
      <source>
        <address uuid='c2177883-f1bb-47f0-914d-32a22e3a8804'/>
      </source>
    </hostdev>
"""


@need("hostdev-mdev", "base, as domain XML with a mediated device (a vfio-pci mdev, e.g. a "
      "vGPU): vm.hostdev FAIL (libvirt 9.0 refuses to migrate <hostdev type='mdev'>) (recorded "
      "pair: the lab has no mediated devices)", MDEV_XML)
def _(d, p):
    pass


def usb_hostdev_xml(vendor, product, policy=None):
    """A <hostdev type='usb'> by vendor and product (hex, without 0x), with its startupPolicy
    when one is given (libvirt's default otherwise)."""
    source = "<source startupPolicy='%s'>" % policy if policy else "<source>"
    return """    <hostdev mode='subsystem' type='usb' managed='no'>
      %s
        <vendor id='0x%s'/>
        <product id='0x%s'/>
      </source>
    </hostdev>
""" % (source, vendor, product)


USB_HOSTDEV_XML = usb_hostdev_xml("046d", "c52b")
USB_HUBS = [("usb1", 1, 1, "1d6b", "0002"), ("usb2", 2, 1, "1d6b", "0003")]


@case("usb-met", "base, as domain XML with a USB host device by vendor and product "
      "(046d:c52b, the default startupPolicy); the destination has exactly one such device, at "
      "bus 1 device 7: vm.hostdev PASS, naming the device libvirt picks there (recorded pair: "
      "the lab hosts have no USB bus; the lab checked libvirt 9.0's lookup on a destination "
      "with a tmpfs /sys/bus/usb/devices)", pair=True)
def _(s, d, p, c):
    c["vm_xml"] = with_devices(s, USB_HOSTDEV_XML)
    serial_log_ok(p)
    usb_devices(d, USB_HUBS + [("1-4", 1, 7, "046d", "c52b")])


@case("usb-missing", "usb-met's device plus two more: 0781:5583 with startupPolicy optional "
      "and 1050:0407 with startupPolicy requisite; the destination has none of the three and "
      "two 0bda:8153 devices, which a fourth hostdev names without an address: vm.hostdev FAIL "
      "for 046d:c52b ('Did not find USB device') and 0bda:8153 ('Multiple USB devices for "
      "bda:8153, use <address> to specify one', whatever the policy), WARN for the optional "
      "and the requisite ones (libvirt starts the incoming domain without them and the guest "
      "loses them) (recorded pair: the lab has no USB devices)", pair=True)
def _(s, d, p, c):
    c["vm_xml"] = with_devices(s, USB_HOSTDEV_XML +
                               usb_hostdev_xml("0781", "5583", "optional") +
                               usb_hostdev_xml("1050", "0407", "requisite") +
                               usb_hostdev_xml("0bda", "8153", "optional"))
    serial_log_ok(p)
    usb_devices(d, USB_HUBS + [("2-1", 2, 2, "0bda", "8153"), ("2-2", 2, 3, "0bda", "8153")])


@case("usb-no-bus", "usb-met's domain with startupPolicy optional; the destination has no "
      "/sys/bus/usb (as the lab hosts): vm.hostdev FAIL, whatever the policy (libvirt 9.0 on a "
      "lab host refused the incoming domain: \"cannot open directory '/sys/bus/usb/devices': "
      "No such file or directory\")", pair=True)
def _(s, d, p, c):
    c["vm_xml"] = with_devices(s, usb_hostdev_xml("046d", "c52b", "optional"))
    serial_log_ok(p)
    usb_devices(d, [], no_sysfs=True)


@case("usb-unknown", "usb-met's domain; the destination's snapshot is one recorded before "
      "migcheck gathered USB devices: vm.hostdev UNKNOWN, never PASS", pair=True)
def _(s, d, p, c):
    c["vm_xml"] = with_devices(s, USB_HOSTDEV_XML)
    serial_log_ok(p)


RBD_XML = """    <disk type='network' device='disk'>
      <driver name='qemu' type='raw' cache='none'/>
      <source protocol='rbd' name='rbd/present-br-data'>
        <host name='ceph-mon' port='6789'/>
        <auth username='libvirt'>
          <secret type='ceph' usage='client.libvirt secret'/>
        </auth>
      </source>
      <target dev='vdb' bus='virtio'/>
    </disk>
"""
RBD_URL = "rbd://ceph-mon:6789/rbd/present-br-data"


@need("rbd-auth-met", "base, as domain XML with a second disk on Ceph RBD that logs in as "
      "client.libvirt with a ceph secret (by usage); the destination has the secret with a "
      "value, and its probe connected to the monitor's port: virt.secrets PASS, "
      "storage.disk-shared PASS on a TCP connection (cephx itself is not reproduced) (recorded "
      "pair: the lab has no Ceph)", RBD_XML)
def _(d, p):
    secret(d, uuid="8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", usage_type="ceph",
           usage_id="client.libvirt secret", private="yes", value="set")
    network_disk_path(p, "vdb", RBD_URL, "rbd", "rbd", "ceph-mon",
                      "lab-b connected to the server of %s (a TCP connection)" % RBD_URL)


@need("rbd-auth-missing", "rbd-auth-met's domain; the destination has no ceph secret with "
      "that usage (libvirt there cannot give QEMU the key): virt.secrets FAIL", RBD_XML)
def _(d, p):
    d.find("virt").set("secrets-listed", "yes")
    network_disk_path(p, "vdb", RBD_URL, "rbd", "rbd", "ceph-mon",
                      "lab-b connected to the server of %s (a TCP connection)" % RBD_URL)


TLS_XML = """    <disk type='network' device='disk'>
      <driver name='qemu' type='raw' cache='none'/>
      <source protocol='nbd' name='export1' tls='yes'>
        <host name='nbd-server' port='10809'/>
      </source>
      <target dev='vdc' bus='virtio'/>
    </disk>
    <serial type='tcp'>
      <source mode='bind' host='0.0.0.0' service='4555' tls='yes'/>
      <protocol type='raw'/>
      <target port='1'/>
    </serial>
"""
NBD_URL = "nbd://nbd-server:10809/export1"


def tls_dirs(d):
    q = d.find("virt").find("qemu-conf")
    q.set("chardev-tls-dir", "/etc/pki/libvirt-chardev")
    q.set("nbd-tls-dir", "/etc/pki/libvirt-nbd")


@need("tls-met", "base, as domain XML with an NBD disk and a TCP serial port in server mode, "
      "both with tls='yes'; the destination's qemu.conf resolves chardev_tls_x509_cert_dir to "
      "/etc/pki/libvirt-chardev and nbd_tls_x509_cert_dir to /etc/pki/libvirt-nbd, which hold "
      "the CA certificate and (for the server) its certificate and key: vm.host-paths PASS "
      "(recorded pair: the lab sets up no TLS for character devices or NBD)", TLS_XML)
def _(d, p):
    tls_dirs(d)
    network_disk_path(p, "vdc", NBD_URL, "nbd", "nbd", "nbd-server",
                      "lab-b connected to the server of %s (a TCP connection)" % NBD_URL)
    for f in ("ca-cert.pem", "server-cert.pem", "server-key.pem"):
        exists(p, "serial", "tls-cert", "exists", "/etc/pki/libvirt-chardev/" + f, "file")
    exists(p, "disk vdc", "tls-cert", "exists", "/etc/pki/libvirt-nbd/ca-cert.pem", "file")


@need("tls-missing", "tls-met's domain; on the destination /etc/pki/libvirt-chardev has no "
      "server-key.pem and /etc/pki/libvirt-nbd does not exist: vm.host-paths FAIL for both "
      "(QEMU loads them when it starts there)", TLS_XML)
def _(d, p):
    tls_dirs(d)
    network_disk_path(p, "vdc", NBD_URL, "nbd", "nbd", "nbd-server",
                      "lab-b connected to the server of %s (a TCP connection)" % NBD_URL)
    for f in ("ca-cert.pem", "server-cert.pem"):
        exists(p, "serial", "tls-cert", "exists", "/etc/pki/libvirt-chardev/" + f, "file")
    missing(p, "serial", "tls-cert", "exists", "/etc/pki/libvirt-chardev/server-key.pem")
    host_path(p, "disk vdc", "tls-cert", "exists", "/etc/pki/libvirt-nbd/ca-cert.pem", "failed",
              "'/etc/pki/libvirt-nbd/ca-cert.pem' on lab-b: ENOENT", errno="ENOENT")


BAD = {
    "bad-dtd": ("a snapshot with a document type declaration (an entity): refused, exit 2",
                "src.xml",
                b'<?xml version="1.0"?>\n<!DOCTYPE migcheck-facts [<!ENTITY x "boom">]>\n'
                b'<migcheck-facts version="1" name="&x;"/>\n'),
    "bad-garbage": ("a snapshot that is not XML: refused, exit 2", "src.xml",
                    b"\x00\x01garbage \xff\xfe not xml\n"),
    "bad-future-version": ("a snapshot of a newer format version: refused, exit 2", "dst.xml",
                           None),
    "bad-missing-file": ("the source snapshot does not exist: exit 2", None, None),
    "bad-policy-unknown-rule": ("a policy naming a rule that does not exist: refused with its "
                                "line, exit 2", "policy.xml",
                                b'<migcheck-policy version="1">\n'
                                b'  <rule id="os.release" severity="fail"/>\n'
                                b'  <rule id="os.relase" enabled="no"/>\n'
                                b'</migcheck-policy>\n'),
    "bad-policy-xpath": ("a policy whose test is not XPath: refused with its line, exit 2",
                         "policy.xml",
                         b'<migcheck-policy version="1">\n'
                         b'  <require id="site.broken"\n'
                         b'           test="count(/pair/src/net/link[@mtu=9000]"/>\n'
                         b'</migcheck-policy>\n'),
    "bad-pair-facts": ("a pair snapshot given as the source snapshot: refused, exit 2",
                       "src.xml", None),
}


# ---- writing ----------------------------------------------------------------------------------

def man_example(name):
    """The policy example of man/migcheck-policy.5 between its begin/end markers, unescaped."""
    page = os.path.join(HERE, "..", "..", "man", "migcheck-policy.5")
    out, on = [], False
    for line in open(page, encoding="utf-8"):
        line = line.rstrip("\n")
        if line == '.\\" begin example ' + name:
            on = True
            continue
        if line == '.\\" end example ' + name:
            break
        if on and not line.startswith("."):
            out.append(line.replace("\\(aq", "'").replace("\\-", "-").replace("\\&", "")
                       .replace("\\e", "\\"))
    return ("\n".join(out) + "\n").encode()


def man_expressions():
    """A policy of the 'More expressions' of man/migcheck-policy.5, one warn requirement each."""
    page = os.path.join(HERE, "..", "..", "man", "migcheck-policy.5")
    lines = [l.rstrip("\n") for l in open(page, encoding="utf-8")]
    start = [i for i, l in enumerate(lines) if l.startswith("More expressions")][0]
    out = ['<migcheck-policy version="1">']
    n = 0
    for i in range(start, len(lines)):
        if lines[i].startswith(".SH"):
            break
        if lines[i] == ".TP" and lines[i + 1].startswith(".B "):
            n += 1
            expr = lines[i + 1][3:].replace("\\(aq", "'").replace("\\-", "-")
            title = lines[i + 2].rstrip(".")
            out.append('  <require id="site.example-%d" severity="warn" title="%s"' % (n, title))
            out.append('           test="%s"/>' % expr.replace("&", "&amp;").replace("<", "&lt;"))
    out.append("</migcheck-policy>")
    return ("\n".join(out) + "\n").encode()


def write(path, data, link_to=None):
    if os.path.lexists(path):
        os.remove(path)
    if link_to is not None:
        os.symlink(link_to, path)
        return
    with open(path, "wb") as f:
        f.write(data)


def prepare(rec):
    s = load(os.path.join(REC, rec, "src.xml"))
    d = load(os.path.join(REC, rec, "dst.xml"))
    p = load(os.path.join(REC, rec, "pair.xml"))
    for h in (s, d):
        scrub_machine(h)
    drop_serial_logs(s)
    pair_base(p)
    return s, d, p


def main():
    # Only the cases made here are rewritten: cases written by hand from a recorded pair (their
    # README says so, e.g. dst-needs-met) stay as they are.
    os.makedirs(CASES, exist_ok=True)
    for name in [c["name"] for c in CASE_LIST] + list(BAD):
        if os.path.isdir(os.path.join(CASES, name)):
            shutil.rmtree(os.path.join(CASES, name))
    base = {}
    for rec in ("lab-bridge-present", "lab-bridge-missing", "lab-network-missing",
                "lab-network-present", "lab-local", "lab-predict"):
        base[rec] = tuple(text(x) for x in prepare(rec))
    owners = {}  # (recording, file index) -> the case holding the unedited file
    for c in CASE_LIST:
        s, d, p = prepare(c["recording"])
        ctx = {}
        c["edit"](s, d, p, ctx)
        cdir = os.path.join(CASES, c["name"])
        os.makedirs(cdir)
        files = [("src.xml", text(s), 0), ("dst.xml", text(d), 1)]
        if c["pair"]:
            files.append(("pair.xml", text(p), 2))
        for fname, data, i in files:
            key = (c["recording"], i)
            unedited = data == base[c["recording"]][i]
            if unedited and key in owners:
                write(os.path.join(cdir, fname), None, link_to="../%s/%s" % (owners[key], fname))
                continue
            write(os.path.join(cdir, fname), data)
            if unedited:
                owners[key] = c["name"]
        if ctx.get("policy", "").startswith("man:"):
            write(os.path.join(cdir, "policy.xml"), man_example(ctx["policy"][4:]))
        elif ctx.get("policy") == "man-expressions":
            write(os.path.join(cdir, "policy.xml"), man_expressions())
        if "vm_xml" in ctx:
            write(os.path.join(cdir, "vm.xml"), ctx["vm_xml"].encode())
        write(os.path.join(cdir, "args"), (c["args"] + "\n").encode() if c["args"] else b"")
        write(os.path.join(cdir, "README"), (c["readme"] + "\n").encode())
    # Bad input: the base pair with one file broken.
    for name, (readme, fname, data) in BAD.items():
        cdir = os.path.join(CASES, name)
        os.makedirs(cdir)
        for f in ("src.xml", "dst.xml"):
            write(os.path.join(cdir, f), None, link_to="../base/%s" % f)
        if name == "bad-future-version":
            data = base["lab-bridge-present"][1].replace(b'<migcheck-facts version="1"',
                                                         b'<migcheck-facts version="99"', 1)
        if name == "bad-pair-facts":
            data = base["lab-bridge-present"][2]
        if name == "bad-missing-file":
            os.remove(os.path.join(cdir, "src.xml"))
        elif fname:
            write(os.path.join(cdir, fname), data)
        write(os.path.join(cdir, "args"), b"")
        write(os.path.join(cdir, "README"), (readme + "\n").encode())
    print("wrote %d cases to %s" % (len(CASE_LIST) + len(BAD), CASES))


if __name__ == "__main__":
    sys.exit(main())
