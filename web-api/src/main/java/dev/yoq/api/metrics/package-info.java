/** Prometheus text of the server's metrics behind the bearer token (GET /v1/metrics?format=prometheus). */
package dev.yoq.api.metrics;
