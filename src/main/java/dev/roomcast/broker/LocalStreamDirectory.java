package dev.roomcast.broker;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

/**
 * One pod ({@code roomcast.broker=local}): every session is this pod's, which the transport finds itself, so no other
 * pod holds any.
 */
@ApplicationScoped
@Typed(LocalStreamDirectory.class)
public class LocalStreamDirectory implements StreamDirectory {

    private static final Uni<String> NOBODY = Uni.createFrom().nullItem();

    @Override
    public void held(String clientId, String userId) {}

    @Override
    public void released(String clientId) {}

    @Override
    public Uni<String> userOf(String clientId) {
        return NOBODY;
    }
}
