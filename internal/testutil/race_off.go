//go:build !race

package testutil

// Race is false without the race detector; see race_on.go.
const Race = false
