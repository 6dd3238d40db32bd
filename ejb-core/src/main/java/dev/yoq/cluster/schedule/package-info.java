/**
 * Where work runs: a pure function of the nodes (their capacity, what is already placed, labels, status and role)
 * and the pending requests, returning placements. The leader runs it and writes its decisions as commands.
 */
package dev.yoq.cluster.schedule;
