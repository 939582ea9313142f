/** Berth's domain: plain Java value objects and rules of a container image registry. */
package dev.berth.domain;
