#ifndef YOQ_INIT_LOGFILE_H
#define YOQ_INIT_LOGFILE_H
#include <stddef.h>
#include <stdint.h>
/* The container's log, in the CRI format Kubernetes uses ("<RFC3339Nano> <stdout|stderr> <F|P> <text>"), so
 * every line keeps its time and stream. At max_bytes the file moves to <path>.1 (one old file kept) and a new
 * one starts with a marker line. */
struct logfile { int fd; const char *path; uint64_t max_bytes; uint64_t size; };
struct stream { const char *name; char buf[16384]; size_t len; };

void log_open(struct logfile *log, const char *path, uint64_t max_bytes);
/* Appends data read from a stream; complete lines are written at once, long lines are split (tag P). */
void log_feed(struct logfile *log, struct stream *s, const char *data, size_t n);
/* Writes what is left of a stream as a final line (at EOF). */
void log_flush(struct logfile *log, struct stream *s);
#endif
