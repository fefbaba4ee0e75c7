// Package wsnet turns an internal/ws connection into a net.Conn, apart from
// package ws so that browser builds which do not need one leave out the net
// package (about 30 KiB of brotli'd wasm).
package wsnet
