#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

static int unescape(char *s) {
    char *out = s;
    for (char *in = s; *in; in++) {
        if (*in != '\\') { *out++ = *in; continue; }
        in++;
        switch (*in) {
        case '\\': *out++ = '\\'; break;
        case 'n': *out++ = '\n'; break;
        case 't': *out++ = '\t'; break;
        default: return -1;
        }
    }
    *out = 0;
    return 0;
}

static int add(char **list, int *n, char *value) {
    if (*n >= MAX_LIST) return -1;
    list[(*n)++] = value;
    list[*n] = NULL;
    return 0;
}

static int rlimit_resource(const char *name) {
    static const struct { const char *name; int resource; } names[] = {
        {"nofile", RLIMIT_NOFILE}, {"nproc", RLIMIT_NPROC}, {"core", RLIMIT_CORE}, {"stack", RLIMIT_STACK},
        {"memlock", RLIMIT_MEMLOCK}, {"fsize", RLIMIT_FSIZE}, {"cpu", RLIMIT_CPU}, {"as", RLIMIT_AS},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, name) == 0) return names[i].resource;
    return -1;
}

static int set(struct config *c, char *key, char *v) {
    if (!strcmp(key, "mode")) { c->exec_mode = !strcmp(v, "exec"); return strcmp(v, "run") && !c->exec_mode ? -1 : 0; }
    if (!strcmp(key, "id")) { c->id = v; return 0; }
    if (!strcmp(key, "rootfs")) { c->rootfs = v; return 0; }
    if (!strcmp(key, "lower")) return add(c->lower, &c->nlower, v);
    if (!strcmp(key, "upper")) { c->upper = v; return 0; }
    if (!strcmp(key, "work")) { c->work = v; return 0; }
    if (!strcmp(key, "hostname")) { c->hostname = v; return 0; }
    if (!strcmp(key, "netns")) { c->netns_path = v; return 0; }
    if (!strcmp(key, "net_addr")) { c->net_addr = v; return 0; }
    if (!strcmp(key, "net_gateway")) { c->net_gateway = v; return 0; }
    if (!strcmp(key, "userns")) {
        c->userns = 1;
        return sscanf(v, "%u %u %u", &c->userns_uid, &c->userns_gid, &c->userns_count) == 3 ? 0 : -1;
    }
    if (!strcmp(key, "cgroup_procs")) return add(c->cgroup_procs, &c->ncgroup, v);
    if (!strcmp(key, "oom_file")) { c->oom_file = v; return 0; }
    if (!strcmp(key, "oom_key")) { c->oom_key = v; return 0; }
    if (!strcmp(key, "etc_file")) {
        /* "name<TAB>content": a plain file name directly under /etc */
        if (c->netc >= 4) return -1;
        char *content = strchr(v, '\t'); if (!content) return -1; *content++ = 0;
        if (!*v || strchr(v, '/') || !strcmp(v, ".") || !strcmp(v, "..")) return -1;
        c->etc_files[c->netc].name = v; c->etc_files[c->netc++].content = content;
        return 0;
    }
    if (!strcmp(key, "bind")) {
        /* "ro|rw<TAB>source<TAB>target" */
        if (c->nbinds >= MAX_LIST) return -1;
        char *src = strchr(v, '\t'); if (!src) return -1; *src++ = 0;
        char *dst = strchr(src, '\t'); if (!dst) return -1; *dst++ = 0;
        struct bind_mount *b = &c->binds[c->nbinds++];
        b->readonly = strcmp(v, "rw") != 0; b->source = src; b->target = dst;
        return 0;
    }
    if (!strcmp(key, "rlimit")) {
        if (c->nrlimits >= 32) return -1;
        char name[32]; unsigned long long soft, hard;
        if (sscanf(v, "%31s %llu %llu", name, &soft, &hard) != 3) return -1;
        int r = rlimit_resource(name);
        if (r < 0) return -1;
        c->rlimits[c->nrlimits++] = (struct rlimit_setting){r, soft, hard};
        return 0;
    }
    if (!strcmp(key, "cwd")) { c->cwd = v; return 0; }
    if (!strcmp(key, "user")) { c->user = v; return 0; }
    if (!strcmp(key, "caps")) { c->caps = strtoull(v, NULL, 16); return 0; }
    if (!strcmp(key, "seccomp")) { c->seccomp = v; return 0; }
    if (!strcmp(key, "env")) return add(c->env, &c->nenv, v);
    if (!strcmp(key, "arg")) return add(c->argv, &c->nargv, v);
    if (!strcmp(key, "log")) { c->log = v; return 0; }
    if (!strcmp(key, "log_max")) { c->log_max = strtoull(v, NULL, 10); return 0; }
    if (!strcmp(key, "state_dir")) { c->state_dir = v; return 0; }
    if (!strcmp(key, "target_pid")) { c->target_pid = (pid_t)atoi(v); return 0; }
    return -1;
}

/* A file only root can have written: root's, a regular file, not writable by group or others. */
static int root_only(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 && !(st.st_mode & (S_IWGRP | S_IWOTH));
}

/*
 * Reads "key value" lines into cfg. "include PATH" (only in the top file) reads another file of settings: the
 * helper keeps a container's secret environment variables there, on the container's root-only tmpfs, so the
 * values never sit in init.conf on disk.
 */
static int read_lines(const char *path, struct config *cfg, char *err, size_t errlen, int nested) {
    FILE *f = fopen(path, "re");
    if (!f) { snprintf(err, errlen, "cannot open config %s: %s", path, strerror(errno)); return -1; }
    char *line = NULL; size_t cap = 0; ssize_t n; int lineno = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (n > 0 && line[n - 1] == '\n') line[--n] = 0;
        if (n == 0) continue;
        char *copy = strdup(line);
        char *space = strchr(copy, ' ');
        char *value = space ? space + 1 : copy + strlen(copy);
        if (space) *space = 0;
        int bad = unescape(value) < 0;
        if (!bad && !strcmp(copy, "include")) {
            if (nested || value[0] != '/' || !root_only(value)) bad = 1;
            else if (read_lines(value, cfg, err, errlen, 1) < 0) { fclose(f); free(line); return -1; }
        } else if (!bad && nested && strcmp(copy, "env")) {
            bad = 1;   /* an included file gives environment variables, nothing else */
        } else if (!bad) {
            bad = set(cfg, copy, value) < 0;
        }
        if (bad) {
            snprintf(err, errlen, "config %s line %d: bad setting '%s'", path, lineno, copy);
            fclose(f); free(line); return -1;
        }
    }
    free(line);
    fclose(f);
    return 0;
}

int config_read(const char *path, struct config *cfg, char *err, size_t errlen) {
    memset(cfg, 0, sizeof *cfg);
    cfg->cwd = "/";
    if (read_lines(path, cfg, err, errlen, 0) < 0) return -1;
    if (cfg->nargv == 0) { snprintf(err, errlen, "config %s: no command (arg) given", path); return -1; }
    if (!cfg->exec_mode && (!cfg->rootfs || !cfg->upper || !cfg->work || cfg->nlower == 0 || !cfg->state_dir)) {
        snprintf(err, errlen, "config %s: rootfs, lower, upper, work and state_dir are required", path); return -1;
    }
    if (cfg->exec_mode && cfg->target_pid <= 0) { snprintf(err, errlen, "config %s: exec needs target_pid", path); return -1; }
    return 0;
}
