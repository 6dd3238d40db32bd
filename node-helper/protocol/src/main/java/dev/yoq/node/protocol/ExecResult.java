package dev.yoq.node.protocol;

/** The outcome of an exec: its exit code (128 + signal when killed) and its output, each capped at 1 MiB. */
public record ExecResult(int exitCode, String stdout, String stderr, boolean truncated) {}
