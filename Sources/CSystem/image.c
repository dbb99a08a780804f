#define _GNU_SOURCE
#include "csystem.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* The real path of the file this code was loaded from (the plugin's core in slurmstepd). */
int csystem_image_path(char *path, size_t size)
{
    Dl_info info;
    char real[PATH_MAX];
    if (dladdr((void *)csystem_image_path, &info) == 0 || info.dli_fname == NULL ||
        realpath(info.dli_fname, real) == NULL || strlen(real) >= size)
        return -1;
    strcpy(path, real);
    return 0;
}
