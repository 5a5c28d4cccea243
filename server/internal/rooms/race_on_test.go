//go:build race

package rooms_test

// raceDetector: the race detector slows the embedded store (in-process
// Go) about tenfold; the long randomised test runs fewer steps under it.
const raceDetector = true
