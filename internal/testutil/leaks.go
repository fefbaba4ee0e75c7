package testutil

import "go.uber.org/goleak"

// VerifyTestMain runs a package's tests and fails them if they leave
// goroutines running (go.uber.org/goleak). Under js/wasm the runtime's own
// event-handler goroutine is not counted.
func VerifyTestMain(m goleak.TestingM) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("runtime.handleEvent"))
}
