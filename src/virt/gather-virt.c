/* placeholder */
#include "virt.h"
const char *const mc_virt_probe_spec[] = { NULL };
void mc_virt_gather(virConnectPtr conn, struct mc_source *src, struct mc_host_facts *h)
{
    (void)conn;
    (void)src;
    mc_facts_add_error(h, "virt", 38, "not implemented yet");
}
void mc_vm_gather(virConnectPtr conn, const char *name, struct mc_host_facts *h)
{
    (void)conn;
    (void)name;
    mc_facts_add_error(h, "vm", 38, "not implemented yet");
}
