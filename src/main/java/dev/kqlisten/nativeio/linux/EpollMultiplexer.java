package dev.kqlisten.nativeio.linux;

/** Placeholder until the native layer lands. */
public abstract class EpollMultiplexer implements dev.kqlisten.nativeio.Multiplexer {
}
