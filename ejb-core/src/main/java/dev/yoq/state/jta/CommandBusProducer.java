package dev.yoq.state.jta;

import dev.yoq.state.CommandBus;
import dev.yoq.state.StateMachine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** One command bus per server: it is the single writer, so there must never be two. */
@ApplicationScoped
public class CommandBusProducer {

    @Inject
    JtaTransactionRunner transactions;

    @Produces
    @Singleton
    CommandBus commandBus() {
        return new CommandBus(new StateMachine(), transactions);
    }
}
