#define _GNU_SOURCE
#include "csystem.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int csystem_open_namespace(pid_t pid, const char *ns)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
    return open(path, O_RDONLY | O_CLOEXEC);
}

int csystem_namespace_is_own(int fd, const char *ns)
{
    char path[64];
    struct stat theirs, ours;
    snprintf(path, sizeof(path), "/proc/self/ns/%s", ns);
    if (fstat(fd, &theirs) != 0 || stat(path, &ours) != 0)
        return -1;
    return theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino;
}

int csystem_setns(int fd)
{
    return setns(fd, 0) == 0 ? 0 : errno;
}
