/**
 * The REST adapter: thin resources (parse, authorize, call one service, map to the spec's JSON), the bearer
 * token filter, request metrics, JSON error mapping. {@code limits} enforces the wire limits and the per-IP rate
 * limit; {@code health} holds one MicroProfile Health check per dependency.
 */
package dev.yoq.api;
