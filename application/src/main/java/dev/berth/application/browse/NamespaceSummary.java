package dev.berth.application.browse;

/**
 * A first path component of repository names ({@code team-a} of {@code team-a/app}), with how many
 * repositories are below it.
 */
public record NamespaceSummary(String namespace, long repositories) {
}
