/** MicroProfile Health checks, one per dependency: start-up (data dir, token, schema, node) and the database. */
package dev.yoq.api.health;
