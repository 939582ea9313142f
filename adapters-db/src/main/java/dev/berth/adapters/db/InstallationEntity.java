package dev.berth.adapters.db;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** The single row created by the first migration; see V1__installation.sql. */
@Entity
@Table(name = "installation")
public class InstallationEntity {

    @Id
    private UUID id;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected InstallationEntity() {
        // for JPA
    }

    public UUID id() {
        return id;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
