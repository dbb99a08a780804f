#define _GNU_SOURCE
#include "cdoctor.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Writes TEXT to PATH in one write(2), as the id maps must be written (async-signal-safe). */
static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t length = (ssize_t)strlen(text);
    ssize_t written = write(fd, text, (size_t)length);
    int saved = errno;
    close(fd);
    errno = saved;
    return written == length ? 0 : -1;
}

/* Before it becomes the user, who may then signal or ptrace it: its own session (no terminal of
 * root's to reach), 0-2 on /dev/null, and no descriptor of the doctor's but the report pipe. */
static int isolate(int report_fd) {
    if (setsid() < 0) return -1;
    int null = open("/dev/null", O_RDWR);
    if (null < 0) return -1;
    for (int fd = 0; fd <= 2; fd++)
        if (dup2(null, fd) < 0) return -1;
    if (dup2(report_fd, 3) < 0) return -1;
    if (close_range(4, ~0U, 0) != 0) {
        long max = sysconf(_SC_OPEN_MAX);
        for (int fd = 4; fd < (max > 0 ? max : 1024); fd++) close(fd);
    }
    return 3;
}

/* The child: every step's result goes into `trial`, which is written to the pipe at the end. */
static void trial_child(uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups,
                        const char *fuse_path, int report_fd) {
    struct cdoctor_trial trial = {0, 0, 0, 0};
    report_fd = isolate(report_fd);
    if (report_fd < 0) _exit(1);
    if (uid != getuid()) {
        if (setgroups(ngroups, groups) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
            trial.identity_errno = errno;
            goto report;
        }
        /* Changing uid made the child non-dumpable, which makes /proc/self/uid_map root's:
         * a process the user starts (as enroot is) is dumpable. */
        (void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    }
    int fd = open(fuse_path, O_RDWR | O_CLOEXEC);
    if (fd < 0) trial.fuse_errno = errno; else close(fd);

    if (unshare(CLONE_NEWUSER) != 0) {
        trial.userns_step = 1;
        trial.userns_errno = errno;
        goto report;
    }
    /* snprintf is not async-signal-safe in theory; this child is single-threaded (the doctor
     * makes no threads), so it is safe here. */
    char uid_map[64], gid_map[64];
    snprintf(uid_map, sizeof uid_map, "0 %u 1\n", (unsigned)uid);
    snprintf(gid_map, sizeof gid_map, "0 %u 1\n", (unsigned)gid);
    if (write_file("/proc/self/setgroups", "deny") != 0 || write_file("/proc/self/uid_map", uid_map) != 0 ||
        write_file("/proc/self/gid_map", gid_map) != 0) {
        trial.userns_step = 2;
        trial.userns_errno = errno;
        goto report;
    }
    if (unshare(CLONE_NEWNS) != 0) {
        trial.userns_step = 3;
        trial.userns_errno = errno;
    }
report:
    (void)!write(report_fd, &trial, sizeof trial);
    _exit(0);
}

int cdoctor_try_as_user(uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups,
                        const char *fuse_path, int timeout_ms, struct cdoctor_trial *out) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(fds[0]);
        close(fds[1]);
        errno = saved;
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        trial_child(uid, gid, groups, ngroups, fuse_path, fds[1]);
    }
    close(fds[1]);
    /* The child runs as the user, who can stop it: wait for its report a bounded time, then
     * kill it, so that root's doctor never hangs on it. */
    struct pollfd ready = {.fd = fds[0], .events = POLLIN};
    int polled;
    do { polled = poll(&ready, 1, timeout_ms); } while (polled < 0 && errno == EINTR);
    ssize_t got = -1;
    int saved = polled == 0 ? ETIMEDOUT : errno;
    if (polled > 0) {
        do { got = read(fds[0], out, sizeof *out); } while (got < 0 && errno == EINTR);
        saved = errno;
    }
    close(fds[0]);
    if (got != (ssize_t)sizeof *out) kill(pid, SIGKILL);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (got != (ssize_t)sizeof *out) {
        errno = got < 0 ? saved : EPROTO;
        return -1;
    }
    return 0;
}

int cdoctor_seccomp_filter_errno(void) {
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL, 0, 0) == 0) return 0;
    return errno;
}
