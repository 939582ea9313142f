package dev.berth.adapters.db;

import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import java.io.Serializable;

/** A blob that a repository may see; see V2__registry.sql. Rows are created by a native upsert only. */
@Entity
@Table(name = "repository_blob")
@IdClass(BlobLinkEntity.Key.class)
public class BlobLinkEntity {

    @Id
    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "repository_id")
    private RepositoryEntity repository;

    @Id
    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "digest")
    private BlobEntity blob;

    protected BlobLinkEntity() {
        // for JPA
    }

    public record Key(Long repository, String blob) implements Serializable {
    }
}
