#define _GNU_SOURCE
#include "logfile.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

void log_open(struct logfile *log, const char *path, uint64_t max_bytes) {
    log->path = path;
    log->max_bytes = max_bytes ? max_bytes : 50ULL << 20;
    log->fd = path ? open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640) : -1;
    struct stat st;
    log->size = log->fd >= 0 && fstat(log->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static size_t timestamp(char *out, size_t len) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, len, "%Y-%m-%dT%H:%M:%S", &tm);
    return n + (size_t)snprintf(out + n, len - n, ".%09ldZ", ts.tv_nsec);
}

static void write_line(struct logfile *log, const char *stream, char tag, const char *text, size_t n) {
    if (log->fd < 0) return;
    char head[96];
    size_t h = timestamp(head, sizeof head);
    h += (size_t)snprintf(head + h, sizeof head - h, " %s %c ", stream, tag);
    if (log->size + h + n + 1 > log->max_bytes) {
        char old[4096];
        snprintf(old, sizeof old, "%s.1", log->path);
        rename(log->path, old);
        close(log->fd);
        log_open(log, log->path, log->max_bytes);
        static const char marker[] = "--- log truncated (exceeded 50 MB) ---";
        write_line(log, "stderr", 'F', marker, sizeof marker - 1);
        h = timestamp(head, sizeof head);
        h += (size_t)snprintf(head + h, sizeof head - h, " %s %c ", stream, tag);
    }
    struct iovec iov[3] = {{head, h}, {(void *)text, n}, {"\n", 1}};
    ssize_t w = writev(log->fd, iov, 3);
    if (w > 0) log->size += (uint64_t)w;
}

void log_feed(struct logfile *log, struct stream *s, const char *data, size_t n) {
    while (n > 0) {
        size_t take = sizeof s->buf - s->len < n ? sizeof s->buf - s->len : n;
        memcpy(s->buf + s->len, data, take);
        s->len += take; data += take; n -= take;
        size_t start = 0;
        for (size_t i = 0; i < s->len; i++) {
            if (s->buf[i] != '\n') continue;
            write_line(log, s->name, 'F', s->buf + start, i - start);
            start = i + 1;
        }
        memmove(s->buf, s->buf + start, s->len - start);
        s->len -= start;
        if (s->len == sizeof s->buf) { write_line(log, s->name, 'P', s->buf, s->len); s->len = 0; }
    }
}

void log_flush(struct logfile *log, struct stream *s) {
    if (s->len) write_line(log, s->name, 'F', s->buf, s->len);
    s->len = 0;
}
