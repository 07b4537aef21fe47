/* placeholder */
#include "storage.h"
const char *const mc_mounts_probe_spec[] = { NULL };
const char *const mc_storage_probe_spec[] = { NULL };
void mc_mounts_gather(struct mc_source *src, struct mc_host_facts *h)
{
    (void)src;
    mc_facts_add_error(h, "mounts", 38, "not implemented yet");
}
void mc_storage_gather(struct mc_source *src, struct mc_host_facts *h)
{
    (void)src;
    mc_facts_add_error(h, "storage", 38, "not implemented yet");
}
