//go:build !js

package browsertest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// ArtefactsEnv names the environment variable that sets the artefacts folder.
const ArtefactsEnv = "POSTHORN_ARTEFACTS"

// ArtefactsDir returns the folder for screenshots and other test artefacts:
// $POSTHORN_ARTEFACTS, else artefacts/ at the root of the module (gitignored),
// else artefacts/ in the working directory. It creates the folder.
func ArtefactsDir() (string, error) {
	dir := os.Getenv(ArtefactsEnv)
	if dir == "" {
		root, err := moduleRoot()
		if err != nil {
			root = "."
		}
		dir = filepath.Join(root, "artefacts")
	}
	return dir, os.MkdirAll(dir, 0o755)
}

// moduleRoot walks up from the working directory to the folder with go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("browsertest: no go.mod above the working directory")
		}
		dir = parent
	}
}

// writeArtefact writes data to the artefacts folder under name, made safe
// for a file name, and returns the path.
func writeArtefact(name string, data []byte) (string, error) {
	dir, err := ArtefactsDir()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, safeName(name))
	return path, os.WriteFile(path, data, 0o644)
}

// safeName replaces the characters of a subtest name that don't belong in a
// file name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
}
