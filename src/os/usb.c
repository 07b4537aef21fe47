/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host's USB devices, as libvirt looks a USB host device up on the host that starts the
 * domain's QEMU (virUSBDeviceSearch): every entry of /sys/bus/usb/devices whose name has no
 * ':' (those are interfaces), with its idVendor and idProduct (hex), its bus and its devnum
 * (decimal). libvirt takes the bus from the entry's name; busnum holds the same number.
 * Read through a source, so the native agent (this host) and the sh agent (the probe's dump)
 * take one code path.
 */
#include "usb.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "checker/facts-schema.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define USB_DIR      "/sys/bus/usb/devices"
#define USB_ATTR_MAX 64
#define USB_MAX_DEVS 4096 /* a host has tens; more is garbage */

const char *const mc_usb_probe_spec[] = {
    "D " USB_DIR,
    "T " USB_DIR "/*/busnum",
    "T " USB_DIR "/*/devnum",
    "T " USB_DIR "/*/idVendor",
    "T " USB_DIR "/*/idProduct",
    NULL,
};

/* The text of a sysfs attribute without its line end: digits only, at most max of them. */
static bool attr_digits(const char *s, bool hex, size_t max, const char **ret_end)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        bool ok =
            (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
        if (!ok)
            break;
    }
    if (n == 0 || n > max)
        return false;
    const char *e = s + n;
    if (*e == '\n')
        e++;
    if (*e)
        return false;
    *ret_end = s + n;
    return true;
}

int mc_usb_parse_id(const char *text, char **ret)
{
    const char *end;
    if (!text || !attr_digits(text, true, 4, &end))
        return -EINVAL;
    unsigned long v = strtoul(text, NULL, 16);
    *ret = mc_xasprintf("%04lx", v);
    return 0;
}

int mc_usb_parse_num(const char *text, int64_t *ret)
{
    const char *end;
    if (!text || !attr_digits(text, false, 4, &end))
        return -EINVAL;
    int64_t v = strtoll(text, NULL, 10);
    if (v <= 0)
        return -EINVAL;
    *ret = v;
    return 0;
}

static int read_attr(struct mc_source *src, const char *dir, const char *name, const char *attr,
                     char **ret)
{
    _cleanup_free_ char *path = mc_xasprintf("%s/%s/%s", dir, name, attr);
    return mc_source_read(src, path, USB_ATTR_MAX, ret, NULL);
}

/* One device; -errno with *ret_what naming what failed. */
static int gather_device(struct mc_source *src, const char *dir, const char *name,
                         struct mc_usb_device *d, const char **ret_what)
{
    static const char *const attrs[] = { "idVendor", "idProduct", "busnum", "devnum" };
    char *text[4] = { NULL };
    int r = 0;
    for (size_t i = 0; i < 4 && r == 0; i++) {
        r = read_attr(src, dir, name, attrs[i], &text[i]);
        if (r < 0)
            *ret_what = attrs[i];
    }
    if (r == 0) {
        d->name = mc_xstrdup(name);
        if (mc_usb_parse_id(text[0], &d->vendor) < 0)
            r = -EINVAL, *ret_what = attrs[0];
        else if (mc_usb_parse_id(text[1], &d->product) < 0)
            r = -EINVAL, *ret_what = attrs[1];
        else if (mc_usb_parse_num(text[2], &d->bus) < 0)
            r = -EINVAL, *ret_what = attrs[2];
        else if (mc_usb_parse_num(text[3], &d->device) < 0)
            r = -EINVAL, *ret_what = attrs[3];
    }
    for (size_t i = 0; i < 4; i++)
        free(text[i]);
    return r;
}

void mc_usb_gather(struct mc_source *src, struct mc_host_facts *h)
{
    mc_usb_gather_at(src, USB_DIR, h);
}

void mc_usb_gather_at(struct mc_source *src, const char *dir, struct mc_host_facts *h)
{
    mc_facts_drop_errors(h, "usb");
    if (h->usb) {
        mc_struct_clear(&mc_desc_usb_facts, h->usb);
        free(h->usb);
        h->usb = NULL;
    }
    struct mc_dirent *ents = NULL;
    size_t n = 0;
    int r = mc_source_list(src, dir, &ents, &n);
    if (r == -ENOENT) {
        /* No USB bus: libvirt fails to open the directory for any USB host device. */
        h->usb = mc_new0(struct mc_usb_facts, 1);
        h->usb->no_sysfs = true;
        return;
    }
    if (r < 0) {
        mc_facts_add_error(h, "usb", r, "cannot list '%s': %s", dir, strerror(-r));
        return;
    }
    struct mc_usb_facts *u = mc_new0(struct mc_usb_facts, 1);
    for (size_t i = 0; i < n; i++) {
        const char *name = ents[i].name;
        if (!name[0] || name[0] == '.' || strchr(name, ':') || strchr(name, '/'))
            continue;
        if (u->n_devices >= USB_MAX_DEVS) {
            r = -E2BIG;
            mc_facts_add_error(h, "usb", r, "'%s' lists more than %d devices", dir, USB_MAX_DEVS);
            break;
        }
        struct mc_usb_device d = { 0 };
        const char *what = "";
        r = gather_device(src, dir, name, &d, &what);
        if (r < 0) {
            /* libvirt's search fails the same way on such an entry ("Could not parse usb
             * file"): the list is not what libvirt would see, so it is not known. */
            mc_facts_add_error(h, "usb", r, "cannot read '%s/%s/%s': %s", dir, name, what,
                               r == -EINVAL ? "not what the kernel writes there" : strerror(-r));
            free(d.name);
            free(d.vendor);
            free(d.product);
            break;
        }
        *MC_APPEND(u->devices, u->n_devices) = d;
    }
    mc_dirents_free(ents, n);
    if (r < 0) {
        mc_struct_clear(&mc_desc_usb_facts, u);
        free(u);
        return;
    }
    h->usb = u;
}
