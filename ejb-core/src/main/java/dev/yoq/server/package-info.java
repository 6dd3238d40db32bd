/**
 * The server process itself: its settings, its data directory, what happens at start (directories, token,
 * schema, node identity) and the node status that {@code GET /v1/node} and {@code yoq status --node} show.
 */
package dev.yoq.server;
