package dev.redundant.internal;

import org.jspecify.annotations.Nullable;

/** Argument checks that name the offending setting, in the style of Guava's and Caffeine's. */
public final class Checks {
  private Checks() {}

  /**
   * Throws {@link IllegalArgumentException} with a formatted message unless {@code expression} holds.
   *
   * @param expression the condition the argument must meet
   * @param template a {@link String#format} template naming the argument
   * @param args the template's arguments
   */
  @SuppressWarnings("AnnotateFormatMethod") // constant %s templates; Error Prone's annotations stay off the class path
  public static void requireArgument(boolean expression, String template, @Nullable Object... args) {
    if (!expression) {
      throw new IllegalArgumentException(String.format(template, args));
    }
  }
}
