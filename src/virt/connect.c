/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>

#include "util/xalloc.h"
#include "virt.h"

static void quiet(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

static void do_init(void)
{
    virSetErrorFunc(NULL, quiet);
    virInitialize();
}

void mc_virt_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, do_init);
}

int mc_virt_last_code(void)
{
    virErrorPtr e = virGetLastError();
    return e ? e->code : VIR_ERR_OK;
}

int mc_virt_last_errno(void)
{
    /* A system error carries the errno of the call that failed ("Failed to connect socket to
     * '/run/libvirt/libvirt-sock': No such file or directory" is ENOENT). */
    virErrorPtr e = virGetLastError();
    if (e && e->code == VIR_ERR_SYSTEM_ERROR && e->int1 > 0)
        return -e->int1;
    switch (mc_virt_last_code()) {
    case VIR_ERR_NO_SUPPORT:
    case VIR_ERR_OPERATION_UNSUPPORTED:
    case VIR_ERR_ARGUMENT_UNSUPPORTED:
        return -ENOTSUP;
    case VIR_ERR_NO_DOMAIN:
    case VIR_ERR_NO_STORAGE_POOL:
    case VIR_ERR_NO_STORAGE_VOL:
    case VIR_ERR_NO_NETWORK:
        return -ENOENT;
    case VIR_ERR_OPERATION_DENIED:
    case VIR_ERR_ACCESS_DENIED:
    case VIR_ERR_AUTH_FAILED:
    case VIR_ERR_AUTH_CANCELLED:
        return -EPERM;
    case VIR_ERR_INVALID_ARG:
        return -EINVAL;
    case VIR_ERR_XML_ERROR:
    case VIR_ERR_XML_DETAIL:
        return -EBADMSG;
    case VIR_ERR_NO_CONNECT:
    case VIR_ERR_RPC:
    case VIR_ERR_INVALID_CONN:
        return -ECONNREFUSED;
    case VIR_ERR_OPERATION_TIMEOUT:
        return -ETIMEDOUT;
    case VIR_ERR_NO_MEMORY:
        return -ENOMEM;
    default:
        return -EIO;
    }
}

int mc_virt_error(struct mc_error *e, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    _cleanup_free_ char *what = mc_xvasprintf(fmt, ap);
    va_end(ap);
    if (code == 0)
        code = mc_virt_last_errno();
    const char *msg = virGetLastErrorMessage();
    int r = mc_error_set(e, code, "%s: %s", what, msg ? msg : "unknown libvirt error");
    virResetLastError();
    return r;
}

int mc_virt_open(const char *uri, bool readonly, virConnectPtr *ret, struct mc_error *reterr)
{
    mc_virt_init();
    virConnectPtr c = readonly ? virConnectOpenReadOnly(uri)
                               : virConnectOpenAuth(uri, virConnectAuthPtrDefault, 0);
    if (!c) {
        virErrorPtr e = virGetLastError();
        bool sys = e && e->code == VIR_ERR_SYSTEM_ERROR && e->int1 > 0;
        return mc_virt_error(reterr, sys ? 0 : -ECONNREFUSED, "cannot connect to '%s'", uri);
    }
    *ret = c;
    return 0;
}
