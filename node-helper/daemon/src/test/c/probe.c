/* Test probe run inside containers: tries one privileged operation and prints "ok" or the errno name. */
#define _GNU_SOURCE
#include <errno.h>
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
    else if (!strcmp(argv[1], "fds")) {
        /* lists this process's open fds except the one opendir uses */
        return execl("/bin/ls", "ls", "/proc/self/fd", (char *)NULL);
    }
    if (rc == 0) { puts("ok"); return 0; }
    printf("%s\n", errno == EPERM ? "EPERM" : strerror(errno));
    return 1;
}
