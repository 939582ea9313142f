package dev.berth.adapters.db;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import java.io.Serializable;

/** A tag and the digest of its manifest; see V2__registry.sql. Rows are created by a native upsert only. */
@Entity
@Table(name = "tag")
@IdClass(TagEntity.Key.class)
public class TagEntity {

    @Id
    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "repository_id")
    private RepositoryEntity repository;

    @Id
    private String name;

    @Column(name = "manifest_digest", nullable = false)
    private String manifestDigest;

    protected TagEntity() {
        // for JPA
    }

    public record Key(Long repository, String name) implements Serializable {
    }
}
