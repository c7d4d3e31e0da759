/**
 * Splitting a connection's byte stream into frames (lines, RFC 6587 octet-counted syslog
 * messages, length-prefixed records, delimited records): one stateful decoder per connection,
 * fed with each read, with a bound on how much a peer can make it hold. Plain Java, no
 * dependency on the loop: the poller's read path drives it.
 */
package dev.kqlisten.framing;
