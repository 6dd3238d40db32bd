#ifndef YOQ_INIT_FAIL_H
#define YOQ_INIT_FAIL_H
/* Setup errors: the message goes to the error channel the parent reads, and the process exits.
 * In the container child that channel is the error pipe; in the parent it is stdout (the helper reads it). */
void set_error_fd(int fd, const char *prefix);
__attribute__((noreturn, format(printf, 1, 2))) void fail(const char *fmt, ...);
#endif
