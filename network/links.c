/* placeholder */
#include "network.h"
const char *const mc_net_probe_spec[] = { NULL };
void mc_net_gather_netlink(struct mc_host_facts *h)
{
    mc_facts_add_error(h, "net", 38, "not implemented yet");
}
void mc_net_gather_source(struct mc_source *src, struct mc_host_facts *h)
{
    (void)src;
    mc_facts_add_error(h, "net", 38, "not implemented yet");
}
void mc_net_gather_listening(struct mc_source *src, struct mc_host_facts *h)
{
    (void)src;
    (void)h;
}
