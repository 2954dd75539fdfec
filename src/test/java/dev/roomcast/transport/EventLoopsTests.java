package dev.roomcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roomcast.testing.ServicesResource;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The running server has one event loop per core the JVM sees (DerivedConfig), not Quarkus's two. */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class EventLoopsTests {

    @Inject
    Vertx vertx;

    @Test
    void theServerRunsOneEventLoopPerCore() {
        int loops = 0;
        for (EventExecutor ignored : ((VertxInternal) vertx).getEventLoopGroup()) {
            loops++;
        }

        assertEquals(Runtime.getRuntime().availableProcessors(), loops);
    }
}
