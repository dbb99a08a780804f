/*
 * csystem: process spawning for the plugin.
 *
 * Why this shim exists: the plugin runs enroot and importers as the job's user from inside
 * slurmstepd (root). Between fork and exec only async-signal-safe calls are allowed, which
 * Swift cannot guarantee (it may allocate or take runtime locks), so the whole child side is
 * written here in C and leaves with _exit. Swift only prepares the arguments and reads results.
 */
#ifndef CSYSTEM_H
#define CSYSTEM_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct {
    /* Absolute path of the program, and its argv/envp (NULL-terminated). */
    const char *path;
    char *const *argv;
    char *const *envp;
    /* Identity to take, in this order: supplementary groups, gid, uid. A uid of (uid_t)-1
     * keeps the caller's identity (used by tests run unprivileged). */
    const gid_t *groups;
    size_t group_count;
    gid_t gid;
    uid_t uid;
    /* Where stdout goes (-1: to log_fd), and stderr (and stdout when stdout_fd is -1).
     * stdin is always /dev/null. */
    int stdout_fd;
    int log_fd;
    /* Working directory for the child, or NULL to keep the caller's. */
    const char *cwd;
} csystem_spawn_spec;

/* Forks and execs spec. The child gets default signal dispositions and an empty signal mask,
 * oom_score_adj 0, every fd above 2 closed, then the job's groups/gid/uid. Returns 0 and the
 * child's pid, or an errno: the fork's, or the child's failure before exec (setuid, chdir,
 * execve, ...) reported back through a close-on-exec pipe, in which case the child is reaped
 * and *failed_step names what failed. */
int csystem_spawn(const csystem_spawn_spec *spec, pid_t *pid, const char **failed_step);

/* waitpid with EINTR retried. Returns 0 or an errno. */
int csystem_wait(pid_t pid, int *status, int options);

/* An anonymous in-memory file (memfd_create, close-on-exec) for a child's output. */
int csystem_memfd(const char *name);

/* Decoding of wait statuses (the W* macros do not import into Swift). */
int csystem_exit_status(int status);
int csystem_signaled(int status);
int csystem_term_signal(int status);
int csystem_stopped(int status);

/* State shared by the tasks of a step on one node: an anonymous MAP_SHARED page created in
 * slurmstepd before the tasks fork, guarded by a robust process-shared mutex, so that exactly
 * one task sets the container up and a task that dies holding the lock is detected. */
enum {
    CSYSTEM_STATE_NONE = 0,   /* nobody has tried yet */
    CSYSTEM_STATE_READY = 1,  /* the container process is up: pid */
    CSYSTEM_STATE_FAILED = 2, /* setup failed (or its task died): every task fails */
};
typedef struct {
    pthread_mutex_t mutex;
    int state;
    pid_t pid;
    /* The container process stopped itself and waits for SIGCONT once every task joined. */
    int needs_continue;
    /* This step started the process (not an attach): it ends it when the step ends. */
    int owns_process;
    /* Tasks that opened the container's namespaces, and tasks that finished task_init. */
    int arrived;
    int started;
    /* Set-up progress for the cleanup in slurmstepd: a container filesystem was being created
     * (remove it if the step ends before it is complete) / is complete. */
    int creating;
    int created;
    /* The importer's `get` ran and its `release` has not: the cleanup releases it (one
     * release per get). */
    int importer_pending;
    /* `enroot import --output` wrote the step's temporary squashfs file: remove it. */
    int squashfs_imported;
    /* The image cache gave the step a file and a reference to it: the cleanup releases it. */
    int cache_use_pending;
} csystem_shared;

/* NULL on failure (errno set). */
csystem_shared *csystem_shared_create(void);
/* 0, EOWNERDEAD (the previous holder died; the state was marked failed), or an errno. */
int csystem_shared_lock(csystem_shared *shared);
void csystem_shared_unlock(csystem_shared *shared);

/* open("/proc/<pid>/ns/<ns>") close-on-exec; -1 and errno on failure. */
int csystem_open_namespace(pid_t pid, const char *ns);
/* 1 when fd is the caller's own namespace of that kind, 0 when not, -1 on error. */
int csystem_namespace_is_own(int fd, const char *ns);
/* setns(fd, 0): 0 or an errno. */
int csystem_setns(int fd);

/* The real path of the shared object or executable holding this code; 0 on success. */
int csystem_image_path(char *path, size_t size);

#endif
