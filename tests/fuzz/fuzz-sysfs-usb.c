/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Untrusted sysfs: the input is a probe dump (boundary "usb0undary4test") that mc_usb_gather
 * reads as a host's /sys/bus/usb/devices. It never crashes or loops; what it gathers is either
 * not known (with an error of area "usb") or a list of well-formed devices, which writes to a
 * snapshot, reads back and writes again to the very same bytes.
 */
#include "fuzz.h"
#include <stdlib.h>
#include <string.h>

#include "fuzz-facts.h"
#include "checker/xml-util.h"
#include "os/usb.h"
#include "util/source.h"

static void check_device(const struct mc_usb_device *d)
{
    if (!d->name || !*d->name || strchr(d->name, ':') || !d->vendor || strlen(d->vendor) != 4 ||
        !d->product || strlen(d->product) != 4 || d->bus <= 0 || d->device <= 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mc_error err = { 0 };
    struct mc_source *s = NULL;
    mc_xml_init();
    if (mc_source_dump((const char *)data, size, "usb0undary4test", "fuzz", &s, &err) < 0) {
        mc_error_clear(&err);
        return 0;
    }
    struct mc_host_facts *h = mc_host_facts_new();
    mc_usb_gather(s, h);
    if (!h->usb && h->n_errors == 0)
        abort(); /* not known says why */
    if (h->usb)
        for (size_t i = 0; i < h->usb->n_devices; i++)
            check_device(&h->usb->devices[i]);
    fuzz_assert_snapshot_round_trip(h);
    mc_host_facts_free(h);
    mc_source_free(s);
    return 0;
}
