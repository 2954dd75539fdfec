package dev.roomcast.admin;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/**
 * A token revocation in force (PROTOCOL.md section 12): every token of {@link #userId} issued before
 * {@link #issuedBefore}, or the one token whose {@code jti} is {@link #jti}. Kept until {@link #expiresAt} (epoch
 * seconds), after which no token it matches can be valid.
 */
@Entity
@Table(name = "revocations")
public class Revocation {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "user_id")
    public String userId;

    @Column(name = "issued_before")
    public Long issuedBefore;

    public String jti;

    public Long exp;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "expires_at", nullable = false)
    public long expiresAt;
}
