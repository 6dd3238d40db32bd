/** Secrets, tokens and their checks. Today: the node's admin API token and its constant-time comparison. */
package dev.yoq.security;
