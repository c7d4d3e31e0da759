package dev.kqlisten.nativeio.linux;

/** Placeholder until the native layer lands. */
public abstract class LinuxSockets implements dev.kqlisten.nativeio.Sockets {
}
