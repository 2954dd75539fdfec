package dev.roomcast.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roomcast.testing.ServicesResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A transaction that nobody finishes (a failure between its statements that also lost the rollback) would keep its row
 * locks, and every later change of those rows would wait for it forever: PostgreSQL ends any transaction of the pod's
 * that stays idle for a minute. No Roomcast transaction waits on a client, so a live one is never that idle.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class AbandonedTransactionTests {

    @Inject
    Pool database;

    @Test
    void everyConnectionOfThePoolEndsTransactionsIdleForAMinute() {
        Row setting = database.query("SHOW idle_in_transaction_session_timeout")
                .execute()
                .await()
                .atMost(Duration.ofSeconds(10))
                .iterator()
                .next();
        assertEquals("1min", setting.getString(0));
    }
}
