// Package transfer describes what a room's actions carry: a received
// Message with its Kind and metadata, the Limits that bound what one remote
// peer can make a room buffer, and the errors a send can fail with for its
// name, data or metadata.
//
// The chunk codec that cuts messages into data-channel frames is internal;
// see docs/protocol-0.18.md §5 for the wire format.
package transfer
