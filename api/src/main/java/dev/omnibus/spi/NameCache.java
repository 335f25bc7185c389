package dev.omnibus.spi;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * A bounded, thread-safe memo of a pure name mapping, for drivers that turn wire header names into envelope
 * attribute names and back on every message ({@code ce_traceparent} to {@code traceparent}, say).
 *
 * <p>Without it each message builds the same new strings again. With it, the first {@value #DEFAULT_CAPACITY}
 * distinct names (or the capacity given) are mapped once and their results shared; further names, as a
 * producer that writes a new header name per message would send, are mapped on every call and never kept, so
 * a hostile or careless peer cannot grow the memo without bound.
 *
 * <p>The mapping must be pure (the same result for the same name, no side effects) and must not return
 * {@code null}; a driver that needs "no such attribute" returns a sentinel of its own and compares by identity.
 * Results are shared between threads and messages, which is safe because strings are immutable.
 */
public final class NameCache {
    /** The number of names kept when no capacity is given. */
    public static final int DEFAULT_CAPACITY = 1024;

    private final ConcurrentHashMap<String, String> kept = new ConcurrentHashMap<>();
    private final UnaryOperator<String> mapping;
    private final int capacity;

    private NameCache(UnaryOperator<String> mapping, int capacity) {
        this.mapping = Objects.requireNonNull(mapping, "mapping");
        if (capacity < 0) throw new IllegalArgumentException("capacity must be 0 or more, got " + capacity);
        this.capacity = capacity;
    }

    /** A memo of {@code mapping} keeping at most {@value #DEFAULT_CAPACITY} names. */
    public static NameCache of(UnaryOperator<String> mapping) { return new NameCache(mapping, DEFAULT_CAPACITY); }

    /** A memo of {@code mapping} keeping at most {@code capacity} names (0 keeps none). */
    public static NameCache of(UnaryOperator<String> mapping, int capacity) { return new NameCache(mapping, capacity); }

    /** {@code mapping.apply(name)}, computed once per kept name. */
    public String get(String name) {
        String mapped = kept.get(name);
        if (mapped != null) return mapped;
        mapped = Objects.requireNonNull(mapping.apply(name), () -> "the name mapping returned null for " + name);
        if (kept.size() < capacity) {
            String earlier = kept.putIfAbsent(name, mapped);
            if (earlier != null) return earlier;
        }
        return mapped;
    }

    /** How many names are kept now (at most the capacity). */
    public int size() { return kept.size(); }
}
