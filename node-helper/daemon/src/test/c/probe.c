/* Test probe run inside containers: tries one privileged operation and prints "ok" or the errno name. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    long rc = -1;
    if (!strcmp(argv[1], "mount")) rc = mount("none", "/tmp", "tmpfs", 0, NULL);
    else if (!strcmp(argv[1], "unshare")) rc = unshare(CLONE_NEWNS);
    else if (!strcmp(argv[1], "keyctl")) rc = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0);
    else if (!strcmp(argv[1], "ptrace")) rc = ptrace(PTRACE_ATTACH, 1, NULL, NULL);
    else if (!strcmp(argv[1], "bpf")) { char attr[144] = {0}; rc = syscall(SYS_bpf, 5 /* BPF_PROG_LOAD */, attr, sizeof attr); }
    else if (!strcmp(argv[1], "userfaultfd")) rc = syscall(SYS_userfaultfd, 0);
    else if (!strcmp(argv[1], "perf")) {
        struct perf_event_attr attr;
        memset(&attr, 0, sizeof attr);
        attr.size = sizeof attr;
        attr.type = PERF_TYPE_SOFTWARE;
        attr.config = PERF_COUNT_SW_CPU_CLOCK;
        rc = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
    }
    else if (!strcmp(argv[1], "mknod")) rc = mknod("/tmp/probe-blk", S_IFBLK | 0600, makedev(8, 0));
    else if (!strcmp(argv[1], "exe")) rc = open("/proc/self/exe", O_WRONLY);
    else if (!strcmp(argv[1], "exe1")) rc = open("/proc/1/exe", O_WRONLY);
    else if (!strcmp(argv[1], "fds")) {
        /* lists this process's open fds except the one opendir uses */
        return execl("/bin/ls", "ls", "/proc/self/fd", (char *)NULL);
    }
    if (rc >= 0) { puts("ok"); return 0; }
    printf("%s\n", errno == EPERM ? "EPERM" : strerror(errno));
    return 1;
}
