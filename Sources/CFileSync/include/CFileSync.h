#ifndef ACCORD_CFILESYNC_H
#define ACCORD_CFILESYNC_H

/*
 * The system calls of SafeFile that Swift cannot see: syncfs(2) and O_TMPFILE are declared by
 * glibc only under _GNU_SOURCE, which Swift's Glibc module does not define.
 */

/// Writes to disk every file's data and metadata of the filesystem that holds the open file
/// `descriptor` (Linux syncfs(2); since Linux 5.8 it reports a writeback error of that
/// filesystem). Returns 0, or -1 with errno set (ENOSYS where the system has no syncfs).
int accord_sync_filesystem(int descriptor);

/// Opens a new unnamed regular file in the folder open as `folder`, for writing (Linux
/// open(2) with O_TMPFILE; its permissions are `mode` less the umask). Nothing in the folder
/// names it until accord_link_unnamed gives it a name; closed unnamed, it is gone.
/// Returns the descriptor (close-on-exec), or -1 with errno set: EOPNOTSUPP, EISDIR or EINVAL
/// where the file system or the kernel has no unnamed files, ENOSYS where the system has none.
int accord_open_unnamed(int folder, unsigned int mode);

/// Gives the unnamed file open as `descriptor` (from accord_open_unnamed) the name `name` (one
/// path component) in the folder open as `folder`; never replaces anything at that name.
/// Returns 0, or -1 with errno set: EEXIST when something holds `name` (a link included);
/// ENOENT when /proc/self/fd cannot be reached (the link goes through it); ENOSYS where the
/// system has no unnamed files; otherwise linkat(2)'s own (EPERM, EXDEV… where the file system
/// refuses the link, ENOSPC…).
int accord_link_unnamed(int descriptor, int folder, const char *name);

#endif
