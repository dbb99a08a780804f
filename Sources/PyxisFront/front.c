/*
 * The SPANK plugin Slurm loads (spank_pyxis.so): a small C front that loads the Swift plugin
 * (pyxis/spank_pyxis_core.so beside it) only in processes that need it.
 *
 * Why: any image with the Swift runtime costs ≈ 0.3 ms to dlopen, and slurmstepd loads the
 * plugstack for every step — most of which run no container. So in slurmstepd the front
 * registers the options itself (the table is generated from the Swift option catalog) and
 * loads the core only when a --container-* option arrives or the job's environment has a
 * PYXIS_* variable; the job epilog only with container_scope=job. srun, sbatch, salloc and
 * slurmd load it at once: they check the plugstack arguments and register the options with
 * their help text, as before.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slurm/spank.h>

#include "pyxis_options.h" /* generated: PYXIS_OPTIONS, { name, has_arg, val } rows */

SPANK_PLUGIN(pyxis, 1)

#define CORE_RELATIVE_PATH "pyxis/spank_pyxis_core.so"

/* The core's entry points (Sources/PyxisPlugin/Entry.swift). */
static struct {
    int (*init)(void *spank, int argc, char **argv, int options_registered);
    int (*option)(int val, const char *optarg, int remote);
    int (*init_post_opt)(void *spank);
    int (*user_init)(void *spank);
    int (*task_init)(void *spank);
    int (*task_exit)(void *spank);
    int (*exit)(void *spank);
    int (*job_epilog)(void *spank, int argc, char **argv);
} core;
static int core_loaded;

/* slurm_spank_init's arguments, kept for a core loaded later in slurmstepd. */
static int saved_argc;
static char **saved_argv;

static int save_arguments(int argc, char **argv)
{
    saved_argv = calloc((size_t)argc + 1, sizeof(char *));
    if (saved_argv == NULL)
        return -1;
    for (int i = 0; i < argc; i++)
        if ((saved_argv[i] = strdup(argv[i])) == NULL)
            return -1;
    saved_argc = argc;
    return 0;
}

/* realpath of this plugin's directory + CORE_RELATIVE_PATH: the core is installed beside the
 * front, wherever the plugstack line points (a symlinked front finds its real directory). */
static int core_path(char *path, size_t size)
{
    Dl_info info;
    char self[PATH_MAX];
    if (dladdr((void *)core_path, &info) == 0 || info.dli_fname == NULL || realpath(info.dli_fname, self) == NULL)
        return -1;
    char *slash = strrchr(self, '/');
    if (slash == NULL)
        return -1;
    *slash = '\0';
    return snprintf(path, size, "%s/%s", self, CORE_RELATIVE_PATH) < (int)size ? 0 : -1;
}

/* Why the core could not be loaded, for a report from task_init in slurmstepd. */
static char load_error[PATH_MAX + 256];
/* slurmstepd: a container was asked for but the core could not be loaded. Slurm ignores a
 * failing option callback and shows the user nothing from init_post_opt, so task_init fails the
 * task with load_error: the command must not run on the host instead of in the container. */
static int remote_failed;

#define LOAD_ERROR(...) \
    do { \
        snprintf(load_error, sizeof(load_error), __VA_ARGS__); \
        slurm_error("%s", load_error); \
        return -1; \
    } while (0)

#define BIND(field, symbol) \
    if ((*(void **)&core.field = dlsym(handle, symbol)) == NULL) \
        LOAD_ERROR("pyxis: %s has no symbol %s", path, symbol)

/* Loads the core and runs its init; 0 on success. Once per process: a failure is reported
 * once, and later callbacks fail without repeating it. */
static int load_core(spank_t spank, int options_registered)
{
    static int failed;
    char path[PATH_MAX];
    if (core_loaded)
        return 0;
    if (failed)
        return -1;
    failed = 1;
    if (core_path(path, sizeof(path)) != 0)
        LOAD_ERROR("pyxis: cannot find the directory of spank_pyxis.so, where %s should be", CORE_RELATIVE_PATH);
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL)
        LOAD_ERROR("pyxis: cannot load the Swift core: %s (`make install` puts it beside spank_pyxis.so)", dlerror());
    BIND(init, "pyxis_swift_init");
    BIND(option, "pyxis_swift_option");
    BIND(init_post_opt, "pyxis_swift_init_post_opt");
    BIND(user_init, "pyxis_swift_user_init");
    BIND(task_init, "pyxis_swift_task_init");
    BIND(task_exit, "pyxis_swift_task_exit");
    BIND(exit, "pyxis_swift_exit");
    BIND(job_epilog, "pyxis_swift_job_epilog");
    if (core.init(spank, saved_argc, saved_argv, options_registered) != 0) {
        /* The core said why (in slurmstepd: in slurmd's log). */
        snprintf(load_error, sizeof(load_error), "pyxis: the plugin could not start on this node; see slurmd's log");
        return -1;
    }
    core_loaded = 1;
    failed = 0;
    return 0;
}

/* Remote option callback: the first option that arrives loads the core. */
static int remote_option(int val, const char *optarg, int remote)
{
    if (load_core(NULL, 1) != 0) {
        remote_failed = 1;
        return -1;
    }
    return core.option(val, optarg, remote);
}

static const struct { const char *name; int has_arg; int val; } options[] = { PYXIS_OPTIONS };
#define OPTION_COUNT (sizeof(options) / sizeof(options[0]))

/* In slurmstepd Slurm matches the options srun forwarded by name: usage text is not needed. */
static int register_remote_options(spank_t spank)
{
    static struct spank_option registered[OPTION_COUNT]; /* Slurm keeps the pointers */
    for (size_t i = 0; i < OPTION_COUNT; i++) {
        registered[i] = (struct spank_option){
            .name = (char *)options[i].name, .arginfo = NULL, .usage = (char *)"",
            .has_arg = options[i].has_arg, .val = options[i].val, .cb = remote_option,
        };
        spank_err_t rc = spank_option_register(spank, &registered[i]);
        if (rc != ESPANK_SUCCESS) {
            slurm_error("pyxis: couldn't register option %s: %s", options[i].name, spank_strerror(rc));
            slurm_error("pyxis: failed to register arguments");
            return -1;
        }
    }
    return 0;
}

static int job_has_pyxis_variable(spank_t spank)
{
    char **env = NULL;
    if (spank_get_item(spank, S_JOB_ENV, &env) != ESPANK_SUCCESS || env == NULL)
        return 0;
    for (; *env != NULL; env++)
        if (strncmp(*env, "PYXIS_", 6) == 0)
            return 1;
    return 0;
}

int slurm_spank_init(spank_t sp, int ac, char **av)
{
    if (save_arguments(ac, av) != 0) {
        slurm_error("pyxis: could not allocate memory");
        return -1;
    }
    switch (spank_context()) {
    case S_CTX_REMOTE:
        return register_remote_options(sp);
    case S_CTX_LOCAL:
    case S_CTX_ALLOCATOR:
    case S_CTX_SLURMD:
        return load_core(sp, 0);
    default: /* the job script context: only job_epilog, which loads the core itself */
        return 0;
    }
}

int slurm_spank_init_post_opt(spank_t sp, int ac, char **av)
{
    (void)ac; (void)av;
    if (!core_loaded && spank_context() == S_CTX_REMOTE && job_has_pyxis_variable(sp) && load_core(sp, 1) != 0)
        remote_failed = 1;
    return core_loaded ? core.init_post_opt(sp) : 0;
}

int slurm_spank_user_init(spank_t sp, int ac, char **av) { (void)ac; (void)av; return core_loaded ? core.user_init(sp) : 0; }
int slurm_spank_task_init(spank_t sp, int ac, char **av)
{
    (void)ac; (void)av;
    if (remote_failed) {
        slurm_error("%s", load_error);
        return -1;
    }
    return core_loaded ? core.task_init(sp) : 0;
}

int slurm_spank_task_exit(spank_t sp, int ac, char **av) { (void)ac; (void)av; return core_loaded ? core.task_exit(sp) : 0; }
int slurm_spank_exit(spank_t sp, int ac, char **av) { (void)ac; (void)av; return core_loaded ? core.exit(sp) : 0; }

/* Slurm runs the job epilog in a fresh process without slurm_spank_init: the arguments come
 * here. It has work only with container_scope=job (which PluginConfig accepts only spelled so):
 * every other job's epilog does not load the core. */
int slurm_spank_job_epilog(spank_t sp, int ac, char **av)
{
    int job_scope = 0;
    for (int i = 0; i < ac; i++)
        job_scope |= strcmp(av[i], "container_scope=job") == 0;
    if (!job_scope)
        return 0;
    if (saved_argv == NULL && save_arguments(ac, av) != 0)
        return -1;
    if (load_core(sp, 1) != 0)
        return -1;
    return core.job_epilog(sp, ac, av);
}
