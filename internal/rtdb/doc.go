// Package rtdb is a small client of the Firebase Realtime Database's
// WebSocket protocol (wire version 5), the one the Firebase SDKs speak:
// JSON messages, split into frames of at most 16384 characters announced by
// a frame count; requests {"t":"d","d":{"r":n,"a":action,"b":body}} answered
// by {"r":n,"b":{"s":"ok"|error,"d":…}}; server pushes {"a":"d"|"m",…} with
// the data under a listened path; keep-alive "0" frames.
//
// It does what posthorn's firebase strategy needs and no more: put (set and
// remove), onDisconnect put, listen and unlisten without queries, and
// reconnection with a backoff. It runs natively and in the browser
// (internal/ws: coder/websocket natively, the browser's WebSocket under
// js/wasm).
//
// Not implemented: authentication (rules that need a signed-in user refuse
// us), queries, transactions and the persistent write queue of the SDKs (a
// write fails when the connection is down; the caller retries).
package rtdb
