/**
 * The engine behind {@code dev.redundant}: not an API, not exported by the module, and free to change in
 * any release. Types here are non-null unless annotated {@code @Nullable} (JSpecify).
 */
@NullMarked
package dev.redundant.internal;

import org.jspecify.annotations.NullMarked;
