#define _GNU_SOURCE
#include "cdoctor.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/seccomp.h>
#include <sched.h>
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

/* The child: every step's result goes into `trial`, which is written to the pipe at the end. */
static void trial_child(uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups,
                        const char *fuse_path, int report_fd) {
    struct cdoctor_trial trial = {0, 0, 0, 0};
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
                        const char *fuse_path, struct cdoctor_trial *out) {
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
    ssize_t got;
    do { got = read(fds[0], out, sizeof *out); } while (got < 0 && errno == EINTR);
    int saved = errno;
    close(fds[0]);
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
