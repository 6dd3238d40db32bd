/**
 * yoq-node, the privileged per-node helper. It executes typed requests (containers, mounts, cgroups, network)
 * and reports facts; it never decides policy. Built by the container runtime issue.
 */
package dev.yoq.node.daemon;
