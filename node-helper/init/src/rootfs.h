#ifndef YOQ_INIT_ROOTFS_H
#define YOQ_INIT_ROOTFS_H
#include "config.h"
/* Mounts the overlay root, the kernel filesystems, /dev, the masks and the bind mounts, then pivot_root()s into
 * it. Every target inside the root is resolved component by component with O_NOFOLLOW, so no symlink in the
 * image can point a mount outside the rootfs. Runs in the container child, in its new mount namespace. */
void rootfs_setup(const struct config *cfg);
/* Opens the working directory inside the (already pivoted) root, refusing magic links and procfs. */
void enter_workdir(const char *cwd);
/* Verifies that a host path has no symlink in it (the helper canonicalises paths; a symlink here means the
 * filesystem changed under us or the config was forged). */
void require_no_symlinks(const char *what, const char *path);
#endif
