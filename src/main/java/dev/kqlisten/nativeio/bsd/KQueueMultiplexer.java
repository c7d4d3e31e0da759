package dev.kqlisten.nativeio.bsd;

/** Placeholder until the native layer lands. */
public abstract class KQueueMultiplexer implements dev.kqlisten.nativeio.Multiplexer {
}
