package dev.berth.application.browse;

/** How a page of tags is ordered: by name, or by when the tag was last set (ties by name). */
public enum TagSort {
    NAME, PUSHED
}
