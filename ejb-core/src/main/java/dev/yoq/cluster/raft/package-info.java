/**
 * The command bus replicated with Apache Ratis: commands travel as type-tagged JSON entries of the Raft log, and
 * every server applies each committed entry through the same {@link dev.yoq.state.StateMachine} to its own
 * SQLite database, exactly once (the applied index and command ids live in that database, in the same
 * transaction). A snapshot is SQLite's online backup of the database.
 */
package dev.yoq.cluster.raft;
