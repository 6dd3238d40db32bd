/** The container side of the command bus: one REQUIRES_NEW transaction per command, and the single bus instance. */
package dev.yoq.state.jta;
