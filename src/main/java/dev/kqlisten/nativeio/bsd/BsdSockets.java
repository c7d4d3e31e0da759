package dev.kqlisten.nativeio.bsd;

/** Placeholder until the native layer lands. */
public abstract class BsdSockets implements dev.kqlisten.nativeio.Sockets {
}
