/* Test client: connects to a helper socket, says hello, prints the first line of the answer (or the errno). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) { printf("connect: %s\n", strerror(errno)); return 1; }
    const char *hello = "{\"id\":1,\"op\":\"hello\",\"body\":{\"version\":1}}\n";
    if (write(fd, hello, strlen(hello)) < 0) { printf("write: %s\n", strerror(errno)); return 1; }
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n < 0) { printf("read: %s\n", strerror(errno)); return 1; }
    buf[n] = 0;
    fputs(buf, stdout);
    return 0;
}
