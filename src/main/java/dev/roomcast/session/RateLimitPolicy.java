package dev.roomcast.session;

import dev.roomcast.RoomcastConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;

/**
 * The configured limits ({@code roomcast.rate-limits.*}), shared by every connection: one for all frames
 * ({@code all}) and one per limited event name. Each connection keeps only its buckets' levels.
 */
@ApplicationScoped
public class RateLimitPolicy {

    static final String ALL = "all";

    private final Limit all;
    private final Map<String, Integer> indexByEvent = new HashMap<>();
    private final Limit[] perEvent;

    RateLimitPolicy(RoomcastConfig config) {
        Map<String, RoomcastConfig.RateLimit> limits = config.rateLimits();
        RoomcastConfig.RateLimit allLimit = limits.get(ALL);
        if (allLimit == null) {
            throw new IllegalStateException("roomcast.rate-limits.all.rate and .burst must be set");
        }
        this.all = Limit.of(allLimit);
        this.perEvent = limits.entrySet().stream()
                .filter(e -> !ALL.equals(e.getKey()))
                .map(e -> {
                    indexByEvent.put(e.getKey(), indexByEvent.size());
                    return Limit.of(e.getValue());
                })
                .toArray(Limit[]::new);
    }

    Limit all() {
        return all;
    }

    /** @return the index of the event's own limit, or -1 when only {@code all} applies */
    int indexOf(String event) {
        Integer index = indexByEvent.get(event);
        return index == null ? -1 : index;
    }

    Limit limit(int index) {
        return perEvent[index];
    }

    int eventLimitCount() {
        return perEvent.length;
    }

    public record Limit(double rate, double burst, double perNano) {
        public static Limit of(RoomcastConfig.RateLimit config) {
            if (config.rate() <= 0 || config.burst() < 1) {
                throw new IllegalStateException("a rate limit needs rate > 0 and burst >= 1");
            }
            return new Limit(config.rate(), config.burst(), config.rate() / 1e9);
        }
    }
}
