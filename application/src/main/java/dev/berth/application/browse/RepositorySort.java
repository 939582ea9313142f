package dev.berth.application.browse;

/** How a page of repositories is ordered; ties are broken by name, in the same direction. */
public enum RepositorySort {
    NAME, LAST_PUSH, SIZE
}
