/*
 * cspank: the C side of the Swift core (the plugin Slurm loads is the C front in
 * Sources/PyxisFront, which loads this core when a process needs it).
 *
 * Why this shim exists: Slurm's logging functions and spank_get_item() are variadic, which
 * Swift cannot call. Everything here is a typed one-liner. The handle is passed as void * so Swift never imports spank.h.
 */
#ifndef CSPANK_H
#define CSPANK_H

#include <stdint.h>

/* spank_context(): 1 local (srun), 2 remote (slurmstepd), 3 allocator, 4 slurmd, 5 job script. */
int cspank_context(void);

/* spank_getenv() into a malloc'd buffer (caller frees), or NULL when unset. */
char *cspank_getenv(void *spank, const char *name);


/* S_JOB_SUPPLEMENTARY_GIDS (gid_t is uint32_t on Linux); the list belongs to Slurm. */
int cspank_get_gids(void *spank, const uint32_t **gids, int *count);

/* S_JOB_ARGV and S_JOB_ENV: arrays that belong to Slurm (slurmstepd only). */
int cspank_get_argv(void *spank, int *argc, char ***argv);
int cspank_get_env(void *spank, char ***env);

/* The job's identity and the step's shape (S_JOB_UID, S_JOB_GID, S_JOB_ID, S_JOB_STEPID,
 * S_JOB_LOCAL_TASK_COUNT, S_JOB_TOTAL_TASK_COUNT); items a context lacks are 0 (gid: -1).
 * 0 on success. */
typedef struct {
    uint32_t uid, gid, job_id, step_id, local_task_count, total_task_count;
} cspank_job;
int cspank_get_job(void *spank, cspank_job *job);

/* S_SLURM_VERSION ("22.05.8"), a string that belongs to Slurm; NULL when unavailable. */
const char *cspank_slurm_version(void *spank);
/* The running program's name (program_invocation_short_name: "sbatch", "salloc", ...). */
const char *cspank_program(void);

/* spank_setenv (overwriting) / spank_unsetenv in the job's environment. 0 on success. */
int cspank_setenv(void *spank, const char *name, const char *value);
int cspank_unsetenv(void *spank, const char *name);

/* slurm_error / slurm_info / slurm_verbose("pyxis: %s", message). */
void cspank_error(const char *message);
void cspank_info(const char *message);
void cspank_verbose(const char *message);
/* slurm_spank_log("pyxis: %s"): shown to the user at the default verbosity. */
void cspank_log(const char *message);

#endif
