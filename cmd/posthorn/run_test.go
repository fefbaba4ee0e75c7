//go:build !js

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestHelpAndUsage: help names every command; usage errors exit 2 before
// joining anything.
func TestHelpAndUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"help"}, nil, &out, &errb); code != 0 {
		t.Fatalf("help exited with %d", code)
	}
	for _, c := range commands {
		if !strings.Contains(out.String(), "\n  "+c.name+" ") {
			t.Errorf("help does not list %s:\n%s", c.name, out.String())
		}
	}
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"chat"},
		{"chat", "a", "b"},
		{"send", "room"},
		{"pipe", "room"},
		{"chat", "--strategy", "carrier-pigeon", "room"},
		{"peers", "--no-such-flag", "room"},
	} {
		errb.Reset()
		if code := run(context.Background(), args, nil, &out, &errb); code != 2 {
			t.Errorf("posthorn %v exited with %d, want 2; stderr:\n%s", args, code, errb.String())
		}
		if errb.Len() == 0 {
			t.Errorf("posthorn %v said nothing on stderr", args)
		}
	}
}
