package dev.roomcast.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses to start without a JWT verification key. Without one every token would be refused, which looks like an
 * outage of authentication rather than the configuration mistake it is. The development key is configured only
 * in the dev profile, so production always needs its own.
 */
@ApplicationScoped
public class JwtKeyCheck {

    void verifyKeyConfigured(
            @Observes StartupEvent event,
            @ConfigProperty(name = "mp.jwt.verify.publickey") Optional<String> key,
            @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> location) {
        if (key.isEmpty() && location.isEmpty()) {
            throw new IllegalStateException("No JWT verification key: set mp.jwt.verify.publickey.location "
                    + "(MP_JWT_VERIFY_PUBLICKEY_LOCATION) or mp.jwt.verify.publickey (MP_JWT_VERIFY_PUBLICKEY)");
        }
    }
}
