/**
 * The wire protocol between the yoq server ({@code dev.yoq.node.NodeClient}) and the node helper: versioned JSON
 * messages over {@code /run/yoq/node.sock}. Empty until the container runtime issue; kept free of Jakarta types
 * so both the helper and the server can load it.
 */
package dev.yoq.node.protocol;
