/* yoq-init: one per container. Started by the node helper as "yoq-init <config>", it creates the container
 * (namespaces, overlay root, mounts, limits, capabilities, seccomp), stays as its parent to capture its output
 * and report its exit, and outlives the helper: a restarted helper re-adopts it from the files it writes.
 *
 * Run mode protocol (stdout, one line, then stdout is closed): "ok <container pid>" or "error <message>".
 * Files in state_dir: running.json once started, exit.json when the container has exited (both atomic).
 * Exec mode ("mode exec"): joins a running container's namespaces and cgroups, runs one command with the same
 * capabilities, no_new_privs and seccomp, and exits with its status. */
#define _GNU_SOURCE
#include "config.h"
#include "fail.h"
#include "logfile.h"
#include "net.h"
#include "rootfs.h"
#include "security.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int error_fd = 1;
static const char *error_prefix = "error ";

void set_error_fd(int fd, const char *prefix) { error_fd = fd; error_prefix = prefix; }

void fail(const char *fmt, ...) {
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg - 1, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    if (n > (int)sizeof msg - 2) n = (int)sizeof msg - 2;
    dprintf(error_fd, "%s%.*s\n", error_prefix, n, msg);
    _exit(127);
}

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, text, strlen(text)) < 0) fail("write %s: %s", path, strerror(errno));
    close(fd);
}

/* Writes name in dir through a temporary file and a rename: a reader sees all of it or nothing. No fsync: these
 * files describe processes, which a power loss ends anyway (the server then reconciles them as lost), and an
 * fsync here would sit on every container's start and exit path. */
static void write_atomic(const char *dir, const char *name, const char *text) {
    char tmp[4096], final[4096];
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
    snprintf(final, sizeof final, "%s/%s", dir, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return;
    ssize_t w = write(fd, text, strlen(text));
    close(fd);
    if (w < 0) return;
    rename(tmp, final);
}

static long read_counter(const char *file, const char *key) {
    if (!file || !key) return -1;
    FILE *f = fopen(file, "re");
    if (!f) return -1;
    char name[64]; long value, found = -1;
    while (fscanf(f, "%63s %ld", name, &value) == 2) if (!strcmp(name, key)) { found = value; break; }
    fclose(f);
    return found;
}

static int signal_fd(void) {
    sigset_t set;
    sigemptyset(&set);
    int forwarded[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
    for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) sigaddset(&set, forwarded[i]);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    return signalfd(-1, &set, SFD_CLOEXEC);
}

static void reset_signals(void) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
}

static int exit_code_of(int status) {
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- run mode: the container's child side ---- */

static void container_child(const struct config *cfg, int sync_fd, int userns_fd, int err_fd, int out_fd, int errout_fd) {
    reset_signals();
    set_error_fd(err_fd, "");
    /* If this yoq-init dies (kill -9), the container dies with it instead of running untracked. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    dup2(devnull, 0);
    dup2(out_fd, 1);
    dup2(errout_fd, 2);
    char go;
    if (read(sync_fd, &go, 1) != 1) _exit(1);   /* the parent died before placing us */
    if (cfg->netns_path) {
        int ns = open(cfg->netns_path, O_RDONLY | O_CLOEXEC);
        if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) fail("join network namespace %s: %s", cfg->netns_path, strerror(errno));
        close(ns);
    }
    net_setup(cfg->net_addr, cfg->net_gateway);
    /* After the parent moved us into our cgroups, so that they are the root of our cgroup namespace. */
    if (unshare(CLONE_NEWCGROUP) < 0) fail("new cgroup namespace: %s", strerror(errno));
    rootfs_setup(cfg);
    if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
        fail("sethostname %s: %s", cfg->hostname, strerror(errno));
    if (cfg->userns) {
        /* Last, after every mount: the namespaces above stay owned by the host, so the container's root can
         * change nothing about them; it is root only over what its own uid range owns. */
        if (unshare(CLONE_NEWUSER) < 0) fail("new user namespace: %s", strerror(errno));
        if (write(userns_fd, "u", 1) != 1 || read(sync_fd, &go, 1) != 1) _exit(1);   /* parent writes our maps */
        if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) fail("become root in the user namespace: %s", strerror(errno));
    }
    enter_workdir(cfg->cwd);
    lock_down(cfg, err_fd);
    environ = (char **)cfg->env;
    execvp(cfg->argv[0], (char **)cfg->argv);
    fail("exec %s: %s", cfg->argv[0], strerror(errno));
}

static void map_user_namespace(const struct config *cfg, pid_t pid) {
    char path[256], text[128];
    {
        snprintf(path, sizeof path, "/proc/%d/setgroups", pid);
        write_file(path, "deny");
        snprintf(text, sizeof text, "0 %u %u\n", cfg->userns_uid, cfg->userns_count);
        snprintf(path, sizeof path, "/proc/%d/uid_map", pid);
        write_file(path, text);
        snprintf(text, sizeof text, "0 %u %u\n", cfg->userns_gid, cfg->userns_count);
        snprintf(path, sizeof path, "/proc/%d/gid_map", pid);
        write_file(path, text);
    }
}

static void place_child(const struct config *cfg, pid_t pid) {
    char text[32];
    snprintf(text, sizeof text, "%d", pid);
    for (int i = 0; i < cfg->ncgroup; i++) write_file(cfg->cgroup_procs[i], text);
}

/* ---- run mode: the supervising parent ---- */

static int pump(struct logfile *log, struct stream *s, int fd) {
    char buf[65536];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) { log_feed(log, s, buf, (size_t)n); return 1; }
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 1;
    log_flush(log, s);
    return 0;
}

static int supervise(const struct config *cfg, pid_t child, int sigfd, int out, int err) {
    struct logfile log;
    log_open(&log, cfg->log, cfg->log_max);
    struct stream so = {.name = "stdout"}, se = {.name = "stderr"};
    int status = 0, exited = 0, out_open = 1, err_open = 1;
    long long exited_at = 0;
    while (!exited || out_open || err_open) {
        struct pollfd fds[3] = {{sigfd, POLLIN, 0}, {out_open ? out : -1, POLLIN, 0}, {err_open ? err : -1, POLLIN, 0}};
        /* Once the container is gone its output ends with it; a straggler holding the pipe gets 2 s. */
        int timeout = exited ? 200 : -1;
        if (poll(fds, 3, timeout) == 0 && exited && now_ms() - exited_at > 2000) break;
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            if (read(sigfd, &si, sizeof si) == sizeof si) {
                if (si.ssi_signo == SIGCHLD) {
                    pid_t p; int st;
                    while ((p = waitpid(-1, &st, WNOHANG)) > 0)
                        if (p == child) { status = st; exited = 1; exited_at = now_ms(); }
                } else if (!exited) {
                    kill(child, (int)si.ssi_signo);
                }
            }
        }
        if (fds[1].revents) out_open = pump(&log, &so, out);
        if (fds[2].revents) err_open = pump(&log, &se, err);
    }
    return status;
}

static int run_container(const struct config *cfg) {
    setsid();   /* the helper's session and process group may be signalled as a whole; containers must not be */
    int sigfd = signal_fd();
    load_seccomp(cfg->seccomp);
    int out[2], err[2], errp[2], sync[2], uns[2];
    if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(errp, O_CLOEXEC) || pipe2(sync, O_CLOEXEC)
        || pipe2(uns, O_CLOEXEC))
        fail("pipe: %s", strerror(errno));
    long oom_before = read_counter(cfg->oom_file, cfg->oom_key);

    struct clone_args args = {0};
    args.flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;
    if (!cfg->netns_path) args.flags |= CLONE_NEWNET;
    args.exit_signal = SIGCHLD;
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0) fail("clone3: %s", strerror(errno));
    if (pid == 0) {
        close(out[0]); close(err[0]); close(errp[0]); close(sync[1]); close(uns[0]);
        container_child(cfg, sync[0], uns[1], errp[1], out[1], err[1]);
    }
    close(out[1]); close(err[1]); close(errp[1]); close(sync[0]); close(uns[1]);
    place_child(cfg, (pid_t)pid);
    if (write(sync[1], "x", 1) != 1) fail("release the container: %s", strerror(errno));
    char asked;
    if (cfg->userns && read(uns[0], &asked, 1) == 1) {   /* EOF instead: the child failed, its error follows */
        map_user_namespace(cfg, (pid_t)pid);
        if (write(sync[1], "x", 1) != 1) fail("release the container: %s", strerror(errno));
    }
    close(sync[1]);
    close(uns[0]);

    char msg[2048];
    ssize_t n, got = 0;
    while ((n = read(errp[0], msg + got, sizeof msg - 1 - (size_t)got)) > 0) got += n;
    if (got > 0) {
        waitpid((pid_t)pid, NULL, 0);
        while (got > 0 && msg[got - 1] == '\n') got--;
        msg[got] = 0;
        fail("%s", msg);
    }
    char text[256];
    long long started = now_ms();
    snprintf(text, sizeof text, "{\"init_pid\":%d,\"pid\":%ld,\"started_at_ms\":%lld}\n", getpid(), pid, started);
    write_atomic(cfg->state_dir, "running.json", text);
    printf("ok %ld\n", pid);
    fflush(stdout);
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    dup2(devnull, 0); dup2(devnull, 1); dup2(devnull, 2);
    close(devnull);

    int status = supervise(cfg, (pid_t)pid, sigfd, out[0], err[0]);
    long oom_after = read_counter(cfg->oom_file, cfg->oom_key);
    int oom = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && oom_after > oom_before && oom_before >= 0;
    snprintf(text, sizeof text,
             "{\"exit_code\":%d,\"signal\":%d,\"oom_killed\":%s,\"started_at_ms\":%lld,\"finished_at_ms\":%lld}\n",
             exit_code_of(status), WIFSIGNALED(status) ? WTERMSIG(status) : 0, oom ? "true" : "false", started, now_ms());
    write_atomic(cfg->state_dir, "exit.json", text);
    return 0;
}

/* ---- exec mode ---- */

/* Opens the target's namespace file; -1 when we already share it (e.g. no user namespace). */
static int open_namespace(pid_t target, const char *name) {
    char path[64], self[64];
    snprintf(path, sizeof path, "/proc/%d/ns/%s", target, name);
    snprintf(self, sizeof self, "/proc/self/ns/%s", name);
    struct stat a, b;
    if (stat(path, &a) < 0) fail("container process %d is gone: %s", target, strerror(errno));
    if (stat(self, &b) == 0 && a.st_ino == b.st_ino) return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail("open %s: %s", path, strerror(errno));
    return fd;
}

static int run_exec(const struct config *cfg) {
    set_error_fd(2, "yoq-init: ");
    int sigfd = signal_fd();
    load_seccomp(cfg->seccomp);
    char text[32];
    snprintf(text, sizeof text, "%d", getpid());
    for (int i = 0; i < cfg->ncgroup; i++) write_file(cfg->cgroup_procs[i], text);
    /* The user namespace last: the others belong to the host's, and joining it first would drop the right to. */
    static const struct { const char *name; int type; } order[] = {{"ipc", CLONE_NEWIPC},
        {"uts", CLONE_NEWUTS}, {"net", CLONE_NEWNET}, {"pid", CLONE_NEWPID}, {"cgroup", CLONE_NEWCGROUP},
        {"mnt", CLONE_NEWNS}, {"user", CLONE_NEWUSER}};
    enum { NS = sizeof order / sizeof order[0] };
    int fds[NS];
    for (size_t i = 0; i < NS; i++) fds[i] = open_namespace(cfg->target_pid, order[i].name);   /* all before any setns */
    for (size_t i = 0; i < NS; i++) {
        if (fds[i] >= 0 && setns(fds[i], order[i].type) < 0)
            fail("join %s namespace of %d: %s", order[i].name, cfg->target_pid, strerror(errno));
        if (fds[i] >= 0) close(fds[i]);
    }
    pid_t pid = fork();
    if (pid < 0) fail("fork: %s", strerror(errno));
    if (pid == 0) {
        reset_signals();
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (cfg->userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) fail("setuid 0: %s", strerror(errno));
        enter_workdir(cfg->cwd);
        lock_down(cfg, -1);
        environ = (char **)cfg->env;
        execvp(cfg->argv[0], (char **)cfg->argv);
        fail("exec %s: %s", cfg->argv[0], strerror(errno));
    }
    for (;;) {
        struct signalfd_siginfo si;
        if (read(sigfd, &si, sizeof si) != sizeof si) continue;
        if (si.ssi_signo != SIGCHLD) { kill(pid, (int)si.ssi_signo); continue; }
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) return exit_code_of(status);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: yoq-init <config file>\n(started by the yoq node helper, not by hand)\n");
        return 2;
    }
    static struct config cfg;
    char err[512];
    if (config_read(argv[1], &cfg, err, sizeof err) < 0) fail("%s", err);
    return cfg.exec_mode ? run_exec(&cfg) : run_container(&cfg);
}
