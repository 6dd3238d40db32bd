package dev.yoq.state;

import java.util.function.Function;

import jakarta.persistence.EntityManager;

/**
 * Runs work in a new transaction that commits when the work returns and rolls back when it throws. In the
 * server this is a container-managed JTA transaction; in component tests a resource-local one.
 */
public interface TransactionRunner {

    <R> R inNewTransaction(Function<EntityManager, R> work);
}
