package com.example.hostapp;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.kqlisten.boot.event.TcpDataReceivedEvent;

/** The host application's own listener: keeps every byte it is given, in arrival order. */
@Component
public class ReceivedBytes {

    private final ReentrantLock lock = new ReentrantLock();

    private final Condition grown = this.lock.newCondition();

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private final Set<String> threads = ConcurrentHashMap.newKeySet();

    @EventListener
    void onData(TcpDataReceivedEvent event) {
        this.threads.add(Thread.currentThread().getName());
        this.lock.lock();
        try {
            this.bytes.writeBytes(event.copyBytes());
            this.grown.signalAll();
        }
        finally {
            this.lock.unlock();
        }
    }

    /** Waits until at least {@code count} bytes arrived, then returns all of them. */
    public byte[] await(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        this.lock.lock();
        try {
            while (this.bytes.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Received " + this.bytes.size() + " of " + count + " bytes in " + timeout);
                }
                this.grown.awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
            }
            return this.bytes.toByteArray();
        }
        finally {
            this.lock.unlock();
        }
    }

    /** The names of the threads the events came on. */
    public Set<String> threads() {
        return this.threads;
    }

}
