/** The original's wire limits (URI, headers, body) and the per-address rate limit, applied before JAX-RS. */
package dev.yoq.api.limits;
