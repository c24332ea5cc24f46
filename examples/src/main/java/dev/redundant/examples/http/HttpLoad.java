package dev.redundant.examples.http;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.redundant.AllAttemptsFailedException;
import dev.redundant.Hedge;
import dev.redundant.examples.support.ConcurrentCalls;
import dev.redundant.examples.support.LatencySample;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes many calls through one policy against {@link WireMockReplicas}, from concurrent virtual-thread
 * callers, and measures success and latency on the client and requests per call on the servers (their
 * request journals, grouped by the {@value ReplicaClient#CALL_ID} header).
 */
final class HttpLoad {
  private HttpLoad() {}

  /**
   * What a run measured.
   *
   * @param name the policy's name
   * @param calls calls made
   * @param successes calls that returned a response
   * @param latency each call's latency on the client, failed calls included
   * @param requestsPerCall from the servers' journals, for each call id of this run (0 if none arrived)
   * @param hedgeRequests requests the servers received tagged {@value ReplicaClient#HEDGE}
   */
  record Result(String name, int calls, int successes, LatencySample latency, int[] requestsPerCall,
      long hedgeRequests) {
    double success() {
      return (double) successes / calls;
    }

    double meanRequestsPerCall() {
      return Arrays.stream(requestsPerCall).average().orElse(0);
    }
  }

  /**
   * Runs {@code calls} calls, {@code concurrency} at a time, then reads the journals.
   *
   * @throws InterruptedException if interrupted while waiting for the callers
   */
  static Result run(String name, Hedge<HttpResponse<String>> policy, ReplicaClient client,
      WireMockReplicas replicas, int calls, int concurrency) throws InterruptedException {
    String prefix = name.replaceAll("\\W+", "-") + "-" + System.nanoTime() + "-";
    long[] latency = new long[calls];
    AtomicInteger successes = new AtomicInteger();
    ConcurrentCalls.run(calls, concurrency, i -> {
      String callId = prefix + i;
      long start = System.nanoTime();
      try {
        policy.call(attempt -> client.send(attempt, callId, "weather in Lisbon"));
        successes.incrementAndGet();
      } catch (AllAttemptsFailedException e) {
        // counted as a failure; its latency counts too
      }
      latency[i] = System.nanoTime() - start;
    });
    int[] requests = new int[calls];
    long hedges = countRequests(replicas, prefix, requests);
    return new Result(name, calls, successes.get(), new LatencySample(latency), requests, hedges);
  }

  /**
   * Runs {@code calls} calls with {@code hedge.callStage} and {@link ReplicaClient#sendAsync}, {@code
   * concurrency} in flight at a time, started from this one thread: no thread waits for a call or runs
   * an attempt. Then reads the journals, as {@link #run}.
   *
   * @throws InterruptedException if interrupted while waiting for a free slot or for the last calls
   */
  static Result runAsync(String name, Hedge<HttpResponse<String>> policy, ReplicaClient client,
      WireMockReplicas replicas, int calls, int concurrency) throws InterruptedException {
    String prefix = name.replaceAll("\\W+", "-") + "-" + System.nanoTime() + "-";
    long[] latency = new long[calls];
    AtomicInteger successes = new AtomicInteger();
    Semaphore inFlight = new Semaphore(concurrency);
    CountDownLatch ended = new CountDownLatch(calls);
    for (int i = 0; i < calls; i++) {
      inFlight.acquire();
      String callId = prefix + i;
      int call = i;
      long start = System.nanoTime();
      policy.callStage(attempt -> client.sendAsync(attempt, callId, "weather in Lisbon"))
          .whenComplete((response, failure) -> {
            latency[call] = System.nanoTime() - start; // failed calls count too
            if (failure == null) {
              successes.incrementAndGet();
            }
            inFlight.release();
            ended.countDown(); // publishes latency[call] to the reader after await()
          });
    }
    ended.await();
    int[] requests = new int[calls];
    long hedges = countRequests(replicas, prefix, requests);
    return new Result(name, calls, successes.get(), new LatencySample(latency), requests, hedges);
  }

  /** Fills {@code requests[i]} with the requests of call {@code prefix + i}; returns the hedges among them. */
  private static long countRequests(WireMockReplicas replicas, String prefix, int[] requests) {
    Map<String, Integer> perCall = new HashMap<>();
    long hedges = 0;
    for (ServeEvent event : replicas.journal()) {
      String callId = event.getRequest().getHeader(ReplicaClient.CALL_ID);
      if (callId != null && callId.startsWith(prefix)) {
        perCall.merge(callId, 1, Integer::sum);
        if (event.getRequest().containsHeader(ReplicaClient.HEDGE)) {
          hedges++;
        }
      }
    }
    for (int i = 0; i < requests.length; i++) {
      requests[i] = perCall.getOrDefault(prefix + i, 0);
    }
    return hedges;
  }
}
