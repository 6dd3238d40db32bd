/**
 * Agents as the servers see them, as pure rules: what a registration must carry (spec §5.3), the numbers a node
 * is given (node id, overlay address, container subnet, §5.5), and when a silent agent goes offline and is
 * forgotten (§5.2, §6.7). The REST resources and the leader's timers will call these and write commands.
 */
package dev.yoq.cluster.agent;
