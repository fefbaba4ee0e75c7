//go:build !js

package waku

import (
	"testing"

	"github.com/posthorn/posthorn/internal/testutil"
)

// Every test ends with no goroutine of the node or its test clients left.
func TestMain(m *testing.M) { testutil.VerifyTestMain(m) }
