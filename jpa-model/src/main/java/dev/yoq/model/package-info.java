/** JPA entities of yoq's SQLite schema. No logic: changes go through dev.yoq.state commands; the schema comes from db/migration. */
package dev.yoq.model;
