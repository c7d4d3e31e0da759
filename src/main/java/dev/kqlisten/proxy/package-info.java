/**
 * The PROXY protocol (HAProxy's {@code proxy-protocol.txt}, versions 1 and 2) on the receiving
 * side: an incremental parser of the header a trusted proxy puts before a connection's first
 * byte, holding one small state per connection while the header is pending. Plain Java, no
 * dependency on the loop, Spring or JNA.
 */
package dev.kqlisten.proxy;
