/** Versioned schema migrations (plain JDBC) and the schema_version record that start-up and restore check. */
package dev.yoq.state.schema;
