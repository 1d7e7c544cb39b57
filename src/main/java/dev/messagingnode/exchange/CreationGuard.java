package dev.messagingnode.exchange;

import io.vertx.core.Future;

/**
 * Asked before an exchange is created on this node. It may refuse (CONFLICT: the name is taken elsewhere by
 * another definition), allow, or answer that the exchange already exists elsewhere as defined, in which case
 * creating it succeeds without hosting it here.
 */
@FunctionalInterface
public interface CreationGuard {

    enum Verdict { CREATE_HERE, EXISTS_ELSEWHERE }

    CreationGuard ALLOW = definition -> Future.succeededFuture(Verdict.CREATE_HERE);

    Future<Verdict> check(ExchangeDefinition definition);
}
