// CDoctor: what pyxis-doctor asks the kernel, in C.
//
// Why this shim exists: the user trial forks a child that changes identity and namespaces: after
// fork only async-signal-safe calls, as in CSystem. It includes no Slurm header: the Slurm
// release pyxis was built for is read from the installed plugin (SlurmVersionCheck), so one
// doctor serves every release. Every exported name is prefixed `cdoctor_`.
#ifndef CDOCTOR_H
#define CDOCTOR_H

#include <stddef.h>
#include <sys/types.h>

/// What the user trial found. Each errno is 0 when that step worked.
struct cdoctor_trial {
    /// The child could not take the user's groups, gid and uid (then nothing else was tried).
    int identity_errno;
    /// open(fuse_path, O_RDWR) as the user.
    int fuse_errno;
    /// The first of enroot's namespace steps that failed (0: none): 1 unshare(CLONE_NEWUSER),
    /// 2 writing setgroups/uid_map/gid_map, 3 unshare(CLONE_NEWNS) inside the new namespace.
    int userns_step;
    int userns_errno;
};

/// Forks a child that takes the identity (groups, gid, uid: skipped when uid is the caller's),
/// opens `fuse_path` read-write, then does what `enroot start` does first: a user namespace
/// with the user mapped to root, and a mount namespace in it. The child first starts its own
/// session, points 0-2 at /dev/null and closes every other descriptor (the user may signal or
/// ptrace it); the parent waits at most `timeout_ms` for its report, then kills it. Returns 0 and
/// fills `out`, or -1 with errno set (ETIMEDOUT: no report in time).
int cdoctor_try_as_user(uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups,
                        const char *fuse_path, int timeout_ms, struct cdoctor_trial *out);

/// The errno of prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL): EFAULT when the kernel has
/// seccomp filters (it got as far as reading the missing program), EINVAL when it has none.
/// Nothing is installed either way (libseccomp probes the same way).
int cdoctor_seccomp_filter_errno(void);

#endif
