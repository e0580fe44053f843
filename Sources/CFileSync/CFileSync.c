#define _GNU_SOURCE
#include "CFileSync.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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

int accord_open_unnamed(int folder, unsigned int mode) {
#if defined(__linux__) && defined(O_TMPFILE)
    return openat(folder, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, (mode_t)mode);
#else
    (void)folder;
    (void)mode;
    errno = ENOSYS;
    return -1;
#endif
}

int accord_link_unnamed(int descriptor, int folder, const char *name) {
#if defined(__linux__)
    /* The link the open(2) manual gives for O_TMPFILE: linkat(2) with AT_EMPTY_PATH needs a
       capability before Linux 6.10; through /proc it needs none. */
    char path[40];
    snprintf(path, sizeof path, "/proc/self/fd/%d", descriptor);
    return linkat(AT_FDCWD, path, folder, name, AT_SYMLINK_FOLLOW);
#else
    (void)descriptor;
    (void)folder;
    (void)name;
    errno = ENOSYS;
    return -1;
#endif
}
