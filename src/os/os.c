/* placeholder: replaced by the os gatherer */
#include "os.h"
const char *const mc_os_probe_spec[] = { NULL };
void mc_os_gather(struct mc_source *src, struct mc_host_facts *h)
{
    (void)src;
    mc_facts_add_error(h, "os", 38, "not implemented yet");
}
void mc_os_hash_vm_roms(struct mc_source *src, struct mc_host_facts *h)
{
    (void)src;
    (void)h;
}
