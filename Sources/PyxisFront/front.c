/*
 * The SPANK plugin Slurm loads (spank_pyxis.so): a small C front that loads the Swift plugin
 * (pyxis/spank_pyxis_core.so beside it) only in processes that need it.
 *
 * Why: loading an image with the Swift runtime costs ≈ 0.3 ms in slurmstepd and ≈ 1.4 ms in
 * the srun of Slurm 26.05 (which has threads by then, so the loader's relocations and page
 * protections cost more), and most steps run no container. So the front registers the options
 * itself (the table, help text included, is generated from the Swift option catalog) and loads
 * the core when a --container-* option arrives, or when a PYXIS_* variable is in the
 * environment (the job's in slurmstepd, the process's in srun, sbatch and salloc); in the job
 * epilog only with container_scope=job; in slurmd at once. The plugstack line is checked at
 * init everywhere: a line the C reading (PlugstackCheck) cannot vouch for loads the core,
 * which judges it and says what is wrong.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <slurm/spank.h>

#include "plugstack_check.h"
#include "pyxis_options.h" /* generated: PYXIS_OPTIONS, { name, arginfo, usage, val } rows */

SPANK_PLUGIN(pyxis, 1)

#define CORE_RELATIVE_PATH "pyxis/spank_pyxis_core.so"

/* The core's entry points (Sources/PyxisPlugin/Entry.swift). */
static struct {
    int (*init)(void *spank, int argc, char **argv);
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
static int load_core(spank_t spank)
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
    if (core.init(spank, saved_argc, saved_argv) != 0) {
        /* The core said why (in slurmstepd: in slurmd's log). */
        snprintf(load_error, sizeof(load_error), "pyxis: the plugin could not start on this node; see slurmd's log");
        return -1;
    }
    core_loaded = 1;
    failed = 0;
    return 0;
}

/* The option callback: the first option that arrives loads the core. In slurmstepd a failed
 * load fails the tasks (Slurm ignores a failing callback there); srun, sbatch and salloc stop on
 * it, with load_error already printed. */
static int option_arrived(int val, const char *optarg, int remote)
{
    if (load_core(NULL) != 0) {
        remote_failed = spank_context() == S_CTX_REMOTE;
        return -1;
    }
    return core.option(val, optarg, remote);
}

static const struct { const char *name; const char *arginfo; const char *usage; int val; } options[] = { PYXIS_OPTIONS };
#define OPTION_COUNT (sizeof(options) / sizeof(options[0]))

/* pyxis's two lines when Slurm refuses an option (another plugin may have taken the name). */
static int register_options(spank_t spank)
{
    static struct spank_option registered[OPTION_COUNT]; /* Slurm keeps the pointers */
    for (size_t i = 0; i < OPTION_COUNT; i++) {
        registered[i] = (struct spank_option){
            .name = (char *)options[i].name, .arginfo = (char *)options[i].arginfo,
            .usage = (char *)options[i].usage, .has_arg = options[i].arginfo != NULL,
            .val = options[i].val, .cb = option_arrived,
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

static int has_pyxis_variable(char **env)
{
    for (; env != NULL && *env != NULL; env++)
        if (strncmp(*env, "PYXIS_", 6) == 0)
            return 1;
    return 0;
}

/* The step's PYXIS_* defaults: the job's environment in slurmstepd, the process's elsewhere. */
static int pyxis_variable_set(spank_t spank)
{
    if (spank_context() != S_CTX_REMOTE)
        return has_pyxis_variable(environ);
    char **env = NULL;
    return spank_get_item(spank, S_JOB_ENV, &env) == ESPANK_SUCCESS && has_pyxis_variable(env);
}

int slurm_spank_init(spank_t sp, int ac, char **av)
{
    if (save_arguments(ac, av) != 0) {
        slurm_error("pyxis: could not allocate memory");
        return -1;
    }
    switch (spank_context()) {
    case S_CTX_REMOTE: /* srun checked the line already: a bad one reaches the core's init */
        return register_options(sp);
    case S_CTX_LOCAL:
    case S_CTX_ALLOCATOR:
        /* A bad line stops every srun, sbatch and salloc, as with pyxis: the core explains. */
        if (!pyxis_plugstack_surely_valid(ac, av) && load_core(sp) != 0)
            return -1;
        if (spank_context() == S_CTX_ALLOCATOR && !pyxis_plugstack_sbatch_support(ac, av))
            return 0;
        return register_options(sp);
    case S_CTX_SLURMD:
        return load_core(sp);
    default: /* the job script context: only job_epilog, which loads the core itself */
        return 0;
    }
}

int slurm_spank_init_post_opt(spank_t sp, int ac, char **av)
{
    (void)ac; (void)av;
    if (!core_loaded && pyxis_variable_set(sp) && load_core(sp) != 0) {
        if (spank_context() != S_CTX_REMOTE)
            return -1;
        remote_failed = 1;
    }
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
    if (load_core(sp) != 0)
        return -1;
    return core.job_epilog(sp, ac, av);
}
