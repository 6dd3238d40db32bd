#define _GNU_SOURCE
#include "security.h"
#include "fail.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static struct sock_fprog seccomp_prog;

void load_seccomp(const char *path) {
    if (!path) return;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail("seccomp program %s: %s", path, strerror(errno));
    struct stat st;
    fstat(fd, &st);
    if (st.st_size == 0 || st.st_size % sizeof(struct sock_filter) || st.st_size > 65536 * 8)
        fail("seccomp program %s has a bad size (%lld bytes)", path, (long long)st.st_size);
    struct sock_filter *filter = malloc((size_t)st.st_size);
    if (read(fd, filter, (size_t)st.st_size) != st.st_size) fail("read seccomp program %s", path);
    close(fd);
    seccomp_prog.len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
    seccomp_prog.filter = filter;
}

/* Looks a name up in the container's own /etc/passwd or /etc/group (after pivot_root), never the host's. */
static long lookup_id(const char *file, const char *name) {
    FILE *f = fopen(file, "re");
    if (!f) return -1;
    char line[1024];
    long id = -1;
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (!colon || (size_t)(colon - line) != strlen(name) || strncmp(line, name, strlen(name))) continue;
        char *idfield = strchr(colon + 1, ':');
        if (idfield) id = strtol(idfield + 1, NULL, 10);
        break;
    }
    fclose(f);
    return id;
}

static long parse_id(const char *text, const char *file, const char *what) {
    char *end;
    long id = strtol(text, &end, 10);
    if (*text && !*end && id >= 0) return id;
    id = lookup_id(file, text);
    if (id < 0) fail("%s %s not found in the container's %s", what, text, file);
    return id;
}

static void set_user(const char *spec) {
    if (!spec || !*spec) return;
    char *copy = strdup(spec), *group = strchr(copy, ':');
    if (group) *group++ = 0;
    uid_t uid = (uid_t)parse_id(copy, "/etc/passwd", "user");
    gid_t gid = group ? (gid_t)parse_id(group, "/etc/group", "group") : 0;
    if (!group) {
        /* The user's primary group, as Docker does for "--user name". */
        FILE *f = fopen("/etc/passwd", "re");
        char line[1024];
        while (f && fgets(line, sizeof line, f)) {
            unsigned u, g;
            char *p = strchr(line, ':'); if (!p) continue; p = strchr(p + 1, ':'); if (!p) continue;
            if (sscanf(p + 1, "%u:%u", &u, &g) == 2 && u == uid) { gid = g; break; }
        }
        if (f) fclose(f);
    }
    if (setgroups(0, NULL) < 0 && errno != EPERM) fail("setgroups: %s", strerror(errno));
    if (setresgid(gid, gid, gid) < 0) fail("setgid %u: %s", gid, strerror(errno));
    if (setresuid(uid, uid, uid) < 0) fail("setuid %u: %s", uid, strerror(errno));
    free(copy);
}

/* Needs CAP_SETPCAP, so it runs before the switch to the container's user. */
static void drop_bounding_set(uint64_t keep) {
    int last = CAP_LAST_CAP;
    FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
    if (f) { if (fscanf(f, "%d", &last) != 1) last = CAP_LAST_CAP; fclose(f); }
    for (int cap = 0; cap <= last; cap++)
        if (!(keep & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            fail("drop capability %d from the bounding set: %s", cap, strerror(errno));
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}

static void set_capabilities(uint64_t keep) {
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    /* A non-root user ends with no effective or permitted capabilities, as with Docker. */
    uint64_t mask = getuid() == 0 ? keep : 0;
    for (int i = 0; i < 2; i++) {
        data[i].effective = data[i].permitted = data[i].inheritable = (uint32_t)(mask >> (32 * i));
    }
    if (syscall(SYS_capset, &hdr, data) < 0) fail("capset: %s", strerror(errno));
}

void lock_down(const struct config *cfg, int keep_fd) {
    for (int i = 0; i < cfg->nrlimits; i++) {
        struct rlimit current, want = {cfg->rlimits[i].soft, cfg->rlimits[i].hard};
        getrlimit(cfg->rlimits[i].resource, &current);
        /* Never ask for more than the host's hard limit: root may lack CAP_SYS_RESOURCE (see STACK-NOTES). */
        if (want.rlim_max > current.rlim_max) want.rlim_max = current.rlim_max;
        if (want.rlim_cur > want.rlim_max) want.rlim_cur = want.rlim_max;
        if (setrlimit(cfg->rlimits[i].resource, &want) < 0) fail("setrlimit: %s", strerror(errno));
    }
    drop_bounding_set(cfg->caps);
    set_user(cfg->user);
    set_capabilities(cfg->caps);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail("no_new_privs: %s", strerror(errno));
    /* Nothing the helper (a JVM) or this init holds may reach the container. */
    if (keep_fd > 3) syscall(SYS_close_range, 3, keep_fd - 1, 0);
    syscall(SYS_close_range, keep_fd < 3 ? 3 : keep_fd + 1, ~0U, 0);
    if (seccomp_prog.filter && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &seccomp_prog) < 0)
        fail("install seccomp filter: %s", strerror(errno));
}
