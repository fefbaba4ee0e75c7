//go:build !js

package main

import (
	"context"
	"fmt"
	"io"
)

// command is one subcommand: it parses its own flags from args.
type command struct {
	name  string
	usage string // one line: arguments
	short string // one line: what it does
	run   func(ctx context.Context, env *env, args []string) int
}

// env is what a subcommand reads and writes: the process's standard
// streams, or a test's.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

var commands []*command

func init() {
	commands = []*command{
		{"chat", "ROOM", "chat with the room, line by line (the demo page's chat)", runChat},
		{"send", "ROOM FILE...", "send files to the peers in the room", runSend},
		{"receive", "ROOM [DIR]", "save the files peers send into DIR (default .)", runReceive},
		{"pipe", "ROOM ACTION", "stdin to the room's ACTION, and ACTION to stdout", runPipe},
		{"peers", "ROOM", "list the peers in the room with their ping times", runPeers},
	}
}

// run is the whole command behind main, callable from tests: args
// without the program name; the exit status is returned.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, helpText())
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c := lookup(args[1]); c != nil {
				newFlags(c, e).fs.Usage()
				return 0
			}
		}
		fmt.Fprint(stdout, helpText())
		return 0
	}
	c := lookup(args[0])
	if c == nil {
		fmt.Fprintf(stderr, "posthorn: unknown command %q (see posthorn help)\n", args[0])
		return 2
	}
	return c.run(ctx, e, args[1:])
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}
