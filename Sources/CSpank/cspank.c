/* Typed wrappers around Slurm's SPANK API for the Swift core. */
#define _GNU_SOURCE /* program_invocation_short_name */
#include "cspank.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <slurm/spank.h>

int cspank_context(void) { return (int)spank_context(); }


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

int cspank_get_gids(void *spank, const uint32_t **gids, int *count)
{
    gid_t *list = NULL;
    int n = 0;
    if (spank_get_item(spank, S_JOB_SUPPLEMENTARY_GIDS, &list, &n) != ESPANK_SUCCESS)
        return -1;
    *gids = (const uint32_t *)list;
    *count = n;
    return 0;
}

int cspank_get_argv(void *spank, int *argc, char ***argv)
{
    return spank_get_item(spank, S_JOB_ARGV, argc, argv) == ESPANK_SUCCESS ? 0 : -1;
}

int cspank_get_env(void *spank, char ***env)
{
    return spank_get_item(spank, S_JOB_ENV, env) == ESPANK_SUCCESS ? 0 : -1;
}

const char *cspank_slurm_version(void *spank)
{
    char *version = NULL;
    if (spank_get_item(spank, S_SLURM_VERSION, &version) != ESPANK_SUCCESS)
        return NULL;
    return version;
}

const char *cspank_program(void)
{
    return program_invocation_short_name;
}

int cspank_get_job(void *spank, cspank_job *job)
{
    uid_t uid;
    gid_t gid;
    if (spank_get_item(spank, S_JOB_UID, &uid) != ESPANK_SUCCESS
        || spank_get_item(spank, S_JOB_ID, &job->job_id) != ESPANK_SUCCESS)
        return -1;
    job->uid = uid;
    /* The job script context (prolog/epilog) has no S_JOB_GID. */
    job->gid = spank_get_item(spank, S_JOB_GID, &gid) == ESPANK_SUCCESS ? gid : (uint32_t)-1;
    /* Not available in every context (job epilog): zero then. */
    if (spank_get_item(spank, S_JOB_STEPID, &job->step_id) != ESPANK_SUCCESS)
        job->step_id = 0;
    if (spank_get_item(spank, S_JOB_LOCAL_TASK_COUNT, &job->local_task_count) != ESPANK_SUCCESS)
        job->local_task_count = 0;
    if (spank_get_item(spank, S_JOB_TOTAL_TASK_COUNT, &job->total_task_count) != ESPANK_SUCCESS)
        job->total_task_count = 0;
    return 0;
}

int cspank_setenv(void *spank, const char *name, const char *value)
{
    return spank_setenv(spank, name, value, 1) == ESPANK_SUCCESS ? 0 : -1;
}

int cspank_unsetenv(void *spank, const char *name)
{
    return spank_unsetenv(spank, name) == ESPANK_SUCCESS ? 0 : -1;
}

void cspank_error(const char *message) { slurm_error("pyxis: %s", message); }
void cspank_info(const char *message) { slurm_info("pyxis: %s", message); }
void cspank_verbose(const char *message) { slurm_verbose("pyxis: %s", message); }
void cspank_log(const char *message) { slurm_spank_log("pyxis: %s", message); }
