package dev.redundant.examples.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 in front of one server that records, per client connection, the bytes relayed
 * each way and whether the client closed the connection: socket-level evidence that a losing HTTP exchange
 * was cancelled (the client closed its connection) before any response byte reached it (no body read).
 *
 * <p>Each connection is relayed by two virtual threads. Close the tap to close every socket. Thread-safe.
 */
public final class LoopbackTap implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  /** One client connection, as the tap saw it. */
  public static final class Connection {
    private final AtomicLong requestBytes = new AtomicLong();
    private final AtomicLong responseBytes = new AtomicLong();
    private volatile long responseBytesWhenClientClosed = -1;

    /**
     * Returns the bytes the client sent.
     *
     * @return bytes relayed from the client to the server
     */
    public long requestBytes() {
      return requestBytes.get();
    }

    /**
     * Returns the bytes relayed to the client.
     *
     * @return bytes relayed from the server to the client
     */
    public long responseBytes() {
      return responseBytes.get();
    }

    /**
     * Returns whether the client closed (or reset) the connection.
     *
     * @return true once the client's side ended
     */
    public boolean closedByClient() {
      return responseBytesWhenClientClosed >= 0;
    }

    /**
     * Returns how many response bytes the client had received when it closed the connection.
     *
     * @return the count, or -1 while the client has not closed it
     */
    public long responseBytesWhenClientClosed() {
      return responseBytesWhenClientClosed;
    }
  }

  /**
   * Starts relaying from a free port on 127.0.0.1 to {@code 127.0.0.1:upstreamPort}.
   *
   * @param upstreamPort the server's port, 1 to 65535
   * @throws IOException if the listening socket cannot be opened
   * @throws IllegalArgumentException if the port is out of range
   */
  public LoopbackTap(int upstreamPort) throws IOException {
    if (upstreamPort < 1 || upstreamPort > 65535) {
      throw new IllegalArgumentException("upstreamPort must be 1 to 65535, was " + upstreamPort);
    }
    this.upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort);
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("tap-accept").start(this::acceptLoop);
  }

  /**
   * Returns the tap's address, to use instead of the server's.
   *
   * @return {@code http://127.0.0.1:port}
   */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /**
   * Returns the connections accepted so far, in order.
   *
   * @return a snapshot
   */
  public List<Connection> connections() {
    return List.copyOf(connections);
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        sockets.add(client);
        sockets.add(server);
        server.connect(upstream);
        Connection connection = new Connection();
        connections.add(connection);
        Thread.ofVirtual().start(() -> {
          relay(client, server, connection.requestBytes);
          // Guard against race with the server->client relay: read the response count once the
          // client's side has ended, then close both sockets so the server sees the cancel too.
          connection.responseBytesWhenClientClosed = connection.responseBytes.get();
          closeQuietly(server);
          closeQuietly(client);
        });
        Thread.ofVirtual().start(() -> relay(server, client, connection.responseBytes));
      } catch (IOException e) {
        return; // the tap was closed
      }
    }
  }

  private static void relay(Socket from, Socket to, AtomicLong counter) {
    byte[] buffer = new byte[8192];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
        out.flush();
        counter.addAndGet(n);
      }
    } catch (IOException e) {
      // a reset or a closed socket ends the relay like an end of stream
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }

  @Override
  public void close() {
    closeQuietly(listener);
    sockets.forEach(LoopbackTap::closeQuietly);
  }

  private static void closeQuietly(ServerSocket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }
}
