package dev.roomcast.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Gives every HTTP server meter a {@code server.port} tag. Quarkus (3.34) tags the Vert.x server meters with the
 * configured port only when it is above 0; with the management interface there are two servers, and one on a random
 * port (0, as tests and some platforms run it) registers the same meter names without the tag, which Prometheus refuses
 * (the registration fails inside the server's start, and the start never completes).
 */
@Singleton
public class HttpServerPortTag {

    private static final String PORT = "server.port";

    @Produces
    @Singleton
    MeterFilter serverPortOnEveryHttpServerMeter() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getName().startsWith("http.server.") && id.getTag(PORT) == null) {
                    return id.withTag(Tag.of(PORT, "0"));
                }
                return id;
            }
        };
    }
}
