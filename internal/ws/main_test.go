package ws_test

import (
	"testing"

	"github.com/posthorn/posthorn/internal/testutil"
)

// TestMain fails the package's tests if they leave goroutines running.
func TestMain(m *testing.M) { testutil.VerifyTestMain(m) }
