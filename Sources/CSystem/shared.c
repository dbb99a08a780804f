#define _GNU_SOURCE
#include "csystem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

csystem_shared *csystem_shared_create(void)
{
    csystem_shared *shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
                                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED)
        return NULL;
    memset(shared, 0, sizeof(*shared));
    pthread_mutexattr_t attr;
    if (pthread_mutexattr_init(&attr) != 0)
        goto fail;
    int rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    if (rc == 0)
        rc = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    if (rc == 0)
        rc = pthread_mutex_init(&shared->mutex, &attr);
    pthread_mutexattr_destroy(&attr);
    if (rc != 0)
        goto fail;
    return shared;
fail:
    munmap(shared, sizeof(*shared));
    return NULL;
}

int csystem_shared_lock(csystem_shared *shared)
{
    int rc = pthread_mutex_lock(&shared->mutex);
    if (rc == EOWNERDEAD) {
        /* The holder died mid-setup: the lock is ours, the state it guarded is not to be
         * trusted. The caller reports it; later tasks see the failed state. */
        pthread_mutex_consistent(&shared->mutex);
        shared->state = CSYSTEM_STATE_FAILED;
        return EOWNERDEAD;
    }
    return rc;
}

void csystem_shared_unlock(csystem_shared *shared)
{
    pthread_mutex_unlock(&shared->mutex);
}
