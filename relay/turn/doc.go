// Package turn is the TURN server built into posthorn-relay (pion/turn):
// peers behind symmetric NATs or CGNAT, which cannot reach each other
// directly, relay their WebRTC traffic through it.
//
// It listens on one port over UDP and TCP and accepts the long-term
// credentials coturn's use-auth-secret mode accepts (the TURN REST API
// convention): the username is "<unix expiry>:<user>" and the password
// base64(HMAC-SHA1(secret, username)). Whoever knows the secret mints
// credentials with Credentials; clients put them in an RTCIceServer:
//
//	{urls: ["turn:relay.example.org:3478?transport=udp",
//	        "turn:relay.example.org:3478?transport=tcp"],
//	 username, credential}
package turn
