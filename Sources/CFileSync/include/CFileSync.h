#ifndef ACCORD_CFILESYNC_H
#define ACCORD_CFILESYNC_H

/*
 * The one system call of SafeFile that Swift cannot see: syncfs(2) is declared by glibc only
 * under _GNU_SOURCE, which Swift's Glibc module does not define.
 */

/// Writes to disk every file's data and metadata of the filesystem that holds the open file
/// `descriptor` (Linux syncfs(2); since Linux 5.8 it reports a writeback error of that
/// filesystem). Returns 0, or -1 with errno set (ENOSYS where the system has no syncfs).
int accord_sync_filesystem(int descriptor);

#endif
