package dev.kqlisten.proxy;

/** Where a {@link ProxyHeaderParser} stands after a call to {@code feed}. */
public enum ProxyHeaderStatus {

    /** The header is not complete yet: feed the connection's next bytes. */
    NEED_MORE,

    /** The header is complete; bytes after it are the application's. */
    DONE,

    /** The bytes are not a valid header; see {@link ProxyHeaderParser#failure()}. Close the connection. */
    FAILED

}
