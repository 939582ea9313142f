package dev.berth.adminui;

/** Marks a view only administrators may open; {@link AccessControl} turns everybody else away. */
public interface AdminOnly {
}
