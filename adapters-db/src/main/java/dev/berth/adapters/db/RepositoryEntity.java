package dev.berth.adapters.db;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An image repository; see V2__registry.sql. Rows are created by a native upsert only. */
@Entity
@Table(name = "repository")
public class RepositoryEntity {

    @Id
    private Long id;

    @Column(nullable = false)
    private String name;

    protected RepositoryEntity() {
        // for JPA
    }

    public String name() {
        return name;
    }
}
