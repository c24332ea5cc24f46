package dev.redundant.testing;

/**
 * What a simulated replica returns from a successful call ({@link ReplicaSet#call(int)},
 * {@link QueueingBackend#call(int)}): which replica answered and the call's index on the simulator.
 *
 * <p><b>Thread safety:</b> immutable.
 *
 * @param replica the replica that served the call, from 0
 * @param callIndex the call's index on the simulator, from 0 in the order the calls started
 */
public record ReplicaReply(int replica, long callIndex) {}
