package dev.redundant.examples.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The {@code --name value} options of an example's {@code main}, with defaults. Immutable.
 */
public final class ExampleArgs {
  private final Map<String, String> values;

  private ExampleArgs(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Parses the options; those not given keep their defaults.
   *
   * @param args the arguments, as {@code --name value}
   * @param defaults every option the example knows, with its default, in the order of the usage line
   * @return the options
   * @throws IllegalArgumentException naming the option, if one is unknown or lacks its value
   */
  public static ExampleArgs parse(String[] args, Map<String, String> defaults) {
    Map<String, String> values = new LinkedHashMap<>(defaults);
    for (int i = 0; i < args.length; i++) {
      if (!defaults.containsKey(args[i])) {
        throw new IllegalArgumentException("unknown option " + args[i] + "; options: " + usage(defaults));
      }
      if (i + 1 == args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      values.put(args[i], args[++i]);
    }
    return new ExampleArgs(values);
  }

  /**
   * Returns an integer option.
   *
   * @param name the option, such as {@code --calls}
   * @param min the smallest value allowed
   * @param max the largest value allowed
   * @return its value
   * @throws IllegalArgumentException naming the option, if its value is not an integer in range
   */
  public int intIn(String name, int min, int max) {
    try {
      int n = Integer.parseInt(values.get(name).strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be an integer from " + min + " to " + max + ", was "
        + values.get(name));
  }

  /**
   * Returns an option's text as given.
   *
   * @param name the option, such as {@code --chart}
   * @return its value, possibly empty
   */
  public String text(String name) {
    return values.get(name).strip();
  }

  /**
   * Returns a time scale option, a number in (0, 1].
   *
   * @param name the option
   * @return its value
   * @throws IllegalArgumentException naming the option, if its value is not in (0, 1]
   */
  public double scale(String name) {
    try {
      double x = Double.parseDouble(values.get(name).strip());
      if (x > 0 && x <= 1) {
        return x;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a number in (0, 1], was " + values.get(name));
  }

  /**
   * Returns a long option.
   *
   * @param name the option
   * @return its value
   * @throws IllegalArgumentException naming the option, if its value is not a long
   */
  public long longValue(String name) {
    try {
      return Long.parseLong(values.get(name).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, was " + values.get(name));
    }
  }

  private static String usage(Map<String, String> defaults) {
    StringJoiner usage = new StringJoiner(" ");
    defaults.forEach((name, value) -> usage.add(name + " (" + value + ")"));
    return usage.toString();
  }
}
