package dev.roomcast.transport;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.ref.WeakReference;

/**
 * Remembers, weakly, the routing context of the last upgrade request that carried {@link #HEADER}: whether anything
 * keeps it alive after the upgrade can then be seen from a test.
 */
@ApplicationScoped
public class UpgradeRequestProbe {

    static final String HEADER = "X-Roomcast-Test-Probe";

    private volatile WeakReference<RoutingContext> last = new WeakReference<>(null);

    void install(@Observes Router router) {
        // Before every other handler, so that it sees the upgrade before websockets-next takes it.
        router.route().order(Integer.MIN_VALUE).handler(this::remember);
    }

    private void remember(RoutingContext context) {
        if (context.request().getHeader(HEADER) != null) {
            last = new WeakReference<>(context);
        }
        context.next();
    }

    boolean stillReachable() {
        return last.get() != null;
    }
}
