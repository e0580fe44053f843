#define _GNU_SOURCE
#include "CFileSync.h"

#include <errno.h>
#include <unistd.h>

int accord_sync_filesystem(int descriptor) {
#if defined(__linux__)
    return syncfs(descriptor);
#else
    (void)descriptor;
    errno = ENOSYS;
    return -1;
#endif
}
