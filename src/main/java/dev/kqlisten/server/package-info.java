/**
 * Kqlisten's TCP server without Spring: {@link dev.kqlisten.server.KqlistenServer} binds the
 * listeners, runs one poller thread each, stops them and answers queries from snapshots;
 * {@code dev.kqlisten.boot} runs it in an application context.
 */
package dev.kqlisten.server;
