package dev.redundant.examples.http;

import java.io.Serial;

/**
 * A replica answered with a 4xx other than a rejected 503: the request itself is wrong, so another attempt
 * cannot fix it. The hedging policy declares it fatal with {@code fatalIf}, which ends the call at once.
 */
public final class ClientErrorException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final int status;

  /**
   * Creates the exception.
   *
   * @param status the HTTP status, 400 to 499
   * @param body the response body, for the message
   */
  public ClientErrorException(int status, String body) {
    super("HTTP " + status + ": " + body);
    this.status = status;
  }

  /**
   * Returns the HTTP status.
   *
   * @return 400 to 499
   */
  public int status() {
    return status;
  }
}
