package dev.yoq.state;

/**
 * A change to durable, cluster-visible state. Commands are immutable and carry everything they need, including
 * the time, so that applying the same sequence to any database gives the same result (a Raft log can replay
 * them later). {@code R} is what applying the command returns to the submitter.
 */
public sealed interface Command<R> {

    /** The first start of a node: records its identity. Refused if the database already belongs to a node. */
    record RegisterNode(String nodeId, String role, String hostname, String version, long at)
            implements Command<String> {
    }

    /** A server process started on this node; returns how many starts the node has recorded. */
    record RecordServerStart(String nodeId, String version, long at) implements Command<Long> {
    }

    /** One audit trail entry; returns its id. */
    record RecordAudit(String actor, String action, String target, String outcome, long at)
            implements Command<Long> {
    }
}
