package dev.berth.adapters.db;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** Stored content, one row per digest; see V2__registry.sql. Rows are created by native upserts only. */
@Entity
@Table(name = "blob")
public class BlobEntity {

    @Id
    private String digest;

    @Column(nullable = false)
    private long size;

    /** Set by check --repair when storage lost the content; see V12__blob_missing.sql. */
    @Column(name = "missing_since")
    private Instant missingSince;

    protected BlobEntity() {
        // for JPA
    }

    public long size() {
        return size;
    }

    public boolean missing() {
        return missingSince != null;
    }
}
