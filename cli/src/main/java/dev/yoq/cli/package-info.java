/**
 * The {@code yoq} command: picocli commands (one class per command), a small REST client of the server's API,
 * and control of the local Liberty server ({@code yoq server start|stop|status|logs}).
 */
package dev.yoq.cli;
