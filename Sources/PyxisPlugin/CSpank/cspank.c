/* SPANK entry points: one-line trampolines into the @_cdecl Swift functions. */
#include "cspank.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <slurm/spank.h>

SPANK_PLUGIN(pyxis, 1)

/* Defined in Swift (Sources/PyxisPlugin/Entry.swift). */
extern int pyxis_swift_init(void *spank, int argc, char **argv);
extern int pyxis_swift_option(int val, const char *optarg, int remote);
extern int pyxis_swift_init_post_opt(void *spank);
extern int pyxis_swift_task_init(void *spank);

int slurm_spank_init(spank_t sp, int ac, char **av) { return pyxis_swift_init(sp, ac, av); }
int slurm_spank_init_post_opt(spank_t sp, int ac, char **av) { (void)ac; (void)av; return pyxis_swift_init_post_opt(sp); }
int slurm_spank_task_init(spank_t sp, int ac, char **av) { (void)ac; (void)av; return pyxis_swift_task_init(sp); }

static int option_callback(int val, const char *optarg, int remote)
{
    return pyxis_swift_option(val, optarg, remote);
}

int cspank_context(void) { return (int)spank_context(); }

int cspank_register_option(void *spank, const char *name, const char *arginfo,
                           const char *usage, int val)
{
    /* Slurm may keep the pointer: the copy lives as long as the process (the plugin is
     * loaded with -z nodelete and registers its options once per process). */
    struct spank_option *opt = calloc(1, sizeof(*opt));
    if (opt == NULL)
        return -1;
    opt->name = strdup(name);
    opt->arginfo = arginfo != NULL ? strdup(arginfo) : NULL;
    opt->usage = strdup(usage);
    opt->has_arg = arginfo != NULL ? 1 : 0;
    opt->val = val;
    opt->cb = option_callback;
    if (opt->name == NULL || opt->usage == NULL || (arginfo != NULL && opt->arginfo == NULL))
        return -1;
    return spank_option_register(spank, opt) == ESPANK_SUCCESS ? 0 : -1;
}

char *cspank_getenv(void *spank, const char *name)
{
    int size = 4096;
    for (;;) {
        char *buf = malloc((size_t)size);
        if (buf == NULL)
            return NULL;
        spank_err_t rc = spank_getenv(spank, name, buf, size);
        if (rc == ESPANK_SUCCESS)
            return buf;
        free(buf);
        if (rc != ESPANK_NOSPACE || size >= (1 << 24))
            return NULL;
        size *= 4;
    }
}

int cspank_get_u32(void *spank, int item, uint32_t *value)
{
    return spank_get_item(spank, (spank_item_t)item, value) == ESPANK_SUCCESS ? 0 : -1;
}

void cspank_error(const char *message) { slurm_error("pyxis: %s", message); }
void cspank_info(const char *message) { slurm_info("pyxis: %s", message); }
void cspank_verbose(const char *message) { slurm_verbose("pyxis: %s", message); }
