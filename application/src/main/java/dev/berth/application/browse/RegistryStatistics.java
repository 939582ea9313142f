package dev.berth.application.browse;

/**
 * The dashboard's numbers.
 *
 * @param blobs       distinct blobs stored
 * @param storedBytes distinct blobs (each once, however many repositories link it) plus manifests
 * @param pushesToday manifest pushes since 00:00 UTC
 * @param pullsToday  manifest pulls (downloads, not HEAD requests) since 00:00 UTC
 */
public record RegistryStatistics(long repositories, long tags, long manifests, long blobs, long storedBytes,
                                 long pushesToday, long pullsToday) {
}
