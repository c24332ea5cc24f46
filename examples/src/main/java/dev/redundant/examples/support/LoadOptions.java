package dev.redundant.examples.support;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options of an example that makes many time-scaled calls: how many, at which time scale, how many at
 * a time, and the seed.
 *
 * @param count calls (or runs), at least 1
 * @param timeScale factor applied to the simulated latencies and to the hedge delays, in (0, 1]
 * @param concurrency callers at the same time, at least 1
 * @param seed seeds the simulated services
 */
public record LoadOptions(int count, double timeScale, int concurrency, long seed) {

  /**
   * Parses {@code countOption N --time-scale X --concurrency C --seed S}; options not given keep their
   * defaults (the seed's is 42).
   *
   * @param args the arguments
   * @param countOption the name of the count option, such as {@code --calls}
   * @param count its default
   * @param timeScale the default time scale
   * @param concurrency the default concurrency
   * @return the options
   * @throws IllegalArgumentException naming the option, if one is unknown, lacks its value or is out of range
   */
  public static LoadOptions parse(String[] args, String countOption, int count, double timeScale,
      int concurrency) {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put(countOption, Integer.toString(count));
    defaults.put("--time-scale", Double.toString(timeScale));
    defaults.put("--concurrency", Integer.toString(concurrency));
    defaults.put("--seed", "42");
    ExampleArgs options = ExampleArgs.parse(args, defaults);
    return new LoadOptions(options.intIn(countOption, 1, 10_000_000), options.scale("--time-scale"),
        options.intIn("--concurrency", 1, 10_000), options.longValue("--seed"));
  }

  /**
   * Converts a measured latency to the simulated service's seconds.
   *
   * @param nanos a measured latency
   * @return {@code nanos / timeScale}, in seconds
   */
  public double toolSeconds(long nanos) {
    return nanos / 1e9 / timeScale;
  }
}
