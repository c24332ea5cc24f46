package dev.redundant.examples;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The fixed-delay frontier of a scenario: the best p99 that some fixed delay reaches at a given number
 * of attempts per call. Built from the sweep's rows (and {@code failover-only}, the limit of an infinite
 * delay): the points that no other point beats on both load and p99, joined by straight lines.
 */
final class Frontier {
  /** A point: attempts per call and p99. */
  record Point(double attemptsPerCall, double p99Ms) {}

  private final List<Point> points;

  /**
   * Keeps the points no other point dominates, in increasing order of attempts per call.
   *
   * @param candidates the rows' points; NaN values are ignored
   */
  Frontier(List<Point> candidates) {
    List<Point> sorted = new ArrayList<>();
    for (Point p : candidates) {
      if (Double.isFinite(p.attemptsPerCall()) && Double.isFinite(p.p99Ms())) {
        sorted.add(p);
      }
    }
    sorted.sort(Comparator.comparingDouble(Point::attemptsPerCall).thenComparingDouble(Point::p99Ms));
    List<Point> kept = new ArrayList<>();
    for (Point p : sorted) {
      // sorted by load: a point is on the frontier when its p99 beats every cheaper point's
      if (kept.isEmpty() || p.p99Ms() < kept.get(kept.size() - 1).p99Ms()) {
        kept.add(p);
      }
    }
    this.points = List.copyOf(kept);
  }

  /**
   * Returns the frontier's points.
   *
   * @return the points, in increasing order of attempts per call and decreasing p99
   */
  List<Point> points() {
    return points;
  }

  /**
   * Returns the load of the frontier's cheapest point: no fixed delay makes fewer attempts per call.
   *
   * @return its attempts per call, or NaN if there are no points
   */
  double cheapestLoad() {
    return points.isEmpty() ? Double.NaN : points.get(0).attemptsPerCall();
  }

  /**
   * Returns the best p99 at a load, interpolated linearly between the frontier's points. Below the
   * cheapest point's load, that point's p99: no fixed delay makes so few attempts, and the cheapest one
   * is the nearest (a policy compared with it makes fewer attempts than it, not more).
   *
   * @param attemptsPerCall the load
   * @return the p99, or NaN above the frontier's range of loads or if it has no points
   */
  double p99At(double attemptsPerCall) {
    if (points.isEmpty()) {
      return Double.NaN;
    }
    if (attemptsPerCall <= points.get(0).attemptsPerCall()) {
      return points.get(0).p99Ms();
    }
    for (int i = 1; i < points.size(); i++) {
      Point lo = points.get(i - 1);
      Point hi = points.get(i);
      if (attemptsPerCall <= hi.attemptsPerCall()) {
        double f = (attemptsPerCall - lo.attemptsPerCall()) / (hi.attemptsPerCall() - lo.attemptsPerCall());
        return lo.p99Ms() + f * (hi.p99Ms() - lo.p99Ms());
      }
    }
    Point last = points.get(points.size() - 1);
    return attemptsPerCall == last.attemptsPerCall() ? last.p99Ms() : Double.NaN;
  }
}
