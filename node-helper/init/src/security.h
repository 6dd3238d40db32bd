#ifndef YOQ_INIT_SECURITY_H
#define YOQ_INIT_SECURITY_H
#include "config.h"
/* The last steps before exec, in this order: rlimits, user and groups, capabilities (bounding, ambient,
 * effective/permitted/inheritable), no_new_privs, closing every fd above 2, seccomp. keep_fd stays open
 * (it is close-on-exec) so a failure can still be reported. */
void load_seccomp(const char *path);   /* reads the program now, installs it in lock_down() */
void lock_down(const struct config *cfg, int keep_fd);
#endif
