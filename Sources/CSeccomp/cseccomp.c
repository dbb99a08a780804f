#define _GNU_SOURCE
#include "cseccomp.h"

#include <stddef.h>
#include <sys/mman.h>

scmp_filter_ctx cseccomp_init_allow(void)
{
    return seccomp_init(SCMP_ACT_ALLOW);
}

int cseccomp_rule_fake_success(scmp_filter_ctx ctx, int nr)
{
    return seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(0), nr, 0, NULL);
}

int cseccomp_rule_fake_success_if_arg0_below(scmp_filter_ctx ctx, int nr, uint64_t limit)
{
    const struct scmp_arg_cmp below = {
        .arg = 0,
        .op = SCMP_CMP_LT,
        .datum_a = limit,
        .datum_b = 0,
    };
    return seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(0), nr, 1, &below);
}

int cseccomp_memfd(const char *name)
{
    return memfd_create(name, MFD_CLOEXEC);
}
