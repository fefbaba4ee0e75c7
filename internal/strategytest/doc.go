// Package strategytest is the conformance suite every signalling strategy
// (signal/torrent, signal/nostr, signal/mqtt) runs end to end: real peers
// meet through real relays inside scripts/in-netns and use the room.
//
// A strategy's test file describes how to build an instance and start its
// relays in a Harness and calls Run; what is checked is the same for every
// strategy. RunChurn (leaks over joining and leaving) and RunMesh (a large
// room) are run by the strategies' own tests. Join and Member are exported for the strategy-specific tests
// that stay in each package (wire captures, relay quirks, benchmarks).
package strategytest
