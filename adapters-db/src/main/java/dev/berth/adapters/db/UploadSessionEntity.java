package dev.berth.adapters.db;

import dev.berth.application.port.UploadSession;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.UploadId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A blob upload in progress; see V2__registry.sql. */
@Entity
@Table(name = "upload_session")
public class UploadSessionEntity {

    @Id
    private UUID id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "repository_id")
    private RepositoryEntity repository;

    @Column(name = "started_by", nullable = false)
    private String startedBy;

    @Column(name = "byte_offset", nullable = false)
    private long offset;

    @Column(name = "started_at", nullable = false)
    private Instant startedAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected UploadSessionEntity() {
        // for JPA
    }

    UploadSessionEntity(UploadSession session, RepositoryEntity repository) {
        this.id = session.id().value();
        this.repository = repository;
        this.startedBy = session.startedBy();
        this.offset = session.offset();
        this.startedAt = session.startedAt();
        this.updatedAt = session.updatedAt();
    }

    UploadSession toSession() {
        return new UploadSession(new UploadId(id), new RepositoryName(repository.name()), startedBy, offset, startedAt,
                updatedAt);
    }
}
