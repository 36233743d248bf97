package graph

import "errors"

// ErrInternal is wrapped by every error that reports a bug in the
// converter rather than a problem with the model or the command line: a
// pass that broke the graph's invariants, a recovered panic in a handler,
// an inference rule or a folding rule. The command exits 4 on it.
var ErrInternal = errors.New("internal error")
