package dev.kqlisten.poller;

import java.util.function.Consumer;

import dev.kqlisten.nativeio.AcceptedPeer;

/**
 * The accept callback of a poller that accepts for the whole listener where the kernel does not
 * spread connections over several listening sockets: each new connection goes to the next poller
 * in turn, this one included, and stays on it for its life, so its events keep their order.
 * Loop thread of the accepting poller only.
 */
final class HandOff implements Consumer<AcceptedPeer> {

    private final Poller self;

    private final Consumer<AcceptedPeer> openHere;

    private final Poller[] pollers;

    private int next;

    HandOff(Poller self, Consumer<AcceptedPeer> openHere, Poller[] pollers) {
        this.self = self;
        this.openHere = openHere;
        this.pollers = pollers.clone();
    }

    @Override
    public void accept(AcceptedPeer peer) {
        Poller target = this.pollers[this.next];
        this.next = (this.next + 1 == this.pollers.length) ? 0 : this.next + 1;
        if (target == this.self) {
            this.openHere.accept(peer);
        }
        else {
            target.handOver(peer.fd(), peer.remoteAddress());
        }
    }

}
