/* yoq-init's configuration: written by the node helper, one "key value" line per setting.
 * Values are C-escaped (\\, \n, \t); repeated keys build lists. Unknown keys are an error, so a helper and an
 * init of different versions fail loudly instead of silently dropping a setting. */
#ifndef YOQ_INIT_CONFIG_H
#define YOQ_INIT_CONFIG_H

#include <stdint.h>
#include <sys/types.h>

#define MAX_LIST 256

struct bind_mount { char *source; char *target; int readonly; };
struct rlimit_setting { int resource; uint64_t soft; uint64_t hard; };
struct etc_file { char *name; char *content; };   /* written into the container's /etc (resolv.conf, hosts) */

struct config {
    int exec_mode;                 /* "mode exec": join a running container instead of creating one */
    char *id;
    char *rootfs;                  /* the overlay mount point (run mode) */
    char *lower[MAX_LIST]; int nlower;
    char *upper, *work;
    char *hostname;
    char *netns_path;              /* join this netns; otherwise a new, empty one */
    char *net_addr, *net_gateway;  /* eth0's "a.b.c.d/len" and default route, inside the netns (else lo only) */
    int userns; uid_t userns_uid; gid_t userns_gid; uint32_t userns_count;
    char *cgroup_procs[MAX_LIST]; int ncgroup;
    char *oom_file, *oom_key;
    struct bind_mount binds[MAX_LIST]; int nbinds;
    struct etc_file etc_files[4]; int netc;
    struct rlimit_setting rlimits[32]; int nrlimits;
    char *cwd;
    char *user;                    /* "uid[:gid]" or "name[:group]", resolved inside the rootfs */
    uint64_t caps;                 /* bit mask of kept capabilities */
    char *seccomp;                 /* path of a compiled BPF program (struct sock_filter[]) */
    char *env[MAX_LIST + 1]; int nenv;
    char *argv[MAX_LIST + 1]; int nargv;
    char *log; uint64_t log_max;
    char *state_dir;               /* where exit.json goes */
    pid_t target_pid;              /* exec mode: the container's pid 1 on the host */
};

/* Reads the file at path into cfg; on error writes a message into err and returns -1. */
int config_read(const char *path, struct config *cfg, char *err, size_t errlen);

#endif
