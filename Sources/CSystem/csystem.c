#define _GNU_SOURCE
#include "csystem.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Child-side failure report: which step failed, and errno. */
struct failure {
    int step;
    int err;
};

static const char *const step_names[] = {
    "open /dev/null", "dup2", "oom_score_adj", "setgroups", "setgid", "setuid", "chdir", "execve",
};

static void write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        len -= (size_t)n;
    }
}

/* Everything here runs in the forked child: async-signal-safe calls only, leave with _exit. */
static void child(const csystem_spawn_spec *spec, int report_fd)
{
    struct failure failure = { 0, 0 };
    struct sigaction dfl;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        sigaction(sig, &dfl, NULL); /* fails harmlessly for SIGKILL/SIGSTOP and RT gaps */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0) { failure.step = 0; goto fail; }
    int out = spec->stdout_fd >= 0 ? spec->stdout_fd : spec->log_fd;
    int err = spec->log_fd;
    if (out < 0 || err < 0) {
        out = open("/dev/null", O_WRONLY | O_CLOEXEC);
        err = out;
        if (out < 0) { failure.step = 0; goto fail; }
    }
    if (dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) { failure.step = 1; goto fail; }

    /* slurmstepd protects itself from the OOM killer; enroot and the container must not. */
    int oom = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (oom >= 0) {
        write_all(oom, "0", 1);
        close(oom);
    }

    /* Every other descriptor is closed; the report pipe is close-on-exec and stays until exec. */
    for (int fd = 3; fd < 1024; fd++)
        if (fd != report_fd)
            close(fd);
    syscall(SYS_close_range, 1024U, ~0U, 0U);

    /* In a task, Slurm has already made the process the job's user: nothing to drop. In
     * slurmstepd, the real uid is root (the effective one may be the user's in user_init). */
    if (spec->uid != (uid_t)-1 && !(getuid() == spec->uid && geteuid() == spec->uid)) {
        if (geteuid() != 0 && seteuid(0) < 0) { failure.step = 5; goto fail; }
        if (setgroups(spec->group_count, spec->groups) < 0) { failure.step = 3; goto fail; }
        if (setgid(spec->gid) < 0) { failure.step = 4; goto fail; }
        if (setuid(spec->uid) < 0) { failure.step = 5; goto fail; }
        /* Dropping must be irreversible. */
        if (spec->uid != 0 && setuid(0) == 0) { failure.step = 5; errno = EPERM; goto fail; }
    }
    if (spec->cwd != NULL && chdir(spec->cwd) < 0) { failure.step = 6; goto fail; }
    execve(spec->path, spec->argv, spec->envp);
    failure.step = 7;
fail:
    failure.err = errno;
    write_all(report_fd, &failure, sizeof(failure));
    _exit(127);
}

int csystem_spawn(const csystem_spawn_spec *spec, pid_t *pid, const char **failed_step)
{
    int report[2];
    *failed_step = NULL;
    if (pipe2(report, O_CLOEXEC) < 0)
        return errno;

    /* Block signals across fork so no handler of the host runs in the child before it resets. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid_t child_pid = fork();
    if (child_pid == 0) {
        close(report[0]);
        child(spec, report[1]);
    }
    int fork_errno = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(report[1]);
    if (child_pid < 0) {
        close(report[0]);
        return fork_errno;
    }

    struct failure failure;
    ssize_t n;
    do {
        n = read(report[0], &failure, sizeof(failure));
    } while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n == (ssize_t)sizeof(failure)) {
        int status;
        csystem_wait(child_pid, &status, 0);
        if (failure.step >= 0 && failure.step < (int)(sizeof(step_names) / sizeof(step_names[0])))
            *failed_step = step_names[failure.step];
        return failure.err != 0 ? failure.err : EIO;
    }
    *pid = child_pid;
    return 0;
}

int csystem_wait(pid_t pid, int *status, int options)
{
    for (;;) {
        if (waitpid(pid, status, options) >= 0)
            return 0;
        if (errno != EINTR)
            return errno;
    }
}

int csystem_memfd(const char *name)
{
    return memfd_create(name, MFD_CLOEXEC);
}

int csystem_exit_status(int status) { return WEXITSTATUS(status); }
int csystem_signaled(int status) { return WIFSIGNALED(status); }
int csystem_term_signal(int status) { return WTERMSIG(status); }
int csystem_stopped(int status) { return WIFSTOPPED(status); }
