/**
 * Kernel readiness APIs (kqueue, epoll) and the socket calls around them, behind one seam.
 * <p>
 * This package tree is the only code that touches JNA. The root package holds the OS-neutral
 * seam ({@link dev.kqlisten.nativeio.Multiplexer}, {@link dev.kqlisten.nativeio.Sockets},
 * {@link dev.kqlisten.nativeio.ReadyEvents}, {@link dev.kqlisten.nativeio.Multiplexers});
 * {@code bsd} and {@code linux} hold the bindings, constant tables and struct layouts.
 */
package dev.kqlisten.nativeio;
