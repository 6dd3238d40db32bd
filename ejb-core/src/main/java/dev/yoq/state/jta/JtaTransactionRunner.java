package dev.yoq.state.jta;

import java.util.function.Function;

import dev.yoq.state.TransactionRunner;
import jakarta.ejb.LocalBean;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/** Each call runs in its own container-managed transaction on the {@code yoq} persistence unit. */
@Stateless
@LocalBean
public class JtaTransactionRunner implements TransactionRunner {

    @PersistenceContext(unitName = "yoq")
    private EntityManager em;

    @Override
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public <R> R inNewTransaction(Function<EntityManager, R> work) {
        R result = work.apply(em);
        em.flush(); // surface constraint and locking errors here, inside the bus's retry, not at commit
        return result;
    }
}
