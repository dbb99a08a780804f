/*
 * syscalls: ns per call of a syscall the seccomp filter does not list (getpid), of one it fakes
 * (chown to the caller's own ids: real work unfiltered, answered by the filter when filtered),
 * and of the setfsuid(-1) query the filter lets through. Best of 5 rounds.
 * Usage: syscalls [ITERATIONS]   (prints "NAME NS" lines)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

#define MEASURE(name, iterations, call)                                  \
    do {                                                                 \
        double best = 1e30;                                              \
        for (int round = 0; round < 5; round++) {                        \
            double start = now_ns();                                     \
            for (long i = 0; i < (iterations); i++)                      \
                (void)(call);                                            \
            double per = (now_ns() - start) / (double)(iterations);      \
            if (per < best)                                              \
                best = per;                                              \
        }                                                                \
        printf("%s %.1f\n", name, best);                                 \
    } while (0)

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    char path[] = "/tmp/pyxis-seccomp-bench.XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        return 1;
    }
    long uid = getuid(), gid = getgid();
    MEASURE("getpid", n, syscall(SYS_getpid));
    MEASURE("chown", n / 4, syscall(SYS_fchownat, AT_FDCWD, path, uid, gid, 0));
    MEASURE("fchown", n, syscall(SYS_fchown, fd, uid, gid));
    MEASURE("setfsuid(-1)", n, syscall(SYS_setfsuid, -1L));
    close(fd);
    unlink(path);
    return 0;
}
