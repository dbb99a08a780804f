/*
 * cspank: the C side of the SPANK plugin.
 *
 * Why this shim exists: the SPANK symbol table (plugin_name, plugin_type, plugin_version,
 * spank_plugin_version) must come from the installed <slurm/spank.h> SPANK_PLUGIN() macro so
 * it always matches the Slurm being built against; Slurm's logging functions and
 * spank_get_item() are variadic, which Swift cannot call; and option callbacks need a C
 * function pointer. Everything here is a typed one-liner. The handle is passed as void * so
 * Swift never imports spank.h.
 */
#ifndef CSPANK_H
#define CSPANK_H

#include <stdint.h>

/* spank_context(): 1 local (srun), 2 remote (slurmstepd), 3 allocator, 4 slurmd, 5 job script. */
int cspank_context(void);

/* spank_option_register() with a permanent copy of the strings; callbacks go to Swift. */
int cspank_register_option(void *spank, const char *name, const char *arginfo,
                           const char *usage, int val);

/* spank_getenv() into a malloc'd buffer (caller frees), or NULL when unset. */
char *cspank_getenv(void *spank, const char *name);

/* spank_get_item() for the uint32_t items (S_JOB_UID, S_JOB_ID, ...). 0 on success. */
int cspank_get_u32(void *spank, int item, uint32_t *value);

/* slurm_error / slurm_info / slurm_verbose("pyxis: %s", message). */
void cspank_error(const char *message);
void cspank_info(const char *message);
void cspank_verbose(const char *message);

#endif
