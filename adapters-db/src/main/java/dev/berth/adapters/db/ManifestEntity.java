package dev.berth.adapters.db;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/**
 * A manifest's identity, for JPQL; see V2__registry.sql. Its payload, references and annotations
 * are written and read with native SQL in {@link PostgresManifestStore}, one statement per table
 * on push and one query per read.
 */
@Entity
@Table(name = "manifest")
public class ManifestEntity {

    @Id
    private Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "repository_id")
    private RepositoryEntity repository;

    @Column(nullable = false)
    private String digest;

    protected ManifestEntity() {
        // for JPA
    }
}
