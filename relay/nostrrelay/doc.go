// Package nostrrelay is a NIP-01 Nostr relay: enough of the protocol for
// Trystero's nostr strategy (protocol-0.18 §7.2) and ordinary clients.
//
//   - ["EVENT", event]: the id (SHA-256 of the canonical serialisation) and
//     the BIP-340 signature are checked; the reply is ["OK", id, true|false,
//     msg]. Ephemeral kinds 20000–29999 (Trystero uses 29333) are forwarded to
//     matching subscriptions and not stored; other events are kept in a
//     small in-memory store bounded in count and bytes (oldest dropped
//     first); replaceable and addressable kinds are not treated specially.
//   - ["REQ", subId, filter...]: stored matches (newest arrival first, at
//     most limit per filter; the store is walked, never sorted), then
//     ["EOSE", subId], then live matches. Filters support
//     ids, authors, kinds, #<letter> tags, since, until and limit. A REQ with
//     an existing subId replaces that subscription.
//   - ["CLOSE", subId] ends a subscription.
//
// Malformed messages get a ["NOTICE", msg] and the connection survives.
// Over the per-connection rate limit, an EVENT gets ["OK", id, false,
// "rate-limited: …"], a REQ ["CLOSED", subId, "rate-limited: …"] and
// anything else a NOTICE, so that a client can tell what to send again.
// Oversized messages, clients
// whose send queue exceeds its byte cap and sockets silent past their
// deadlines lose their connection. Subscriptions per connection, filters per
// REQ and values per filter list are bounded (see Config).
//
// Server implements http.Handler; package relay mounts it at /nostr.
package nostrrelay
