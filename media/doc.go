// Package media holds the media stream and track types that rooms send and
// receive (room.addStream, room.addTrack, onPeerStream and onPeerTrack in
// Trystero's API). The native build wraps pion tracks; the browser build
// wraps the page's MediaStream and MediaStreamTrack objects.
package media
