#define _GNU_SOURCE
#include "rootfs.h"
#include "fail.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static long openat2_path(int dirfd, const char *path, uint64_t flags, uint64_t resolve) {
    struct open_how how = {.flags = flags, .mode = 0, .resolve = resolve};
    return syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

void require_no_symlinks(const char *what, const char *path) {
    if (path[0] != '/') fail("%s %s is not an absolute path", what, path);
    long fd = openat2_path(AT_FDCWD, path, O_PATH | O_CLOEXEC, RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
    if (fd < 0) {
        if (errno == ELOOP) fail("%s %s contains a symlink: refused", what, path);
        fail("%s %s: %s", what, path, strerror(errno));
    }
    close((int)fd);
}

/* Walks rel (relative to the rootfs) one component at a time, never following a symlink and never leaving
 * through "..". Missing directories are created (mode 0755); the last component is created as a directory or,
 * with as_file, an empty file. Returns an O_PATH fd of the target. */
static int resolve_in_root(int rootfd, const char *rel, int create, int as_file) {
    char *copy = strdup(rel), *save = NULL;
    int fd = dup(rootfd);
    for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
        if (!strcmp(part, ".")) continue;
        if (!strcmp(part, "..")) fail("path /%s goes up with '..': refused", rel);
        int last = save == NULL || *save == 0;
        int next = openat(fd, part, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0 && errno == ENOENT && create) {
            if (last && as_file) {
                int f = openat(fd, part, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
                if (f >= 0) close(f);
            } else {
                mkdirat(fd, part, 0755);
            }
            next = openat(fd, part, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        }
        if (next < 0) {
            int e = errno; close(fd); free(copy);
            if (e == ENOENT && !create) return -1;
            fail("cannot resolve /%s inside the rootfs: %s", rel, strerror(e));
        }
        struct stat st;
        fstat(next, &st);
        if (S_ISLNK(st.st_mode)) fail("/%s inside the rootfs is or passes through a symlink: refused", rel);
        if (!last && !S_ISDIR(st.st_mode)) fail("/%s inside the rootfs passes through a non-directory", rel);
        close(fd);
        fd = next;
    }
    free(copy);
    return fd;
}

/* Replaces /etc/<name> in the container's upper layer with our content: whatever the image had there (a file, or
 * a symlink such as Ubuntu's resolv.conf → ../run/…) is unlinked first, never followed. */
static void write_etc_file(int rootfd, const struct etc_file *f) {
    int etc = resolve_in_root(rootfd, "etc", 1, 0);
    if (unlinkat(etc, f->name, 0) < 0 && errno != ENOENT) fail("replace /etc/%s: %s", f->name, strerror(errno));
    int fd = openat(etc, f->name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) fail("write /etc/%s: %s", f->name, strerror(errno));
    size_t len = strlen(f->content);
    if (write(fd, f->content, len) != (ssize_t) len) fail("write /etc/%s: %s", f->name, strerror(errno));
    close(fd);
    close(etc);
}

static const char *fdpath(int fd, char *buf, size_t len) {
    snprintf(buf, len, "/proc/self/fd/%d", fd);
    return buf;
}

static void mount_at(int rootfd, const char *rel, const char *source, const char *type, unsigned long flags,
                     const char *data, int as_file) {
    int fd = resolve_in_root(rootfd, rel, 1, as_file);
    char p[64];
    if (mount(source, fdpath(fd, p, sizeof p), type, flags, data) < 0)
        fail("mount %s on /%s: %s", type ? type : source, rel, strerror(errno));
    close(fd);
}

static void remount_readonly(int rootfd, const char *rel, int optional) {
    int fd = resolve_in_root(rootfd, rel, 0, 0);
    if (fd < 0) { if (optional) return; fail("/%s is missing", rel); }
    char p[64];
    /* A bind of itself makes the path a mount point so that its flags can change alone. */
    if (mount(fdpath(fd, p, sizeof p), p, NULL, MS_BIND | MS_REC, NULL) < 0)
        fail("bind /%s: %s", rel, strerror(errno));
    close(fd);
    fd = resolve_in_root(rootfd, rel, 0, 0);
    if (mount(NULL, fdpath(fd, p, sizeof p), NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
        fail("remount /%s read-only: %s", rel, strerror(errno));
    close(fd);
}

/* runc's default masks: files get /dev/null bound over them, directories an empty read-only tmpfs. */
static void mask_paths(int rootfd, int devnull) {
    static const char *masked[] = {"proc/acpi", "proc/asound", "proc/kcore", "proc/keys", "proc/latency_stats",
        "proc/timer_list", "proc/timer_stats", "proc/sched_debug", "proc/scsi", "sys/firmware",
        "sys/devices/virtual/powercap", NULL};
    static const char *readonly[] = {"proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger", NULL};
    char p[64], src[64];
    for (int i = 0; masked[i]; i++) {
        int fd = resolve_in_root(rootfd, masked[i], 0, 0);
        if (fd < 0) continue;
        struct stat st; fstat(fd, &st);
        int rc = S_ISDIR(st.st_mode)
            ? mount("tmpfs", fdpath(fd, p, sizeof p), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0")
            : mount(fdpath(devnull, src, sizeof src), fdpath(fd, p, sizeof p), NULL, MS_BIND, NULL);
        if (rc < 0 && errno != ENOENT) fail("mask /%s: %s", masked[i], strerror(errno));
        close(fd);
    }
    for (int i = 0; readonly[i]; i++) remount_readonly(rootfd, readonly[i], 1);
}

static void make_dev(int rootfd) {
    mount_at(rootfd, "dev", "tmpfs", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k", 0);
    int dev = resolve_in_root(rootfd, "dev", 0, 0);
    static const struct { const char *name; unsigned major, minor; } nodes[] = {
        {"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
    /* O_PATH fds cannot be used with mknodat on every kernel: reopen /dev as a real directory fd. */
    char p[64];
    int devdir = open(fdpath(dev, p, sizeof p), O_DIRECTORY | O_CLOEXEC);
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        if (mknodat(devdir, nodes[i].name, S_IFCHR | 0666, makedev(nodes[i].major, nodes[i].minor)) < 0)
            fail("mknod /dev/%s: %s", nodes[i].name, strerror(errno));
        if (fchmodat(devdir, nodes[i].name, 0666, 0) < 0) fail("chmod /dev/%s: %s", nodes[i].name, strerror(errno));
    }
    static const char *links[][2] = {{"pts/ptmx", "ptmx"}, {"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"},
        {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"}};
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        if (symlinkat(links[i][0], devdir, links[i][1]) < 0) fail("symlink /dev/%s: %s", links[i][1], strerror(errno));
    close(devdir);
    close(dev);
    mount_at(rootfd, "dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620", 0);
    mount_at(rootfd, "dev/shm", "shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k", 0);
}

static int is_forbidden_bind_target(const char *target) {
    static const char *exact[] = {"/", "/etc", "/root", "/proc", "/sys", "/dev", NULL};
    static const char *under[] = {"/proc/", "/sys/", NULL};
    for (int i = 0; exact[i]; i++) if (!strcmp(target, exact[i])) return 1;
    for (int i = 0; under[i]; i++) if (!strncmp(target, under[i], strlen(under[i]))) return 1;
    return 0;
}

static void bind_mounts(const struct config *cfg, int rootfd) {
    char sp[64], tp[64];
    for (int i = 0; i < cfg->nbinds; i++) {
        const struct bind_mount *b = &cfg->binds[i];
        if (b->target[0] != '/') fail("bind target %s is not absolute", b->target);
        if (is_forbidden_bind_target(b->target)) fail("bind mount onto %s is not allowed", b->target);
        require_no_symlinks("bind source", b->source);
        int src = open(b->source, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (src < 0) fail("bind source %s: %s", b->source, strerror(errno));
        struct stat st; fstat(src, &st);
        int fd = resolve_in_root(rootfd, b->target + 1, 1, !S_ISDIR(st.st_mode));
        if (mount(fdpath(src, sp, sizeof sp), fdpath(fd, tp, sizeof tp), NULL, MS_BIND | MS_REC, NULL) < 0)
            fail("bind %s on %s: %s", b->source, b->target, strerror(errno));
        close(fd);
        if (b->readonly) {
            fd = resolve_in_root(rootfd, b->target + 1, 0, 0);
            if (mount(NULL, fdpath(fd, tp, sizeof tp), NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL) < 0)
                fail("remount %s read-only: %s", b->target, strerror(errno));
            close(fd);
        }
        close(src);
    }
}

static void mount_overlay(const struct config *cfg) {
    char opts[4096];
    size_t off = (size_t)snprintf(opts, sizeof opts, "lowerdir=");
    for (int i = 0; i < cfg->nlower; i++) {
        require_no_symlinks("overlay lower dir", cfg->lower[i]);
        off += (size_t)snprintf(opts + off, sizeof opts - off, "%s%s", i ? ":" : "", cfg->lower[i]);
    }
    require_no_symlinks("overlay upper dir", cfg->upper);
    require_no_symlinks("overlay work dir", cfg->work);
    require_no_symlinks("rootfs mount point", cfg->rootfs);
    off += (size_t)snprintf(opts + off, sizeof opts - off, ",upperdir=%s,workdir=%s", cfg->upper, cfg->work);
    if (off >= sizeof opts) fail("overlay options are longer than %zu bytes (too many layers)", sizeof opts);
    if (mount("overlay", cfg->rootfs, "overlay", MS_NOSUID | MS_NODEV, opts) < 0)
        fail("mount overlay root at %s: %s", cfg->rootfs, strerror(errno));
}

void rootfs_setup(const struct config *cfg) {
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) fail("make mounts private: %s", strerror(errno));
    mount_overlay(cfg);
    int rootfd = open(cfg->rootfs, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (rootfd < 0) fail("open rootfs %s: %s", cfg->rootfs, strerror(errno));
    int devnull = open("/dev/null", O_PATH | O_CLOEXEC);

    mount_at(rootfd, "proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 0);
    mount_at(rootfd, "sys", "sysfs", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 0);
    make_dev(rootfd);
    mount_at(rootfd, "tmp", "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", 0);
    for (int i = 0; i < cfg->netc; i++) write_etc_file(rootfd, &cfg->etc_files[i]);
    bind_mounts(cfg, rootfd);
    mask_paths(rootfd, devnull);
    close(devnull);

    if (fchdir(rootfd) < 0) fail("chdir rootfs: %s", strerror(errno));
    /* pivot_root(".", ".") stacks the old root on top of the new one; detaching it leaves only the rootfs. */
    if (syscall(SYS_pivot_root, ".", ".") < 0) fail("pivot_root: %s", strerror(errno));
    if (umount2(".", MNT_DETACH) < 0) fail("detach old root: %s", strerror(errno));
    if (chdir("/") < 0) fail("chdir /: %s", strerror(errno));
    close(rootfd);
}

void enter_workdir(const char *cwd) {
    long fd = openat2_path(AT_FDCWD, cwd, O_PATH | O_DIRECTORY | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    if (fd < 0) fail("working directory %s: %s", cwd, errno == ELOOP ? "magic link refused" : strerror(errno));
    struct statfs sfs;
    if (fstatfs((int)fd, &sfs) == 0 && (sfs.f_type == PROC_SUPER_MAGIC || sfs.f_type == SYSFS_MAGIC))
        fail("working directory %s is inside /proc or /sys: refused", cwd);
    if (fchdir((int)fd) < 0) fail("chdir %s: %s", cwd, strerror(errno));
    close((int)fd);
}
