/*
 * probe: checks, syscall by syscall, what the pyxis seccomp filter (docs/design.md, "The seccomp filter") does.
 *
 *   probe unfiltered DIR   expectations without the filter (the negative control)
 *   probe filtered DIR     expectations under pyxis-seccomp-exec
 *   probe apt DIR          an apt-get/rpm-like privilege-drop sequence; exit 0 iff it completes
 *
 * Run as an unprivileged user in an empty directory DIR it owns. Syscalls go through
 * syscall(2) so each number is exercised exactly (the 16-bit legacy ones on i386 too).
 * Prints "ok ABI NAME" or "not ok ABI NAME: ..." per check; exits 1 if any failed.
 * Builds natively and with `gcc -m32 -static`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <unistd.h>

#if defined(__x86_64__) && defined(__ILP32__)
static const char *abi = "x32";
#elif defined(__x86_64__)
static const char *abi = "x86_64";
#elif defined(__i386__)
static const char *abi = "i386";
#elif defined(__aarch64__)
static const char *abi = "aarch64";
#elif defined(__arm__)
static const char *abi = "arm";
#else
static const char *abi = "native";
#endif

static int filtered;
static int failures;
static long me, mygroup;
static int ngroups;
static gid_t groups[256];

/* A raw syscall; returns the result or -errno. */
static long sc(long nr, long a, long b, long c, long d, long e)
{
    long r = syscall(nr, a, b, c, d, e);
    return r == -1 ? -errno : r;
}
#define SC1(nr, a) sc(nr, (long)(a), 0, 0, 0, 0)
#define SC2(nr, a, b) sc(nr, (long)(a), (long)(b), 0, 0, 0)
#define SC3(nr, a, b, c) sc(nr, (long)(a), (long)(b), (long)(c), 0, 0)
#define SC4(nr, a, b, c, d) sc(nr, (long)(a), (long)(b), (long)(c), (long)(d), 0)
#define SC5(nr, a, b, c, d, e) sc(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e))

/* Expected value without / with the filter. */
#define PICK(unfiltered, with_filter) (filtered ? (long)(with_filter) : (long)(unfiltered))

static void expect(const char *what, long got, long want)
{
    if (got == want) {
        printf("ok %s %s\n", abi, what);
        return;
    }
    failures++;
    printf("not ok %s %s: got %ld%s%s, want %ld%s%s\n", abi, what,
           got, got < 0 ? " " : "", got < 0 ? strerror((int)-got) : "",
           want, want < 0 ? " " : "", want < 0 ? strerror((int)-want) : "");
}

/* The path (not followed if a symlink) is still owned by the caller. */
static void owner_unchanged(const char *what, const char *path)
{
    char name[160];
    struct stat st;
    snprintf(name, sizeof name, "%s leaves owner of %s", what, path);
    if (lstat(path, &st) != 0) {
        expect(name, -errno, 0);
        return;
    }
    expect(name, (long)st.st_uid == me && (long)st.st_gid == mygroup, 1);
}

/* Real, effective, saved ids and supplementary groups are what they were at start. */
static void ids_unchanged(const char *what)
{
    char name[160];
    uid_t r, e, s;
    gid_t rg, eg, sg;
    gid_t now[256];
    snprintf(name, sizeof name, "%s leaves uids, gids and groups", what);
    int n = getgroups(256, now);
    int same = getresuid(&r, &e, &s) == 0 && getresgid(&rg, &eg, &sg) == 0
        && (long)r == me && (long)e == me && (long)s == me
        && (long)rg == mygroup && (long)eg == mygroup && (long)sg == mygroup
        && n == ngroups && memcmp(now, groups, sizeof(gid_t) * (size_t)n) == 0;
    expect(name, same, 1);
}

static void ownership(int dirfd)
{
    int fd = open("f", O_RDWR);
    expect("open f", fd >= 0, 1);

    expect("chown(f, 0, 0)", SC3(SYS_chown, "f", 0, 0), PICK(-EPERM, 0));
    owner_unchanged("chown", "f");
    expect("chown(f, 12345, 12345)", SC3(SYS_chown, "f", 12345, 12345), PICK(-EPERM, 0));
    owner_unchanged("chown", "f");
    expect("chown(f, -1, -1)", SC3(SYS_chown, "f", -1, -1), 0);
    expect("chown(f, own ids)", SC3(SYS_chown, "f", me, mygroup), 0);
    /* Faked calls skip every check, path lookup included. */
    expect("chown(missing, 0, 0)", SC3(SYS_chown, "missing", 0, 0), PICK(-ENOENT, 0));
#ifdef SYS_lchown
    expect("lchown(l, 0, 0)", SC3(SYS_lchown, "l", 0, 0), PICK(-EPERM, 0));
    owner_unchanged("lchown", "l");
#endif
    expect("fchown(fd, 0, 0)", SC3(SYS_fchown, fd, 0, 0), PICK(-EPERM, 0));
    owner_unchanged("fchown", "f");
    expect("fchownat(AT_FDCWD, f, 0, 0, 0)", SC5(SYS_fchownat, AT_FDCWD, "f", 0, 0, 0), PICK(-EPERM, 0));
    owner_unchanged("fchownat", "f");
    expect("fchownat(dir, l, 0, 0, AT_SYMLINK_NOFOLLOW)",
           SC5(SYS_fchownat, dirfd, "l", 0, 0, AT_SYMLINK_NOFOLLOW), PICK(-EPERM, 0));
    owner_unchanged("fchownat", "l");
    expect("fchownat(fd, \"\", 0, 0, AT_EMPTY_PATH)", SC5(SYS_fchownat, fd, "", 0, 0, AT_EMPTY_PATH), PICK(-EPERM, 0));
    owner_unchanged("fchownat", "f");
#ifdef SYS_chown32
    expect("chown32(f, 0, 0)", SC3(SYS_chown32, "f", 0, 0), PICK(-EPERM, 0));
    owner_unchanged("chown32", "f");
    expect("lchown32(l, 0, 0)", SC3(SYS_lchown32, "l", 0, 0), PICK(-EPERM, 0));
    owner_unchanged("lchown32", "l");
    expect("fchown32(fd, 0, 0)", SC3(SYS_fchown32, fd, 0, 0), PICK(-EPERM, 0));
    owner_unchanged("fchown32", "f");
    expect("chown32(f, -1, -1)", SC3(SYS_chown32, "f", -1, -1), 0);
#endif
    close(fd);
}

static void credentials(void)
{
    gid_t root_group = 0;
    expect("setuid(0)", SC1(SYS_setuid, 0), PICK(-EPERM, 0));
    ids_unchanged("setuid");
    expect("setuid(own uid)", SC1(SYS_setuid, me), 0);
    expect("setgid(0)", SC1(SYS_setgid, 0), PICK(-EPERM, 0));
    ids_unchanged("setgid");
    expect("setreuid(0, 0)", SC2(SYS_setreuid, 0, 0), PICK(-EPERM, 0));
    expect("setreuid(-1, -1)", SC2(SYS_setreuid, -1, -1), 0);
    expect("setregid(0, 0)", SC2(SYS_setregid, 0, 0), PICK(-EPERM, 0));
    expect("setresuid(0, 0, 0)", SC3(SYS_setresuid, 0, 0, 0), PICK(-EPERM, 0));
    expect("setresgid(0, 0, 0)", SC3(SYS_setresgid, 0, 0, 0), PICK(-EPERM, 0));
    ids_unchanged("setre*/setres*");
    expect("setgroups(1, {0})", SC2(SYS_setgroups, 1, &root_group), PICK(-EPERM, 0));
    expect("setgroups(0, NULL)", SC2(SYS_setgroups, 0, NULL), PICK(-EPERM, 0));
    ids_unchanged("setgroups");
#ifdef SYS_setuid32
    expect("setuid32(0)", SC1(SYS_setuid32, 0), PICK(-EPERM, 0));
    expect("setgid32(0)", SC1(SYS_setgid32, 0), PICK(-EPERM, 0));
    expect("setreuid32(0, 0)", SC2(SYS_setreuid32, 0, 0), PICK(-EPERM, 0));
    expect("setregid32(0, 0)", SC2(SYS_setregid32, 0, 0), PICK(-EPERM, 0));
    expect("setresuid32(0, 0, 0)", SC3(SYS_setresuid32, 0, 0, 0), PICK(-EPERM, 0));
    expect("setresgid32(0, 0, 0)", SC3(SYS_setresgid32, 0, 0, 0), PICK(-EPERM, 0));
    expect("setgroups32(1, {0})", SC2(SYS_setgroups32, 1, &root_group), PICK(-EPERM, 0));
    ids_unchanged("*32");
#endif
}

/*
 * setfsuid/setfsgid never fail: they return the previous fsuid. Unprivileged, a change to an
 * id the caller does not hold is ignored. A faked call returns 0; -1 (the query, in every
 * width and extension) reaches the kernel and returns the real value.
 */
static void filesystem_ids(void)
{
    expect("setfsuid(0)", SC1(SYS_setfsuid, 0), PICK(me, 0));
    expect("setfsuid(-1) after setfsuid(0)", SC1(SYS_setfsuid, -1L), me);
    expect("setfsuid(own uid)", SC1(SYS_setfsuid, me), PICK(me, 0));
#ifndef SYS_setfsuid32
    expect("setfsuid(0xfffffffe)", SC1(SYS_setfsuid, 0xfffffffeUL), PICK(me, 0));
#endif
    expect("setfsuid(0xffffffff zero-extended)", SC1(SYS_setfsuid, 0xffffffffUL), me);
    expect("setfsgid(0)", SC1(SYS_setfsgid, 0), PICK(mygroup, 0));
    expect("setfsgid(-1) after setfsgid(0)", SC1(SYS_setfsgid, -1L), mygroup);
    expect("setfsgid(0xffffffff zero-extended)", SC1(SYS_setfsgid, 0xffffffffUL), mygroup);
#ifdef SYS_setfsuid32
    /* Here SYS_setfsuid is the legacy 16-bit call: 0xffff is its -1. */
    expect("setfsuid16(0xffff)", SC1(SYS_setfsuid, 0xffff), me);
    expect("setfsuid16(0xfffe)", SC1(SYS_setfsuid, 0xfffe), PICK(me, 0));
    /* Above 16 bits the kernel truncates; the filter lets it decide (0xfffffffe is 0xfffe). */
    expect("setfsuid16(0xfffffffe)", SC1(SYS_setfsuid, 0xfffffffeUL), me);
    expect("setfsgid16(0xffff)", SC1(SYS_setfsgid, 0xffff), mygroup);
    expect("setfsuid32(0)", SC1(SYS_setfsuid32, 0), PICK(me, 0));
    expect("setfsuid32(-1)", SC1(SYS_setfsuid32, -1), me);
    expect("setfsuid32(0xfffffffe)", SC1(SYS_setfsuid32, 0xfffffffeUL), PICK(me, 0));
    expect("setfsgid32(0)", SC1(SYS_setfsgid32, 0), PICK(mygroup, 0));
    expect("setfsgid32(-1)", SC1(SYS_setfsgid32, -1), mygroup);
#endif
    expect("setfsuid(-1) at the end", SC1(SYS_setfsuid, -1L), me);
    expect("setfsgid(-1) at the end", SC1(SYS_setfsgid, -1L), mygroup);
}

/* Syscalls the filter does not list behave exactly as without it. */
static void unrelated(void)
{
    struct stat st;
    expect("getuid", (long)getuid(), me);
    expect("geteuid", (long)geteuid(), me);
    expect("getpid", SC1(SYS_getpid, 0), (long)getpid());
    int fd = SC4(SYS_openat, AT_FDCWD, "new", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    expect("openat(O_CREAT) new file", fd >= 0, 1);
    expect("write 5 bytes", SC3(SYS_write, fd, "hello", 5), 5);
    expect("close", SC1(SYS_close, fd), 0);
    expect("stat size", stat("new", &st) == 0 ? (long)st.st_size : -errno, 5);
    expect("openat(/etc/shadow)", SC4(SYS_openat, AT_FDCWD, "/etc/shadow", O_RDONLY, 0), -EACCES);
    expect("kill(self, 0)", SC2(SYS_kill, getpid(), 0), 0);
    expect("kill(1, 0)", SC2(SYS_kill, 1, 0), -EPERM);
    expect("mknodat(FIFO)", SC4(SYS_mknodat, AT_FDCWD, "fifo", S_IFIFO | 0600, 0), 0);
    expect("fifo is a FIFO", stat("fifo", &st) == 0 && S_ISFIFO(st.st_mode), 1);
    expect("mknodat(char device 1:3)", SC4(SYS_mknodat, AT_FDCWD, "null", S_IFCHR | 0600, makedev(1, 3)), -EPERM);
    expect("fchmodat(f, 0640)", SC3(SYS_fchmodat, AT_FDCWD, "f", 0640), 0);
    expect("fchmodat(/etc/passwd, 0777)", SC3(SYS_fchmodat, AT_FDCWD, "/etc/passwd", 0777), -EPERM);
    expect("renameat(new, renamed)", SC4(SYS_renameat, AT_FDCWD, "new", AT_FDCWD, "renamed"), 0);
    expect("unlinkat(fifo)", SC3(SYS_unlinkat, AT_FDCWD, "fifo", 0), 0);
    expect("unlinkat(renamed)", SC3(SYS_unlinkat, AT_FDCWD, "renamed", 0), 0);
}

/* apt-get's download sandbox (chown to _apt, drop groups, gid, uid) and rpm's file install. */
static int package_manager(void)
{
#define STEP(call) do { if ((call) != 0) { fprintf(stderr, "probe apt: %s: %s\n", #call, strerror(errno)); return 1; } } while (0)
    const uid_t apt_uid = 42;
    const gid_t nogroup = 65534;
    STEP(mkdir("partial", 0700));
    STEP(chown("partial", apt_uid, 0));
    STEP(setgroups(1, &nogroup));
    STEP(setresgid(nogroup, nogroup, nogroup));
    STEP(setresuid(apt_uid, apt_uid, apt_uid));
    int fd = open("partial/package.deb", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    STEP(fd < 0);
    STEP(write(fd, "deb", 3) != 3);
    STEP(fchown(fd, 0, 0));
    STEP(close(fd));
    STEP(lchown("partial/package.deb", 0, 0));
    STEP(rename("partial/package.deb", "package.deb"));
    printf("apt-like sequence completed\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: probe unfiltered|filtered|apt DIR\n");
        return 2;
    }
    if (chdir(argv[2]) != 0) {
        fprintf(stderr, "probe: cannot enter %s: %s\n", argv[2], strerror(errno));
        return 2;
    }
    if (strcmp(argv[1], "apt") == 0)
        return package_manager();
    if (strcmp(argv[1], "filtered") == 0)
        filtered = 1;
    else if (strcmp(argv[1], "unfiltered") != 0) {
        fprintf(stderr, "probe: unknown mode '%s'\n", argv[1]);
        return 2;
    }
    me = getuid();
    mygroup = getgid();
    ngroups = getgroups(256, groups);
    if (me == 0 || ngroups < 0) {
        fprintf(stderr, "probe: run as an unprivileged user\n");
        return 2;
    }
    int fd = open("f", O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd < 0 || close(fd) != 0 || symlink("f", "l") != 0) {
        fprintf(stderr, "probe: cannot create f and l in %s: %s\n", argv[2], strerror(errno));
        return 2;
    }
    int dirfd = open(".", O_RDONLY | O_DIRECTORY);
    ownership(dirfd);
    credentials();
    filesystem_ids();
    unrelated();
    close(dirfd);
    return failures == 0 ? 0 : 1;
}
