/**
 * Cluster-visible state changes as commands: immutable records ({@link dev.yoq.state.Command}) applied by one
 * deterministic {@link dev.yoq.state.StateMachine} inside a transaction, submitted through the
 * {@link dev.yoq.state.CommandBus}, which is also the single SQLite writer. {@code schema} holds the versioned
 * migrations; {@code jta} the container adapter (transactions, producers).
 */
package dev.yoq.state;
