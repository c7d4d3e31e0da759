/**
 * Address matching for listeners: CIDR blocks and lists (allowed sources, trusted proxies) and
 * the strict numeric address parser they share with the PROXY protocol. Plain Java, no
 * dependency on the loop, Spring or JNA.
 */
package dev.kqlisten.net;
